/**
 * brand_sentiment_daily: Brandwatch mentions per query and UTC day of publication, by sentiment. The
 * mean score is a non-additive figure (averaged over that day's scored mentions, never summed);
 * mentions and impressions add up.
 */
import { col, countWhere, type ModelDefinition } from './types';

/** Brandwatch's sentiment labels: a column each, counting the day's mentions with that label. */
const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

const labelled = (label: string): string => countWhere(`LOWER(sentiment) = '${label}'`);

export const brandSentimentDailyModel: ModelDefinition = {
  name: 'brand_sentiment_daily',
  description: 'Brandwatch mentions per query and day, by sentiment, with the mean sentiment score.',
  grain: 'one Brandwatch query on one UTC day',
  primaryKey: ['query_id', 'day'],
  reads: ['brandwatch_mentions'],
  columns: [
    col('query_id', 'integer', 'none', 'the Brandwatch query', ['brandwatch_mentions.query_id']),
    col('day', 'date', 'none', 'the UTC day the mentions were published', ['brandwatch_mentions.date']),
    col('query_name', 'string', 'none', "the query's name", ['brandwatch_mentions.query_name']),
    col('mentions', 'integer', 'sum', 'mentions published that day', ['brandwatch_mentions.resource_id']),
    ...SENTIMENTS.map((label) => col(label, 'integer', 'sum', `of which ${label}`, ['brandwatch_mentions.sentiment'])),
    col('avg_sentiment_score', 'number', 'none', 'the mean sentiment score that day (never summed)', [
      'brandwatch_mentions.sentiment_score',
    ]),
    col('impressions', 'integer', 'sum', 'impressions of those mentions', ['brandwatch_mentions.impressions']),
  ],
  select: (d) => `
    SELECT query_id, ${d.utcDate('date')}, MAX(query_name), COUNT(*), ${SENTIMENTS.map(labelled).join(', ')},
           AVG(sentiment_score), SUM(impressions)
    FROM ${d.table('brandwatch_mentions')}
    WHERE date IS NOT NULL
    GROUP BY query_id, ${d.utcDate('date')}`,
};
