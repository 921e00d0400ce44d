import { salesforceCase } from './cases/salesforce';
import { describeSourceCycle } from './cycle';

describeSourceCycle(salesforceCase);
