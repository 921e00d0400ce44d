/** Daily: judge every rotating credential and alert on those due (see activities/credential-activities.ts). */
import type { CredentialCheckResult } from '../activities/credential-activities';
import { control } from './activities';

export async function credentialCheck(): Promise<CredentialCheckResult> {
  return control.checkCredentialRotation();
}
