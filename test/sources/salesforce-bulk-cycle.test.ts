import { salesforceBulkCase } from './cases/salesforce';
import { describeSourceCycle } from './cycle';

describeSourceCycle(salesforceBulkCase);
