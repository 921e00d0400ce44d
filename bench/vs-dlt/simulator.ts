/**
 * The Salesforce simulator in a process of its own for the side-by-side runner, so that serving
 * pages never shares an event loop with the system being timed. Prints one JSON line, {"url"}, once
 * listening; stops on SIGTERM.
 *
 *   tsx bench/vs-dlt/simulator.ts <contacts>
 */
import { stopOnSignals } from '../../simulators/listen';
import { startSalesforceSimulator } from '../../simulators/salesforce/server';

async function main(): Promise<void> {
  const contacts = Number(process.argv[2] ?? 100_000);
  const simulator = await startSalesforceSimulator({
    contacts,
    counts: { Lead: 0, Opportunity: 0, CampaignMember: 0 },
    // Every system reads the whole org several times; the daily quota is not what is measured.
    quota: { max: 1_000_000_000 },
  });
  process.stdout.write(`${JSON.stringify({ url: simulator.url })}\n`);
  stopOnSignals('Salesforce', simulator);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
