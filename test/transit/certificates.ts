/** Self-signed certificates made with the openssl CLI, for 127.0.0.1, valid for a day. */
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface CertificateFiles {
  dir: string;
  cert: string;
  key: string;
}

export async function selfSignedCertificate(name = 'server'): Promise<CertificateFiles> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-tls-'));
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { dir, cert, key };
}
