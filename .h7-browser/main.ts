import { createPlaygroundClient } from '../src/runner/browser/playground-client.ts';
const client = createPlaygroundClient();
(window as unknown as { h7: unknown }).h7 = (async () => {
  const out: string[] = [];
  out.push(String(await client.load({ entries: [{ key: 'user:42', type: 'string', value: '{"id":42}', ttlMs: 5000 }], omittedKeys: 0 })));
  for (const line of ['SET greeting hello', 'GET greeting', 'INCR greeting', 'GET user:42', 'HELP GET', 'EVAL "return os.getenv(\'HOME\')" 0', 'MULTI', 'INCR n', 'EXEC']) {
    const r = await client.exec(line);
    out.push(`${line} => ${r.text}`);
  }
  return out;
})().catch((e) => ['FAILED ' + String(e)]);
