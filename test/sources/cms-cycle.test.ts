import { cmsCase } from './cases/cms';
import { describeSourceCycle } from './cycle';

describeSourceCycle(cmsCase);
