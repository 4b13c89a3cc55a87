// The guides ("Got an error?") in Debian's Chromium: from the home page to
// a guide, its live scenario showing the error and the fix, the engine's
// answers beside the text, the code picker, by keyboard, at phone width,
// and axe in both themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { serve, launch, openPage, ready, overflowing } from './harness.mjs';

let server, sub, browser;
before(async () => {
  server = await serve({ csp: true });
  // The site under a sub-path, as a static host may put it.
  sub = await serve({ csp: true, under: '/some/dir/' });
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); await sub?.close(); }
});

const SHOTS = process.env.BINDLAB_SHOTS; // a directory: save what the tests saw

/** The outcome cell of the step on `line` for `os` in the lab `#scenario-NAME`. */
function cell(page, name, line, os) {
  return page.locator(`#scenario-${name} tr`, { has: page.locator('.ln', { hasText: new RegExp(`^${line}$`) }) })
    .locator(`td[data-os="${os}"]`);
}

/** Presses Tab until the focused element matches `selector`. */
async function tabTo(page, selector, max = 300) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

for (const [size, viewport] of [['wide', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`home → Got an error? → the restart guide: the error on Linux, then the fix (${size})`, async () => {
    const { page, context, problems, urls } = await openPage(browser, server.origin + '/', { viewport, isMobile: size === 'phone' });
    try {
      await ready(page);
      // The home page (the sandbox) leads to the guides.
      await page.locator('header a.got-error').click();
      await page.waitForSelector('.guides-page ul.guides li');
      assert.equal(await page.title(), 'Got an error? — bindlab');
      assert.equal(await page.locator('h1').innerText(), 'Got an error?');
      assert.ok(await page.locator('ul.guides li').count() >= 8);
      // Each entry shows the messages that lead to it.
      const first = page.locator('ul.guides li').first();
      assert.match(await first.locator('.errors').innerText(), /Errno 98/);
      await first.locator('a').click();
      await page.waitForSelector('.lesson.guide .prose');
      assert.equal(new URL(page.url()).pathname, '/guides/address-in-use-after-restart/');
      assert.match(await page.title(), /^“Address already in use” right after restarting a server — bindlab guides$/);
      // What the reader sees, per OS and runtime, from the guide's data.
      assert.match(await page.locator('table.messages').innerText(), /OSError: \[Errno 98\] Address already in use/);
      // What a program prints is set as code; bindlab's own words as prose.
      const said = page.locator('table.messages tbody tr');
      assert.equal(await said.nth(1).locator('td > code').innerText(), 'OSError: [Errno 98] Address already in use');
      assert.match(await said.last().locator('td').innerText(), /^no error, by bindlab's reading of Microsoft's documentation: a restart binds at once/);
      assert.equal(await said.last().locator('td code').count(), 0);
      for (const h of ['Why', 'The fix', 'Check it on your machine']) {
        assert.equal(await page.locator('.prose h2', { hasText: new RegExp(`^${h}$`) }).count(), 1, h);
      }

      // The engine's answer under the broken scenario: fails on Linux, by its rule.
      const expect = page.locator('.expect').first();
      assert.match(await expect.locator('.truth').first().innerText(), /^Linux: it fails with EADDRINUSE\./);
      assert.equal(await expect.locator('.truth').first().locator('a.rule-link').getAttribute('href'), 'rules/#linux.bind.in-use');
      assert.match(await expect.locator('.truth').nth(3).innerText(), /^Windows: it succeeds\./);
      // Run the live scenario to the restart's bind: the table shows the error.
      assert.match(await cell(page, 'broken', 13, 'Linux').getAttribute('class'), /\bpending\b/);
      await expect.getByRole('button', { name: 'Run the scenario to line 13' }).click();
      await assert.doesNotReject(cell(page, 'broken', 13, 'Linux').locator('summary', { hasText: 'EADDRINUSE' }).waitFor());
      assert.match(await cell(page, 'broken', 13, 'macOS').innerText(), /EADDRINUSE/);
      assert.match(await cell(page, 'broken', 13, 'Windows').innerText(), /^ok/);
      // The fix: both servers set SO_REUSEADDR and the restart binds.
      const fixed = page.locator('.expect').nth(1);
      await fixed.getByRole('button', { name: 'Run the scenario to line 15' }).click();
      await cell(page, 'fixed', 15, 'Linux').locator('summary').waitFor();
      assert.match(await cell(page, 'fixed', 15, 'Linux').innerText(), /^ok/);
      assert.match(await cell(page, 'fixed', 15, 'FreeBSD').innerText(), /^ok/);
      assert.match(await fixed.locator('.truth').first().innerText(), /^Linux: it succeeds\./);

      // The fix in code: C first, then the reader's language.
      const code = page.locator('.code-tabs').first();
      assert.match(await code.locator('pre').innerText(), /setsockopt\(fd, SOL_SOCKET, SO_REUSEADDR/);
      await code.getByRole('tab', { name: 'Python' }).click();
      assert.equal(await code.getByRole('tab', { name: 'Python' }).getAttribute('aria-selected'), 'true');
      assert.match(await code.locator('pre').innerText(), /s\.setsockopt\(socket\.SOL_SOCKET, socket\.SO_REUSEADDR, 1\)/);
      // Copy puts the shown snippet on the clipboard and says so.
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
      await code.getByRole('button', { name: 'Copy' }).click();
      assert.equal(await code.locator('.code-status').innerText(), 'Copied.');
      assert.equal((await page.evaluate(() => navigator.clipboard.readText())).trim(), (await code.locator('pre').innerText()).trim());

      // The site's promise at phone width: no text overflows its box.
      if (size === 'phone') assert.deepEqual(await overflowing(page), []);
      if (SHOTS) {
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/guide-${size}.png`, fullPage: true });
      }
      // The language is remembered: the next guide opens in Python.
      await page.locator('.pager a[rel=next]').click();
      await page.waitForSelector('.lesson.guide .code-tabs');
      assert.equal(new URL(page.url()).pathname, '/guides/windows-10048/');
      assert.equal(await page.locator('.code-tabs [role=tab][aria-selected=true]').innerText(), 'Python');
      // One choice for the whole site: C# in a guide, and the sandbox's
      // Show as code opens in C# too (and the other way round).
      await page.locator('.code-tabs').first().getByRole('tab', { name: 'C#' }).click();
      await page.goto(`${server.origin}/`);
      await page.locator('.code-panel > summary').click();
      await page.waitForSelector('.code-panel pre.code');
      assert.equal(await page.getAttribute('.code-panel [role=tab][aria-selected=true]', 'data-lang'), 'csharp');
      await page.click('.code-panel [role=tab][data-lang=go]');
      await page.goto(`${server.origin}/guides/windows-10048/`);
      await page.waitForSelector('.lesson.guide .code-tabs');
      assert.equal(await page.locator('.code-tabs [role=tab][aria-selected=true]').first().innerText(), 'Go');
      assert.deepEqual(problems, []);
      assert.deepEqual(urls.filter((u) => !u.startsWith(server.origin)), []);
    } finally { await context.close(); }
  });
}

test('the guides are reached and used by keyboard alone', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/#/learn');
  try {
    await page.waitForSelector('.contents-page');
    // The site's navigation has "Got an error?" on every course page.
    await tabTo(page, 'nav.site-nav a[href="guides/"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.guides-page ul.guides li');
    // A page of its own (a page load): the focus starts at the document's top.
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BODY');
    await tabTo(page, 'ul.guides a[href="guides/permission-denied-port-80/"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.lesson.guide .expect .truth');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BODY');
    // Run the scenario to the privileged bind from its answer's button.
    await tabTo(page, '.expect button');
    await page.keyboard.press('Enter');
    await cell(page, 'broken', 5, 'Linux').locator('summary').waitFor();
    assert.match(await cell(page, 'broken', 5, 'Linux').innerText(), /^EACCES/);
    assert.match(await cell(page, 'broken', 5, 'macOS').innerText(), /^ok/);
    // The code picker: ARIA tabs, one Tab stop (the picked language); the
    // arrow keys pick the next one and take the focus along, Home and End
    // the ends (the code panel's tabs, views/lang_tabs.rs).
    await tabTo(page, '.code-tabs [role=tab]');
    const picked = () => page.locator('.code-tabs [role=tab][aria-selected=true]').innerText();
    const focused = () => page.evaluate(() => document.activeElement.textContent);
    assert.equal(await focused(), await picked(), 'Tab lands on the picked language');
    assert.equal(await page.locator('.code-tabs [role=tab][tabindex="0"]').count(), 1, 'one Tab stop');
    const names = await page.locator('.code-tabs [role=tab]').allInnerTexts();
    await page.keyboard.press('End');
    assert.equal(await picked(), names.at(-1));
    assert.equal(await focused(), names.at(-1));
    await page.keyboard.press('ArrowRight');
    assert.equal(await picked(), names[0], 'ArrowRight wraps round to the first');
    await page.keyboard.press('ArrowRight');
    assert.equal(await picked(), names[1]);
    assert.equal(await page.locator('.code-tabs [role=tabpanel] pre').getAttribute('data-lang'),
      await page.locator('.code-tabs [role=tab][aria-selected=true]').getAttribute('data-lang'), 'the panel shows the picked language');
    assert.equal(await page.locator('.code-tabs [role=tabpanel]').getAttribute('aria-labelledby'),
      await page.locator('.code-tabs [role=tab][aria-selected=true]').getAttribute('id'));
    await page.keyboard.press('Home');
    assert.equal(await focused(), names[0]);
    // Tab leaves the row: to the code itself.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'PRE');
    // The footer's shortcuts walk the guides (the focus off the code picker).
    assert.match(await page.locator('footer .shortcuts').innerText(), /next guide/);
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await page.waitForURL(/\/guides\/client-reached-wrong-program\/$/);
    // A page load: its shortcuts work once the app has hydrated it.
    await page.waitForSelector('#app[data-live]');
    await page.keyboard.press('Alt+Shift+ArrowLeft');
    await page.waitForURL(/\/guides\/permission-denied-port-80\/$/);
    await page.waitForSelector('#app[data-live]');
    await page.keyboard.press('Alt+Shift+ArrowUp');
    await page.waitForURL(/\/guides\/$/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// A new reader's review, 2026-12-06: on a phone a guide is long, and the
// reader with the error in front of them wants the fix first.
test("a guide's top links to its fix: the page's own section, under a sub-path, with or without wasm, in Chinese too; the focus lands on the heading", async () => {
  const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  const id = 'address-in-use-after-restart';
  // Without JavaScript, the site under a sub-path: the prerendered link.
  for (const [lang, prefix, heading] of [['en', '', /^The fix$/], ['zh-CN', 'zh-CN/', /^解决方法$/]]) {
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const at = `${sub.origin}/some/dir/${prefix}guides/${id}/`;
      await page.goto(at);
      const jump = page.locator('.guide .jump a');
      assert.equal(await jump.getAttribute('href'), `${prefix}guides/${id}/#the-fix`, lang);
      // Before the guide's body: on the first screen.
      const box = await jump.boundingBox();
      assert.ok(box.y + box.height < 844, `${lang}: the link is on the first screen (${box.y})`);
      await jump.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${at}#the-fix`);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'the-fix', `${lang}: the focus is on the fix's heading`);
      assert.match(await page.evaluate(() => document.activeElement.textContent.trim()), heading);
      const h = await page.locator('#the-fix').boundingBox();
      assert.ok(h.y >= -1 && h.y < 200, `${lang}: the heading is at the top of the screen (${h.y})`);
      // Tab goes on from the heading, into the fix.
      await page.keyboard.press('Tab');
      assert.ok(await page.evaluate(() => document.querySelector('#the-fix').compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING), `${lang}: Tab goes on after the heading`);
    } finally { await context.close(); }
  }
  // Hydrated: the same link, a move within the page (no page load), the focus on the heading.
  const { page, context, problems } = await openPage(browser, `${sub.origin}/some/dir/guides/${id}/`, PHONE);
  try {
    await page.waitForSelector('.lesson.guide .code-tabs');
    await page.evaluate(() => { window.stillHere = true; });
    await tabTo(page, '.guide .jump a');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Jump to the fix');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/some\/dir\/guides\/address-in-use-after-restart\/#the-fix$/);
    await page.waitForFunction(() => document.activeElement?.id === 'the-fix');
    assert.equal(await page.evaluate(() => window.stillHere), true, 'no page load');
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'the-fix', 'the focus stays on the heading');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('every guide opens, shows its answers and code; an unknown one says so', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/#/guides');
  try {
    await page.waitForSelector('ul.guides li');
    const hrefs = await page.locator('ul.guides li > a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length >= 9, hrefs.join(' '));
    assert.ok(hrefs.includes('guides/udp-only-one-receiver/'), hrefs.join(' '));
    for (const href of hrefs) {
      await page.goto(server.origin + '/' + href);
      await page.waitForSelector('.lesson.guide .code-tabs');
      assert.ok(await page.locator('.expect').count() >= 2, href);
      assert.ok(await page.locator('.bindlab-widget').count() >= 2, href);
      assert.equal(await page.locator('.expect .truth').count(), 4 * await page.locator('.expect').count(), href);
      assert.equal(await page.locator('.notice.error').count(), 0, href);
    }
    assert.deepEqual(problems, []);
    // An old address of a guide that does not exist lands on a page the host
    // does not have: its 404.
    const missing = await page.goto(server.origin + '/guides/no-such-guide/');
    assert.equal(missing.status(), 404);
  } finally { await context.close(); }
});

test('the UDP guide: one receiver gets the unicast datagrams, every member of the group a copy', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/#/guides/udp-only-one-receiver');
  try {
    await page.waitForSelector('.lesson.guide .code-tabs');
    assert.match(await page.title(), /^Only one of my UDP receivers gets the datagrams — bindlab guides$/);
    for (const h of ['Why', 'The fix', 'Check it on your machine']) {
      assert.equal(await page.locator('.prose h2', { hasText: new RegExp(`^${h}$`) }).count(), 1, h);
    }
    // The broken scenario's datagrams: Linux's newest socket takes them all,
    // Windows leaves it undefined; the engine's answer, with its rule.
    // FreeBSD refuses the second receiver's bind: a failure, marked as one.
    const refused = page.locator('.expect').first().locator('.truth').nth(1);
    assert.match(await refused.innerText(), /^FreeBSD: it fails with EADDRINUSE\./);
    assert.match(await refused.getAttribute('class'), /\bfails\b/);
    const unicast = page.locator('.expect').nth(1);
    assert.match(await unicast.locator('h3').innerText(), /line 14: datagram 192\.168\.0\.1:5000 x4/);
    assert.match(await unicast.locator('.truth').first().innerText(), /^Linux: r3 takes it\./);
    assert.equal(await unicast.locator('.truth').first().locator('a.rule-link').getAttribute('href'), 'rules/#linux.udp.deliver.newest');
    assert.match(await unicast.locator('.truth').nth(3).innerText(), /^Windows: the OS picks among several sockets/);
    await unicast.getByRole('button', { name: 'Run the scenario to line 14' }).click();
    await cell(page, 'broken', 14, 'Linux').locator('summary').waitFor();
    assert.match(await cell(page, 'broken', 14, 'Linux').innerText(), /r3×4/);
    assert.match(await cell(page, 'broken', 10, 'FreeBSD').innerText(), /EADDRINUSE/);
    // The fix: every receiver joined the group and each gets a copy, on all four.
    const fixed = page.locator('.expect').nth(4);
    assert.match(await fixed.locator('h3').innerText(), /line 20: datagram 239\.1\.2\.3:5000 x2/);
    await fixed.getByRole('button', { name: 'Run the scenario to line 20' }).click();
    await cell(page, 'fixed', 20, 'Linux').locator('summary').waitFor();
    for (const os of ['Linux', 'FreeBSD', 'macOS', 'Windows']) {
      const text = await cell(page, 'fixed', 20, os).innerText();
      for (const r of ['r1', 'r2', 'r3']) assert.match(text, new RegExp(`${r}×2`), `${os}: ${text}`);
      const truth = fixed.locator('.truth', { hasText: new RegExp(`^${os}:`) });
      assert.match(await truth.innerText(), /several sockets each receive a copy/);
      // Copies to every member are no failure: not marked as one.
      assert.doesNotMatch(await truth.getAttribute('class'), /\bfails\b/);
    }
    // The fix in code joins the group.
    const code = page.locator('.code-tabs').first();
    await code.getByRole('tab', { name: 'C', exact: true }).click();
    assert.match(await code.locator('pre').innerText(), /IP_ADD_MEMBERSHIP/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('axe: the guides index and a guide, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage(browser, server.origin + '/#/guides', { colorScheme });
    try {
      for (const hash of ['#/guides', '#/guides/client-reached-wrong-program']) {
        await page.goto(server.origin + '/' + hash);
        await page.waitForSelector(hash === '#/guides' ? 'ul.guides li' : '.lesson.guide .code-tabs');
        if (hash !== '#/guides') await page.locator('.expect button').first().click();
        const result = await new AxeBuilder({ page }).analyze();
        const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(serious.map((v) => `${colorScheme} ${hash}: ${v.id}: ${v.nodes[0]?.target}`), []);
      }
    } finally { await context.close(); }
  }
});

// Found by a reader on 2026-12-03: a long inline `code` in a guide's prose
// (AmbientCapabilities=CAP_NET_BIND_SERVICE) made the page scroll sideways
// on a phone. Every guide, in both languages, fits a 390 px screen.
test('every guide fits a phone screen, in English and in Chinese', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/guides/',
    { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await page.waitForSelector('ul.guides li');
    const hrefs = await page.locator('ul.guides li > a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const prefix of ['', 'zh-CN/']) {
      for (const href of hrefs) {
        await page.goto(`${server.origin}/${prefix}${href}`);
        await page.waitForSelector('.lesson.guide .stepper');
        assert.deepEqual(await overflowing(page), [], prefix + href);
      }
    }
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('without JavaScript a guide shows its fix in every language, hides the tabs and the buttons that need the app, and a lesson table keeps all four OSes on screen', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${server.origin}/guides/address-in-use-after-restart/`);
    const all = page.locator('.code-tabs .code-all');
    assert.equal(await all.isVisible(), true);
    assert.deepEqual(await all.locator('h4').allInnerTexts(), ['C', 'Python', 'Go', 'Rust', 'Node.js', 'Java', 'C#']);
    assert.match(await all.locator('pre[data-lang="python"]').innerText(), /setsockopt|socket/);
    assert.equal(await page.locator('.code-tabs [role="tablist"]').isVisible(), false);
    assert.equal(await page.locator('.code-tabs [role="tabpanel"]').isVisible(), false);
    for (const b of await page.locator('.expect button').all()) assert.equal(await b.isVisible(), false);
    // A lesson's static table: its last column inside the page's width.
    await page.goto(`${server.origin}/learn/five-tuple/`);
    const tables = page.locator('table.static-outcomes');
    assert.ok(await tables.count() > 0);
    for (const t of await tables.all()) {
      const last = await t.locator('thead th').last().boundingBox();
      assert.ok(last.x + last.width <= 1280, `the last OS's column ends at ${last.x + last.width}`);
    }
  } finally { await context.close(); }
  // With the app, the written-out code is gone and the tabs work.
  const { page, context: live, problems } = await openPage(browser, `${server.origin}/guides/address-in-use-after-restart/`);
  try {
    await page.waitForSelector('.lesson.guide .code-tabs');
    await page.waitForFunction(() => !document.querySelector('.code-tabs .code-all'));
    assert.equal(await page.locator('.code-tabs [role="tablist"]').isVisible(), true);
    assert.deepEqual(problems, []);
  } finally { await live.close(); }
});
