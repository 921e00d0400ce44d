/**
 * The consent screen run by the quality gate as it writes the clean rows (validateBatch's
 * `screenConsent`): the load gets the very file its own screen used to write, and reads it no more.
 */
import { screenBatches } from '../../activities/privacy/load-screen';
import { SuppressionList } from '../../activities/privacy/suppression';
import { defaultSuiteFor } from '../../activities/quality/suites';
import { validateBatch } from '../../activities/quality/validate';
import { ephemeralKeyRing } from '../../activities/secrets/key-ring';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import type { Row } from '../../activities/sources/types';
import { Staging } from '../../activities/staging/staging';
import type { BatchRef } from '../../domain/cycle';
import { useTempDir } from '../support/temp-dir';
import { RUN_TIME, contactRow } from './rows';

const stream = salesforceStreams.contact;
const area = 'connector-1/contact';
const suite = defaultSuiteFor('salesforce', 'contact');
const dir = useTempDir('consent-screen-', { each: true });
const noneErased = new SuppressionList(ephemeralKeyRing(), []);

async function readAll(staging: Staging, ref: BatchRef | null): Promise<Row[]> {
  const rows: Row[] = [];
  if (ref) for await (const row of staging.readBatch(ref)) rows.push(row);
  return rows;
}

/** Clean, opted out, quarantined (and opted out), deleted at the source. */
const rows = [
  contactRow(1),
  contactRow(2, { has_opted_out_of_email: true }),
  contactRow(3, { last_name: null, has_opted_out_of_email: true }),
  contactRow(4, { is_deleted: true }),
  contactRow(5),
];

it('writes withheld rows as deletions of their keys: the same clean file the load’s own screen wrote, counted once', async () => {
  const staging = new Staging(dir.path);
  const batch = await staging.writeBatch(area, stream, rows, { value: '2026-03-01T11:59:00.000Z', lastKey: '003000000000000005' });
  const judge = (screenConsent: boolean) => validateBatch({ staging }, { area, stream, batch, suite, runTime: RUN_TIME, screenConsent });

  const before = (await judge(false)).summary;
  const screenedAtLoad = await screenBatches(staging, noneErased, { area, stream, clean: before.clean, quarantine: before.quarantine });
  const { summary } = await judge(true);

  expect(summary.withoutConsent).toBe(1);
  expect(screenedAtLoad.withoutConsent).toBe(1);
  expect(summary.clean).toEqual(screenedAtLoad.clean);
  expect(await readAll(staging, summary.clean)).toEqual([
    rows[0],
    { id: rows[1]?.id, system_modstamp: rows[1]?.system_modstamp, is_deleted: true },
    rows[3],
    rows[4],
  ]);
  // The quality figures and the quarantine are the gate's as before: consent is no quality rule.
  expect({ ...summary, clean: null, withoutConsent: undefined }).toEqual({ ...before, clean: null });

  // Told so, the load's screen leaves the file as it is and counts nothing twice.
  const atLoad = await screenBatches(staging, noneErased, {
    area,
    stream,
    clean: summary.clean,
    quarantine: summary.quarantine,
    consentScreened: true,
  });
  expect(atLoad).toEqual({ clean: summary.clean, quarantine: summary.quarantine, suppressed: 0, withoutConsent: 0 });
});
