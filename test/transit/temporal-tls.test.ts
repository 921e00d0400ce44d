/** The Temporal connection's TLS and mTLS settings, read from the environment by every process. */
import { readFile, rm } from 'node:fs/promises';
import { loadSettings } from '../../worker/settings';
import { selfSignedCertificate, type CertificateFiles } from './certificates';

describe('Temporal TLS settings', () => {
  let ca: CertificateFiles;
  let client: CertificateFiles;
  beforeAll(async () => {
    [ca, client] = await Promise.all([selfSignedCertificate('ca'), selfSignedCertificate('client')]);
  });
  afterAll(async () => {
    await Promise.all([ca, client].map((f) => rm(f.dir, { recursive: true, force: true })));
  });

  test('none set: a plain connection', () => {
    expect(loadSettings({}).temporalTls).toBeUndefined();
  });

  test('CA, client certificate, key and server name make an mTLS configuration', async () => {
    const { temporalTls } = loadSettings({
      TEMPORAL_TLS_CA_FILE: ca.cert,
      TEMPORAL_TLS_CERT_FILE: client.cert,
      TEMPORAL_TLS_KEY_FILE: client.key,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(temporalTls).toEqual({
      serverRootCACertificate: await readFile(ca.cert),
      clientCertPair: { crt: await readFile(client.cert), key: await readFile(client.key) },
      serverNameOverride: 'temporal.internal',
    });
  });

  test('a CA alone is server-verified TLS without a client certificate', async () => {
    expect(loadSettings({ TEMPORAL_TLS_CA_FILE: ca.cert }).temporalTls).toEqual({ serverRootCACertificate: await readFile(ca.cert) });
  });

  test('a client certificate without its key, or a key of another certificate, names the variables', () => {
    expect(() => loadSettings({ TEMPORAL_TLS_CERT_FILE: client.cert })).toThrow(
      /TEMPORAL_TLS_KEY_FILE: must be set together with TEMPORAL_TLS_CERT_FILE/,
    );
    expect(() => loadSettings({ TEMPORAL_TLS_CERT_FILE: client.cert, TEMPORAL_TLS_KEY_FILE: ca.key })).toThrow(
      /TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE do not make a certificate and its key/,
    );
    expect(() => loadSettings({ TEMPORAL_TLS_CA_FILE: `${ca.dir}/nope.pem` })).toThrow(/TEMPORAL_TLS_CA_FILE: cannot read/);
  });

  test('codec CORS origins are a list of http(s) origins', () => {
    expect(loadSettings({ CODEC_CORS_ORIGINS: 'https://temporal-ui.internal/, http://127.0.0.1:8233' }).codecAllowedOrigins).toEqual([
      'https://temporal-ui.internal',
      'http://127.0.0.1:8233',
    ]);
    expect(() => loadSettings({ CODEC_CORS_ORIGINS: 'ftp://x' })).toThrow(/CODEC_CORS_ORIGINS.*http\(s\) origins/);
  });
});
