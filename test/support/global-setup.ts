// Placeholder until the Temporal test harness lands: starts nothing.
export default async function globalSetup(): Promise<void> {}
