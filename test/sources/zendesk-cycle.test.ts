import { zendeskCase } from './cases/zendesk';
import { describeSourceCycle } from './cycle';

describeSourceCycle(zendeskCase);
