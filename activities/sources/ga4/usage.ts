/**
 * The property's token quota as GA4 reports it with each response (`returnPropertyQuota`). GA4 says
 * what remains, not the ceiling: the ceilings are the documented ones for the property's tier.
 */
import type { Ga4SourceConfig } from './definition';
import type { ReportedUsage } from '../types';
import type { ReportResponse } from './rows';

const TOKEN_LIMITS = {
  standard: { perDay: 200_000, perHour: 40_000 },
  '360': { perDay: 2_000_000, perHour: 400_000 },
} as const;

/** The more used of the hourly and daily budgets, or undefined when GA4 reported neither. */
export function reportedUsage(config: Ga4SourceConfig, response: ReportResponse): ReportedUsage | undefined {
  const limits = TOKEN_LIMITS[config.propertyTier];
  const quota = response.propertyQuota;
  const candidates: ReportedUsage[] = [];
  const hourly = quota?.tokensPerHour?.remaining;
  const daily = quota?.tokensPerDay?.remaining;
  if (typeof hourly === 'number')
    candidates.push({ used: Math.max(0, limits.perHour - hourly), limit: limits.perHour, scope: 'GA4 property tokens per hour' });
  if (typeof daily === 'number')
    candidates.push({ used: Math.max(0, limits.perDay - daily), limit: limits.perDay, scope: 'GA4 property tokens per day' });
  return candidates.reduce<ReportedUsage | undefined>(
    (most, next) => (!most || next.used / next.limit > most.used / most.limit ? next : most),
    undefined,
  );
}
