// Generates src/redis/command-docs.json from a real redis-server 7 (COMMAND DOCS + COMMAND INFO).
// Usage: node scripts/gen-command-docs.mjs [redis-url]   (without a URL it starts its own server)
// The syntax line is built from the arguments tree the way redis-cli's help generator
// (utils/generate-command-help.rb) does, so `HELP SET` reads like redis-cli's.
import { writeFileSync } from 'node:fs';
import Redis from 'ioredis';
import { startRedisServer } from './redis-server-process.mjs';

const OUT = new URL('../src/redis/command-docs.json', import.meta.url);

/** RESP2 flat [k, v, k, v] arrays into objects, recursively for the keys we read. */
function toMap(flat) {
  const out = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

function argSyntax(raw) {
  const arg = toMap(raw);
  const flags = arg.flags ?? [];
  let name;
  if (arg.type === 'block') name = arg.arguments.map(argSyntax).join(' ');
  else if (arg.type === 'oneof') name = arg.arguments.map(argSyntax).join('|');
  else if (arg.type === 'pure-token') name = null;
  else name = arg.display_text ?? arg.name;
  if (flags.includes('multiple')) {
    name = flags.includes('multiple_token')
      ? `${name} [${arg.token} ${name} ...]`
      : `${name} [${name} ...]`;
  }
  if (arg.token) name = [arg.token, name].filter((p) => p !== null).join(' ');
  if (flags.includes('optional')) name = `[${name}]`;
  return name;
}

function describe(docs, info) {
  const entry = {
    summary: docs.summary ?? '',
    since: docs.since ?? '',
    group: docs.group ?? '',
    syntax: (docs.arguments ?? []).map(argSyntax).join(' '),
    arity: info ? info[1] : 0,
  };
  return entry;
}

async function main() {
  const server = process.argv[2] ? null : await startRedisServer();
  const redis = new Redis(process.argv[2] ?? server.url);
  try {
    const version = toMap(
      (await redis.info('server'))
        .split('\r\n')
        .filter((l) => l.includes(':'))
        .flatMap((l) => l.split(':', 2)),
    ).redis_version;
    const docs = toMap(await redis.call('COMMAND', 'DOCS'));
    const infos = await redis.call('COMMAND', 'INFO', ...Object.keys(docs));
    const infoByName = new Map(infos.filter(Boolean).map((i) => [i[0], i]));
    const commands = {};
    for (const name of Object.keys(docs).sort()) {
      const d = toMap(docs[name]);
      const entry = describe(d, infoByName.get(name));
      if (d.subcommands) {
        const subs = toMap(d.subcommands);
        entry.subcommands = {};
        for (const full of Object.keys(subs).sort()) {
          const subInfo = infoByName.get(name)?.[9]?.find((s) => s[0] === full);
          entry.subcommands[full.split('|')[1]] = describe(toMap(subs[full]), subInfo);
        }
      }
      commands[name] = entry;
    }
    const out = { generatedFrom: `redis-server ${version} (COMMAND DOCS)`, commands };
    writeFileSync(OUT, JSON.stringify(out, null, 1) + '\n');
    console.log(
      `wrote ${Object.keys(commands).length} commands from redis ${version} to ${OUT.pathname}`,
    );
  } finally {
    redis.disconnect();
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
