// "What your runtime does by default" (runtimes/) in Debian's Chromium:
// reached from the guides index, the table from content/runtimes.toml with
// each cell's source, the language filter, by keyboard, at phone width,
// axe in both themes; guide 01's generated sentences; the code panel's note.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { serve, launch, openPage, ready, live, overflowing, b64 } from './harness.mjs';

let server, browser;
before(async () => {
  server = await serve({ csp: true });
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

/** The row of the table for a content/runtimes.toml id. */
const row = (page, id) => page.locator(`table.runtimes tr#rt-${id}`);
const cellOf = (page, id, os) => row(page, id).locator(`td[data-os="${os}"]`);

/** Presses Tab until the focused element matches `selector`. */
async function tabTo(page, selector, max = 200) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

for (const [size, viewport] of [['wide', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`guides index → the runtime table: measured and cited cells, the language filter (${size})`, async () => {
    const { page, context, problems, urls } = await openPage(browser, server.origin + '/guides/', { viewport, isMobile: size === 'phone' });
    try {
      await page.waitForSelector('ul.guides li');
      await page.locator('.guides-page .lede a[href="runtimes/"]').click();
      await page.waitForSelector('table.runtimes tbody tr');
      await live(page);
      assert.equal(await page.title(), 'What your runtime does by default — bindlab');
      assert.equal(await page.locator('h1').innerText(), 'What your runtime does by default');
      // Every row of the data file, one per runtime call and socket.
      assert.equal(await page.locator('table.runtimes tbody tr').count(), 24);
      // Go's listener: SO_REUSEADDR on Unix, measured on Linux; not on Windows, cited.
      assert.match(await row(page, 'go-listener').locator('th').innerText(), /Go net[\s\S]*net\.Listen\("tcp", ":8080"\)/);
      const linux = cellOf(page, 'go-listener', 'Linux');
      assert.equal(await linux.locator('.rt-opts').innerText(), 'SO_REUSEADDR, dual stack (IPV6_V6ONLY off)');
      assert.equal(await linux.locator('summary').innerText(), 'measured');
      await linux.locator('summary').click();
      assert.match(await linux.locator('details p').innerText(), /^Measured on the Linux kernel in CI \(probe go:/);
      const windows = cellOf(page, 'go-listener', 'Windows');
      assert.equal(await windows.locator('.rt-opts').innerText(), 'nothing, dual stack (IPV6_V6ONLY off)');
      await windows.locator('summary').click();
      assert.match(await windows.locator('details p').innerText(), /^Cited: golang\/go@001eaf2d5de6 src\/net\/sockopt_windows\.go/);
      // C sets nothing; Java binds exclusively on Windows; .NET is cited, not measured here
      // (its native bind sets SO_REUSEADDR on Unix: a reader's review, 2026-12-03).
      assert.equal(await cellOf(page, 'c-listener', 'Linux').locator('.rt-opts').innerText(), 'nothing');
      assert.match(await cellOf(page, 'java-serversocket', 'Windows').locator('.rt-opts').innerText(), /^SO_EXCLUSIVEADDRUSE/);
      assert.equal(await cellOf(page, 'python-http-server', 'Windows').locator('.rt-opts').innerText(), 'SO_REUSEADDR');
      assert.equal(await cellOf(page, 'dotnet-listener', 'Linux').locator('summary').innerText(), 'cited, not measured');
      assert.equal(await cellOf(page, 'dotnet-listener', 'Linux').locator('.rt-opts').innerText(), 'SO_REUSEADDR');
      // The filter: Go's rows only, its link marked current.
      await page.locator('nav[aria-label="Language"] a', { hasText: /^Go$/ }).click();
      await page.waitForFunction(() => location.pathname === '/runtimes/go/');
      await live(page);
      await page.waitForFunction(() => document.querySelectorAll('table.runtimes tbody tr').length === 3);
      assert.equal(await page.locator('nav[aria-label="Language"] a[aria-current="page"]').innerText(), 'Go');
      assert.match(await page.locator('table.runtimes caption').innerText(), /: Go$/);
      // The tab names the language, as the page was served (a reader's review, 2026-12-05).
      await page.waitForFunction(() => document.title === "What Go's runtime does by default — bindlab");
      if (size === 'phone') assert.deepEqual(await overflowing(page), []);
      await page.locator('nav[aria-label="Language"] a', { hasText: 'All languages' }).click();
      await page.waitForFunction(() => document.querySelectorAll('table.runtimes tbody tr').length === 24);
      assert.equal(await page.title(), 'What your runtime does by default — bindlab');
      if (size === 'phone') assert.deepEqual(await overflowing(page), []);
      // Every language: the caption would repeat the heading above it, so
      // only a screen reader gets it (the table keeps its name).
      assert.equal(await page.locator('table.runtimes caption').getAttribute('class'), 'sr-only');
      assert.equal(await page.getByRole('table', { name: 'What your runtime does by default' }).count(), 1);
      assert.deepEqual(problems, []);
      assert.deepEqual(urls.filter((u) => !u.startsWith(server.origin)), []);
    } finally { await context.close(); }
  });
}

test('the restart guide says per language, from the table, whether a restart works as it is', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/guides/address-in-use-after-restart/');
  try {
    await page.waitForSelector('.runtime-defaults li');
    const items = await page.locator('.runtime-defaults li').allInnerTexts();
    // One sentence per listener row of content/runtimes.toml.
    assert.equal(items.length, 11, items.join('\n'));
    assert.ok(items.some((t) => /^Go \(Go net\): this restart works as it is on Linux, macOS and FreeBSD, because net\.Listen\("tcp", ":8080"\) sets SO_REUSEADDR itself\.$/.test(t)), items.join('\n'));
    assert.ok(items.some((t) => /^C \(BSD sockets API\): .* sets no SO_REUSEADDR, so this restart fails/.test(t)), items.join('\n'));
    // .NET's native bind sets SO_REUSEADDR on Unix (cited: no .NET runtime here).
    assert.ok(items.some((t) => /\(\.NET TcpListener\): this restart works as it is on Linux, macOS and FreeBSD, .* \(Linux: cited, not measured here\)\./.test(t)), items.join('\n'));
    // A call is shown as code alone, no comment inside it.
    assert.ok(!items.some((t) => t.includes(' # ')), items.join('\n'));
    assert.equal(await page.locator('.runtime-defaults a[href="runtimes/"]').count(), 1);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the code panel notes the chosen language\'s defaults and links to its rows', async () => {
  const text = 'os linux\nsocket A tcp\nbind A 0.0.0.0:8080\nlisten A\nsocket u udp\nbind u 0.0.0.0:9000\n';
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`);
  try {
    await ready(page);
    await page.locator('.code-panel > summary').click();
    await page.click('.code-panel [role=tab][data-lang=go]');
    const note = page.locator('.code-panel .code-defaults');
    await note.waitFor();
    assert.equal(await note.locator('.code-defaults-head').innerText(), 'What Go sets on its own for these sockets');
    const items = await note.locator('li').allInnerTexts();
    assert.deepEqual(items, [
      'TCP listener, net.Listen("tcp", ":8080"): SO_REUSEADDR, dual stack (IPV6_V6ONLY off) on Linux, macOS, FreeBSD; nothing, dual stack (IPV6_V6ONLY off) on Windows',
      'UDP socket, net.ListenPacket("udp", ":9000"): nothing, dual stack (IPV6_V6ONLY off) on Linux, macOS, FreeBSD; nothing, dual stack (IPV6_V6ONLY off) on Windows',
    ]);
    await page.click('.code-panel [role=tab][data-lang=c]');
    await page.waitForFunction(() => document.querySelector('.code-defaults-head')?.textContent === 'What C sets on its own for these sockets');
    assert.match(await note.locator('li').first().innerText(), /^TCP listener, socket\(AF_INET, SOCK_STREAM, 0\); bind\(\); listen\(\): nothing on Linux, macOS, FreeBSD; nothing on Windows$/);
    // The link opens the table at C's rows (the course build loads).
    await note.locator('a').click();
    await page.waitForSelector('table.runtimes tbody tr');
    assert.equal(new URL(page.url()).pathname, '/runtimes/c/');
    await live(page);
    assert.equal(await page.locator('table.runtimes tbody tr').count(), 3);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the runtime table by keyboard alone', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/runtimes/');
  try {
    await page.waitForSelector('table.runtimes tbody tr');
    await tabTo(page, 'nav[aria-label="Language"] a[href="runtimes/java/"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.pathname === '/runtimes/java/');
    await live(page);
    await page.waitForFunction(() => document.querySelectorAll('table.runtimes tbody tr').length === 4);
    // A cell's source opens with Enter.
    await tabTo(page, 'tr#rt-java-serversocket td[data-os="Windows"] summary');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('tr#rt-java-serversocket td[data-os="Windows"] details').getAttribute('open'), '');
    assert.match(await page.locator('tr#rt-java-serversocket td[data-os="Windows"] details p').innerText(), /NET_WinBind/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('axe: the runtime table, light and dark, a source open', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage(browser, server.origin + '/runtimes/', { colorScheme });
    try {
      await page.waitForSelector('table.runtimes tbody tr');
      await cellOf(page, 'node-listener', 'Windows').locator('summary').click();
      const result = await new AxeBuilder({ page }).analyze();
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious.map((v) => `${colorScheme}: ${v.id}: ${v.nodes[0]?.target}`), []);
    } finally { await context.close(); }
  }
});
