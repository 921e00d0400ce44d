/**
 * The last check before a batch reaches a warehouse: rows of a suppressed (erased) subject are
 * dropped, and rows whose consent flag withdraws consent never reach the marketing table — where the
 * stream marks deletions they become deletions of that key, so a contact who withdrew consent also
 * leaves the table. Batches are rewritten only when something was screened out.
 */
import type { BatchRef, LoadResult } from '../../domain/cycle';
import { CONSENT_RULES } from '../../domain/privacy';
import type { StreamDefinition } from '../../domain/streams/types';
import type { Row } from '../sources/types';
import { stagedLine, type Staging } from '../staging/staging';
import type { SuppressionList } from './suppression';

export interface ScreenedBatches {
  clean: BatchRef | null;
  quarantine: BatchRef | null;
  /** Rows of suppressed subjects dropped, clean and quarantined together. */
  suppressed: number;
  /** Clean rows withheld for want of consent. */
  withoutConsent: number;
}

/** A load's figures with what the screen kept out of it. */
export type ScreenedLoadResult = LoadResult & Pick<ScreenedBatches, 'suppressed' | 'withoutConsent'>;

export interface ScreenInput {
  /** Staging area of the connector's stream, `<connectorId>/<stream>`. */
  area: string;
  stream: StreamDefinition;
  clean: BatchRef | null;
  quarantine: BatchRef | null;
  /** The clean rows were screened for consent already (validateBatch's `screenConsent`): only erasures are left to screen. */
  consentScreened?: boolean;
}

const rulesByStream = new WeakMap<StreamDefinition, typeof CONSENT_RULES>();

/** The consent rules that apply to the stream: only its own columns. Asked for every row, so worked out once per stream. */
function consentRulesFor(stream: StreamDefinition): typeof CONSENT_RULES {
  let rules = rulesByStream.get(stream);
  if (!rules) {
    const columns = new Set(stream.columns.map((column) => column.name));
    rules = CONSENT_RULES.filter((rule) => columns.has(rule.column));
    rulesByStream.set(stream, rules);
  }
  return rules;
}

/** Whether any row of the stream can withhold consent: it has an active rule or a consent column. */
const screensConsent = (stream: StreamDefinition): boolean => stream.activeRule !== undefined || consentRulesFor(stream).length > 0;

/**
 * True when a row withholds consent: it does not meet its stream's active rule (a row without the
 * rule's value does not meet it), or a consent column withdraws it. Deletions are always let through.
 */
export function withholdsConsent(stream: StreamDefinition, row: Row): boolean {
  if (stream.deletedColumn && row[stream.deletedColumn] === true) return false;
  if (stream.activeRule && row[stream.activeRule.column] !== stream.activeRule.equals) return true;
  return consentRulesFor(stream).some((rule) => row[rule.column] === rule.withheldWhen);
}

/** A deletion of the row's key, carrying nothing else of the row (no personal data). */
function deletionOf(stream: StreamDefinition, row: Row): Row | null {
  if (!stream.deletedColumn) return null;
  return { [stream.primaryKey]: row[stream.primaryKey], [stream.cursorColumn]: row[stream.cursorColumn], [stream.deletedColumn]: true };
}

/**
 * Clean rows as they may be loaded: a row withholding consent becomes a deletion of its key (or is
 * dropped where the stream marks none). Counts `withoutConsent` in `into`.
 */
export function screenConsent(stream: StreamDefinition, row: Row, into: { withoutConsent: number }): Row | null {
  if (!withholdsConsent(stream, row)) return row;
  into.withoutConsent += 1;
  return deletionOf(stream, row);
}

export async function screenBatches(staging: Staging, suppression: SuppressionList, input: ScreenInput): Promise<ScreenedBatches> {
  const { stream, area } = input;
  // The quality gate may have screened the clean rows for consent as it wrote them (QualitySummary.withoutConsent).
  const consentApplies = !input.consentScreened && screensConsent(stream);
  let suppressed = 0;
  const counted = { withoutConsent: 0 };

  let clean = input.clean;
  if (clean && (suppression.size > 0 || consentApplies)) {
    // Kept rows are written on by their lines as staged, re-encoded only when screening changed them.
    const kept: string[] = [];
    for (const line of await staging.readLines(clean)) {
      const row = JSON.parse(line) as Row;
      if (suppression.matches(row)) {
        suppressed += 1;
        continue;
      }
      const screened = consentApplies ? screenConsent(stream, row, counted) : row;
      if (screened) kept.push(screened === row ? line : stagedLine(screened));
    }
    if (suppressed + counted.withoutConsent > 0)
      clean = kept.length ? await staging.writeLines(area, stream, kept, clean.cursorAfter) : null;
  }

  let quarantine = input.quarantine;
  if (quarantine && suppression.size > 0) {
    const kept: string[] = [];
    let dropped = 0;
    for (const line of await staging.readLines(quarantine)) {
      const record = (JSON.parse(line) as Row)['record'];
      if (isRow(record) && suppression.matches(record)) dropped += 1;
      else kept.push(line);
    }
    if (dropped > 0) {
      suppressed += dropped;
      quarantine = kept.length ? await staging.writeLines(`${area}/quarantine`, stream, kept, null) : null;
    }
  }
  return { clean, quarantine, suppressed, withoutConsent: counted.withoutConsent };
}

export function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
