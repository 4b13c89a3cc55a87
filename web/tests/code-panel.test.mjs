// "Show as code" (crates/app/src/views/code_panel.rs) in the sandbox, a
// widget and a lesson: each language's program, copy, download, the
// remembered language, the keyboard, axe, a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { serve, launch, openPage, ready, b64 } from './harness.mjs';

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

const EXAMPLE = `title Two servers, one port
os linux
iface 192.168.0.1 10.0.0.1

socket A tcp
set A SO_REUSEADDR
bind A 0.0.0.0:21
listen A
socket B tcp
set B SO_REUSEADDR
bind B 192.168.0.1:21   => EADDRINUSE
client 192.168.0.1:21 x3
`;

// What each language's program must show: its file, its usual API, the call of line 11.
const LANGS = [
  ['c', 'bindlab_check.c', /#include <sys\/socket\.h>/, /STEP\(11, "bind B 192\.168\.0\.1:21", do_bind\("B", "192\.168\.0\.1", 21\)\);/],
  ['python', 'bindlab_check.py', /^#!\/usr\/bin\/env python3/, /lambda: do_bind\("B", "192\.168\.0\.1", 21\)/],
  ['go', 'bindlab_check.go', /net\.ListenConfig\{/, /r\.listenConfig\("A", "tcp4", "0\.0\.0\.0", 21, opt\{"SO_REUSEADDR", 1\}\)[\s\S]*r\.bind\("B", "192\.168\.0\.1", 21\)/],
  ['rust', 'bindlab_check.rs', /use socket2::\{Domain, SockAddr, Socket, Type\};/, /r\.sock\("B"\)\?\.set_reuse_address\(true\)\?;/],
  ['node', 'bindlab_check.mjs', /import net from "node:net";/, /r\.listen\("A", "0\.0\.0\.0", 21\)[\s\S]*"bind B 192\.168\.0\.1:21", \(\) => r\.notExpressible\("net binds a socket only inside listen\(\) or connect\(\)"\)/],
  ['java', 'BindlabCheck.java', /public class BindlabCheck \{/, /r\.bindAndListen\("A", "0\.0\.0\.0", 21\)[\s\S]*r\.bind\("B", "192\.168\.0\.1", 21\)/],
  ['csharp', 'BindlabCheck.cs', /using System\.Net\.Sockets;/, /SocketOptionName\.ReuseAddress, true\)/],
];

/** Opens the sandbox's panel (by its summary). */
async function openPanel(page) {
  await page.locator('.code-panel > summary').click();
  await page.waitForSelector('.code-panel pre.code');
}

test('every language: the program with the scenario on top, its own API, and a download of exactly that text', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`, { acceptDownloads: true });
  try {
    await ready(page);
    assert.equal(await page.locator('.code-panel pre.code').count(), 0, 'nothing rendered while closed');
    await openPanel(page);
    for (const [id, file, api, call] of LANGS) {
      await page.click(`.code-panel [role=tab][data-lang=${id}]`);
      await page.waitForFunction((file) => document.querySelector('.code-tools button:last-of-type')?.textContent.includes(file), file);
      const text = await page.locator('.code-panel pre.code').innerText();
      assert.match(text, /\| bind B 192\.168\.0\.1:21  => EADDRINUSE/, `${id}: the scenario as a comment`);
      assert.match(text, api, `${id}: its API`);
      assert.match(text, call, `${id}: the call of line 11`);
      assert.match(text, / matched, /, `${id}: prints the tally`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`text=Download ${file}`)]);
      assert.equal(download.suggestedFilename(), file);
      assert.equal(fs.readFileSync(await download.path(), 'utf8'), text.endsWith('\n') ? text : text + '\n', `${id}: the download is the text shown`);
      assert.match(await page.locator('.code-status').innerText(), new RegExp(`Saved ${file.replace('.', '\\.')}`));
    }
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('Copy puts the program on the clipboard and says so', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await ready(page);
    await openPanel(page);
    await page.click('.code-panel [role=tab][data-lang=rust]');
    await page.click('.code-tools >> text=Copy');
    await page.waitForFunction(() => document.querySelector('.code-status')?.textContent === 'Copied.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /use socket2::/);
    assert.equal(copied.trim(), (await page.locator('.code-panel pre.code').innerText()).trim());
  } finally { await context.close(); }
});

test('the language is remembered across reloads and panels', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    await openPanel(page);
    assert.equal(await page.getAttribute('.code-panel [role=tab][aria-selected=true]', 'data-lang'), 'python', 'Python first');
    await page.click('.code-panel [role=tab][data-lang=go]');
    await page.reload();
    await ready(page);
    await openPanel(page);
    assert.equal(await page.getAttribute('.code-panel [role=tab][aria-selected=true]', 'data-lang'), 'go');
    assert.match(await page.locator('.code-panel pre.code').innerText(), /^\/\/ Run this scenario/);
  } finally { await context.close(); }
});

test('a language picked while the one before is still loading shows its own program, whatever lands last', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    // Python's runtime (the language a new reader starts in) is held back
    // until Go's has arrived and shown, as on a slow connection.
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/static/export/python.py', async (route) => { await held; await route.continue(); });
    await page.locator('.code-panel > summary').click();
    await page.waitForSelector('.code-panel .muted');
    await page.click('.code-panel [role=tab][data-lang=go]');
    await page.waitForFunction(() => /net\.ListenConfig/.test(document.querySelector('.code-panel pre.code')?.textContent));
    const landed = page.waitForResponse('**/static/export/python.py');
    release();
    await landed;
    // Two frames for the late reply to be taken (or, as it must be, dropped).
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(100);
    assert.equal(await page.locator('.code-panel [role=tab][aria-selected=true]').getAttribute('data-lang'), 'go');
    assert.match(await page.locator('.code-panel pre.code').innerText(), /net\.ListenConfig/, 'still Go\'s program');
    // Back to Python: its runtime is fetched again and shown.
    await page.click('.code-panel [role=tab][data-lang=python]');
    await page.waitForFunction(() => /^#!\/usr\/bin\/env python3/.test(document.querySelector('.code-panel pre.code')?.textContent));
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the panel works by keyboard alone', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await ready(page);
    await page.focus('.code-panel > summary');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.code-panel pre.code');
    // The languages are tabs, as a guide's code's are: one Tab stop, the
    // picked one; ←/→ pick the one beside it and the focus follows, Home and
    // End the ends, wrapping round.
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => [document.activeElement?.getAttribute('role'), document.activeElement?.textContent]);
    const picked = () => page.locator('.code-panel [role=tab][aria-selected=true]').innerText();
    assert.deepEqual(await focused(), ['tab', 'Python']);
    assert.equal(await page.locator('.code-panel [role=tab][tabindex="0"]').count(), 1, 'one Tab stop');
    await page.keyboard.press('ArrowRight'); // Python → Go
    assert.deepEqual(await focused(), ['tab', 'Go']);
    assert.equal(await picked(), 'Go');
    await page.waitForFunction(() => /net\.ListenConfig/.test(document.querySelector('.code-panel pre.code')?.textContent));
    await page.keyboard.press('End');
    assert.deepEqual(await focused(), ['tab', 'C#']);
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await focused(), ['tab', 'C'], 'wraps round to the first');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await picked(), 'C#');
    await page.keyboard.press('Home');
    assert.equal(await picked(), 'C');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await picked(), 'Go');
    await page.waitForFunction(() => /net\.ListenConfig/.test(document.querySelector('.code-panel pre.code')?.textContent));
    // The panel the tabs show is named by the picked tab.
    assert.equal(await page.locator('.code-panel [role=tabpanel]').getAttribute('aria-labelledby'),
      await page.locator('.code-panel [role=tab][aria-selected=true]').getAttribute('id'));
    assert.equal(await page.evaluate(() => localStorage.getItem('bindlab.code-lang')), 'go', 'remembered');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Copy');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.code-status')?.textContent === 'Copied.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'PRE', 'the code scrolls by keyboard');
  } finally { await context.close(); }
});

test('axe finds no serious or critical violation with the panel open (light and dark)', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`, { colorScheme });
    try {
      await ready(page);
      await openPanel(page);
      const { violations } = await new AxeBuilder({ page }).include('.code-panel').analyze();
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), [], colorScheme);
    } finally { await context.close(); }
  }
});

test('on a phone the open panel fits the screen: the code scrolls inside its box', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`, { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await ready(page);
    await openPanel(page);
    await page.click('.code-panel [role=tab][data-lang=java]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    const pre = await page.locator('.code-panel pre.code').boundingBox();
    assert.ok(pre.x >= 0 && pre.x + pre.width <= 390, 'the code box is on screen');
    for (const b of await page.locator('.code-tools button, .code-panel [role=tab]').all()) {
      const box = await b.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.height >= 24, 'controls on screen and tappable');
    }
    // The seven language tabs wrap inside the panel rather than run off it.
    const outside = await page.locator('.code-panel [role=tablist]').evaluate((l) => {
      const r = l.getBoundingClientRect();
      return [...l.children].filter((t) => t.getBoundingClientRect().right > r.right + 0.5).map((t) => t.textContent);
    });
    assert.deepEqual(outside, [], 'every tab inside the row');
    const list = await page.locator('.code-panel [role=tablist]').evaluate((l) => l.scrollWidth - l.clientWidth);
    assert.ok(list <= 0, `the tab row overflows by ${list}px`);
    await page.screenshot({ path: 'target/code-panel-phone.png', fullPage: false });
  } finally { await context.close(); }
});

test('a widget and a lesson have the panel too', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/examples/article.html');
  try {
    await page.waitForFunction(() => document.querySelector('bind-lab')?.shadowRoot?.querySelector('.code-panel'), null, { timeout: 15000 });
    const text = await page.evaluate(async () => {
      const root = document.querySelector('bind-lab').shadowRoot;
      root.querySelector('.code-panel > summary').click();
      for (let i = 0; i < 100 && !root.querySelector('.code-panel pre.code'); i++) await new Promise((r) => setTimeout(r, 50));
      return root.querySelector('.code-panel pre.code')?.textContent;
    });
    assert.match(text ?? '', /Run this scenario on your own machine/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
  const lesson = await openPage(browser, server.origin + '/#/learn/five-tuple');
  try {
    await lesson.page.waitForSelector('.bindlab-widget .code-panel', { timeout: 15000 });
    await lesson.page.locator('.bindlab-widget .code-panel > summary').first().click();
    assert.match(await lesson.page.locator('.bindlab-widget .code-panel pre.code').first().innerText(), /Run this scenario/);
  } finally { await lesson.context.close(); }
});

// A UDP example (issue #14's datagrams and joins) shown as code.
const UDP_EXAMPLE = `title Every member of a group gets a copy
os linux

socket A udp
set A SO_REUSEADDR
bind A 0.0.0.0:7003
join A 239.1.2.3
socket B udp
set B SO_REUSEADDR
bind B 0.0.0.0:7003
join B 239.1.2.3
datagram 239.1.2.3:7003 x3
`;

const UDP_LANGS = [
  ['c', /do_socket\("A", AF_INET, SOCK_DGRAM\)/, /STEP\(12, "datagram 239\.1\.2\.3:7003 x3", do_datagram\("239\.1\.2\.3", 7003, 3\)\);/, /IP_ADD_MEMBERSHIP/],
  ['python', /socket\.SOCK_DGRAM/, /lambda: do_datagram\("239\.1\.2\.3", 7003, 3\)/, /\("ok", \{"A": 3, "B": 3\}, None\)/],
  ['go', /r\.listenConfig\("A", "udp4", "0\.0\.0\.0", 7003, opt\{"SO_REUSEADDR", 1\}\)/, /r\.datagram\("239\.1\.2\.3", 7003, 3\)/, /SetsockoptIPMreq/],
  ['rust', /Type::DGRAM/, /r\.join\("B", "239\.1\.2\.3"\)/, /join_multicast_v4/],
  ['node', /import dgram from "node:dgram";/, /r\.datagram\("239\.1\.2\.3", 7003, 3\)/, /addMembership\(/],
  ['java', /r\.datagramSocket\("A", StandardProtocolFamily\.INET\)/, /r\.datagram\("239\.1\.2\.3", 7003, 3, false\)/, /MulticastChannel/],
  ['csharp', /AddressFamily\.InterNetwork, true\)/, /r\.Datagram\("239\.1\.2\.3", 7003, 3\)/, /SocketOptionName\.AddMembership/],
];

test('a UDP scenario as code: datagrams and joins in every language, with the prediction of who receives', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(UDP_EXAMPLE)}`);
  try {
    await ready(page);
    await openPanel(page);
    for (const [id, socket, datagram, join] of UDP_LANGS) {
      await page.click(`.code-panel [role=tab][data-lang=${id}]`);
      await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('.code-panel pre.code')?.textContent ?? ''), datagram.source);
      const text = await page.locator('.code-panel pre.code').innerText();
      assert.match(text, /\| datagram 239\.1\.2\.3:7003 x3/, `${id}: the scenario as a comment`);
      assert.match(text, socket, `${id}: a UDP socket`);
      assert.match(text, datagram, `${id}: the datagram step`);
      assert.match(text, join, `${id}: the join`);
      assert.match(text, /A=3 B=3|"A": 3, "B": 3/, `${id}: bindlab predicts a copy for each member`);
      assert.doesNotMatch(await page.locator('.code-panel').innerText(), /not exported|cannot be exported/i, `${id}: no refusal`);
    }
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a guide offers its scenarios as code', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#/guides/address-in-use-after-restart`);
  try {
    await page.waitForSelector('.lesson.guide .code-panel', { timeout: 15000 });
    const panels = await page.locator('.lesson.guide .code-panel').count();
    assert.ok(panels >= 2, `every scenario of the guide (the problem and the fix) has a panel: ${panels}`);
    await page.locator('.lesson.guide .code-panel > summary').last().click();
    await page.waitForSelector('.lesson.guide .code-panel pre.code');
    const text = await page.locator('.lesson.guide .code-panel pre.code').first().innerText();
    assert.match(text, /Run this scenario on your own machine/);
    assert.match(text, /SO_REUSEADDR/, 'the fix, as code');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// The generators are a wasm module of their own (crates/export-wasm,
// browser/exporter.rs): the page's first load leaves them out.
const GENERATORS = /\/pkg\/bindlab-export\.wasm$/;

test('the program generators load when a reader first asks for a program, once, never with the page', async () => {
  const { page, context, problems, urls } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    await page.waitForTimeout(300);
    assert.equal(urls.filter((u) => GENERATORS.test(u)).length, 0, 'not in the first load');
    await openPanel(page);
    for (const id of ['c', 'java', 'python']) {
      await page.click(`.code-panel [role=tab][data-lang=${id}]`);
      await page.waitForSelector('.code-panel pre.code');
    }
    // Closed and opened again, and the scenario edited: the same module answers.
    await page.locator('.code-panel > summary').click();
    await page.locator('.code-panel > summary').click();
    await page.waitForSelector('.code-panel pre.code');
    await page.fill('#scenario-text', EXAMPLE + 'socket Edited tcp\n');
    await page.waitForFunction(() => document.querySelector('.code-panel pre.code')?.textContent.includes('socket Edited tcp'));
    assert.equal(urls.filter((u) => GENERATORS.test(u)).length, 1, 'fetched once');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a failed or damaged load of the generators says so in the panel, and Try again loads them', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    await page.route(GENERATORS, (route) => route.fulfill({ status: 503, body: 'down' }));
    await page.locator('.code-panel > summary').click();
    const alert = page.locator('.code-panel .problems');
    await alert.waitFor();
    assert.match(await alert.innerText(), /The program generator could not be loaded \(the server answered 503/);
    // Served, but not a wasm module (a host's HTML error page, say).
    await page.unroute(GENERATORS);
    await page.route(GENERATORS, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>Not here' }));
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.code-panel .problems', { hasText: 'CompileError' }).or(page.locator('.code-panel .problems', { hasText: 'magic' })).first().waitFor();
    assert.match(await alert.innerText(), /The program generator could not be loaded \(/);
    await page.unroute(GENERATORS);
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.waitForSelector('.code-panel pre.code');
    assert.match(await page.locator('.code-panel pre.code').innerText(), /Run this scenario on your own machine/);
    assert.deepEqual(problems.filter((p) => !/status of 503/.test(p)), []);
  } finally { await context.close(); }
});

test('a generators module that stops says so, is forgotten, and Try again loads a working one', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    // A valid wasm module with no exports: it loads, then cannot answer.
    const empty = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await page.route(GENERATORS, (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: empty }));
    await page.locator('.code-panel > summary').click();
    const alert = page.locator('.code-panel .problems');
    await alert.waitFor();
    assert.match(await alert.innerText(), /The program generator stopped \(it has no `input`\)\./);
    await page.unroute(GENERATORS);
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.waitForSelector('.code-panel pre.code');
    assert.match(await page.locator('.code-panel pre.code').innerText(), /Run this scenario on your own machine/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('under a strict Content-Security-Policy the panel still shows code', async () => {
  const strict = await serve({ csp: true });
  const { page, context, problems } = await openPage(browser, `${strict.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    await openPanel(page);
    assert.match(await page.locator('.code-panel pre.code').innerText(), /Run this scenario on your own machine/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); await strict.close(); }
});
