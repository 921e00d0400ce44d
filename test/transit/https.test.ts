/** The API over HTTPS: TLS 1.3 served, TLS 1.2 refused in the handshake, settings that name the variable. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import path from 'node:path';
import { connect, TLSSocket } from 'node:tls';
import express from 'express';
import { startApiServer, type RunningServer } from '../../api/server';
import { loadSettings } from '../../worker/settings';
import { selfSignedCertificate, type CertificateFiles } from './certificates';

describe('the API over HTTPS', () => {
  let files: CertificateFiles;
  let other: CertificateFiles;
  let server: RunningServer;
  let ca: Buffer;

  beforeAll(async () => {
    [files, other] = await Promise.all([selfSignedCertificate(), selfSignedCertificate('other')]);
    ca = await readFile(files.cert);
    const settings = loadSettings({ API_TLS_CERT_FILE: files.cert, API_TLS_KEY_FILE: files.key });
    const app = express();
    app.get('/api/v1/health', (_req, res) => res.json({ status: 'ok' }));
    server = await startApiServer({ app, port: 0, tls: settings.apiTls });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([files, other].map((f) => rm(f.dir, { recursive: true, force: true })));
  });

  test('serves a TLS 1.3 client whose certificate check passes', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { status, body, protocol } = await new Promise<{ status: number; body: string; protocol: string | null }>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/health`, { ca }, (res) => {
        const protocol = res.socket instanceof TLSSocket ? res.socket.getProtocol() : null;
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol }));
      });
      req.once('error', reject);
      req.end();
    });
    expect({ status, body: JSON.parse(body), protocol }).toEqual({ status: 200, body: { status: 'ok' }, protocol: 'TLSv1.3' });
  });

  test('refuses a client that offers TLS 1.2 at most', async () => {
    const port = Number(new URL(server.url).port);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca, maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2' });
      socket.once('secureConnect', () => {
        resolve(`connected with ${String(socket.getProtocol())}`);
        socket.destroy();
      });
      socket.once('error', (error: Error) => resolve(error.message));
    });
    expect(outcome).toMatch(/protocol version|alert/i);
    expect(outcome).not.toMatch(/^connected/);
  });

  test('settings refuse a half pair, an unreadable file, a non-PEM file and a key of another certificate, naming the variable', async () => {
    expect(() => loadSettings({ API_TLS_CERT_FILE: files.cert })).toThrow(/API_TLS_KEY_FILE: must be set together with API_TLS_CERT_FILE/);
    const missing = path.join(files.dir, 'missing.pem');
    expect(() => loadSettings({ API_TLS_CERT_FILE: missing, API_TLS_KEY_FILE: files.key })).toThrow(
      /API_TLS_CERT_FILE: cannot read .*missing\.pem \(ENOENT\)/,
    );
    const notPem = path.join(files.dir, 'not.pem');
    await writeFile(notPem, 'hello');
    expect(() => loadSettings({ API_TLS_CERT_FILE: files.cert, API_TLS_KEY_FILE: notPem })).toThrow(/API_TLS_KEY_FILE: .*not a PEM file/);
    expect(() => loadSettings({ API_TLS_CERT_FILE: files.cert, API_TLS_KEY_FILE: other.key })).toThrow(
      /API_TLS_CERT_FILE and API_TLS_KEY_FILE do not make a certificate and its key/,
    );
    expect(loadSettings({}).apiTls).toBeUndefined();
  });
});
