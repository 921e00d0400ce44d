import { ga4Case } from './cases/ga4';
import { describeSourceCycle } from './cycle';

describeSourceCycle(ga4Case);
