// Records tests/redis-server/corpus.redis against a real redis-server as raw RESP replies, into
// tests/redis/fixtures/redis-transcript.json, so `npm test` can replay the differential corpus
// without a server. Usage: node scripts/record-transcript.mjs [redis-url]  (default: own server)
// Arguments are parsed with the same redis-cli rules as the tests (a tiny copy of sdssplitargs
// would drift, so this reads the corpus through the parser's compiled output: see below).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { startRedisServer } from './redis-server-process.mjs';

const CORPUS = new URL('../tests/redis-server/corpus.redis', import.meta.url);
const OUT = new URL('../tests/redis/fixtures/redis-transcript.json', import.meta.url);

/** redis-cli's sdssplitargs (same rules as src/redis/cli-parse.ts), returning byte arrays. */
async function loadParser() {
  // The parser is TypeScript; Node 20 cannot import it directly, so use Vite's transform.
  const { createServer } = await import('vite');
  const vite = await createServer({
    server: { middlewareMode: true },
    appType: 'custom',
    logLevel: 'silent',
  });
  const mod = await vite.ssrLoadModule('/src/redis/cli-parse.ts');
  return { parse: mod.parseCliLine, close: () => vite.close() };
}

function encode(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args)
    parts.push(Buffer.from(`$${a.length}\r\n`), Buffer.from(a), Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Length of one complete RESP2 reply at buf[offset...], or -1 if incomplete. */
function replyEnd(buf, offset) {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buf[offset]);
  const head = buf.subarray(offset + 1, lineEnd).toString('latin1');
  if (type === '+' || type === '-' || type === ':') return lineEnd + 2;
  const n = Number(head);
  if (type === '$') {
    if (n < 0) return lineEnd + 2;
    const end = lineEnd + 2 + n + 2;
    return buf.length >= end ? end : -1;
  }
  if (type === '*') {
    let pos = lineEnd + 2;
    for (let i = 0; i < Math.max(n, 0); i++) {
      pos = replyEnd(buf, pos);
      if (pos < 0) return -1;
    }
    return pos;
  }
  throw new Error(`unexpected RESP type ${type}`);
}

async function main() {
  const server = process.argv[2] ? null : await startRedisServer();
  const url = new URL(process.argv[2] ?? server.url);
  const parser = await loadParser();
  const sock = connect(Number(url.port), url.hostname);
  await new Promise((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  let pending = Buffer.alloc(0);
  let waiter = null;
  sock.on('data', (d) => {
    pending = Buffer.concat([pending, d]);
    waiter?.();
  });
  const send = (args) =>
    new Promise((resolve) => {
      waiter = () => {
        const end = replyEnd(pending, 0);
        if (end < 0) return;
        const raw = pending.subarray(0, end).toString('latin1');
        pending = pending.subarray(end);
        waiter = null;
        resolve(raw);
      };
      sock.write(encode(args));
    });
  try {
    const info = await send([Buffer.from('INFO'), Buffer.from('server')]);
    const version = /redis_version:(\S+)/.exec(info)?.[1];
    await send([Buffer.from('FLUSHALL')]);
    const entries = [];
    let family = 'misc';
    for (const text of readFileSync(CORPUS, 'utf8').split('\n')) {
      const header = /^## (\S+)/.exec(text);
      if (header) family = header[1];
      if (text.startsWith('#') || text.trim() === '') continue;
      const args = parser.parse(text).map((a) => Buffer.from(a));
      const at = Date.now();
      entries.push({ family, command: text, at, resp: await send(args) });
    }
    await send([Buffer.from('FLUSHALL')]);
    mkdirSync(new URL('.', OUT), { recursive: true });
    writeFileSync(
      OUT,
      JSON.stringify({ recordedFrom: `redis-server ${version}`, entries }, null, 2) + '\n',
    );
    console.log(`recorded ${entries.length} replies from redis ${version}`);
  } finally {
    sock.destroy();
    await parser.close();
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
