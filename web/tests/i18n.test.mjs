// The site in Simplified Chinese (issue #17): the zh-CN pages are
// prerendered and hydrate in Chinese; the switch, the remembered choice,
// `?lang=` and the browser's languages pick the language; a permalink keeps
// it; the English site fetches nothing of it; axe on each Chinese page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { serve, launch, openPage, ready, b64 } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await serve({ csp: true, precompressed: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Every CJK ideograph in `s`. */
const han = (s) => (s.match(/\p{Script=Han}/gu) || []).length;

/** The English sentences a reader meets in `selector`: four or more
 *  English words in a row, outside code (scenarios, commands, programs) and
 *  outside quotation marks (what an OS or a document says, quoted as it is). */
async function englishSentences(page, selector) {
  const text = await page.locator(selector).first().evaluate((el) => {
    const c = el.cloneNode(true);
    for (const x of c.querySelectorAll('pre, code, textarea, svg, .static-run')) x.remove();
    return c.innerText;
  });
  const unquoted = text.replace(/“[^”]*”|"[^"]*"|「[^」]*」/g, ' ');
  return unquoted.match(/\b[A-Za-z][a-z]+(?:[ ,]+[a-z]+){3,}\b/g) || [];
}

/** Waits until the page's address is `url` (after the redirects boot.js makes). */
function at(page, url) {
  return page.waitForFunction((u) => (typeof u === 'string' ? location.href === u : new RegExp(u.source).test(location.href)),
    typeof url === 'string' ? url : { source: url.source }, { timeout: 15000 });
}

async function axe(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.length}`);
}

test('a chapter in zh-CN: Chinese page, <html lang>, no English sentence, hydrated without errors, axe clean', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/learn/wildcard/`);
  try {
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.waitForSelector('.stepper');
    const nav = await page.locator('.site-nav').innerText();
    assert.match(nav, /沙盒/);
    assert.match(nav, /课程/);
    const main = await page.locator('main').innerText();
    assert.ok(han(main) > 500, `the chapter reads in Chinese (${han(main)} ideographs)`);
    const title = await page.title();
    assert.match(title, /bindlab 课程$/);
    // Run every scenario of the chapter: its why-lines too must be Chinese.
    for (const b of await page.locator('.stepper button:has-text("全部运行")').all()) await b.click();
    assert.deepEqual(await englishSentences(page, 'main'), []);
    assert.deepEqual(problems, []);
    assert.deepEqual(await axe(page), []);
  } finally {
    await context.close();
  }
});

test('the switch goes to the same page in the other language, is remembered, and keeps a permalink', async () => {
  const scenario = 'socket A tcp\nbind A 0.0.0.0:8080\nsocket B tcp\nbind B 0.0.0.0:8080\n';
  const { page, context } = await openPage(browser, `${server.origin}/learn/udp/`);
  try {
    await page.click('.lang-switch a[hreflang="zh-CN"]');
    await at(page, `${server.origin}/zh-CN/learn/udp/`);
    await page.waitForSelector('.stepper');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    // Remembered: an English address now opens in Chinese.
    await page.goto(`${server.origin}/glossary/#time-wait`);
    await at(page, `${server.origin}/zh-CN/glossary/#time-wait`);
    // The sandbox's permalink keeps its scenario and its language.
    await page.goto(`${server.origin}/#v1/linux/0/${b64(scenario)}`);
    await at(page, /\/zh-CN\/#v1\//);
    await ready(page);
    const hash = new URL(page.url()).hash;
    // Back to English, by the switch: the fragment comes along.
    await page.click('.lang-switch a[hreflang="en"]');
    await page.waitForFunction(() => !location.pathname.startsWith('/zh-CN/') && document.documentElement.lang === 'en');
    assert.equal(new URL(page.url()).hash, hash);
    await page.goto(`${server.origin}/learn/`);
    assert.equal(new URL(page.url()).pathname, '/learn/');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
  } finally {
    await context.close();
  }
});

test('Back from the switch returns to the English page and stays there; Back again leaves it', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/learn/`);
  try {
    await page.goto(`${server.origin}/learn/wildcard/`);
    await page.waitForSelector('.stepper');
    await page.click('.lang-switch a[hreflang="zh-CN"]');
    await at(page, `${server.origin}/zh-CN/learn/wildcard/`);
    await page.waitForSelector('.stepper');
    await page.goBack();
    await at(page, `${server.origin}/learn/wildcard/`);
    await page.waitForSelector('.stepper');
    // Not sent on to the Chinese page again (the choice is still remembered).
    await page.waitForTimeout(500);
    assert.equal(new URL(page.url()).pathname, '/learn/wildcard/');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.evaluate(() => localStorage.getItem('bindlab.lang')), 'zh-CN');
    await page.goBack();
    await at(page, `${server.origin}/learn/`);
  } finally {
    await context.close();
  }
});

test('?lang=zh-CN opens the Chinese page and is dropped from the address; the browser language decides a first visit', async () => {
  let { page, context } = await openPage(browser, `${server.origin}/guides/?lang=zh-CN`);
  try {
    await at(page, `${server.origin}/zh-CN/guides/`);
  } finally {
    await context.close();
  }
  ({ page, context } = await openPage(browser, `${server.origin}/learn/`, { locale: 'zh-CN' }));
  try {
    await at(page, `${server.origin}/zh-CN/learn/`);
    assert.ok(han(await page.locator('main').innerText()) > 50);
  } finally {
    await context.close();
  }
  ({ page, context } = await openPage(browser, `${server.origin}/learn/`, { locale: 'zh-TW' }));
  try {
    assert.equal(new URL(page.url()).pathname, '/learn/', 'Traditional Chinese readers get English, not Simplified');
  } finally {
    await context.close();
  }
});

test('an old #/ address keeps the language its address asks for: ?lang= or the zh-CN/ prefix', async () => {
  // A reader whose browser says English: only the address asks for Chinese.
  for (const [from, to] of [
    ['/?lang=zh-CN#/learn/udp', '/zh-CN/learn/udp/'],
    ['/zh-CN/#/learn/udp', '/zh-CN/learn/udp/'],
    ['/zh-CN/#/glossary/time-wait', '/zh-CN/glossary/#time-wait'],
    ['/#/learn/udp', '/learn/udp/'],
  ]) {
    const { page, context } = await openPage(browser, `${server.origin}${from}`, { locale: 'en-US' });
    try {
      await at(page, `${server.origin}${to}`);
      await page.waitForSelector('#app[data-live]');
      assert.equal(await page.getAttribute('html', 'lang'), to.startsWith('/zh-CN/') ? 'zh-CN' : 'en', from);
    } finally {
      await context.close();
    }
  }
});

test('the sandbox in zh-CN: the interface and the why-lines in Chinese, axe clean', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/`);
  try {
    await ready(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    // Run every step: the why-lines come from the engine's zh-CN overlay.
    await page.click('.stepper button:has-text("全部运行")');
    const body = await page.locator('body').innerText();
    assert.ok(han(body) > 200, `Chinese on the sandbox (${han(body)})`);
    assert.deepEqual(await englishSentences(page, 'body'), []);
    assert.deepEqual(problems, []);
    assert.deepEqual(await axe(page), []);
  } finally {
    await context.close();
  }
});

test('a guide in zh-CN reads in Chinese and hydrates; axe clean', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/guides/address-in-use-after-restart/`);
  try {
    await page.waitForSelector('.stepper');
    const main = await page.locator('main').innerText();
    assert.ok(han(main) > 300);
    assert.deepEqual(problems, []);
    assert.deepEqual(await axe(page), []);
  } finally {
    await context.close();
  }
});

test('an English reader fetches nothing of the Chinese texts', async () => {
  const { page, context, urls } = await openPage(browser, `${server.origin}/learn/five-tuple/`);
  try {
    await page.waitForSelector('.stepper');
    assert.deepEqual(urls.filter((u) => u.includes('/i18n/') || u.includes('/zh-CN/')), []);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
  } finally {
    await context.close();
  }
});


// Found by a reader on 2026-12-03: a zh-CN page's "Open in bindlab" went to
// `zh-CN/zh-CN/` (a 404), and Copy link on a guide copied `./#v1/…`, which
// opens nowhere else. Both must lead to the sandbox in the page's language.
for (const [lang, prefix, copyName] of [['en', '', 'Copy link'], ['zh-CN', 'zh-CN/', '复制链接']]) {
  test(`a ${lang} guide's Open in bindlab and Copy link reach the ${lang} sandbox`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/${prefix}guides/address-in-use-after-restart/`);
    try {
      await page.waitForSelector('.stepper');
      const open = page.locator('.bindlab-widget a.open').first();
      const href = await open.evaluate((a) => a.href);
      assert.match(href, new RegExp(`^${server.origin}/${prefix}#v1/`));
      const res = await page.request.get(href.split('#')[0]);
      assert.equal(res.status(), 200, href);
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
      await page.getByRole('button', { name: copyName }).first().click();
      await page.locator('.bindlab-widget .stepper-more .said[role="status"]:not(:empty)').first().waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), href);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
