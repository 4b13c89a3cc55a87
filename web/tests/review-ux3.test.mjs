// What a reader's review of the built site found (2027-01): the course's
// progress panel claiming blocked storage before the app had read it; chapter
// titles broken inside an identifier ("SO_" / "REUSEADDR") on a phone; the
// sandbox's examples menu saying what a pasted link is told; a lab's "Link
// copied." pushing its buttons down; the home page's two links running
// together as one sentence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openPage, ready, live, b64, overflowing, DIST } from './harness.mjs';

let server, browser;
before(async () => {
  server = await serve({ csp: true });
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

for (const [lang, prefix, blocked, exportName] of [
  ['en', '', /Not saved|blocks storage/, 'Export progress'],
  ['zh-CN', 'zh-CN/', /未保存|禁止了存储/, '导出进度'],
]) {
  test(`the ${lang} contents page claims nothing about storage until the app has read it, and its buttons wait for the app`, async () => {
    // The prerendered file itself.
    const html = fs.readFileSync(`${DIST}/${prefix}learn/index.html`, 'utf8');
    const panel = html.slice(html.indexOf('progress-panel'));
    assert.doesNotMatch(panel, blocked);
    assert.doesNotMatch(panel, /chapters done|已完成/);
    // In the browser, with the wasm held back: the prerendered page as the
    // reader sees it while it loads.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    let release;
    const held = new Promise((r) => { release = r; });
    await context.route('**/*.wasm', async (route) => { await held; await route.continue(); });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${server.origin}/${prefix}learn/`, { waitUntil: 'domcontentloaded' });
      const status = page.locator('.progress-panel .progress-status');
      await status.waitFor();
      assert.doesNotMatch(await page.locator('.progress-panel').innerText(), blocked);
      assert.match(await status.innerText(), lang === 'en' ? /^Reading the progress saved in this browser…$/ : /^正在读取此浏览器中保存的进度…$/);
      const buttons = page.locator('.progress-panel button');
      assert.ok(await buttons.count() >= 3);
      for (const b of await buttons.all()) assert.ok(await b.isDisabled(), `${await b.innerText()} is inactive`);
      assert.ok(await page.locator('#import-code').isDisabled());
      // Shown as inactive, not only marked so.
      assert.equal(await page.getByRole('button', { name: exportName }).evaluate((b) => getComputedStyle(b).opacity), '0.45');
      // The app arrives: the count, where progress is kept, live buttons.
      release();
      await live(page);
      await page.waitForFunction(() => !document.querySelector('.progress-panel button:disabled'));
      assert.match(await status.innerText(), lang === 'en'
        ? /^0 of 12 chapters done\. Saved in this browser only — no account\.$/
        : /^已完成 0\/12 章。只保存在此浏览器中——无需账号。$/);
      assert.ok(await page.locator('#import-code').isEnabled());
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}

test('with storage blocked, the panel says so once the app knows', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
  });
  const page = await context.newPage();
  try {
    await page.goto(`${server.origin}/learn/`);
    await live(page);
    await page.waitForFunction(() => /Not saved: this browser blocks storage/.test(document.querySelector('.progress-panel .progress-status')?.textContent));
    assert.ok(await page.getByRole('button', { name: 'Export progress' }).isEnabled());
  } finally { await context.close(); }
});

