// UDP and multicast in the site (issue #14): a scenario built with the
// sandbox's controls, stepped, its datagrams drawn; a widget and the iframe
// carrying a UDP scenario; chapter 12's prediction and challenge, also on a
// phone. Screenshots go to target/screenshots/udp-*.png for a person to look at
// (web/screenshots holds the committed ones, from `cargo xtask screenshots`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { serve, launch, openPage, ready, b64, overflowing, smallestDiagramLabel } from './harness.mjs';

const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../target/screenshots');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

async function seriousAxe(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

const MULTICAST = `title Two receivers of one group
os linux

socket a udp
set a SO_REUSEADDR
bind a 0.0.0.0:5000
join a 239.1.2.3
socket b udp
set b SO_REUSEADDR
bind b 0.0.0.0:5000
datagram 239.1.2.3:5000 x2
datagram 127.0.0.1:5001
`;

test('sandbox: a UDP scenario built with the controls, stepped: who gets each datagram, copies for a group, a drop', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64('os linux\n')}`);
  try {
    await ready(page);
    const text = () => page.inputValue('#scenario-text');
    // Two UDP receivers sharing 0.0.0.0:5353 through SO_REUSEADDR.
    for (const name of ['A', 'B']) {
      await page.click(`button:text-is("socket ${name} udp")`);
      // UDP has no listen or accept: the controls do not offer them.
      assert.equal(await page.locator('button:text-is("listen")').count(), 0);
      assert.equal(await page.locator('button:has-text("accept →")').count(), 0);
      await page.click('button:text-is("set SO_REUSEADDR")');
      await page.fill('input[aria-label="Port"]', '5353');
      await page.click('button:text-is("bind")');
    }
    // The IPv4 UDP socket's IP_MULTICAST_ALL starts on (Linux's default), so the toggle offers "off".
    assert.equal(await page.locator('button:text-is("set IP_MULTICAST_ALL off")').count(), 1);
    // Four datagrams to 127.0.0.1:5353.
    await page.selectOption('select[aria-label="Datagram destination address"]', '127.0.0.1');
    await page.fill('input[aria-label="Number of datagrams"]', '4');
    await page.click('button:text-is("send datagrams")');
    // A group that is not one: a message, and nothing written.
    const before = await text();
    await page.fill('input[aria-label="Multicast group"]', '10.1.2.3');
    await page.click('button:text-is("join B")');
    assert.match(await page.locator('#group-error').innerText(), /10\.1\.2\.3 is not a multicast group/);
    assert.equal(await page.getAttribute('input[aria-label="Multicast group"]', 'aria-invalid'), 'true');
    assert.equal(await text(), before);
    // Both join 239.1.2.3; the group is then offered as a destination.
    await page.fill('input[aria-label="Multicast group"]', '239.1.2.3');
    await page.click('button:text-is("join B")');
    await page.selectOption('select[aria-label="Socket to act on"]', 'A');
    await page.click('button:text-is("join A")');
    await page.selectOption('select[aria-label="Datagram destination address"]', '239.1.2.3');
    await page.fill('input[aria-label="Number of datagrams"]', '2');
    await page.click('button:text-is("send datagrams")');
    // Port 0 is no destination.
    await page.fill('input[aria-label="Port"]', '0');
    await page.click('button:text-is("send datagrams")');
    assert.match(await page.locator('#port-error').innerText(), /A datagram needs a destination port/);
    await page.fill('input[aria-label="Port"]', '5999');
    await page.selectOption('select[aria-label="Datagram destination address"]', '127.0.0.1');
    await page.fill('input[aria-label="Number of datagrams"]', '1');
    await page.click('button:text-is("send datagrams")');
    const lines = (await text()).split('\n').filter((l) => l && !l.startsWith('os '));
    assert.deepEqual(lines, [
      'socket A udp', 'set A SO_REUSEADDR', 'bind A 0.0.0.0:5353',
      'socket B udp', 'set B SO_REUSEADDR', 'bind B 0.0.0.0:5353',
      'datagram 127.0.0.1:5353 x4', 'join B 239.1.2.3', 'join A 239.1.2.3',
      'datagram 239.1.2.3:5353 x2', 'datagram 127.0.0.1:5999',
    ]);

    // Step to the unicast datagrams: the newest bound socket gets all four.
    const row = (step) => page.locator('table.outcomes tbody tr', { hasText: step });
    for (let i = 0; i < 7; i++) await page.click('text=Step ▶');
    assert.match(await row('datagram 127.0.0.1:5353 x4').locator('td').first().innerText(), /ok → B×4/);
    assert.match(await page.locator('#announce').innerText(), /datagram 127\.0\.0\.1:5353 x4 → ok → B×4 on Linux/);
    const arrows = () => page.locator('svg.diagram .flow.dgram text').allTextContents();
    assert.deepEqual(await arrows(), ['4 datagrams received']);
    const twin = async () => Object.fromEntries(await page.locator('.twin tbody tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th').textContent, r.querySelector('td[data-label="Datagrams"]').textContent])));
    assert.deepEqual(await twin(), { A: '', B: '4 datagrams received' });
    await page.screenshot({ path: path.join(SHOTS, 'udp-sandbox-unicast.png'), fullPage: true });

    // The multicast datagrams: a copy for each member.
    for (let i = 0; i < 3; i++) await page.click('text=Step ▶');
    assert.match(await row('datagram 239.1.2.3:5353 x2').locator('td').first().innerText(), /ok → A×2 B×2/);
    assert.deepEqual((await arrows()).sort(), ['2 multicast copies', '2 multicast copies']);
    // Each arrow draws its own head: the diagram holds no id (a chapter
    // draws several diagrams in one document) and no <marker> to share.
    assert.deepEqual(await page.locator('svg.diagram .flow.dgram').evaluateAll((gs) => gs.map((g) => g.querySelectorAll('line').length + g.querySelectorAll('path.arrowhead').length)), [2, 2]);
    assert.equal(await page.locator('svg.diagram [id], svg.diagram marker, svg.diagram [marker-end]').count(), 0);
    assert.deepEqual(await twin(), { A: '2 multicast copies', B: '2 multicast copies' });
    assert.match(await page.locator('.twin').innerText(), /joined 239\.1\.2\.3/);
    assert.equal(await page.locator('.dropped').count(), 0);
    await page.screenshot({ path: path.join(SHOTS, 'udp-sandbox-multicast.png'), fullPage: true });

    // A port nobody holds: dropped, and said so under the diagram.
    await page.click('text=Step ▶');
    assert.match(await page.locator('.dropped').innerText(), /^1 datagram dropped: no socket takes this address and port/);
    assert.deepEqual(await arrows(), []);
    assert.deepEqual(await seriousAxe(page), []);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('sandbox: SO_REUSEPORT members are drawn as hash candidates; the OSes differ on a duplicate bind', async () => {
  const text = `os linux\nsocket w1 udp\nset w1 SO_REUSEPORT\nbind w1 0.0.0.0:5300\nsocket w2 udp\nset w2 SO_REUSEPORT\nbind w2 0.0.0.0:5300\ndatagram 127.0.0.1:5300 x30\n`;
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,freebsd,macos,windows/7/${b64(text)}`);
  try {
    await ready(page);
    const got = await page.locator('svg.diagram .flow.dgram').evaluateAll((gs) => gs.map((g) => [g.classList.contains('maybe'), g.textContent]));
    assert.equal(got.length, 2);
    for (const [maybe, t] of got) assert.match(t, maybe ? /^none this time \(hash\)$/ : /^\d+ datagrams?, by hash$/);
    // Windows has no SO_REUSEPORT, so its binds differ from Linux's: marked.
    const bind = page.locator('table.outcomes tbody tr', { hasText: 'bind w2 0.0.0.0:5300' });
    assert.match(await bind.getAttribute('class'), /differs/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('sandbox: a socket bound to a group address is drawn bound to it (the group gets an address band)', async () => {
  const text = `os linux\nsocket r udp\nbind r 239.1.2.3:5000\njoin r 239.1.2.3\n`;
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/3/${b64(text)}`);
  try {
    await ready(page);
    const bands = await page.locator('svg.diagram .band text').allTextContents();
    assert.deepEqual(bands, ['127.0.0.1', '239.1.2.3', '::1']);
    // A specific binding ends in a dot on its band, not in the air.
    assert.equal(await page.locator('svg.diagram .card-link .bind circle').count(), 1);
    assert.match(await page.locator('.twin').innerText(), /239\.1\.2\.3:5000/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('phone: a UDP scenario at 390 px: no text overflows, diagram labels stay 12 px', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,freebsd/8/${b64(MULTICAST)}`, PHONE);
  try {
    await ready(page);
    await page.waitForSelector('.twin tbody tr');
    assert.deepEqual(await overflowing(page), []);
    assert.ok(await smallestDiagramLabel(page) >= 12);
    await page.screenshot({ path: path.join(SHOTS, 'udp-sandbox-phone.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a <bind-lab> widget and the iframe carry a UDP scenario', async () => {
  const host = await serve({
    pages: {
      '/udp-article.html': () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>UDP widget</title><link rel="icon" href="/static/icon.svg" type="image/svg+xml">
<script type="module" src="/static/bindlab-embed.js"></script></head>
<body><main><h1>Multicast receivers</h1><bind-lab os="linux" step="8">${MULTICAST.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</bind-lab></main></body></html>`,
    },
  });
  try {
    const { page, context, problems } = await openPage(browser, host.origin + '/udp-article.html');
    try {
      await page.waitForFunction(() => document.querySelector('bind-lab')?.shadowRoot?.querySelector('.stepper'), null, { timeout: 15000 });
      const shadow = (sel) => page.evaluate((sel) => [...document.querySelector('bind-lab').shadowRoot.querySelectorAll(sel)].map((e) => e.textContent), sel);
      await page.waitForFunction(() => /^8 of 9/.test(document.querySelector('bind-lab').shadowRoot.querySelector('.progress').textContent));
      // IP_MULTICAST_ALL: b never joined, yet gets a copy on Linux.
      assert.deepEqual((await shadow('svg.diagram .flow.dgram text')).sort(), ['2 multicast copies', '2 multicast copies']);
      assert.match((await shadow('#announce, .announce')).join(' '), /ok → a×2 b×2/);
      await page.evaluate(() => [...document.querySelector('bind-lab').shadowRoot.querySelectorAll('button')].find((b) => b.textContent.includes('Step ▶')).click());
      await page.waitForFunction(() => /^9 of 9/.test(document.querySelector('bind-lab').shadowRoot.querySelector('.progress').textContent));
      assert.match((await shadow('.dropped')).join(''), /1 datagram dropped/);
      await page.screenshot({ path: path.join(SHOTS, 'udp-widget.png'), fullPage: true });
      assert.deepEqual(await seriousAxe(page), []);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  } finally { await host.close(); }

  // The iframe page with a UDP permalink, and "Open in bindlab" keeps it.
  const link = `#v1/linux/8/${b64(MULTICAST)}`;
  const { page, context, problems } = await openPage(browser, `${server.origin}/embed.html?title=Multicast${link}`);
  let href;
  try {
    await page.waitForFunction(() => /^8 of 9/.test(document.querySelector('bind-lab')?.shadowRoot?.querySelector('.progress')?.textContent ?? ''), null, { timeout: 15000 });
    const copies = await page.evaluate(() => [...document.querySelector('bind-lab').shadowRoot.querySelectorAll('svg.diagram .flow.dgram text')].map((t) => t.textContent));
    assert.deepEqual(copies.sort(), ['2 multicast copies', '2 multicast copies']);
    href = await page.evaluate(() => document.querySelector('bind-lab').shadowRoot.querySelector('a.open').href);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
  const site = await openPage(browser, href);
  try {
    await ready(site.page);
    assert.equal(await site.page.inputValue('#scenario-text'), MULTICAST);
    assert.match(await site.page.locator('.progress').innerText(), /^8 of 9/);
  } finally { await site.context.close(); }
});

async function chapter12(opts) {
  const { page, context, problems } = await openPage(browser, server.origin + '/#/learn/udp', opts);
  await page.waitForSelector('.lesson .predict');
  return { page, context, problems };
}

test('chapter 12: a datagram prediction is answered by the engine; the challenge takes a solution and names what a wrong one misses', async () => {
  const { page, context, problems } = await chapter12();
  try {
    assert.equal(await page.title(), '12. UDP and multicast: who gets the datagram — the bindlab course');
    // The multicast prediction ("group", Linux): the choices name each UDP socket, then the other answers.
    const p = page.locator('.predict', { hasText: 'Two datagrams are sent to the group' });
    const linux = p.getByRole('group', { name: 'On Linux' });
    const labels = await linux.locator('label').allInnerTexts();
    assert.deepEqual(labels.map((l) => l.trim()), ['r1 takes it', 'r2 takes it', 'several each get a copy', 'several: the OS picks among them', 'dropped: no socket gets it']);
    await linux.getByLabel('r1 takes it').check();
    await p.getByRole('group', { name: 'On Windows' }).getByLabel('r1 takes it').check();
    await p.getByRole('button', { name: 'Check my prediction' }).click();
    await p.locator('.truths').waitFor();
    const [truth, win] = await p.locator('.truth').allInnerTexts();
    assert.match(truth, /Linux: ✗/);
    assert.match(truth, /several sockets each receive a copy/);
    assert.match(truth, /linux\.udp\.mcast\.copies/);
    // Windows refuses r2's bind to the group, so r1 is the one member.
    assert.match(win, /Windows: ✓ Right: r1 takes it/);

    // The challenge: the start fails; a wrong attempt misses "C never hears"; a solution meets all.
    const c = page.locator('.challenge');
    const area = c.locator('textarea');
    const check = async () => { await c.getByRole('button', { name: 'Check', exact: true }).click(); await c.locator('.verdict').waitFor(); return c.locator('.verdict').innerText(); };
    assert.match(await check(), /Every step succeeds/);
    const start = await area.inputValue();
    const withReuse = start.replace(/^(bind ([ABC]) .*)$/gm, 'set $2 SO_REUSEADDR\n$1');
    await area.fill(withReuse);
    const wrong = await check();
    assert.match(wrong, /A new datagram to 239\.1\.2\.3:5000 can never reach C/);
    assert.match(wrong, /each of .*C.* gets a copy/);
    await area.fill(withReuse.replace('set C SO_REUSEADDR', 'set C SO_REUSEADDR\nset C IP_MULTICAST_ALL off'));
    assert.match(await check(), /All 5 requirements are met/);
    await page.screenshot({ path: path.join(SHOTS, 'udp-chapter.png'), fullPage: true });
    assert.deepEqual(await seriousAxe(page), []);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('chapter 12 on a phone: nothing overflows at 390 px, a prediction and the challenge work', async () => {
  const { page, context, problems } = await chapter12(PHONE);
  try {
    const p = page.locator('.predict', { hasText: 'Thirty senders' });
    for (const os of ['Linux', 'FreeBSD', 'macOS']) await p.getByRole('group', { name: `On ${os}` }).getByLabel('several: the OS picks among them').check();
    // FreeBSD's lookup meets the newest socket first: w3 takes them all.
    await p.getByRole('group', { name: 'On FreeBSD' }).getByLabel('w3 takes it').check();
    await p.getByRole('button', { name: 'Check my prediction' }).click();
    await p.locator('.truths').waitFor();
    const truths = await p.locator('.truth').allInnerTexts();
    assert.match(truths[0], /Linux: ✓ Right: the OS picks among several sockets/);
    assert.match(truths[1], /FreeBSD: ✓ Right/);
    assert.match(truths[1], /w3/);
    // macOS gives every datagram to the oldest wildcard socket.
    assert.match(truths[2], /macOS: ✗ .*w1 takes it/);
    const c = page.locator('.challenge');
    await c.getByRole('button', { name: 'Check', exact: true }).click();
    await c.locator('.verdict').waitFor();
    assert.deepEqual(await overflowing(page), []);
    assert.ok(await smallestDiagramLabel(page) >= 12);
    await page.screenshot({ path: path.join(SHOTS, 'udp-chapter-phone.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});
