// End-to-end tests of the embeddable widgets: <bind-lab>, fenced blocks, the iframe page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { serve, launch, openPage } from './harness.mjs';

let server, cspServer, browser;
before(async () => {
  server = await serve();
  cspServer = await serve({ csp: true });
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); await cspServer?.close(); }
});

/** Waits until `n` widgets on the page have rendered. */
async function widgetsReady(page, n) {
  await page.waitForFunction((n) => {
    const els = [...document.querySelectorAll('bind-lab')];
    return els.length >= n && els.slice(0, n).every((e) => e.shadowRoot?.querySelector('.stepper, .problems'));
  }, n, { timeout: 15000 });
}

/** Text of the "N of M steps run" line of widget i. */
const progress = (page, i) => page.evaluate((i) => document.querySelectorAll('bind-lab')[i].shadowRoot.querySelector('.progress')?.textContent, i);
const clickIn = (page, i, label) => page.evaluate(([i, label]) => {
  [...document.querySelectorAll('bind-lab')[i].shadowRoot.querySelectorAll('button')].find((b) => b.textContent.includes(label)).click();
}, [i, label]);

test('the article page: three independent widgets, one wasm download, no console error', async () => {
  const { page, context, problems, urls } = await openPage(browser, server.origin + '/examples/article.html');
  try {
    await widgetsReady(page, 3);
    // Fetched once, and it is the sandbox build: a host page carries no course.
    assert.deepEqual(urls.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname), ['/pkg/bindlab_bg.wasm']);
    for (const u of urls) assert.ok(u.startsWith(server.origin), `request left the origin: ${u}`);
    const before = await Promise.all([0, 1, 2].map((i) => progress(page, i)));
    await clickIn(page, 1, 'Run all');
    await page.waitForFunction(() => /^7 of 7/.test(document.querySelectorAll('bind-lab')[1].shadowRoot.querySelector('.progress').textContent));
    assert.equal(await progress(page, 0), before[0]);
    assert.equal(await progress(page, 2), before[2]);
    const cell = await page.evaluate(() => [...document.querySelectorAll('bind-lab')[1].shadowRoot.querySelectorAll('tr')].find((r) => r.textContent.includes('bind tool')).textContent);
    assert.match(cell, /WSAEACCES/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test("the host page's CSS does not reach a widget, and the widget's does not reach the page", async () => {
  const { page, context } = await openPage(browser, server.origin + '/examples/article.html');
  try {
    await widgetsReady(page, 3);
    const styles = await page.evaluate(() => {
      const b = document.querySelector('bind-lab').shadowRoot.querySelector('.stepper button');
      const cs = getComputedStyle(b);
      return { bg: cs.backgroundColor, size: cs.fontSize, h1: getComputedStyle(document.querySelector('h1')).fontFamily, body: getComputedStyle(document.body).backgroundColor };
    });
    assert.notEqual(styles.bg, 'rgb(255, 105, 180)', 'hotpink from the host page');
    assert.notEqual(styles.size, '30px');
    assert.match(styles.h1, /Georgia/);
    assert.equal(styles.body, 'rgb(255, 253, 248)', "the page keeps its own background");
  } finally { await context.close(); }
});

test('a broken scenario shows its problems in its own box while the others keep working', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/examples/article.html');
  try {
    await widgetsReady(page, 3);
    const errorEvent = page.evaluate(() => new Promise((r) => document.addEventListener('bindlab-error', (e) => r(e.detail.problems), { once: true })));
    await page.evaluate(() => {
      const el = document.createElement('bind-lab');
      el.textContent = 'socket A tcp\nbind A 1.2.3.4:99999\n';
      document.querySelector('main').append(el);
    });
    await widgetsReady(page, 4);
    const text = await page.evaluate(() => document.querySelectorAll('bind-lab')[3].shadowRoot.querySelector('.problems').textContent);
    assert.match(text, /line 2, column 16: port 99999 is out of range/);
    assert.match((await errorEvent)[0], /2:16: port 99999/);
    await clickIn(page, 0, 'Step');
    await page.waitForFunction(() => /^1 of/.test(document.querySelectorAll('bind-lab')[0].shadowRoot.querySelector('.progress').textContent));
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the host API: load(), step(), reset() and the events', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/examples/article.html');
  try {
    await widgetsReady(page, 3);
    const log = await page.evaluate(async () => {
      const el = document.querySelectorAll('bind-lab')[2];
      const events = [];
      el.addEventListener('bindlab-step', (e) => events.push(`step ${e.detail.step}/${e.detail.total}`));
      const tick = () => new Promise((r) => setTimeout(r, 50));
      el.load('os linux\nsocket A tcp\nbind A 127.0.0.1:80\nlisten A\n');
      await tick();
      el.step(); await tick();
      el.step(); await tick();
      const mid = el.shadowRoot.querySelector('.progress').textContent;
      el.reset(); await tick();
      return { events, mid, end: el.shadowRoot.querySelector('.progress').textContent };
    });
    assert.equal(log.mid, '2 of 3 steps run');
    assert.equal(log.end, '0 of 3 steps run');
    assert.deepEqual(log.events.filter((e) => e.endsWith('/3')), ['step 0/3', 'step 1/3', 'step 2/3', 'step 0/3']);
    const ready = await page.evaluate(() => new Promise((r) => {
      const el = document.createElement('bind-lab');
      el.addEventListener('bindlab-ready', () => r(true));
      el.textContent = 'socket A tcp\n';
      document.body.append(el);
    }));
    assert.equal(ready, true);
    // Removing a widget destroys it cleanly; putting it back starts it again.
    await page.evaluate(() => { const el = document.querySelector('bind-lab'); el.remove(); document.querySelector('main').prepend(el); });
    await widgetsReady(page, 3);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('fenced ```bindlab blocks become widgets; other code blocks stay', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/examples/book.html');
  try {
    await widgetsReady(page, 2);
    assert.equal(await page.locator('bind-lab').count(), 2);
    assert.equal(await page.locator('code.language-bindlab').count(), 0);
    assert.equal(await page.locator('code.language-python').count(), 1);
    const second = await page.evaluate(() => {
      const r = document.querySelectorAll('bind-lab')[1];
      return { layout: r.getAttribute('layout'), heads: [...r.shadowRoot.querySelectorAll('.outcomes thead th')].map((t) => t.textContent) };
    });
    assert.equal(second.layout, 'compact');
    assert.deepEqual(second.heads, ['Step', 'Linux', 'FreeBSD']);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the iframe page sizes itself through postMessage, and "Open in bindlab" restores the scenario', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/examples/iframe.html');
  let href;
  try {
    await page.waitForFunction(() => parseInt(document.getElementById('frame').style.height || '0', 10) > 300, null, { timeout: 15000 });
    const frame = page.frameLocator('#frame');
    href = await frame.locator('bind-lab').evaluate((el) => el.shadowRoot.querySelector('a.open').href);
    assert.match(href, /\/index\.html#v1\/linux,freebsd\/0\//);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
  const site = await openPage(browser, href);
  try {
    await site.page.waitForSelector('.stepper');
    assert.match(await site.page.inputValue('#scenario-text'), /^bind B 192\.168\.0\.1:21  => EADDRINUSE$/m);
    assert.equal(await site.page.getByRole('checkbox', { name: 'Windows' }).isChecked(), false);
  } finally { await site.context.close(); }
});

test('keyboard: Tab moves into every widget and out again (no trap)', async () => {
  const { page, context } = await openPage(browser, server.origin + '/examples/article.html');
  try {
    await widgetsReady(page, 3);
    const seen = new Set();
    let reachedEnd = false;
    for (let i = 0; i < 400 && !reachedEnd; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => {
        const a = document.activeElement;
        if (a?.tagName === 'BIND-LAB') return `widget ${[...document.querySelectorAll('bind-lab')].indexOf(a)}`;
        return a?.textContent?.trim().slice(0, 40) ?? '';
      });
      if (where.startsWith('widget')) seen.add(where);
      if (where.startsWith('The same widgets')) reachedEnd = true;
    }
    assert.deepEqual([...seen].sort(), ['widget 0', 'widget 1', 'widget 2']);
    assert.ok(reachedEnd, 'focus left the last widget and reached the link after it');
  } finally { await context.close(); }
});

test('widgets work under a strict CSP, and axe finds no serious violation', async () => {
  const { page, context, problems } = await openPage(browser, cspServer.origin + '/examples/article.html');
  try {
    await widgetsReady(page, 3);
    await clickIn(page, 0, 'Run all');
    assert.deepEqual(problems, []);
    const { violations } = await new AxeBuilder({ page }).analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), []);
  } finally { await context.close(); }
});
