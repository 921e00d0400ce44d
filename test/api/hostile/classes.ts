/** The hostile classes: every request a client who means harm sends to one route, and the refusal each must get. */
import { z } from 'zod';
import { json, withField, nested, type Raw } from './requests';
import type { RouteInput } from './route-input';

export interface HostileRequest {
  label: string;
  path: string;
  body?: Raw;
  expected: { status?: number; path: string; rule: string };
}

const PATH_SEGMENTS: readonly { label: string; seg: string; rule: string }[] = [
  { label: 'a NUL (%00)', seg: '%00', rule: 'nul_character' },
  { label: '%ZZ', seg: '%ZZ', rule: 'invalid_encoding' },
  { label: 'broken UTF-8 (%E0%A4%A)', seg: '%E0%A4%A', rule: 'invalid_encoding' },
  { label: 'UTF-8 of a lone surrogate (%ED%A0%80)', seg: '%ED%A0%80', rule: 'invalid_encoding' },
];

const API_LIMIT_BYTES = 100 * 1024;
const CODEC_LIMIT_BYTES = 16 * 1024 * 1024;
/** The codec's payload routes read whole histories; its sign-in takes the API's limit. */
const TAKES_CODEC_LIMIT = /^POST \/codec\/(decode|encode)$/;

export function hostileRequests(name: string, route: RouteInput): HostileRequest[] {
  const requests: HostileRequest[] = [];
  if (route.param) {
    const param = route.param;
    for (const { label, seg, rule } of PATH_SEGMENTS)
      requests.push({ label: `path: ${label}`, path: route.path(seg), expected: { status: 400, path: param, rule } });
  }
  if (route.query) {
    requests.push({
      label: 'query: a NUL',
      path: `${route.path()}?${route.query}=a%00b`,
      expected: { status: 400, path: route.query, rule: 'nul_character' },
    });
  }
  const { valid, field } = route.body ?? { valid: { note: 'hello' }, field: 'note' };
  const into = (valueJson: string): Raw => json(withField(valid, field, valueJson));
  const path = route.path();
  /** A body the API does not read: refused by its Content-Type before anything else is looked at. */
  const unsupported = (label: string, body: Raw): HostileRequest => ({
    label: `body: ${label}`,
    path,
    body,
    expected: { status: 415, path: 'Content-Type', rule: 'unsupported_media_type' },
  });
  requests.push(
    {
      label: 'body: a NUL',
      path,
      body: into(JSON.stringify('before\u0000after')),
      expected: { status: 400, path: field, rule: 'nul_character' },
    },
    {
      label: 'body: a lone surrogate',
      path,
      body: into('"\\ud800someone@example.com"'),
      expected: { status: 400, path: field, rule: 'lone_surrogate' },
    },
    {
      label: 'body: a NUL in a key',
      path,
      body: json(JSON.stringify({ ...z.record(z.string(), z.unknown()).parse(valid), 'k\u0000': 1 })),
      expected: { status: 400, path: '"k\\u0000"', rule: 'nul_character' },
    },
    { label: 'body: nested 40 deep', path, body: into(nested(40)), expected: { status: 400, path: field, rule: 'too_deep' } },
    {
      label: 'body: nested 100,000 deep',
      path,
      body: into(nested(100_000)),
      // 600 kB: over the API's body limit before its depth is looked at; under the codec's.
      expected: TAKES_CODEC_LIMIT.test(name)
        ? { status: 400, path: field, rule: 'too_deep' }
        : { status: 413, path: '(body)', rule: 'too_big' },
    },
    {
      label: 'body: bytes that are not UTF-8',
      path,
      body: {
        bytes: Buffer.concat([Buffer.from('{"note": "'), Buffer.from([0xc3, 0x28, 0xe0, 0xa4]), Buffer.from('"}')]),
        contentType: 'application/json',
      },
      expected: { status: 400, path: '(body)', rule: 'invalid_utf8' },
    },
    { label: 'body: not JSON', path, body: json('{"note": '), expected: { status: 400, path: '(body)', rule: 'invalid_json' } },
    unsupported('text/plain', json(JSON.stringify(valid), 'text/plain')),
    unsupported('XML', json('<connector><name>x</name></connector>', 'application/xml')),
    unsupported('a form', json('name=x&description=y', 'application/x-www-form-urlencoded')),
    unsupported('no Content-Type', { bytes: Buffer.from(JSON.stringify(valid)) }),
    unsupported('JSON in Latin-1', json(JSON.stringify(valid), 'application/json; charset=iso-8859-1')),
    {
      label: 'body: over the size limit',
      path,
      body: json(
        withField(valid, field, JSON.stringify('x'.repeat((TAKES_CODEC_LIMIT.test(name) ? CODEC_LIMIT_BYTES : API_LIMIT_BYTES) + 1))),
      ),
      expected: { status: 413, path: '(body)', rule: 'too_big' },
    },
  );
  return requests;
}
