/**
 * A right-to-be-forgotten request: the subject is suppressed first (nothing reloads it meanwhile),
 * then erased store by store, each step's counts saved as it finishes. The input is the request id;
 * the subject never enters history.
 */
import { ActivityFailure, ApplicationFailure, setHandler } from '@temporalio/workflow';
import { erasureProgressQuery, type ErasureReceipt, type ErasureRequestInput } from '../domain/privacy';
import { erasure } from './privacy-activities';

export async function erasureRequest({ requestId }: ErasureRequestInput): Promise<ErasureReceipt> {
  let receipt: ErasureReceipt | null = null;
  setHandler(erasureProgressQuery, () => receipt);
  const current = await erasure.startErasure(requestId);
  receipt = current;

  for (const step of current.steps) {
    if (step.status === 'done') continue;
    step.status = 'running';
    step.startedAt = new Date().toISOString();
    try {
      step.deleted = await erasure.eraseSubjectFrom({ requestId, step: step.step });
      step.status = 'done';
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      step.status = 'failed';
      step.detail = err.cause instanceof ApplicationFailure ? err.cause.message : err.message;
    }
    step.finishedAt = new Date().toISOString();
    if (step.status === 'failed') break;
    await erasure.saveErasureProgress(current);
  }

  current.status = current.steps.every((step) => step.status === 'done') ? 'completed' : 'failed';
  current.finishedAt = new Date().toISOString();
  await erasure.saveErasureProgress(current);
  return current;
}
