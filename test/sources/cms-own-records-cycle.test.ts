/**
 * A CMS connector reading other records with a query of its own (Contentful-shaped articles, paged
 * by offset, keyed by sys.id), through the real cycle: the plan asks the CMS's schema, and the rows
 * land in cms_articles, typed as the schema types them.
 */
import { cmsCaseWith, CONTENTFUL_ARTICLES } from './cases/cms';
import { describeSourceCycle } from './cycle';

describeSourceCycle({
  ...cmsCaseWith(CONTENTFUL_ARTICLES, 'articles, a query of its own', 'contentful', 'articles'),
  // As the schema types them: String, DateTime, Int.
  landedColumnTypes: { sys_id: 'VARCHAR', sys_published_at: 'TIMESTAMP WITH TIME ZONE', title: 'VARCHAR', url: 'VARCHAR', views: 'BIGINT' },
});
