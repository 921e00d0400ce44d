/**
 * Staged files encrypted at rest, streamed in AES-256-GCM segments so a reader never holds a whole
 * batch nor yields a row that has not passed its integrity check:
 *   header   "IHSEAL1\n" | u8 key id length | key id | 8-byte random nonce prefix
 *   segment  u8 last (0|1) | u32 ciphertext length | ciphertext | 16-byte tag     (repeated)
 * Segment n's IV is the nonce prefix and n; its additional data is the header and the `last` byte,
 * so an altered key id, a reordered, dropped or appended segment, or a truncated file is refused.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { ConnectorError } from '../errors';
import type { KeyRing } from '../secrets/key-ring';
import { payloadKey } from '../secrets/payload-codec';

const MAGIC = Buffer.from('IHSEAL1\n', 'latin1');
const ALGORITHM = 'aes-256-gcm';
const NONCE_PREFIX_BYTES = 8;
const TAG_BYTES = 16;
const SEGMENT_HEAD_BYTES = 5;
const SEGMENT_BYTES = 64 * 1024;

function ivFor(noncePrefix: Buffer, segment: number): Buffer {
  const iv = Buffer.alloc(NONCE_PREFIX_BYTES + 4);
  noncePrefix.copy(iv);
  iv.writeUInt32BE(segment, NONCE_PREFIX_BYTES);
  return iv;
}

/** Whether a file starts with the sealed header (files staged before encryption do not). */
export async function isSealedFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const start = Buffer.alloc(MAGIC.length);
    const { bytesRead } = await handle.read(start, 0, MAGIC.length, 0);
    return bytesRead === MAGIC.length && start.equals(MAGIC);
  } finally {
    await handle.close();
  }
}

/** Encrypts what flows through with the ring's active key. */
export function sealStream(ring: KeyRing): Transform {
  const keyId = Buffer.from(ring.activeKeyId, 'utf8');
  const header = Buffer.concat([MAGIC, Buffer.from([keyId.length]), keyId, randomBytes(NONCE_PREFIX_BYTES)]);
  const noncePrefix = header.subarray(header.length - NONCE_PREFIX_BYTES);
  const key = ring.keyFor(ring.activeKeyId);
  let pending = Buffer.alloc(0);
  let segment = 0;

  const seal = (plain: Buffer, last: boolean): Buffer => {
    const cipher = createCipheriv(ALGORITHM, key, ivFor(noncePrefix, segment), { authTagLength: TAG_BYTES });
    segment += 1;
    const flag = Buffer.from([last ? 1 : 0]);
    cipher.setAAD(Buffer.concat([header, flag]));
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(ciphertext.length);
    return Buffer.concat([flag, length, ciphertext, cipher.getAuthTag()]);
  };

  return new Transform({
    construct(callback) {
      this.push(header);
      callback();
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending = Buffer.concat([pending, chunk]);
      // The segment that ends the file is only known at flush, so one full segment is always held back.
      while (pending.length > SEGMENT_BYTES) {
        this.push(seal(pending.subarray(0, SEGMENT_BYTES), false));
        pending = pending.subarray(SEGMENT_BYTES);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      callback(null, seal(pending, true));
    },
  });
}

/**
 * Decrypts what flows through when it starts with the sealed header, with whichever key of the ring
 * the header names; passes a plain file (staged before encryption was turned on) through as it is.
 */
export function openIfSealed(ring: KeyRing | undefined, file: string): Transform {
  let head: Buffer | null = Buffer.alloc(0);
  let reader: SealedFileReader | null = null;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        if (head !== null) {
          head = Buffer.concat([head, chunk]);
          if (head.length < MAGIC.length) return callback();
          chunk = head;
          head = null;
          reader = startReading(ring, file, chunk);
        }
        if (reader === null) return callback(null, chunk);
        for (const plain of reader.push(chunk)) this.push(plain);
        callback();
      } catch (error) {
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    },
    flush(callback: TransformCallback) {
      // Shorter than the header: a plain file of a few bytes (or none).
      if (head !== null) return callback(null, head);
      callback(reader === null || reader.finished() ? null : reader.refuse('it is truncated'));
    },
  });
}

/** A reader for a file whose first bytes are `start`; null for a plain one. */
function startReading(ring: KeyRing | undefined, file: string, start: Buffer): SealedFileReader | null {
  if (!start.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  if (!ring) throw new ConnectorError('config', `staged file ${file} is encrypted, but this process was given no payload keys to read it`);
  return new SealedFileReader(ring, file);
}

interface SealedHeader {
  bytes: Buffer;
  noncePrefix: Buffer;
  keyId: string;
}

class SealedFileReader {
  private buffered: Buffer = Buffer.alloc(0);
  private header: SealedHeader | null = null;
  private segment = 0;
  private ended = false;

  constructor(
    private readonly ring: KeyRing,
    private readonly file: string,
  ) {}

  refuse(why: string): ConnectorError {
    return new ConnectorError('data', `staged file ${this.file} was refused: ${why}`);
  }

  finished(): boolean {
    return this.ended && this.buffered.length === 0;
  }

  /** The plaintext of every segment the bytes so far complete. */
  *push(chunk: Buffer): Generator<Buffer> {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.header ??= this.readHeader();
    if (this.header === null) return;
    for (let plain = this.openSegment(this.header); plain !== null; plain = this.openSegment(this.header)) yield plain;
  }

  private readHeader(): SealedHeader | null {
    const buffered = this.buffered;
    if (buffered.length < MAGIC.length + 1) return null;
    if (!buffered.subarray(0, MAGIC.length).equals(MAGIC)) throw this.refuse('it does not start with the sealed-file header');
    const end = MAGIC.length + 1 + buffered.readUInt8(MAGIC.length) + NONCE_PREFIX_BYTES;
    if (buffered.length < end) return null;
    const bytes = Buffer.from(buffered.subarray(0, end));
    this.buffered = buffered.subarray(end);
    return {
      bytes,
      noncePrefix: bytes.subarray(end - NONCE_PREFIX_BYTES),
      keyId: bytes.subarray(MAGIC.length + 1, end - NONCE_PREFIX_BYTES).toString('utf8'),
    };
  }

  private openSegment(header: SealedHeader): Buffer | null {
    const buffered = this.buffered;
    if (buffered.length === 0) return null;
    if (this.ended) throw this.refuse('it has bytes after its last segment');
    if (buffered.length < SEGMENT_HEAD_BYTES) return null;
    const total = SEGMENT_HEAD_BYTES + buffered.readUInt32BE(1) + TAG_BYTES;
    if (buffered.length < total) return null;
    const flag = buffered.subarray(0, 1);
    const iv = ivFor(header.noncePrefix, this.segment);
    this.segment += 1;
    const decipher = createDecipheriv(ALGORITHM, payloadKey(this.ring, header.keyId), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([header.bytes, flag]));
    decipher.setAuthTag(buffered.subarray(total - TAG_BYTES, total));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(buffered.subarray(SEGMENT_HEAD_BYTES, total - TAG_BYTES)), decipher.final()]);
    } catch {
      throw this.refuse(
        `segment ${this.segment} failed its integrity check: altered, or key "${header.keyId}" is not the one that encrypted it`,
      );
    }
    this.ended = flag.readUInt8() === 1;
    this.buffered = buffered.subarray(total);
    return plain;
  }
}
