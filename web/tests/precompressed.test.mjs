// dist/ as a static host serves it: every text and wasm file has a .br and a
// .gz beside it that decompress to the file, and the browser, served those,
// runs the sandbox (the wasm compiled from a streamed, brotli-encoded body).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, openPage, ready, DIST } from './harness.mjs';

// The same list as xtask/src/compress.rs `COMPRESSIBLE`.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.svg', '.json', '.md', '.txt', '.bindlab', '.tsv', '.py', '.c', '.go', '.rs', '.java', '.cs']);

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

test('every compressible file in dist has a .br and a .gz that decompress to it', () => {
  const all = files(DIST);
  const compressible = all.filter((f) => COMPRESSIBLE.has(path.extname(f)));
  assert.ok(compressible.some((f) => f.endsWith('.wasm')), 'dist has wasm files');
  assert.ok(compressible.some((f) => f.endsWith('index.html')), 'dist has index.html');
  const missing = [];
  for (const f of compressible) {
    const original = fs.readFileSync(f);
    for (const [ext, decode] of [['.br', zlib.brotliDecompressSync], ['.gz', zlib.gunzipSync]]) {
      if (!fs.existsSync(f + ext)) { missing.push(path.relative(DIST, f) + ext); continue; }
      assert.ok(decode(fs.readFileSync(f + ext)).equals(original), `${path.relative(DIST, f)}${ext} decompresses to the file`);
    }
  }
  assert.deepEqual(missing, [], 'siblings missing');
  // Nothing else carries siblings (an image, the host's _headers).
  const stray = all.filter((f) => /\.(br|gz)$/.test(f) && !COMPRESSIBLE.has(path.extname(f.slice(0, -3))));
  assert.deepEqual(stray.map((f) => path.relative(DIST, f)), []);
});

let server, browser;
before(async () => {
  server = await serve({ precompressed: true, csp: true });
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

test('served precompressed, the sandbox starts with brotli-encoded files and no error', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/');
  const encodings = {};
  page.on('response', (r) => { encodings[new URL(r.url()).pathname] = r.headers()['content-encoding']; });
  try {
    await page.reload();
    await ready(page);
    await page.waitForSelector('.stepper button.primary:not([disabled])', { timeout: 15000 });
    assert.equal(encodings['/pkg/bindlab_bg.wasm'], 'br');
    assert.equal(encodings['/pkg/bindlab.js'], 'br');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
