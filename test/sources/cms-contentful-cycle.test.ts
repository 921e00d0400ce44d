/** A CMS connector on the Contentful preset (offset paging, sys.id and sys.publishedAt), through the real cycle into the warehouse. */
import { cmsCaseWith } from './cases/cms';
import { describeSourceCycle } from './cycle';

describeSourceCycle(cmsCaseWith({ query: 'contentful' }, 'content_views, Contentful preset', 'contentful'));
