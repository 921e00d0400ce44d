/** A CMS connector reading a query of its own, through the real cycle into the warehouse. */
import { cmsCaseWith, OWN_QUERY } from './cases/cms';
import { describeSourceCycle } from './cycle';

describeSourceCycle(cmsCaseWith(OWN_QUERY, 'content_views, a query of its own'));
