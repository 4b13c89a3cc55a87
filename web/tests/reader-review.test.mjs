// What a reader's review of the built site found (2026-12-06): the course's
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
  const { page, context } = await openPage(browser, `${server.origin}/learn/`, { blockStorage: true });
  try {
    await page.waitForFunction(() => /Not saved: this browser blocks storage/.test(document.querySelector('.progress-panel .progress-status')?.textContent));
    assert.ok(await page.getByRole('button', { name: 'Export progress' }).isEnabled());
  } finally { await context.close(); }
});

/** Each identifier (SO_REUSEADDR, CAP_NET_BIND_SERVICE, …) in `selector`'s
 *  text, with the number of lines it is drawn on. */
function identifierLines(page, selector) {
  return page.evaluate((selector) => {
    const found = [];
    for (const el of document.querySelectorAll(selector)) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      // The element's text as one string, each character's node and offset.
      const chars = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < n.data.length; i++) chars.push([n, i]);
      }
      const text = chars.map(([n, i]) => n.data[i]).join('');
      for (const m of text.matchAll(/[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+/g)) {
        const range = document.createRange();
        const [sn, so] = chars[m.index];
        const [en, eo] = chars[m.index + m[0].length - 1];
        range.setStart(sn, so);
        range.setEnd(en, eo + 1);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        found.push({ name: m[0], lines: tops.size, wbr: el.querySelector('wbr') !== null });
      }
    }
    return found;
  }, selector);
}

const PAGES = [...['learn', 'guides'].flatMap((d) => fs.readdirSync(`${DIST}/${d}`, { withFileTypes: true })
  .filter((e) => e.isDirectory()).map((e) => `${d}/${e.name}/`))];

test('at 390 px no heading of a chapter or a guide, in either language, cuts a name (SO_REUSEADDR, SO_EXCLUSIVEADDRUSE) across lines', async () => {
  assert.ok(PAGES.length >= 20, PAGES.join(' '));
  // The prerendered pages, read without JavaScript: the headings are the server's.
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  const page = await context.newPage();
  const seen = new Set();
  try {
    for (const prefix of ['', 'zh-CN/']) {
      for (const p of PAGES) {
        await page.goto(`${server.origin}/${prefix}${p}`);
        for (const x of await identifierLines(page, 'main h1, main h2, main h3')) {
          seen.add(x.name);
          assert.equal(x.lines, 1, `${x.name} is drawn on ${x.lines} lines in a heading of /${prefix}${p}`);
          assert.equal(x.wbr, false, `a <wbr> in the heading holding ${x.name} in /${prefix}${p}`);
        }
      }
    }
    for (const name of ['SO_REUSEADDR', 'SO_EXCLUSIVEADDRUSE']) assert.ok(seen.has(name), `${name} is in some heading`);
  } finally { await context.close(); }
});

test('at 390 px CAP_NET_BIND_SERVICE moves whole to the next line in the guide to port 80, and the page overflows nowhere', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/guides/permission-denied-port-80/`, PHONE);
  try {
    await page.waitForSelector('main h1');
    const ids = await identifierLines(page, 'main h1, main h2, main h3, main p, main li');
    const cap = ids.filter((x) => x.name === 'CAP_NET_BIND_SERVICE');
    assert.ok(cap.length >= 3, 'the name is in the text');
    for (const x of cap) assert.equal(x.lines, 1, `${x.name} is drawn on ${x.lines} lines`);
    // Where the line runs out in `AmbientCapabilities=CAP_NET_BIND_SERVICE`:
    // after the `=`.
    const code = page.locator('main li code', { hasText: 'AmbientCapabilities=CAP_NET_BIND_SERVICE' });
    assert.equal(await code.evaluate((c) => c.textContent), 'AmbientCapabilities=CAP_NET_BIND_SERVICE', 'a copy is the text as written');
    assert.deepEqual(await overflowing(page), []);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

const MINE = 'os linux\nsocket Z tcp\nbind Z 0.0.0.0:7070\n';

for (const [lang, prefix, said] of [
  ['en', '', 'Example opened. The browser’s Back button returns to your scenario.'],
  ['zh-CN', 'zh-CN/', '已打开示例。按浏览器的“后退”按钮可回到你的场景。'],
]) {
  test(`an example picked from the ${lang} menu is named in a short notice, and Back does return to the reader's scenario`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/${prefix}#v1/linux/1/${b64(MINE)}`, PHONE);
    try {
      await ready(page);
      await page.click('details.examples > summary');
      const item = page.locator('.examples-list li a').nth(2);
      await item.waitFor();
      const title = await item.locator('.example-title').innerText();
      await item.click();
      await page.waitForFunction((t) => document.querySelector('#scenario-text')?.value.startsWith(`title ${t}`), title);
      const notice = page.locator('main > .notice');
      assert.equal(await notice.locator('p').innerText(), said);
      // The example's title is the heading right under it.
      assert.equal(await page.locator('h2.scenario-title').innerText(), title);
      assert.equal(await notice.getAttribute('role'), 'status');
      // Short on a phone: at most three lines.
      const p = await notice.locator('p').evaluate((el) => ({ h: el.getBoundingClientRect().height, lh: parseFloat(getComputedStyle(el).lineHeight) || 23 }));
      assert.ok(p.h <= 3 * p.lh + 2, `the notice is ${p.h}px tall`);
      // What it promises: Back gives the reader's scenario at its step.
      await page.goBack();
      await page.waitForFunction(() => document.querySelector('#scenario-text')?.value.startsWith('os linux\nsocket Z'));
      assert.equal(await page.inputValue('#scenario-text'), MINE);
      // A scenario the address brought (Back) is told as before.
      assert.notEqual(await notice.locator('p').innerText(), said);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}

for (const [size, opts] of [['wide', {}], ['phone', PHONE]]) {
  test(`a guide's "Link copied." appears beside its button and moves nothing (${size})`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/guides/address-in-use-after-restart/`, opts);
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
      await page.waitForSelector('.stepper');
      const lab = page.locator('.bindlab-widget').first();
      const copy = lab.getByRole('button', { name: 'Copy link' });
      await copy.scrollIntoViewIfNeeded();
      const said = lab.locator('.stepper-more [role="status"]');
      // The live region is there before anything is said in it.
      assert.equal(await said.count(), 1);
      assert.equal(await said.innerText(), '');
      const where = () => Promise.all([lab.locator('.stepper').boundingBox(), copy.boundingBox(), lab.locator('table.outcomes').boundingBox()]);
      const before = await where();
      await copy.click();
      await page.waitForFunction(() => document.querySelector('.bindlab-widget .stepper-more [role="status"]')?.textContent === 'Link copied.');
      const after = await where();
      for (const [k, name] of [[0, 'the stepper'], [1, 'Copy link']]) {
        assert.equal(Math.round(after[k].y), Math.round(before[k].y), `${name} stayed where it was`);
      }
      if (size === 'wide') assert.equal(Math.round(after[2].y), Math.round(before[2].y), 'the outcomes stayed where they were');
      // Beside the button, on its line where there is room.
      const box = await said.boundingBox();
      if (size === 'wide') assert.ok(Math.abs(box.y + box.height / 2 - (after[1].y + after[1].height / 2)) < 4, 'on the button\'s line');
      assert.equal(await lab.locator('> .notice').count(), 0, 'no banner above the stepper');
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}

for (const [size, opts] of [['wide', {}], ['phone', PHONE]]) {
  test(`the home page's three ways in read as three links, the paste page among them (${size})`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/`, opts);
    try {
      await ready(page);
      const links = page.locator('header.top .ways-in li a');
      assert.equal(await links.count(), 3);
      assert.match(await links.nth(0).innerText(), /^New to this\? The course explains it in 12 chapters →$/);
      assert.match(await links.nth(1).innerText(), /^Got an error\? \d+ guides start from the message →$/);
      // A reader with a live host in trouble: no page linked to the paste
      // page but the guides' index.
      assert.match(await links.nth(2).innerText(), /^Port already taken on your host\? Paste its socket table \(ss, netstat, lsof\) →$/);
      assert.equal(new URL(await links.nth(2).evaluate((a) => a.href)).pathname, '/paste/');
      for (let i = 1; i < 3; i++) {
        const [a, b] = [await links.nth(i - 1).boundingBox(), await links.nth(i).boundingBox()];
        const sameLine = Math.abs(a.y - b.y) < 4;
        if (sameLine) assert.ok(b.x - (a.x + a.width) >= 24, `a clear gap between them (${b.x - (a.x + a.width)}px)`);
        else assert.ok(b.y >= a.y + a.height - 1, `link ${i + 1} under the one before`);
      }
      // Not a sentence's words: no text between them.
      assert.equal(await page.locator('header.top .tagline a').count(), 0);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}
