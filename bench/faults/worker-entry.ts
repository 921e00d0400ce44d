/**
 * The fault runner's worker process: the production entry, worker/main.ts, with the phase probe
 * loaded first (it must install the SDK runtime before the worker connects). Preloading the probe
 * with a second --import would load it into the workflow threads too, which inherit the flags.
 */
import './phase-probe';
import '../../worker/main';
