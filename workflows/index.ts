export { ingestionCycle } from './ingestion-cycle';
export { revalidateQuarantine } from './revalidate-quarantine';
