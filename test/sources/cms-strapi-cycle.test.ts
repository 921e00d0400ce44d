/** A CMS connector on the Strapi preset (start/limit paging, documentId), through the real cycle into the warehouse. */
import { cmsCaseWith } from './cases/cms';
import { describeSourceCycle } from './cycle';

describeSourceCycle(cmsCaseWith({ query: 'strapi' }, 'content_views, Strapi preset', 'strapi'));
