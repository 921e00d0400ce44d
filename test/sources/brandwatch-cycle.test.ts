import { brandwatchCase } from './cases/brandwatch';
import { describeSourceCycle } from './cycle';

describeSourceCycle(brandwatchCase);
