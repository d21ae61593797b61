/**
 * Length-prefixed JSON frames over a pipe between the CLI and a runner child process: a 4-byte
 * big-endian byte length, then that many bytes of UTF-8 JSON. The receiver knows the size of a
 * frame before it buffers or parses any of it, so an oversized frame is refused by its header
 * (Node's own IPC channel would parse first). Used by both ends.
 */

/** Encodes one message as a frame. */
export function encodeFrame(text: string): Buffer {
  // Encoded straight into the frame: one buffer per message, not a body and a copy of it.
  const length = Buffer.byteLength(text, 'utf8');
  const frame = Buffer.allocUnsafe(4 + length);
  frame.writeUInt32BE(length, 0);
  frame.write(text, 4, 'utf8');
  return frame;
}

/** Encodes several messages as consecutive frames in one buffer (one write for all of them). */
export function encodeFrames(texts: readonly string[]): Buffer {
  let total = 0;
  const lengths = texts.map((text) => {
    const length = Buffer.byteLength(text, 'utf8');
    total += 4 + length;
    return length;
  });
  const frames = Buffer.allocUnsafe(total);
  let offset = 0;
  texts.forEach((text, i) => {
    frames.writeUInt32BE(lengths[i]!, offset);
    frames.write(text, offset + 4, 'utf8');
    offset += 4 + lengths[i]!;
  });
  return frames;
}

/** Handlers of a frame reader. */
export interface FrameHandlers {
  /** One complete frame's text. */
  onFrame(text: string): void;
  /** A frame announced more than `maxBytes`; nothing more is read. */
  onOversize(bytes: number): void;
}

/** Returns a `data` listener that cuts a byte stream into frames of at most `maxBytes`. */
export function frameReader(maxBytes: number, handlers: FrameHandlers): (chunk: Buffer) => void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  let need = -1;
  let stopped = false;
  const take = (n: number): Buffer => {
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    chunks = rest.length > 0 ? [rest] : [];
    buffered = rest.length;
    return head;
  };
  return (chunk) => {
    if (stopped) return;
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (need < 0) {
        if (buffered < 4) return;
        need = take(4).readUInt32BE(0);
        if (need > maxBytes) {
          stopped = true;
          chunks = [];
          handlers.onOversize(need);
          return;
        }
      }
      if (buffered < need) return;
      const body = take(need);
      need = -1;
      handlers.onFrame(body.toString('utf8'));
      if (stopped) return;
    }
  };
}

/**
 * `verify --redis` traffic shares the channel: bytes (Uint8Array, Buffer) inside it are tagged
 * as base64 so they survive JSON.
 */
export function encodeBytes(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeBytes);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeBytes(v);
    return out;
  }
  return value;
}

/** Reverses `encodeBytes`: tagged base64 becomes a Uint8Array again. */
export function decodeBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeBytes);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.$bytes === 'string' && Object.keys(record).length === 1) {
      const buffer = Buffer.from(record.$bytes, 'base64');
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = decodeBytes(v);
    return out;
  }
  return value;
}
