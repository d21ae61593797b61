import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { chromium } from 'playwright-core';
const dist = '/tmp/h7-dist';
const types = { '.html': 'text/html', '.js': 'text/javascript' };
const server = createServer(async (req, res) => {
  const path = req.url === '/' ? '/index.html' : req.url.split('?')[0];
  try {
    const body = await readFile(join(dist, path));
    const headers = { 'content-type': types[extname(path)] ?? 'application/octet-stream' };
    if (/\/assets\/playground-worker-[\w-]+\.js$/.test(path)) headers['content-security-policy'] = "default-src 'none'; script-src 'self' 'unsafe-eval'";
    res.writeHead(200, headers).end(body);
  } catch { res.writeHead(404).end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await browser.newPage();
page.on('console', (m) => console.log('console:', m.text()));
page.on('requestfailed', (r) => console.log('failed:', r.url()));
page.on('response', (r) => r.status() >= 400 && console.log('status', r.status(), r.url()));
page.on('worker', (w) => { console.log('worker started', w.url()); w.on('console', (m) => console.log('worker console:', m.text())); });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(url);
const started = Date.now();
const out = await page.evaluate(() => window.h7);
console.log(out.join('\n'), `\n(${Date.now() - started} ms)`);
await browser.close();
server.close();
