/**
 * The customer models, defined once and materialised in every destination's schema beside the
 * stream tables, in this order (a model may read the ones before it):
 *
 *   customer_identity      one row per Salesforce contact/lead of a customer: who is whom
 *   customer_touchpoint    each customer's timeline (email events, tickets, memberships, opportunities)
 *   customer               one row per person, identity stitched, with engagement
 *   campaign_performance   per campaign and UTC day
 *   content_performance    per CMS content item and UTC day, with GA4 page metrics
 *   brand_sentiment_daily  per Brandwatch query and UTC day
 *
 * e.g. `marketing.customer` in the embedded DuckDB. README "The customer model" says the rules.
 */
import { brandSentimentDailyModel } from './brand-sentiment-daily';
import { campaignPerformanceModel } from './campaign-performance';
import { contentPerformanceModel } from './content-performance';
import { customerModel } from './customer';
import { customerIdentityModel } from './customer-identity';
import { customerTouchpointModel } from './customer-touchpoint';
import type { ModelDefinition } from './types';

export const MODELS: readonly ModelDefinition[] = [
  customerIdentityModel,
  customerTouchpointModel,
  customerModel,
  campaignPerformanceModel,
  contentPerformanceModel,
  brandSentimentDailyModel,
];

/** The models' table names, for whoever decides who may read them (the query endpoint's roles). */
export const MODEL_TABLES: readonly string[] = MODELS.map((model) => model.name);

export type { Aggregation, ModelColumn, ModelDefinition, SourceColumn } from './types';
