/**
 * Mentions → warehouse rows. Pure, and lenient where the quality gate judges: an unknown sentiment is
 * kept as sent, like an unreadable timestamp (../column-values.ts), so the row is quarantined with a
 * reason instead of failing the whole cycle.
 */
import type { BrandwatchSourceConfig } from './definition';
import { brandwatchStreams, SENTIMENT_LABELS, type SentimentLabel } from './definition';
import { rowFromRecord } from '../column-values';
import type { Row } from '../types';

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

export function mapMention(mention: Readonly<Record<string, unknown>>, config: BrandwatchSourceConfig): Row {
  const row = rowFromRecord(mention, brandwatchStreams.mentions.columns);
  const { sentiment, sentiment_score } = sentimentOf(mention.sentiment, config.sentimentScores);
  row.sentiment = sentiment;
  row.sentiment_score = sentiment_score;
  return row;
}
