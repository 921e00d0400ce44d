/**
 * The recorded histories (histories/, written by record.ts) replay against today's workflow code: a
 * change that would break the determinism of running workflows fails here, before it ships. Every
 * workflow type the worker registers has a recording. See README.md beside this file.
 */
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { workflowBundle } from '../support/temporal';
import { exposuresIn, loadRecordedHistories, recordingFileJson } from './histories';

const recorded = loadRecordedHistories();
const results = new Map<string, ReplayResult>();

beforeAll(async () => {
  // No connection installs the quiet runtime here (support/temporal.ts does on connecting): the replay worker's state changes are noise.
  if (Runtime._instance === undefined) Runtime.install({ logger: new DefaultLogger('WARN') });
  const replay = Worker.runReplayHistories(
    { workflowBundle: await workflowBundle() },
    recorded.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  // One history at a time, in the order given: the runs of a workflow that continued as new share its id.
  let at = 0;
  for await (const result of replay) {
    results.set(recorded[at]?.name ?? '', result);
    at += 1;
  }
}, 60_000);

test('every workflow type the worker registers has a recorded history', () => {
  const missing = Object.keys(workflows).filter((type) => !recorded.some((r) => r.workflowType === type));
  expect(missing).toEqual([]);
});

const cases = recorded.map((r) => [r.name, r] as const);

test.each(cases)('%s replays without a determinism violation', (name, { workflowType }) => {
  expect(name.startsWith(`${workflowType}-`)).toBe(true);
  const result = results.get(name);
  expect(result).toBeDefined();
  // The error names the command that no longer matches the history.
  const error = result?.error;
  expect(error ? `${error.name}: ${error.message}` : null).toBeNull();
});

test.each(cases)('%s holds no email address', (_name, { workflowId, history }) => {
  expect(exposuresIn(recordingFileJson(workflowId, history))).toEqual([]);
});

test('the email check sees an address inside a payload', () => {
  const payload = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from('{"email":"someone@example.com"}').toString('base64'),
  };
  expect(exposuresIn({ events: [{ workflowExecutionStartedEventAttributes: { input: { payloads: [payload] } } }] })).toEqual([
    'an email address (someone@example.com)',
  ]);
});
