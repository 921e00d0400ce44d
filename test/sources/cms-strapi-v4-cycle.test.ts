/** A CMS connector on the Strapi 4 preset (entities with id and attributes, meta.pagination), through the real cycle into the warehouse. */
import { cmsCaseWith } from './cases/cms';
import { describeSourceCycle } from './cycle';

describeSourceCycle(cmsCaseWith({ query: 'strapi-v4' }, 'content_views, Strapi 4 preset', 'strapi-v4'));
