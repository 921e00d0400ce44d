/**
 * Real receivers for the notification tests: an HTTP server that keeps every request as it came (raw
 * body, headers, when), and Mailpit, a real SMTP server whose HTTP API says what mail arrived. Mailpit
 * comes from the project's script (scripts/mailpit.sh: found, or built with go install).
 */
import { spawn, execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { eventually } from '../support/eventually';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface HttpReceiver {
  url: string;
  received: ReceivedRequest[];
  on(path: string): ReceivedRequest[];
  stop(): Promise<void>;
}

/** Answers each POST with `statusFor(path)`, after keeping it. */
export async function startHttpReceiver(statusFor: (path: string) => number): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const requestPath = req.url ?? '/';
      received.push({ path: requestPath, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
      res.writeHead(statusFor(requestPath)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on: (wanted) => received.filter((request) => request.path === wanted),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const mailSummarySchema = z.object({
  ID: z.string(),
  MessageID: z.string(),
  Subject: z.string(),
  From: z.object({ Address: z.string() }),
  To: z.array(z.object({ Address: z.string() })),
});
const mailListSchema = z.object({ messages: z.array(mailSummarySchema) });
const mailSchema = z.object({ Subject: z.string(), Text: z.string() });

export type MailSummary = z.infer<typeof mailSummarySchema>;

export interface Mailpit {
  smtpPort: number;
  apiUrl: string;
  messages(): Promise<MailSummary[]>;
  text(id: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startMailpit(): Promise<Mailpit> {
  const root = path.resolve(__dirname, '../..');
  const binary = execFileSync('bash', [path.join(root, 'scripts/mailpit.sh'), 'path'], { encoding: 'utf8' }).trim();
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const child = spawn(
    binary,
    ['--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${httpPort}`, '--smtp-disable-rdns', '--disable-version-check'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const apiUrl = `http://127.0.0.1:${httpPort}`;
  const getJson = async (route: string): Promise<unknown> => {
    const response = await fetch(`${apiUrl}${route}`);
    if (!response.ok) throw new Error(`Mailpit answered ${response.status} to ${route}`);
    return response.json();
  };
  await eventually(
    'Mailpit answers',
    async () =>
      (await fetch(`${apiUrl}/api/v1/messages`).then(
        (r) => r.ok,
        () => false,
      )) || undefined,
    {
      timeoutMs: 20_000,
    },
  );
  return {
    smtpPort,
    apiUrl,
    messages: async () => mailListSchema.parse(await getJson('/api/v1/messages')).messages,
    text: async (id) => mailSchema.parse(await getJson(`/api/v1/message/${id}`)).Text,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
