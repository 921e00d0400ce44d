/**
 * The recorded workflow histories that CI replays: where they live, how they are written and read,
 * and what they must not hold. Shared by the recorder (record.ts) and the replay test.
 *
 * A file holds the run's workflow id (a history has none, and workflow code reads it: an approval's id
 * is made of it) beside the History message's own JSON (`History.toJSON()`: enum names, 64-bit numbers
 * and timestamps' seconds as strings, bytes in base64), read back with `History.fromObject`. Not the
 * SDK's historyToJSON/historyFromJSON: in this install @temporalio/common and @temporalio/proto each
 * carry their own copy of protobufjs 8 (google-gax holds protobufjs 7 at the top), and those
 * functions fail across the two copies with "type must be a Type".
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';

export const HISTORIES_DIR = path.join(__dirname, 'histories');

export interface RecordedHistory {
  /** `<workflowType>-<case>`: the file's name without `.json`. */
  name: string;
  workflowId: string;
  workflowType: string;
  history: History;
}

/** The workflow type a history runs, as its first event names it. */
export function workflowTypeOf(history: History): string {
  const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  if (!type) throw new Error('the history does not begin with WorkflowExecutionStarted');
  return type;
}

/** What a file holds: plain JSON, payloads in base64. */
export function recordingFileJson(workflowId: string, history: History): Record<string, unknown> {
  return { workflowId, history: temporal.api.history.v1.History.create(history).toJSON() };
}

const recordingFileSchema = z.object({
  workflowId: z.string().min(1),
  history: z.object({ events: z.array(z.record(z.string(), z.unknown())).min(1) }),
});

export function loadRecordedHistories(dir: string = HISTORIES_DIR): RecordedHistory[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const { workflowId, history: json } = recordingFileSchema.parse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      const history = temporal.api.history.v1.History.fromObject(json);
      return { name: file.slice(0, -'.json'.length), workflowId, workflowType: workflowTypeOf(history), history };
    });
}

/** Anything that reads like an email address (not `worker@1.24.0`, an SDK's name and version). */
const EMAIL = /[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}\b/i;

/**
 * What a history (in its JSON form) shows of `needles` or of any email address: every string, with
 * payloads decoded from base64, since that is how a reader of the file would find them. Empty when clean.
 */
export function exposuresIn(historyJson: unknown, needles: readonly string[] = []): string[] {
  const texts = textsOf(historyJson);
  const found = new Set<string>();
  for (const text of texts) {
    const email = EMAIL.exec(text);
    if (email) found.add(`an email address (${email[0]})`);
    for (const needle of needles) if (needle && text.includes(needle)) found.add(`a protected value (${needle.slice(0, 3)}…)`);
  }
  return [...found];
}

function textsOf(value: unknown, key = ''): string[] {
  if (typeof value === 'string') {
    // Payload data (and metadata) are base64 in the JSON form: what they say is in the decoded bytes.
    return key === 'data' || key === 'metadata' ? [value, Buffer.from(value, 'base64').toString('utf8')] : [value];
  }
  if (Array.isArray(value)) return value.flatMap((item) => textsOf(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([child, nested]) => textsOf(nested, key === 'metadata' ? key : child));
  }
  return [];
}
