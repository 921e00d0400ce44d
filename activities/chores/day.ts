/** The UTC day an instant falls on, YYYY-MM-DD: the day metrics count on, whatever the worker's time zone. */
export const utcDate = (date: Date): string => date.toISOString().slice(0, 10);
