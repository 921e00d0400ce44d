/**
 * Mentions → warehouse rows. Pure, and lenient where the quality gate judges: an unknown sentiment or
 * an unreadable timestamp is kept as sent, so the row is quarantined with a reason instead of failing
 * the whole cycle.
 */
import type { BrandwatchSourceConfig } from './definition';
import { brandwatchStreams, SENTIMENT_LABELS, type SentimentLabel } from './definition';
import type { StreamColumn } from '../../../domain/streams/types';
import { markUnconvertible, type Row } from '../types';

const isLabel = (value: string): value is SentimentLabel => SENTIMENT_LABELS.some((label) => label === value);

/**
 * The label and its score. Brandwatch sends a label; a number (custom classifiers, uploaded mentions)
 * is taken as the score itself, labelled by its sign, and judged by the suite's bounds.
 */
export function sentimentOf(
  raw: unknown,
  scores: BrandwatchSourceConfig['sentimentScores'],
): { sentiment: string | null; sentiment_score: number | null } {
  if (typeof raw === 'string') return { sentiment: raw, sentiment_score: isLabel(raw) ? scores[raw] : null };
  if (typeof raw === 'number' && Number.isFinite(raw)) {
    return { sentiment: raw > 0 ? 'positive' : raw < 0 ? 'negative' : 'neutral', sentiment_score: raw };
  }
  return { sentiment: null, sentiment_score: null };
}

/** A value that does not fit its column: its row goes to quarantine, not the whole extract down. */
const NOT_CONVERTIBLE = Symbol('not convertible');

function convert(column: StreamColumn, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (column.type) {
    case 'timestamp': {
      const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      return Number.isNaN(at) ? String(raw) : new Date(at).toISOString();
    }
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      return Number.isFinite(n) && (column.type === 'number' || Number.isInteger(n)) ? n : NOT_CONVERTIBLE;
    }
    default:
      return typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : JSON.stringify(raw);
  }
}

export function mapMention(mention: Readonly<Record<string, unknown>>, config: BrandwatchSourceConfig): Row {
  const row: Row = {};
  for (const column of brandwatchStreams.mentions.columns) {
    if (!column.sourceField) continue;
    const raw = mention[column.sourceField];
    const value = convert(column, raw);
    if (value === NOT_CONVERTIBLE) markUnconvertible(row, column.name, raw);
    else row[column.name] = value;
  }
  const { sentiment, sentiment_score } = sentimentOf(mention.sentiment, config.sentimentScores);
  row.sentiment = sentiment;
  row.sentiment_score = sentiment_score;
  return row;
}
