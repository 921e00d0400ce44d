export { ingestionCycle } from './ingestion-cycle';
