// End-to-end tests of the sandbox page in Debian's Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { CSP, serve, launch, openPage, ready, b64, DIST } from './harness.mjs';

let server, cspServer, browser;
before(async () => {
  server = await serve();
  cspServer = await serve({ csp: true });
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); await cspServer?.close(); }
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

test('an expectation\'s ✓ and ✗ say what they mean: a title, words for a screen reader, a line under the table', async () => {
  const text = 'os linux\nsocket A tcp\nbind A 0.0.0.0:80  => EADDRINUSE\nsocket B tcp\nbind B 0.0.0.0:80  => EADDRINUSE\n';
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`);
  try {
    await ready(page);
    assert.equal(await page.locator('.expect-legend').innerText(), '✓ and ✗: the outcome is, or is not, what the step\'s “=> …” expects.');
    await page.click('text=Run all');
    await page.waitForSelector('#announce');
    const mark = (line) => page.locator('table.outcomes tbody tr', { hasText: line }).locator('td[data-os="Linux"] .expect-mark');
    assert.equal(await mark('bind A').getAttribute('title'), 'not what the scenario expects: EADDRINUSE');
    assert.ok((await mark('bind A').textContent()).startsWith('✗'));
    assert.equal(await mark('bind A').locator('.sr-only').textContent(), ' not what the scenario expects: EADDRINUSE');
    assert.equal(await mark('bind B').getAttribute('title'), 'as the scenario expects');
    // Expectations are the scenario's own OS's: no mark on another OS.
    assert.equal(await page.locator('td[data-os="FreeBSD"] .expect-mark').count(), 0);
    // On a phone, where each step is a card, a ✓ beside a plain "ok" stays
    // on its line (it used to fall under the OS's name).
    const okText = 'os linux\nsocket A tcp\nbind A 0.0.0.0:80  => ok\n';
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.origin}/#v1/linux/0/${b64(okText)}`);
    await ready(page);
    await page.click('text=Run all');
    await page.waitForSelector('#announce');
    const cell = page.locator('table.outcomes tbody tr', { hasText: 'bind A' }).locator('td[data-os="Linux"]');
    const [label, tick] = await Promise.all([
      cell.evaluate((td) => td.getBoundingClientRect().top),
      cell.locator('.expect-mark').evaluate((m) => m.getBoundingClientRect().top),
    ]);
    assert.ok(Math.abs(tick - label) < 8, `the ✓ is on the cell's first line (${tick} vs ${label})`);
    await page.setViewportSize({ width: 1280, height: 900 });
    // A scenario with no `=>` has no legend.
    await page.goto(`${server.origin}/#v1/linux/0/${b64('os linux\nsocket A tcp\n')}`);
    await ready(page);
    assert.equal(await page.locator('.expect-legend').count(), 0);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a narrow column breaks SO_REUSEADDR and a rule id at their _ and dots, and a copy has no extra character', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/', { viewport: { width: 1280, height: 900 } });
  try {
    await ready(page);
    await page.click('text=Run all');
    const cell = page.locator('table.outcomes tbody tr', { hasText: 'bind B 192.168.0.1:21' }).locator('td[data-os="Linux"]');
    await cell.locator('summary').click();
    const why = await cell.locator('.why').evaluate((e) => [e.innerHTML, e.textContent]);
    assert.match(why[0], /SO_<wbr>REUSEADDR/);
    assert.match(why[0], /0\.0\.0\.0:21/, 'never inside an address');
    assert.match(why[1], /even with SO_REUSEADDR on both: only SO_REUSEPORT on both \(one user\) lets them share$/);
    assert.equal(await cell.locator('.rule-id code').evaluate((e) => e.innerHTML), 'linux.<wbr>bind.<wbr>listener-holds-port');
    assert.equal(await cell.locator('.rule-id code').textContent(), 'linux.bind.listener-holds-port');
    // The rule is one click from its verdict.
    assert.equal(await cell.locator('.rule-id a.rule-link').evaluate((a) => a.href), server.origin + '/rules/#linux.bind.listener-holds-port');
    // On bindlab's own pages the rules page opens in the same tab (only a widget's open a new one).
    assert.equal(await cell.locator('.rule-id a.rule-link').getAttribute('target'), null);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('an open cell is explained across the table on a wide screen, in its card on a phone', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/', { viewport: { width: 1280, height: 900 } });
  try {
    await ready(page);
    await page.click('text=Run all');
    const row = page.locator('table.outcomes tbody tr', { hasText: 'bind B 192.168.0.1:21' });
    const cell = row.locator('td[data-os="Linux"]');
    const whyRow = page.locator('table.outcomes tr.why-row');
    assert.equal(await whyRow.count(), 0);
    // By keyboard: the summary takes Enter.
    await cell.locator('summary').focus();
    await page.keyboard.press('Enter');
    await whyRow.waitFor();
    const text = await whyRow.innerText();
    assert.match(text, /^Linux: a listener holds every overlapping address — A is listening on 0\.0\.0\.0:21/, 'an OS\'s own rule is not named twice');
    assert.match(text, /linux\.bind\.listener-holds-port/);
    const [rowWidth, tableWidth] = await Promise.all([
      whyRow.locator('td').evaluate((td) => td.getBoundingClientRect().width),
      page.locator('table.outcomes').evaluate((t) => t.getBoundingClientRect().width),
    ]);
    assert.ok(rowWidth > tableWidth - 2, `the explanation spans the table (${rowWidth} of ${tableWidth} px)`);
    assert.equal(await cell.locator('.why').evaluate((e) => getComputedStyle(e).display), 'none', 'not squeezed into the cell too');
    // The row sits right under its step; a second open cell joins it.
    assert.ok(await row.evaluate((tr) => tr.nextElementSibling?.classList.contains('why-row')));
    await row.locator('td[data-os="Windows"] summary').click();
    await whyRow.locator('.why-os').nth(1).waitFor();
    assert.equal(await whyRow.locator('.why-os').count(), 2);
    assert.match(await whyRow.locator('.why-os').nth(1).innerText(), /^Windows/);
    await cell.locator('summary').click();
    await row.locator('td[data-os="Windows"] summary').click();
    await whyRow.waitFor({ state: 'detached' });
    assert.equal(await whyRow.count(), 0, 'closing both removes the row');
    // A phone's card shows the explanation in the cell, and no extra row.
    await cell.locator('summary').click();
    await page.setViewportSize({ width: 390, height: 844 });
    assert.notEqual(await cell.locator('.why').evaluate((e) => getComputedStyle(e).display), 'none');
    assert.equal(await whyRow.evaluate((e) => getComputedStyle(e).display), 'none');
    // Its toggles and the step's button are big enough to tap (WCAG 2.5.8).
    for (const target of [cell.locator('summary'), row.locator('td[data-os="FreeBSD"] summary'), row.locator('th .link')]) {
      const h = await target.evaluate((e) => e.getBoundingClientRect().height);
      assert.ok(h >= 24, `a tap target ${h} px tall`);
    }
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// Found by a reader on 2026-12-05: hiding Linux's column while its cell was
// open showed FreeBSD's explanation under the step, with no cell open.
test('an open explanation stays with its OS when columns are hidden and shown again', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/', { viewport: { width: 1280, height: 900 } });
  try {
    await ready(page);
    await page.click('text=Run all');
    const row = page.locator('table.outcomes tbody tr', { hasText: 'bind B 192.168.0.1:21' });
    const whyRow = page.locator('table.outcomes tr.why-row');
    const linux = page.locator('.os-picker label', { hasText: 'Linux' }).locator('input');
    await row.locator('td[data-os="Linux"] summary').click();
    await whyRow.waitFor();
    await linux.uncheck();
    await whyRow.waitFor({ state: 'detached' });
    assert.equal(await row.locator('details[open]').count(), 0, 'no other OS opened in its place');
    await linux.check();
    await whyRow.waitFor();
    assert.match(await whyRow.innerText(), /^Linux: /);
    assert.equal(await row.locator('td[data-os="Linux"] details[open]').count(), 1, 'the cell the row explains is open');
    assert.equal(await row.locator('details[open]').count(), 1);
    // Back a step and forward again: still the same cell open, the same row.
    await page.click('text=Back');
    await page.click('text=Run all');
    await whyRow.waitFor();
    assert.equal(await row.locator('td[data-os="Linux"] details[open]').count(), 1);
    assert.match(await whyRow.innerText(), /^Linux: /);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('Dismiss gives the focus back to the button that asked for the notice, or to the page\'s main part', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    await page.getByRole('button', { name: 'Copy link' }).click();
    const dismiss = page.locator('#run .notice button', { hasText: 'Dismiss' });
    await dismiss.focus();
    await page.keyboard.press('Enter');
    await dismiss.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Copy link');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
  // A damaged link's notice, on arrival: nothing on the page asked for it.
  const opened = await openPage(browser, `${server.origin}/#v1/linux/0/%%%`);
  try {
    await ready(opened.page);
    await opened.page.locator('main > .notice button', { hasText: 'Dismiss' }).click();
    assert.equal(await opened.page.evaluate(() => document.activeElement?.id), 'main');
    assert.deepEqual(opened.problems, []);
  } finally { await opened.context.close(); }
});

test('a very long socket name or token stays inside the scenario pane', async () => {
  const name = 'N' + 'x'.repeat(3000);
  const text = `os linux\nsocket ${name} tcp\nbind ${name} 0.0.0.0:80\nbind A 0.0.0.0:${'9'.repeat(5000)}\n`;
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`, { viewport: { width: 390, height: 844 } });
  try {
    await ready(page);
    const outside = await page.evaluate(() => [...document.querySelectorAll('.controls-pane select, .editor-pane .problems li')]
      .filter((e) => e.getBoundingClientRect().right > e.closest('.pane').getBoundingClientRect().right + 1)
      .map((e) => `${e.tagName} ${Math.round(e.getBoundingClientRect().width)} px`));
    assert.deepEqual(outside, []);
    assert.equal(await page.evaluate(() => document.scrollingElement.scrollWidth), 390);
    assert.match(await page.locator('.problems').innerText(), /9{39}…/, 'the message quotes the start of the token');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the page loads with no console error and no request leaving its origin', async () => {
  const { page, context, problems, urls } = await openPage(browser, server.origin + '/');
  try {
    await ready(page);
    await page.click('text=Run all');
    await page.waitForSelector('#announce');
    assert.deepEqual(problems, []);
    assert.ok(urls.length >= 4, `requests: ${urls}`);
    for (const u of urls) assert.ok(u.startsWith(server.origin), `request left the origin: ${u}`);
  } finally { await context.close(); }
});

test('the sandbox loads the sandbox build only; a course page loads the course build, and the sandbox again its own', async () => {
  const { page, context, problems, urls } = await openPage(browser, server.origin + '/');
  try {
    await ready(page);
    const wasm = () => urls.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname);
    assert.deepEqual(wasm(), ['/pkg/bindlab_bg.wasm']);
    assert.equal(urls.filter((u) => u.includes('bindlab-course')).length, 0);
    await page.getByRole('link', { name: 'Course', exact: true }).click();
    await page.waitForURL(`${server.origin}/learn/`);
    await page.waitForSelector('.contents-page .chapters');
    assert.deepEqual(wasm(), ['/pkg/bindlab_bg.wasm', '/pkg/bindlab-course_bg.wasm']);
    // Each page is its own prerendered document: back at the sandbox (with
    // this tab's scenario, which the link carries once the page is live),
    // the sandbox build again.
    await page.waitForSelector('#app[data-live]');
    await page.getByRole('link', { name: 'Sandbox', exact: true }).click();
    await page.waitForURL(new RegExp(`^${server.origin}/#v1/`));
    await ready(page);
    assert.deepEqual(wasm().slice(2), ['/pkg/bindlab_bg.wasm']);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
  // An old course address, however many '#' it has, redirects to its page
  // before any wasm loads, which then starts the course build only.
  const fresh = await openPage(browser, server.origin + '/##/glossary');
  try {
    await fresh.page.waitForURL(`${server.origin}/glossary/`);
    await fresh.page.waitForSelector('.glossary .prose');
    assert.deepEqual(fresh.urls.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname), ['/pkg/bindlab-course_bg.wasm']);
    assert.deepEqual(fresh.problems, []);
  } finally { await fresh.context.close(); }
});

test("the spec's example: EADDRINUSE with its rule on Linux, and the OSes differ", async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,freebsd,macos,windows/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    assert.equal(await page.locator('#h-host').innerText(), 'The host before the first step');
    // The ≠ mark is explained under the table once a run step carries it.
    const legend = page.locator('.expect-legend', { hasText: '≠' });
    assert.equal(await legend.count(), 0);
    await page.click('text=Run all');
    assert.equal(await page.locator('#h-host').innerText(), 'The host after step 8 (line 12)');
    assert.equal(await legend.innerText(), '≠: the OSes compared answer this step differently.');
    const row = page.locator('tr', { has: page.locator('text=bind B 192.168.0.1:21') });
    const cells = row.locator('td');
    assert.equal(await cells.count(), 4);
    assert.match(await cells.nth(0).innerText(), /EADDRINUSE/);
    for (const i of [1, 2, 3]) assert.match(await cells.nth(i).innerText(), /^▶?\s*ok/);
    assert.match(await row.getAttribute('class'), /differs/);
    await cells.nth(0).locator('summary').click();
    // A wide table explains the open cell in the row under the step.
    const why = await page.locator('tr.why-row').innerText();
    assert.match(why, /linux\.bind\.listener-holds-port/);
    assert.match(why, /A is listening on 0\.0\.0\.0:21/);
    assert.match(await page.locator('#announce').innerText(), /A×3/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('GUI controls write the text, text edits reach the controls, and a mistake on every line is listed 20 times, then counted', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64('os linux\n')}`);
  try {
    await ready(page);
    await page.click('button:has-text("socket A tcp")');
    assert.match(await page.inputValue('#scenario-text'), /^socket A tcp$/m);
    await page.click('button:has-text("set SO_REUSEADDR")');
    assert.match(await page.inputValue('#scenario-text'), /^set A SO_REUSEADDR$/m);
    // The option buttons are toggles: now it offers to switch it off.
    await page.click('button:has-text("set SO_REUSEADDR off")');
    assert.match(await page.inputValue('#scenario-text'), /^set A SO_REUSEADDR off$/m);
    await page.click('button:text-is("set SO_REUSEADDR")');
    await page.selectOption('select[aria-label="Address"]', '127.0.0.1');
    await page.fill('input[aria-label="Port"]', '7000');
    await page.locator('input[aria-label="Port"]').dispatchEvent('change');
    await page.click('button:text-is("bind")');
    await page.click('button:text-is("listen")');
    const text = await page.inputValue('#scenario-text');
    assert.match(text, /^bind A 127\.0\.0\.1:7000$/m);
    assert.match(text, /^listen A$/m);
    // And the reverse: a socket typed into the text appears in the controls.
    await page.fill('#scenario-text', text + 'socket Zed tcp6\n');
    const options = await page.locator('select[aria-label="Socket to act on"] option').allInnerTexts();
    assert.deepEqual(options.sort(), ['A', 'Zed']);
    // A broken line disables nothing but shows where it is.
    await page.fill('#scenario-text', text + 'bind A 1.2.3.4:99999\n');
    assert.match(await page.locator('#scenario-problems').innerText(), /line 8, column 16: port 99999 is out of range/);
    // One mistake on 300 lines: the first 20 are listed, the rest counted,
    // and the reader may list them all; the first still jumps to its line.
    const many = Array.from({ length: 300 }, (_, i) => `listen Q${i}`).join('\n') + '\n';
    await page.fill('#scenario-text', many);
    const items = page.locator('#scenario-problems li');
    await page.waitForFunction(() => document.querySelectorAll('#scenario-problems li').length === 20);
    assert.match(await page.locator('#scenario-problems .problems-head').innerText(), /^300 problems/);
    assert.equal(await page.locator('#scenario-problems .problems-more').innerText(), '… and 280 more, not listed. List all 300');
    await page.click('#scenario-problems button:text-is("List all 300")');
    assert.equal(await items.count(), 300);
    assert.equal(await page.locator('#scenario-problems .problems-more').count(), 0);
    await items.first().locator('button').click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scenario-text');
    assert.equal(await page.evaluate(() => document.activeElement.selectionStart), 7);
    // Fixed, then another flood: counted again.
    await page.fill('#scenario-text', 'socket A tcp\n');
    await page.waitForFunction(() => document.querySelectorAll('#scenario-problems li').length === 0);
    await page.fill('#scenario-text', many);
    await page.waitForFunction(() => document.querySelectorAll('#scenario-problems li').length === 20);
    assert.equal(await page.locator('#scenario-problems .problems-more').count(), 1);
  } finally { await context.close(); }
});

test('a permalink restores the scenario, the OSes and the step', async () => {
  const { page, context } = await openPage(browser, server.origin + '/');
  let hash;
  try {
    await ready(page);
    await page.click('button:has-text("socket C tcp6")');
    await page.getByRole('checkbox', { name: 'FreeBSD' }).uncheck();
    await page.click('text=Step ▶');
    await page.click('text=Step ▶');
    await page.click('text=Step ▶');
    // The address bar is written in a task after the render.
    await page.waitForFunction(() => location.hash.startsWith('#v1/linux,macos,windows/3/'));
    hash = await page.evaluate(() => location.hash);
    // The text's length in bytes before it: a cut link is told from a whole one.
    assert.match(hash, /^#v1\/linux,macos,windows\/3\/\d+\.[A-Za-z0-9_-]+$/);
  } finally { await context.close(); }
  const again = await openPage(browser, `${server.origin}/${hash}`);
  try {
    await ready(again.page);
    assert.match(await again.page.inputValue('#scenario-text'), /^socket C tcp6$/m);
    assert.equal(await again.page.getByRole('checkbox', { name: 'FreeBSD' }).isChecked(), false);
    assert.equal(await again.page.getByRole('checkbox', { name: 'Windows' }).isChecked(), true);
    assert.match(await again.page.locator('.progress').innerText(), /^3 of 9 steps run/);
    assert.deepEqual(again.problems, []);
  } finally { await again.context.close(); }
});

for (const [name, hash, expect] of [
  ['cut short', '#v1/linux', /damaged/],
  // A cut cannot make an unknown OS word: the message says only that it is unknown.
  ['unknown OS', '#v1/solaris/0/AAAA', /^The link could not be opened: this link names an OS bindlab does not know, solaris: the OSes it knows are linux, freebsd, macos, windows\./],
  ['bad step', '#v1/linux/three/AAAA', /step is not a number/],
  ['bad base64', '#v1/linux/0/%%%', /base64/],
  ['future version', '#v7/linux/0/AAAA', /newer bindlab \(format v7\)/],
  // Cut after whole groups of four letters, the base64 still valid: only
  // the length before it tells that the scenario did not all arrive.
  ['cut in a chat', `#v1/linux/0/${Buffer.byteLength(EXAMPLE)}.${b64(EXAMPLE).slice(0, 40)}`,
    new RegExp(`was cut short: its scenario is ${Buffer.byteLength(EXAMPLE)} bytes and 30 arrived\\. Copy the whole link again`)],
]) {
  test(`a malformed permalink (${name}) gets a message and an intact, empty sandbox`, async () => {
    const { page, context, problems } = await openPage(browser, server.origin + '/' + hash);
    try {
      await ready(page);
      const notice = page.locator('.notice.error');
      assert.match(await notice.innerText(), expect);
      // A name the link carries is shown as code, not between backticks.
      assert.doesNotMatch(await notice.innerText(), /`/);
      // Escape closes it, as its Dismiss button does; not an Escape in a
      // text field, which keeps its own.
      await page.focus('#scenario-text');
      await page.keyboard.press('Escape');
      assert.equal(await notice.count(), 1);
      await page.evaluate(() => document.activeElement.blur());
      await page.keyboard.press('Escape');
      assert.equal(await notice.count(), 0);
      assert.equal(await page.inputValue('#scenario-text'), '');
      await page.click('button:has-text("socket A tcp")');
      assert.equal(await page.inputValue('#scenario-text'), 'socket A tcp\n');
      // Emptied again, the editor offers the example back.
      await page.fill('#scenario-text', '');
      await page.getByRole('button', { name: 'Start from the example' }).click();
      assert.match(await page.inputValue('#scenario-text'), /^title Two servers, one port/);
      assert.equal(await page.getByRole('button', { name: 'Start from the example' }).count(), 0);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}

// A new reader's review, 2026-12-06: a link cut short opened with all four
// "Compare on" boxes ticked, though the part naming its OSes had arrived.
test('a link cut short keeps the OSes it names', async () => {
  const cut = `#v1/linux,windows/2/${Buffer.byteLength(EXAMPLE)}.${b64(EXAMPLE).slice(0, 40)}`;
  const { page, context, problems } = await openPage(browser, server.origin + '/' + cut);
  try {
    await ready(page);
    assert.match(await page.locator('.notice.error').innerText(), /cut short/);
    for (const [os, ticked] of [['Linux', true], ['FreeBSD', false], ['macOS', false], ['Windows', true]]) {
      assert.equal(await page.getByRole('checkbox', { name: os }).isChecked(), ticked, os);
    }
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// Found by a reader on 2026-12-03: the damaged link's message stayed on
// screen after a good link was pasted into the same tab's address bar.
test('a good link pasted after a damaged one loads and clears the message', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/#v1/linux/0/364.dGl0bGUg');
  try {
    await ready(page);
    const notice = page.locator('.notice.error');
    assert.match(await notice.innerText(), /cut short/);
    await page.evaluate((h) => { location.hash = h; }, `v1/linux/0/${b64(EXAMPLE)}`);
    await page.waitForFunction(() => document.querySelector('#scenario-text')?.value.length > 0);
    assert.equal(await page.inputValue('#scenario-text'), EXAMPLE);
    assert.equal(await notice.count(), 0);
    // What is said instead: where the scenario came from, and the way back.
    assert.match(await page.locator('main > .notice').innerText(), /^Opened the scenario the address holds\. The browser's Back and Forward buttons move between it and the one before\./);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a scenario title with markup renders as text', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const { page, context, problems, urls } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(`title ${evil}\nsocket A tcp\n`)}`);
  try {
    await ready(page);
    assert.equal(await page.locator('h2.scenario-title').innerText(), evil);
    assert.equal(await page.locator('img').count(), 0);
    assert.ok(!urls.some((u) => u.endsWith('/x')), 'the image was requested');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a long scenario is parsed and run again when the reader pauses, not at every key, and at once when pasted', async () => {
  // 1,200 lines: past the 1,000 from which use_sandbox waits for a pause.
  let text = 'os linux\n';
  for (let i = 0; i < 600; i++) text += `socket S${i} tcp\nbind S${i} 0.0.0.0:${2000 + i}\n`;
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`);
  try {
    await ready(page);
    // The table's size as it states it (it builds only the rows near the
    // screen: see the next test): the header row and one per step.
    const size = () => page.getAttribute('table.outcomes', 'aria-rowcount');
    assert.equal(await size(), '1201');
    // A long scenario opens with its text folded; showing it puts the
    // focus in it, at the start.
    assert.equal(await page.locator('#scenario-text').count(), 0);
    assert.match(await page.locator('.editor .folded').innerText(), /This scenario is 1202 lines long: its text is folded/);
    await page.getByRole('button', { name: 'Show the text (1202 lines)' }).click();
    await page.locator('#scenario-text').waitFor();
    assert.equal(await page.evaluate(() => [document.activeElement.id, document.activeElement.selectionStart]).then(JSON.stringify), JSON.stringify(['scenario-text', 0]));
    await page.keyboard.press('Control+End');
    // The textarea is as tall as its text: the editor's box scrolls to the
    // cursor, its line numbers with it (a textarea stretched to the box
    // scrolled inside itself, away from them).
    assert.deepEqual(await page.evaluate(() => {
      const t = document.querySelector('#scenario-text');
      return [t.scrollTop, t.scrollHeight - t.clientHeight, document.querySelector('.editor .code').scrollTop > 1000];
    }), [0, 0, true]);
    await page.keyboard.type('socket Z tcp');
    // Typed, shown in the editor, and not run yet: the table is as it was.
    assert.match(await page.inputValue('#scenario-text'), /socket Z tcp$/);
    assert.equal(await size(), '1201');
    // After the pause, the new line is a step of the table.
    await page.waitForFunction(() => document.querySelector('table.outcomes').getAttribute('aria-rowcount') === '1202', null, { timeout: 5000 });
    await page.locator('table.outcomes tbody').last().scrollIntoViewIfNeeded();
    await page.locator('table.outcomes tr[aria-rowindex="1202"]', { hasText: 'socket Z tcp' }).waitFor({ timeout: 5000 });
    // The address bar is the new scenario's link (written after the pause too).
    const linked = () => page.evaluate(() => {
      // `<bytes>.<base64>`: the text after the length.
      const b64 = location.hash.split('/').pop().split('.').pop().replace(/-/g, '+').replace(/_/g, '/');
      return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    });
    for (const until = Date.now() + 5000; !/\nsocket Z tcp$/.test(await linked()) && Date.now() < until;) await page.waitForTimeout(100);
    assert.match(await linked(), /\nsocket Z tcp$/);
    // A long text pasted in (a real paste, from the clipboard) is whole:
    // it is run without waiting for the pause, the page's clock standing
    // still (only moved a frame at a time, never as far as the pause).
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await page.evaluate((t) => navigator.clipboard.writeText(t), `${text}socket P tcp\nsocket Q tcp\n`);
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 60_000);
    await page.locator('#scenario-text').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    let ran = 0;
    for (let i = 0; i < 100 && (await size()) !== '1203'; i++) {
      if (ran < 160) { await page.clock.runFor(16); ran += 16; }
      await page.waitForTimeout(50);
    }
    assert.equal(await size(), '1203', 'a pasted long text is run at once');
    await page.clock.resume();
    // A short scenario follows every key (and builds every row).
    await page.fill('#scenario-text', 'os linux\nsocket A tcp\n');
    await page.waitForFunction(() => document.querySelectorAll('table.outcomes tbody tr').length === 1, null, { timeout: 5000 });
    await page.keyboard.press('Control+End');
    await page.keyboard.type('socket B tcp');
    await page.waitForFunction(() => document.querySelectorAll('table.outcomes tbody tr').length === 2, null, { timeout: 5000 });
    assert.equal(await page.locator('table.outcomes[aria-rowcount], table.outcomes tbody.far').count(), 0);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a long scenario with a problem: its line button shows the folded text with the cursor at that line and column', async () => {
  let text = 'os linux\n';
  for (let i = 0; i < 600; i++) text += `socket S${i} tcp\nbind S${i} 0.0.0.0:${2000 + i}\n`;
  // Line 1,103 (the 551st bind) names no port.
  text = text.replace('bind S550 0.0.0.0:2550', 'bind S550 nowhere');
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`);
  try {
    await ready(page);
    assert.equal(await page.locator('#scenario-text').count(), 0);
    await page.locator('.problems button.link', { hasText: /^line 1103, column 11$/ }).click();
    await page.locator('#scenario-text').waitFor();
    const at = await page.evaluate(() => {
      const el = document.activeElement;
      if (el.id !== 'scenario-text') return null;
      const start = el.value.lastIndexOf('\n', el.selectionStart - 1) + 1;
      return [el.value.slice(start, el.value.indexOf('\n', start)), el.value.slice(el.selectionStart, el.selectionStart + 7)];
    });
    // On the line, before the word the problem is about.
    assert.deepEqual(at, ['bind S550 nowhere', 'nowhere']);
    // The gutter marks the line.
    assert.equal((await page.locator('.editor .gutter .bad').innerText()).trim(), '1103');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a table of thousands of steps builds the rows near the screen, and the rest as the reader scrolls to them', async () => {
  // 3,000 datagrams to one socket: every row has an explanation to open.
  let text = 'os linux\nsocket A udp\nbind A 0.0.0.0:5300\n';
  for (let i = 0; i < 3000; i++) text += 'datagram 127.0.0.1:5300\n';
  for (const [label, opts] of [['desktop', {}], ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }]]) {
    // Under the site's CSP, which refuses a style attribute: the placeholders' height must still hold.
    const { page, context, problems } = await openPage(browser, `${cspServer.origin}/#v1/linux/0/${b64(text)}`, opts);
    try {
      await ready(page);
      const built = () => page.locator('table.outcomes tr[aria-rowindex]').count();
      assert.equal(await page.getAttribute('table.outcomes', 'aria-rowcount'), '3003', label);
      await page.getByRole('button', { name: /Run all/ }).click();
      await page.locator('.progress', { hasText: /^3002 of 3002/ }).waitFor();
      const first = await built();
      assert.ok(first >= 32 && first <= 256, `${label}: ${first} rows built of 3,002`);
      // Every step ran: a built row's cell says which socket took it.
      assert.match(await page.locator('table.outcomes tr[aria-rowindex="5"] td.cell').first().innerText(), /ok → A/);
      // The page is as long as all the rows: placeholders keep the rest's height.
      const tall = await page.evaluate(() => document.querySelector('table.outcomes').getBoundingClientRect().height);
      assert.ok(tall > 3002 * 20, `${label}: the table is ${tall}px tall`);
      // Scrolled to the end, the last rows are built, and their explanation opens.
      await page.locator('table.outcomes tbody').last().scrollIntoViewIfNeeded();
      const last = page.locator('table.outcomes tr[aria-rowindex="3003"]');
      await last.waitFor();
      assert.match(await last.innerText(), /datagram 127\.0\.0\.1:5300/);
      // And on the screen, where the reader scrolled: placeholders above it
      // re-estimated once more rows were measured (a phone's cards) must
      // not carry it away (it was 4,667 px below the screen, then let go).
      const lastOnScreen = () => page.evaluate(async () => {
        for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
        const r = document.querySelector('table.outcomes tr[aria-rowindex="3003"]')?.closest('tbody').getBoundingClientRect();
        return r ? [Math.round(r.top), Math.round(r.bottom), innerHeight] : null;
      });
      const at = await lastOnScreen();
      assert.ok(at && at[0] < at[2] && at[1] > 0, `${label}: the last block is at ${JSON.stringify(at)} (top, bottom, screen)`);
      // A built block stays built until two screens away (no flipping at the
      // band's edge), and goes after.
      const lastBlockAt = (screens) => page.evaluate(async (screens) => {
        const body = [...document.querySelectorAll('table.outcomes tbody')].pop();
        window.scrollBy(0, body.getBoundingClientRect().top - screens * innerHeight);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      }, screens);
      await lastBlockAt(2.5);
      assert.equal(await last.count(), 1, `${label}: 1.5 screens below the screen, the last block stays`);
      await lastBlockAt(3.5);
      await page.waitForFunction(() => !document.querySelector('table.outcomes tr[aria-rowindex="3003"]'));
      await page.locator('table.outcomes tbody').last().scrollIntoViewIfNeeded();
      await last.waitFor();
      await last.locator('td.cell summary').first().click();
      assert.match(await last.locator('td.cell .why').first().innerText(), /\S/);
      // The first rows went back to placeholders, and come back when scrolled to.
      assert.equal(await page.locator('table.outcomes tr[aria-rowindex="2"]').count(), 0, label);
      await page.locator('table.outcomes tbody').first().scrollIntoViewIfNeeded();
      await page.locator('table.outcomes tr[aria-rowindex="2"]').waitFor();
      assert.ok(await built() <= 256, label);
      // The reader's place is kept: the last row, far off screen now, still
      // holds the focus and its opened explanation.
      assert.equal(await last.count(), 1, label);
      assert.equal(await last.locator('details[open]').count(), 1, label);
      assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.getAttribute('aria-rowindex')), '3003', label);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  }
});

test('on a touch screen the stepper\'s moves are 44 px targets; with a mouse they keep their size', async () => {
  const sizes = async (opts) => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/`, opts);
    try {
      await ready(page);
      const boxes = await page.locator('.stepper button').evaluateAll((bs) => bs.map((b) => { const r = b.getBoundingClientRect(); return [b.textContent.trim(), Math.round(r.height), Math.round(r.width)]; }));
      assert.deepEqual(problems, []);
      return boxes;
    } finally { await context.close(); }
  };
  const touch = await sizes({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  assert.ok(touch.length >= 3, JSON.stringify(touch));
  for (const [name, h, w] of touch) assert.ok(h >= 44 && w >= 44, `${name}: ${w}×${h}`);
  const mouse = await sizes({ viewport: { width: 1280, height: 900 } });
  assert.ok(mouse.some(([, h]) => h < 44), JSON.stringify(mouse));
});

test('a socket not bound yet: its card says "unbound" once, with no address line under it; a bound one shows its address', async () => {
  const text = 'os linux\nsocket A tcp\nsocket B tcp\nbind B 127.0.0.1:8080\n';
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/3/${b64(text)}`);
  try {
    await ready(page);
    const card = (name) => page.locator('.host svg g.card', { hasText: new RegExp(`^${name} ·`) }).textContent();
    const a = await card('A');
    assert.match(a, /unbound/);
    assert.doesNotMatch(a, /not bound/);
    assert.match(await card('B'), /127\.0\.0\.1:8080/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a crowded host: the diagram draws 64 sockets, the last step\'s among them, and says so; its table lists them all as the reader scrolls', async () => {
  // 400 SO_REUSEPORT sockets on one port, the 400th bound last.
  let text = 'os linux\n';
  for (let i = 0; i < 400; i++) text += `socket S${i} tcp\nset S${i} SO_REUSEPORT\nbind S${i} 0.0.0.0:443\n`;
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/1200/${b64(text)}`);
  try {
    await ready(page);
    assert.equal(await page.locator('.host svg g.card').count(), 64);
    assert.equal(await page.locator('.host svg g.card', { hasText: /^S399 ·/ }).count(), 1);
    // textContent: the host pane is off screen (content-visibility: auto).
    assert.equal(await page.locator('.diagram-some').textContent(), 'The diagram draws 64 of the 400 sockets: those the last step involves, then the first ones. The table below lists every socket.');
    const twin = page.locator('table.twin');
    assert.equal(await twin.getAttribute('aria-rowcount'), '401');
    // The header and a few blocks of 32, not 400 rows.
    assert.ok(await twin.locator('tr[aria-rowindex]').count() <= 1 + 5 * 32);
    // The rows not built keep their height, on a desktop and as a phone's cards.
    const tall = () => twin.evaluate((t) => t.getBoundingClientRect().height);
    assert.ok(await tall() > 400 * 25, `the table is ${await tall()}px tall`);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.querySelector('table.twin').getBoundingClientRect().height > 400 * 100, null, { timeout: 5000 });
    // Scrolled to its end (again while the host pane, skipped off screen
    // by content-visibility, lays out to its real height), its last rows are
    // built.
    await page.waitForFunction(() => {
      const t = document.querySelector('table.twin');
      t.tBodies[t.tBodies.length - 1].scrollIntoView();
      return t.querySelector('tr[aria-rowindex="401"]');
    }, null, { polling: 200, timeout: 10000 });
    const last = twin.locator('tr[aria-rowindex="401"]');
    assert.match(await last.innerText(), /S399[\s\S]*0\.0\.0\.0:443[\s\S]*SO_REUSEPORT/);
    // Back to a host of 64 sockets: drawn whole, no note, every row built.
    // (The 1,201 lines opened folded.)
    await page.getByRole('button', { name: /^Show the text/ }).click();
    await page.fill('#scenario-text', text.split('\n').slice(0, 1 + 3 * 64).join('\n') + '\n');
    // (The step stays where it was, clamped to the new scenario's end.)
    await page.locator('.progress', { hasText: /^192 of 192/ }).waitFor();
    assert.equal(await page.locator('.host svg g.card').count(), 64);
    assert.equal(await page.locator('.diagram-some').count(), 0);
    assert.equal(await page.locator('table.twin tbody tr').count(), 64);
    assert.equal(await page.locator('table.twin[aria-rowcount], table.twin tbody.far').count(), 0);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// A new reader's review, 2026-12-06: Escape closed an opened outcome only
// while the focus was on that cell, not on its explanation's rule link nor
// on a neighbouring cell. Wide (the explanation in a row under the step)
// and on a phone (in the cell).
test('Escape anywhere in the outcome table closes the opened explanation and returns to its cell', async () => {
  for (const opts of [{}, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }]) {
    const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,windows/8/${b64(EXAMPLE)}`, opts);
    try {
      await ready(page);
      const row = page.locator('table.outcomes tbody tr', { hasText: 'bind B' }).first();
      const summary = row.locator('td[data-os="Linux"] summary');
      const onSummary = () => page.evaluate(() => document.activeElement?.tagName === 'SUMMARY' && document.activeElement.closest('td')?.dataset.os === 'Linux' && /^EADDRINUSE/.test(document.activeElement.textContent));
      const wide = !opts.viewport;
      // From the rule link of the opened explanation.
      await summary.click();
      assert.equal(await page.locator('table.outcomes details[open]').count(), 1);
      const link = wide ? page.locator('tr.why-row a.rule-link') : row.locator('details[open] a.rule-link');
      await link.focus();
      await page.keyboard.press('Escape');
      assert.equal(await page.locator('table.outcomes details[open]').count(), 0);
      assert.ok(await onSummary(), 'the focus is back on the cell');
      // From a neighbouring cell: the next step's button, and the row's other OS.
      for (const other of [
        page.locator('table.outcomes tbody tr', { hasText: 'client 192.168.0.1:21' }).first().locator('th button'),
        row.locator('td[data-os="Windows"] summary'),
        page.locator('table.outcomes tbody tr', { hasText: 'socket A tcp' }).first().locator('th button'),
      ]) {
        await summary.click();
        assert.equal(await page.locator('table.outcomes details[open]').count(), 1);
        await other.focus();
        await page.keyboard.press('Escape');
        assert.equal(await page.locator('table.outcomes details[open]').count(), 0);
        assert.ok(await onSummary(), 'the focus is back on the cell');
      }
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  }
});

// Found by a keyboard reader on 2026-12-06: in "Add a step", choosing
// another socket with the arrow keys lost the focus when the two sockets have
// a different number of option buttons (a tcp6 one has IPV6_V6ONLY): the
// select was rebuilt, and the next arrow key went to the page.
test('the socket select of Add a step keeps the focus while the arrow keys choose sockets with other options', async () => {
  const text = 'os linux\nsocket A tcp\nsocket B tcp6\nsocket C tcp\n';
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`);
  try {
    await ready(page);
    const select = page.getByRole('combobox', { name: 'Socket to act on' });
    for (let i = 0; i < 80 && !(await select.evaluate((s) => s === document.activeElement)); i++) await page.keyboard.press('Tab');
    assert.equal(await select.inputValue(), 'C');
    const seen = [];
    for (const key of ['ArrowUp', 'ArrowUp', 'ArrowDown', 'ArrowDown']) {
      await page.keyboard.press(key);
      const where = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
      assert.equal(where, 'Socket to act on', `the focus left the select after ${key} (${seen.join(' → ')})`);
      seen.push(await select.inputValue());
    }
    assert.deepEqual(seen, ['B', 'A', 'B', 'C']);
    // B's own option is offered while B is chosen.
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.locator('.controls button', { hasText: 'IPV6_V6ONLY' }).count(), 1);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the sandbox works by keyboard alone', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/#v1/linux,windows/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    const focusOn = async (pattern, limit = 80) => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        const t = await page.evaluate(() => document.activeElement?.innerText || document.activeElement?.getAttribute('aria-label') || '');
        if (pattern.test(t)) return;
      }
      throw new Error(`never reached ${pattern}`);
    };
    await focusOn(/^Step ▶$/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    assert.match(await page.locator('.progress').innerText(), /^2 of 8/);
    await focusOn(/Run all/);
    await page.keyboard.press('Enter');
    // The outcome table is one Tab stop (the step run last), and the
    // arrow keys go through it: Home, then each step's first outcome (→),
    // back (←) and down (↓) till an EADDRINUSE.
    const text = () => page.evaluate(() => document.activeElement?.innerText ?? '');
    for (let i = 0; i < 80 && !(await page.evaluate(() => document.activeElement?.closest('table.outcomes'))); i++) await page.keyboard.press('Tab');
    assert.match(await text(), /client 192\.168\.0\.1:21 x3/, 'Tab reaches the table at the step run last');
    await page.keyboard.press('Home');
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('ArrowRight');
      if (/^EADDRINUSE/.test(await text())) break;
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowDown');
    }
    assert.match(await text(), /^EADDRINUSE/);
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('details[open]').count(), 1);
    assert.match(await page.locator('tr.why-row').innerText(), /listener-holds-port/);
    // Escape closes it again and leaves the focus on its summary.
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('details[open]').count(), 0);
    assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /^EADDRINUSE/);
    // The focus ring stands out from the page (WCAG 2.2 non-text contrast, 3:1).
    const ring = await page.evaluate(() => {
      const lum = (c) => {
        const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
          const x = Number(v) / 255;
          return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const [a, b] = [getComputedStyle(document.activeElement).outlineColor, getComputedStyle(document.documentElement).backgroundColor].map(lum);
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
    assert.ok(ring >= 3, `focus ring contrast ${ring.toFixed(2)}:1`);
    // Typing in the editor, then leaving it with Tab (no keyboard trap).
    await page.focus('#scenario-text');
    // Its ring goes round the editor's box, never cut off at its edge.
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.editor .code')).outlineStyle), 'solid');
    await page.keyboard.press('End');
    await page.keyboard.type('\nsocket K tcp');
    assert.match(await page.inputValue('#scenario-text'), /socket K tcp/);
    await page.keyboard.press('Tab');
    assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'scenario-text');
    // Tab goes as the panes are shown: on a wide screen from the editor to
    // the buttons under it, then to the run beside them; on a phone's one
    // column from the editor to the run under it.
    const pane = () => page.evaluate(() => document.activeElement?.closest('.pane')?.classList[1] ?? null);
    assert.equal(await pane(), 'controls-pane', 'wide: the editor, then its buttons');
    for (let i = 0; i < 40 && (await pane()) === 'controls-pane'; i++) await page.keyboard.press('Tab');
    assert.equal(await pane(), 'run-pane', 'wide: the buttons, then the run');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.focus('#scenario-text');
    await page.keyboard.press('Tab');
    assert.equal(await pane(), 'run-pane', 'phone: the editor, then the run under it');
  } finally { await context.close(); }
});

test('skip links: the first Tab offers them, and they move the focus past the navigation without touching the permalink', async () => {
  // A link as the page writes it (its text's length first), so the page
  // keeps the address as it is.
  const url = `${server.origin}/#v1/linux,windows/0/${Buffer.byteLength(EXAMPLE)}.${b64(EXAMPLE)}`;
  const { page, context, problems } = await openPage(browser, url);
  try {
    await ready(page);
    const active = () => page.evaluate(() => ({ text: document.activeElement?.innerText || '', id: document.activeElement?.id || '', tag: document.activeElement?.tagName }));
    const skip = page.locator('a.skip-link').first();
    // Off screen until focused, then on screen.
    assert.ok((await skip.boundingBox()).x < 0);
    await page.keyboard.press('Tab');
    assert.equal((await active()).text, 'Skip to the content');
    assert.ok((await skip.boundingBox()).x >= 0, 'a focused skip link is shown');
    await page.keyboard.press('Enter');
    assert.equal((await active()).id, 'main');
    await page.keyboard.press('Tab');
    assert.equal((await active()).text, 'Examples', 'the next Tab is the first control of the page');
    await page.keyboard.press('Tab');
    assert.equal((await active()).id, 'scenario-text');
    // The second one goes straight to "Run it": the next Tab is its first
    // enabled button (at step 0, Step; Reset and Back are disabled).
    await page.locator('a.skip-link', { hasText: 'Skip to Run it' }).focus();
    await page.keyboard.press('Enter');
    assert.equal((await active()).id, 'run');
    await page.keyboard.press('Tab');
    assert.equal((await active()).text, 'Step ▶');
    // The address bar still holds the permalink.
    assert.equal(page.url(), url);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
  // A lesson in Chinese: one skip link, to the page itself (the pages'
  // `<base>` is the site's root), in Chinese.
  const lesson = await openPage(browser, `${server.origin}/zh-CN/learn/wildcard/`);
  try {
    await lesson.page.waitForSelector('#app[data-live]');
    const links = lesson.page.locator('a.skip-link');
    assert.equal(await links.count(), 1);
    assert.equal(await links.evaluate((a) => a.href), `${server.origin}/zh-CN/learn/wildcard/#main`);
    assert.equal((await links.innerText()).trim(), '跳到正文');
    await lesson.page.keyboard.press('Tab');
    await lesson.page.keyboard.press('Enter');
    assert.equal(await lesson.page.evaluate(() => document.activeElement?.id), 'main');
    assert.deepEqual(lesson.problems, []);
  } finally { await lesson.context.close(); }
});

test('axe finds no serious or critical violation (light and dark)', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage(browser, `${server.origin}/#v1/linux,freebsd,macos,windows/0/${b64(EXAMPLE)}`, { colorScheme });
    try {
      await ready(page);
      await page.click('text=Run all');
      await page.locator('td details summary').first().click();
      // The examples menu open over the editor, its list there.
      await page.click('details.examples > summary');
      await page.locator('.examples-list li a').first().waitFor();
      const { violations } = await new AxeBuilder({ page }).analyze();
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), [], colorScheme);
    } finally { await context.close(); }
  }
});

test('the site works under a strict Content-Security-Policy', async () => {
  const { page, context, problems } = await openPage(browser, `${cspServer.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    await page.click('text=Run all');
    assert.match(await page.locator('tr', { has: page.locator('text=bind B 192.168.0.1:21') }).innerText(), /EADDRINUSE/);
    assert.deepEqual(problems, [], 'no CSP violation or error');
    const css = await page.evaluate(() => getComputedStyle(document.querySelector('.pane')).borderRadius);
    assert.equal(css, '10px', 'the stylesheet applies under the CSP');
  } finally { await context.close(); }
});

test('the wasm is compiled in a worker, once; where workers are forbidden the page compiles it itself', async () => {
  const url = `/#v1/linux/0/${b64(EXAMPLE)}`;
  // Opens `origin + url` with a record of the workers the page starts.
  const open = async (origin) => {
    const opened = await openPage(browser, 'about:blank');
    opened.workers = [];
    opened.page.on('worker', (w) => opened.workers.push(new URL(w.url()).pathname));
    await opened.page.goto(origin + url);
    await ready(opened.page);
    await opened.page.click('text=Run all');
    assert.match(await opened.page.locator('tr', { has: opened.page.locator('text=bind B 192.168.0.1:21') }).innerText(), /EADDRINUSE/);
    return opened;
  };
  const wasm = (urls) => urls.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname);
  // The usual path: boot.js starts one worker, which fetches and compiles
  // the wasm; the page fetches it no second time.
  const usual = await open(cspServer.origin);
  try {
    assert.deepEqual(usual.workers, ['/static/compile-worker.js']);
    assert.deepEqual(wasm(usual.urls), ['/pkg/bindlab_bg.wasm']);
    assert.deepEqual(usual.problems, []);
  } finally { await usual.context.close(); }
  // A site whose policy forbids workers: none starts (the browser says why
  // in the console), and the page fetches and compiles the wasm on its own
  // thread, and works.
  const noWorkers = await serve({ csp: `${CSP}; worker-src 'none'` });
  try {
    const strict = await open(noWorkers.origin);
    try {
      assert.deepEqual(strict.workers, []);
      assert.deepEqual(wasm(strict.urls), ['/pkg/bindlab_bg.wasm']);
      assert.deepEqual(strict.problems.filter((p) => !/worker-src/.test(p)), []);
      assert.ok(strict.problems.some((p) => /worker-src/.test(p)), `the policy refused the worker: ${strict.problems}`);
    } finally { await strict.context.close(); }
  } finally { await noWorkers.close(); }
});

test('a wasm that cannot be compiled, or no WebAssembly: the page says so and reads as it does without JavaScript', async () => {
  // A page that never goes live: opened without openPage's wait for it.
  const open = async (url, init) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const urls = [];
    const problems = [];
    page.on('request', (r) => urls.push(r.url()));
    page.on('pageerror', (e) => problems.push(e.message));
    if (init) await page.addInitScript(init);
    await page.goto(url);
    const fatal = page.locator('#fatal');
    await fatal.waitFor({ state: 'visible', timeout: 15000 });
    // The page then reads as it does without JavaScript: the example's
    // whole run shown, the controls that need the app gone.
    await page.locator('.static-run').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('.stepper').isVisible(), false, 'the stepper is hidden');
    assert.match(await page.locator('.static-outcomes').innerText(), /EADDRINUSE/);
    return { context, page, urls, problems, message: await fatal.innerText(), text: await page.locator('#app').innerText() };
  };
  // The host answers the wasm's address with a page (a misconfigured
  // rewrite rule): the worker's compile fails, the page's own attempt too.
  const broken = await serve({ pages: { '/pkg/bindlab_bg.wasm': () => '<!doctype html><p>not here</p>' } });
  try {
    const got = await open(broken.origin + '/');
    try {
      assert.match(got.message, /^bindlab could not start: CompileError: .*Reloading the page may help/);
      assert.equal(got.urls.filter((u) => u.endsWith('.wasm')).length, 2, 'the worker tried, then the page');
      assert.match(got.text, /bindlab sandbox/i);
      assert.deepEqual(got.problems, []);
    } finally { await got.context.close(); }
  } finally { await broken.close(); }
  // A browser without WebAssembly (or with it turned off): no worker, no
  // wasm fetched, a message that says what is missing.
  const bare = await open(server.origin + '/', () => { delete window.WebAssembly; });
  try {
    assert.match(bare.message, /^bindlab needs WebAssembly, which this browser does not offer or has turned off\. The page still reads in full, each scenario with what every step does on each OS/);
    assert.deepEqual(bare.urls.filter((u) => /\.wasm$|compile-worker/.test(u)), []);
    assert.match(bare.text, /bindlab sandbox/i);
    assert.deepEqual(bare.problems, []);
  } finally { await bare.context.close(); }
  // A page in Chinese says it in Chinese (the prerenderer's words on #fatal).
  const zh = await open(server.origin + '/zh-CN/', () => { delete window.WebAssembly; });
  try {
    assert.match(zh.message, /^bindlab 需要 WebAssembly，但此浏览器不支持或已将其关闭。/);
    assert.deepEqual(zh.problems, []);
  } finally { await zh.context.close(); }
});

test('on a phone the layout is one column and nothing overflows the page', async () => {
  const { page, context } = await openPage(browser, server.origin + '/', { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await ready(page);
    const [editor, run, host, controls] = await Promise.all(['.editor-pane', '.run-pane', 'section.host', '.controls-pane'].map((s) => page.locator(s).boundingBox()));
    assert.ok(run.y > editor.y + editor.height - 1, 'panes stack');
    // The moves come right under the editor; what the step did and why (the
    // host's announcement) right under its outcomes, not past "Add a step"
    // (a new reader's review, 2026-12-06); the buttons that write lines after them.
    assert.ok(host.y > run.y + run.height - 1 && host.y < run.y + run.height + 40, `the host follows the run (${run.y + run.height} → ${host.y})`);
    assert.ok(controls.y > host.y + host.height - 1, 'the buttons come after the host');
    // In the text too, so a screen reader's order is the one on screen.
    assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('.layout > *')].map((e) => e.classList[1])),
      ['editor-pane', 'run-pane', 'host', 'controls-pane']);
    assert.ok(run.y < 844, `Run it starts on the first screen (at ${run.y}px)`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  } finally { await context.close(); }
});

// Found by a reader on 2026-12-06: on a phone (one column), the clients'
// arrow ran up from the top of the next socket's card, as if B sent them.
test('on a phone, the arrow of arriving clients starts in the gap below its card, clear of the card under it', async () => {
  const text = 'socket A tcp\nbind A 0.0.0.0:21\nlisten A\nsocket B tcp\nbind B 127.0.0.1:22\nclient 127.0.0.1:21\nclient 127.0.0.1:21\n';
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`,
    { viewport: { width: 390, height: 844 }, isMobile: true });
  try {
    await ready(page);
    await page.click('text=Run all');
    await page.locator('svg.diagram .flow').first().waitFor();
    const geometry = await page.evaluate(() => {
      const svg = document.querySelector('svg.diagram');
      const box = (el) => { if (!el) return null; const { x, y, width, height } = el.getBBox(); return { x, y, width, height }; };
      const cards = [...svg.querySelectorAll('g.card > rect.card-bg')].map(box);
      return [...svg.querySelectorAll('g.flow')].map((g) => ({ line: box(g.querySelector('line')), source: box(g.querySelector('circle.source')), cards }));
    });
    assert.equal(geometry.length, 1, 'one listener, one arrow');
    const [{ line, source, cards }] = geometry;
    assert.equal(cards.length, 2);
    const [a, b] = cards.sort((p, q) => p.y - q.y);
    assert.ok(a.x === b.x && b.y > a.y + a.height, `one column: B under A (${JSON.stringify([a, b])})`);
    assert.ok(line.y >= a.y + a.height, 'the arrow is below A');
    assert.ok(source, 'the arrow has its source mark');
    const tail = Math.max(line.y + line.height, source.y + source.height);
    assert.ok(tail <= b.y - 6, `the arrow's tail ends ${b.y - tail}px above B's card`);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('on a phone the moves stay at the top while the outcomes scroll, a pending step is one line, and Step shows the row it reached', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,freebsd,macos,windows/0/${b64(EXAMPLE)}`,
    { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await ready(page);
    // Before a run each step is its line alone: no row of dots per OS.
    const pending = page.locator('table.outcomes tbody tr.pending').first();
    assert.equal(await pending.locator('td.cell').first().isVisible(), false);
    const step = page.locator('.stepper button.primary');
    await step.scrollIntoViewIfNeeded();
    const total = await page.locator('table.outcomes tbody tr').count();
    for (let i = 0; i < total; i++) await step.tap();
    await page.waitForFunction((n) => new RegExp(`^${n} of ${n} steps run$`).test(document.querySelector('.stepper .progress').textContent), total);
    // The stepper stuck to the top, the last row on screen below it.
    const bar = await page.locator('.stepper').boundingBox();
    assert.ok(Math.abs(bar.y) < 1, `the stepper is at the top (${bar.y})`);
    const row = await page.locator('table.outcomes tr.current').boundingBox();
    assert.ok(row.y >= bar.y + bar.height - 1 && row.y + row.height <= 844 + 1, `the current row is on screen, below the stepper (${row.y}, ${row.height})`);
    // Back: the row above, still on screen and not under the stepper.
    await page.locator('.stepper button', { hasText: 'Back' }).tap();
    const back = await page.locator('table.outcomes tr.current').boundingBox();
    assert.ok(back.y >= bar.y + bar.height - 1 && back.y < 844, `after Back (${back.y})`);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('on a phone a step focused by the keyboard is not under the stuck moves (Shift+Tab back into the table, ↑ along it)', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,freebsd,macos,windows/0/${b64(EXAMPLE)}`,
    { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await ready(page);
    await page.locator('.stepper button', { hasText: 'Run all' }).tap();
    await page.locator('select[aria-label="OS shown in the diagram"]').focus();
    const clear = async (what) => {
      const r = await page.evaluate(() => ({
        focused: document.activeElement.matches('table.outcomes .step .link'),
        top: document.activeElement.getBoundingClientRect().top,
        moves: document.querySelector('.run-pane > .stepper').getBoundingClientRect().bottom,
      }));
      assert.ok(r.focused, `${what}: a step's button has the focus`);
      assert.ok(r.top >= r.moves - 1, `${what}: the step (top ${r.top}) is below the moves (bottom ${r.moves})`);
    };
    // Back into the table: the last step's button (its Tab stop), which
    // the page scrolled under the moves.
    await page.keyboard.press('Shift+Tab');
    await clear('Shift+Tab');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('ArrowUp');
      await clear(`↑ ×${i + 1}`);
    }
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('on a phone the OS boxes that wrap line up under the first, with no gap between their rows', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/`,
    { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await ready(page);
    const boxes = await page.locator('.os-picker .check').evaluateAll((ls) => ls.map((l) => { const r = l.getBoundingClientRect(); return { x: r.x, y: r.y, bottom: r.bottom }; }));
    assert.equal(boxes.length, 4);
    const rows = [...new Set(boxes.map((b) => Math.round(b.y)))];
    assert.ok(rows.length >= 2, `they wrap at 390 px (${rows.length} row)`);
    const second = boxes.find((b) => Math.round(b.y) === rows[1]);
    assert.ok(Math.abs(second.x - boxes[0].x) < 1, `the second row starts under Linux (${second.x} vs ${boxes[0].x}), not under "Compare on"`);
    assert.ok(second.y - boxes[0].bottom < 2, `no gap between the rows (${second.y - boxes[0].bottom}px): each box is already 44 px tall`);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

for (const [size, viewport] of [['wide', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the editor's caret at a long line's start is right of the line numbers, not under them (${size})`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/`, { viewport });
    try {
      await ready(page);
      await page.locator('#scenario-text').focus();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('End');
      const box = page.locator('.editor .code');
      assert.ok(await box.evaluate((c) => c.scrollLeft) > 100, 'End on the long comment line scrolled the box');
      await page.keyboard.press('Home');
      // The text's first column (and its padding) shows right of the gutter.
      assert.equal(await box.evaluate((c) => c.scrollLeft), 0);
      // A gutter of three digits: wider, and still clear.
      const long = Array.from({ length: 120 }, (_, i) => `# line ${i + 1}`).join('\n') + `\n# ${'a long comment '.repeat(12)}\n`;
      await page.locator('#scenario-text').fill(long);
      await page.waitForFunction(() => document.querySelector('.editor .code').classList.contains('digits-3'));
      await page.keyboard.press('Control+End');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('End');
      assert.ok(await box.evaluate((c) => c.scrollLeft) > 100);
      await page.keyboard.press('Home');
      assert.equal(await box.evaluate((c) => c.scrollLeft), 0);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}

test('on a phone, what Copy link and Run on your machine say shows under their buttons, on screen', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`,
    { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, acceptDownloads: true });
  try {
    await ready(page);
    const copy = page.getByRole('button', { name: 'Copy link' });
    await copy.scrollIntoViewIfNeeded();
    await copy.tap();
    const notice = page.locator('#run .notice[role="status"]');
    await notice.waitFor();
    assert.match(await notice.innerText(), /Link copied/);
    const box = await notice.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 845, `the notice is on screen (${box.y})`);
    // Nothing at the top of the page, a screen away.
    assert.equal(await page.locator('main > .notice').count(), 0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Run on your machine' }).tap()]);
    assert.equal(download.suggestedFilename(), 'bindlab_check.py');
    await page.locator('#run .notice', { hasText: 'Saved bindlab_check.py' }).waitFor();
    // The command is shown as code, not between backticks.
    assert.equal(await page.locator('#run .notice code').innerText(), 'python3 bindlab_check.py');
    assert.doesNotMatch(await page.locator('#run .notice').innerText(), /`/);
    const saved = await page.locator('#run .notice').boundingBox();
    assert.ok(saved.y >= 0 && saved.y + saved.height <= 845, `the notice is on screen (${saved.y})`);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a scenario with no steps says how to add one, not "Press Step"', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64('title Empty\n')}`);
  try {
    await ready(page);
    const said = await page.locator('#announce').innerText();
    assert.match(said, /has no steps yet: add one at the end of its text \(socket A tcp, then bind A 0\.0\.0\.0:8080; in the sandbox, the buttons under “Add a step” write them\)/);
    assert.doesNotMatch(said, /Press Step/);
    assert.equal(await page.locator('#announce code').count(), 2);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('"Run on your machine" downloads a Python program carrying the scenario and the predictions', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`, { acceptDownloads: true });
  try {
    await ready(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Run on your machine')]);
    assert.equal(download.suggestedFilename(), 'bindlab_check.py');
    const fs = await import('node:fs');
    const text = fs.readFileSync(await download.path(), 'utf8');
    assert.match(text, /^#!\/usr\/bin\/env python3/);
    assert.match(text, /# \| bind B 192\.168\.0\.1:21  => EADDRINUSE/);
    assert.match(text, /lambda: do_bind\("B", "192\.168\.0\.1", 21\)/);
    assert.match(text, /"linux": \[/);
    // The runtime, fetched from static/export/ (the wasm leaves it out), is appended once.
    const runtime = fs.readFileSync(`${DIST}/static/export/python.py`, 'utf8');
    assert.ok(runtime.length > 1000 && text.endsWith(runtime), 'the program ends with runtime.py');
    assert.match(await page.locator('.notice').innerText(), /python3 bindlab_check\.py/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// What it needs beyond the page's wasm, each refused once: the program
// generators' module, then the Python runtime.
for (const [what, url, said] of [
  ['the program generators', '**/pkg/bindlab-export.wasm', /bindlab_check\.py could not be made: The program generator could not be loaded \(the server answered 503 .*\)\. Click “Run on your machine” to try again/],
  ['its runtime', '**/static/export/python.py', /its Python runtime did not load \(the server answered 503 .*\)\. Click “Run on your machine” to try again/],
]) {
  test(`"Run on your machine" without ${what} (a failed fetch) says so, and the button tries again`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`, { acceptDownloads: true });
    try {
      await ready(page);
      await page.route(url, (route) => route.fulfill({ status: 503, body: 'down' }));
      let downloads = 0;
      page.on('download', () => { downloads++; });
      await page.getByRole('button', { name: 'Run on your machine' }).click();
      await page.locator('.notice', { hasText: 'could not be made' }).waitFor();
      assert.match(await page.locator('.notice').innerText(), said);
      assert.equal(downloads, 0);
      await page.unroute(url);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Run on your machine' }).click()]);
      assert.equal(download.suggestedFilename(), 'bindlab_check.py');
      assert.match(await page.locator('.notice').innerText(), /python3 bindlab_check\.py/);
      // The one console error is Chromium's own line for the refused request.
      assert.deepEqual(problems.filter((p) => !/status of 503/.test(p)), []);
    } finally { await context.close(); }
  });
}

// Found by a reader on 2026-12-03: on a phone, typing a line longer than the
// editor scrolled the box sideways and the line numbers out of sight, while
// the problems below named lines by number.
test('on a phone, the line numbers stay in view when a long line scrolls the editor', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/',
    { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await ready(page);
    await page.fill('#scenario-text', '');
    await page.focus('#scenario-text');
    await page.keyboard.type('socket a_socket_with_a_very_long_name_indeed tcp');
    const box = page.locator('.editor .code').first();
    assert.ok(await box.evaluate((el) => el.scrollLeft) > 0, 'the long line scrolled the box');
    const [b, g] = [await box.boundingBox(), await page.locator('.editor .gutter').first().boundingBox()];
    assert.ok(g.x >= b.x - 1 && g.x + g.width <= b.x + b.width, `the gutter is in the box (${g.x} in ${b.x})`);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a Windows error name breaks after WSAE in a narrow cell, never mid-word; a why-line keeps "macOS" as written', async () => {
  const text = 'os windows\nsocket A tcp\nset A SO_EXCLUSIVEADDRUSE\nbind A 127.0.0.1:5000\nsocket B tcp\nbind B 0.0.0.0:5000\nlisten B\nclient 127.0.0.1:5000\n';
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,freebsd,macos,windows/0/${b64(text)}`, { viewport: { width: 1280, height: 900 } });
  try {
    await ready(page);
    await page.click('text=Run all');
    await page.waitForSelector('#announce');
    const cell = page.locator('table.outcomes tbody tr', { hasText: 'client 127.0.0.1:5000' }).locator('td[data-os="Windows"]');
    const summary = cell.locator('summary');
    assert.match(await summary.evaluate((e) => e.innerHTML), /^WSAE<wbr>CONNREFUSED/);
    assert.equal((await summary.textContent()).trim(), 'WSAECONNREFUSED');
    // The word fits its line: the summary is no taller than two lines of it.
    const [height, line] = await summary.evaluate((e) => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)]);
    assert.ok(height <= 2 * line + 1, `WSAE / CONNREFUSED on at most two lines (${height} px, line ${line} px)`);
    await summary.click();
    assert.match(await page.locator('table.outcomes tr.why-row').innerText(), /every address but that one/);
    // The host view agrees: B's wildcard bar has a gap at 127.0.0.1, and
    // the socket table says which address it lacks.
    await page.selectOption('section.host select', 'windows');
    assert.equal(await page.locator('section.host svg rect.except').count(), 1);
    assert.match(await page.locator('section.host').innerText(), /0\.0\.0\.0:5000 \(not 127\.0\.0\.1: an exclusive socket bound it first\)/);
    const mac = page.locator('table.outcomes tbody tr', { hasText: 'set A SO_EXCLUSIVEADDRUSE' }).locator('td[data-os="macOS"]');
    await mac.locator('summary').click();
    assert.match(await page.locator('table.outcomes tr.why-row', { hasText: 'macOS has no' }).innerText(), / — macOS has no SO_EXCLUSIVEADDRUSE/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a problem\'s `quoted` words show as code, and #main is an anchor that opens the example, not a damaged link', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#main`, { viewport: { width: 1280, height: 900 } });
  try {
    await ready(page);
    assert.equal(await page.locator('.notice').count(), 0, 'no "damaged link" notice');
    assert.match(await page.inputValue('#scenario-text'), /socket A tcp/, 'the example is loaded');
    await page.fill('#scenario-text', 'os linux\nsocket A tcp\nbind B 0.0.0.0:80\n');
    const item = page.locator('.problems li').first();
    await item.waitFor();
    assert.equal(await item.locator('code').first().textContent(), 'B');
    assert.ok(!(await item.innerText()).includes('`'), 'no literal backtick');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a FreeBSD socket a failed reconnect took out of the lookup tables says so in the host view', async () => {
  const text = 'os freebsd\niface 192.168.0.1\nsocket A udp\nset A SO_REUSEPORT\nbind A 0.0.0.0:5000\nconnect A 198.51.100.7:53\nsocket B udp\nset B SO_REUSEPORT\nbind B 0.0.0.0:5000\nconnect B 198.51.100.8:53\nconnect B 198.51.100.7:53\n';
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/freebsd/9/${b64(text)}`, { viewport: { width: 1280, height: 900 } });
  try {
    await ready(page);
    const host = page.locator('section.host');
    await host.waitFor();
    assert.match(await host.innerText(), /bound, but out of the lookup tables \(a reconnect failed\)/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a macOS socket a failed connect() left in one family says so, and its wildcard bar spans that family only', async () => {
  const text = 'os macos\niface fd00::1\nsocket M tcp6\nconnect M [::ffff:198.51.100.1]:80\nlisten M\n';
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/macos/3/${b64(text)}`, { viewport: { width: 1280, height: 900 } });
  try {
    await ready(page);
    const host = page.locator('section.host');
    await host.waitFor();
    assert.match(await host.innerText(), /listening, IPv4 only \(a connect\(\) left it so\)/);
    // The bar reaches the IPv4 band only: it ends above the IPv6 band.
    const [bar, v6] = await page.evaluate(() => {
      const svg = document.querySelector('svg.diagram');
      const bar = svg.querySelector('.bind.wildcard rect').getBoundingClientRect();
      const v6 = svg.querySelector('.band-bg.v6').getBoundingClientRect();
      return [{ bottom: bar.bottom }, { top: v6.top }];
    });
    assert.ok(bar.bottom <= v6.top + 1, `bar ${bar.bottom}, IPv6 band ${v6.top}`);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the examples menu: fetched when first opened, an example replaces the scenario, and the browser\'s Back returns to it', async () => {
  const mine = 'os linux\nsocket Z tcp\nbind Z 0.0.0.0:8080\n';
  const { page, context, problems, urls } = await openPage(browser, `${server.origin}/#v1/linux,macos/1/${b64(mine)}`);
  try {
    await ready(page);
    // Closed, the menu costs the first load nothing.
    assert.equal(urls.filter((u) => u.includes('examples.txt')).length, 0);
    const summary = page.locator('details.examples > summary');
    await summary.click();
    const items = page.locator('.examples-list li a');
    await items.first().waitFor();
    assert.equal(urls.filter((u) => u.includes('examples.txt')).length, 1);
    // Each is a link to its permalink (every OS, step 0): it opens in a new
    // tab, or is copied, as any link.
    assert.ok((await items.first().getAttribute('href')).startsWith(`${server.origin}/#v1/linux,freebsd,macos,windows/0/`));
    assert.equal(await items.count(), 8);
    assert.match(await items.first().innerText(), /^Two servers, one port/);
    const item = items.filter({ hasText: 'Ports below 1024' });
    assert.match(await item.locator('.example-about').innerText(), /macOS keeps them for root only on a specific address/);
    await item.click();
    // The example is in the editor, from step 0 on every OS; the menu has
    // closed and left the focus on its summary.
    await page.waitForFunction(() => document.querySelector('#scenario-text')?.value.startsWith('title Ports below 1024'));
    assert.match(await page.inputValue('#scenario-text'), /^title Ports below 1024\n# Linux and FreeBSD/);
    assert.match(await page.locator('.progress').innerText(), /^0 of 6/);
    assert.equal(await page.locator('.os-picker input:checked').count(), 4);
    assert.equal(await page.locator('details.examples[open]').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Examples');
    // The reader's own scenario left the editor: a notice says where it is.
    const opened = page.locator('main > .notice');
    assert.match(await opened.innerText(), /^Example opened\. The browser’s Back button returns to your scenario\./);
    assert.equal(await opened.getAttribute('role'), 'status');
    await page.click('text=Run all');
    await page.waitForSelector('#announce');
    assert.match(await page.locator('table.outcomes tbody tr', { hasText: 'bind web' }).locator('td[data-os="Linux"]').innerText(), /EACCES/);
    // Back: the reader's scenario, its OSes and step.
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#scenario-text')?.value.startsWith('os linux\nsocket Z'));
    assert.equal(await page.inputValue('#scenario-text'), mine);
    assert.match(await page.locator('.progress').innerText(), /^1 of 2/);
    assert.equal(await page.locator('.os-picker input:checked').count(), 2);
    // Opened again, it is not fetched again; Escape closes it onto its
    // summary, and so does a click elsewhere on the page.
    await summary.click();
    await items.first().waitFor();
    assert.equal(urls.filter((u) => u.includes('examples.txt')).length, 1);
    await items.nth(2).focus();
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('details.examples[open]').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Examples');
    await summary.click();
    await items.first().waitFor();
    await page.click('h2#h-run');
    assert.equal(await page.locator('details.examples[open]').count(), 0);
    // Tab past its last example: the menu closes, uncovering the editor
    // the focus goes to.
    await summary.click();
    await items.last().focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'scenario-text');
    assert.equal(await page.locator('details.examples[open]').count(), 0);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the examples menu: a failed fetch says why and tries again', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/`);
  try {
    await ready(page);
    await page.route('**/examples.txt', (r) => r.abort());
    await page.click('details.examples > summary');
    const failed = page.locator('.examples-list .problems');
    await failed.waitFor();
    assert.match(await failed.innerText(), /^The examples could not be loaded: /);
    await page.unroute('**/examples.txt');
    await failed.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.examples-list li a').first().waitFor();
    await page.locator('.examples-list li a', { hasText: 'One local port, two connections' }).click();
    await page.waitForFunction(() => document.querySelector('#scenario-text')?.value.startsWith('title One local port, two connections'));
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#scenario-text')?.value.startsWith('title Two servers'));
  } finally { await context.close(); }
});

test('a stepping key right after a render acts on the step shown, though Yew has not run that render\'s effects yet', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,windows/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    const shown = await page.evaluate(async () => {
      const key = (k) => window.dispatchEvent(new KeyboardEvent('keydown', { key: k, altKey: true, shiftKey: true }));
      const now = Date.now;
      let t = now();
      // Every look at the clock finds Yew's 16 ms slice spent, so after a
      // render it yields to the browser (a timer) before the render's
      // effects, where a listener is set up again: as on a busy phone.
      Date.now = () => (t += 1000);
      try {
        key('ArrowDown');
        for (let i = 0; i < 50; i++) await Promise.resolve(); // the render (microtasks), not the timer
        key('ArrowLeft');
      } finally {
        Date.now = now;
      }
      await new Promise((r) => setTimeout(r, 100));
      return document.querySelector('.progress').textContent;
    });
    assert.match(shown, /^7 of 8/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the stepper\'s shortcuts: Alt+Shift+→ ← ↓ ↑, named on its buttons and in the footer, never while typing', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux,windows/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    const progress = () => page.locator('.progress').innerText();
    // The page's frame after a key may come later on a busy machine (CI
    // once read "8 of 8" right after the reset): wait for it, then assert.
    const becomes = async (re) => {
      await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('.progress')?.textContent ?? ''), re.source, { timeout: 5000 }).catch(() => {});
      assert.match(await progress(), re);
    };
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await becomes(/^2 of 8/);
    await page.keyboard.press('Alt+Shift+ArrowLeft');
    await becomes(/^1 of 8/);
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await becomes(/^8 of 8/);
    await page.keyboard.press('Alt+Shift+ArrowRight');
    assert.match(await progress(), /^8 of 8/);
    await page.keyboard.press('Alt+Shift+ArrowUp');
    await becomes(/^0 of 8/);
    // In the editor the keys are the text field's (select by word).
    await page.focus('#scenario-text');
    await page.keyboard.press('Alt+Shift+ArrowRight');
    assert.match(await progress(), /^0 of 8/);
    assert.equal(await page.getByRole('button', { name: 'Step ▶' }).getAttribute('aria-keyshortcuts'), 'Alt+Shift+ArrowRight');
    assert.equal(await page.getByRole('button', { name: 'Run all ▶▶' }).getAttribute('aria-keyshortcuts'), 'Alt+Shift+ArrowDown');
    assert.match(await page.locator('footer .shortcuts').innerText(), /^Keyboard \(outside text fields\): Alt\+Shift\+→ step/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a window made narrow after it opened (a rotation) gets the phone\'s step bar measured for it: gone once the host is under it', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/4/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    // Wide: the bar is out of the layout, 0 px tall, when the page starts.
    await page.setViewportSize({ width: 390, height: 844 });
    const host = page.locator('.layout > .host');
    const shown = () => page.locator('.step-bar').evaluate((b) => b.checkVisibility({ visibilityProperty: true }));
    await host.evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await page.waitForFunction(() => document.querySelector('.step-bar').checkVisibility({ visibilityProperty: true }));
    const bar = await page.locator('.step-bar').evaluate((b) => b.getBoundingClientRect().height);
    assert.ok(bar > 20, `the bar is ${bar}px tall`);
    // The host all but scrolled off, what is left of it under the bar: the
    // bar goes (it stayed over the page below, measured as 0 px tall).
    await host.evaluate((h, bar) => window.scrollBy(0, h.getBoundingClientRect().bottom - bar / 2), bar);
    await page.waitForFunction(() => !document.querySelector('.step-bar').checkVisibility({ visibilityProperty: true }), null, { timeout: 3000 })
      .catch(() => assert.fail('the bar stays over the page under the host'));
    await host.evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await page.waitForFunction(() => document.querySelector('.step-bar').checkVisibility({ visibilityProperty: true }));
    assert.equal(await shown(), true);
    // Larger text, then a resize (the second one): the bar, taller now, is
    // measured again too.
    await page.evaluate(() => {
      const big = new CSSStyleSheet();
      big.replaceSync('html { font-size: 24px }');
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, big];
    });
    await page.setViewportSize({ width: 391, height: 844 });
    await host.evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await page.waitForFunction(() => document.querySelector('.step-bar').checkVisibility({ visibilityProperty: true }));
    const taller = await page.locator('.step-bar').evaluate((b) => b.getBoundingClientRect().height);
    assert.ok(taller > bar + 4, `the bar is ${taller}px tall with larger text (${bar}px before)`);
    await host.evaluate((h, y) => window.scrollBy(0, h.getBoundingClientRect().bottom - y), (bar + taller) / 2);
    await page.waitForFunction(() => !document.querySelector('.step-bar').checkVisibility({ visibilityProperty: true }), null, { timeout: 3000 })
      .catch(() => assert.fail('with larger text, the bar stays over the page under the host'));
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

// On a phone the panes stack: the host (what a step did) is a pane of its
// own under the run pane, so its sticky stepper had scrolled away by the
// time the reader looked at the host, and each step was a scroll up to
// press it and a scroll down to see it. The moves stay in reach (a bar at
// the screen's top while the run pane's stepper is off it and the host on
// it), and only one set of them is in the accessibility tree.
test('on a phone, Step and Back stay on screen while the reader looks at the host, and Step changes it there', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/4/${b64(EXAMPLE)}`,
      { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme });
    try {
      await ready(page);
      const host = page.locator('.layout > .host');
      await host.evaluate((h) => h.scrollIntoView({ block: 'start' }));
      // A button of that name drawn on the screen, not covered by anything.
      const onScreen = (name) => page.waitForFunction((name) => {
        for (const b of document.querySelectorAll('button')) {
          if (b.textContent.trim() !== name || !b.checkVisibility({ visibilityProperty: true })) continue;
          const r = b.getBoundingClientRect();
          if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) continue;
          if (document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.closest('button') === b) return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
        return null;
      }, name, { timeout: 3000 }).then((h) => h.jsonValue());
      const progress = () => page.locator('#run .progress').textContent();
      const hostText = () => host.innerText();
      assert.equal(await progress(), '4 of 8 steps run');
      const before = await hostText();
      const top = await host.evaluate((h) => h.getBoundingClientRect().top);
      const step = await onScreen('Step ▶');
      await onScreen('◀ Back');
      await page.touchscreen.tap(step.x, step.y);
      await page.locator('#run .progress', { hasText: /^5 of 8/ }).waitFor({ timeout: 3000 });
      assert.notEqual(await hostText(), before, 'the host shows the step');
      // The reader still looks at the host: nothing scrolled.
      const now = await host.evaluate((h) => h.getBoundingClientRect().top);
      assert.ok(Math.abs(now - top) < 2, `the host stays where it was (${top} → ${now})`);
      await page.touchscreen.tap(...Object.values(await onScreen('◀ Back')));
      await page.locator('#run .progress', { hasText: /^4 of 8/ }).waitFor({ timeout: 3000 });
      assert.equal(await hostText(), before);
      // One Step and one Back for a screen reader and the keyboard.
      assert.equal(await page.getByRole('button', { name: 'Step ▶', exact: true }).count(), 1);
      assert.equal(await page.getByRole('button', { name: '◀ Back', exact: true }).count(), 1);
      assert.equal(await page.evaluate(() => document.scrollingElement.scrollWidth), 390);
      // Between the run pane and the host (the run pane's stepper pushed
      // up by its pane's end), a whole Step is always on screen.
      for (const y of [200, 100, 60, 40, 20, 0]) {
        await host.evaluate((h, y) => window.scrollBy(0, h.getBoundingClientRect().top - y), y);
        await onScreen('Step ▶').catch(() => assert.fail(`no Step on screen with the host at ${y}px`));
      }
      // Back up at the run pane, its own stepper is the one shown.
      await page.locator('#run').evaluate((r) => r.scrollIntoView({ block: 'start' }));
      await page.waitForFunction(() => !document.querySelector('.step-bar')?.checkVisibility({ visibilityProperty: true }));
      await onScreen('Step ▶');
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  }
  // A wide screen has no bar: its layout is as it was.
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/4/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    await page.locator('.layout > .host').evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    assert.equal(await page.locator('.step-bar').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('Add a step: the port box starts at the scenario\'s port, the clients\' row shows it, and each button says what it added', async () => {
  for (const [label, opts] of [['desktop', {}], ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }]]) {
    const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`, opts);
    try {
      await ready(page);
      // The servers are on :21: clients go there, not to a port the reader never saw.
      assert.equal(await page.inputValue('input[aria-label="Port"]'), '21', label);
      const clientsRow = page.locator('.controls .row', { has: page.locator('select[aria-label="Client destination address"]') });
      assert.match(await clientsRow.innerText(), /Port 21/, label);
      const add = page.locator('button', { hasText: 'add clients' });
      await add.click();
      assert.match(await page.inputValue('#scenario-text'), /\nclient 127\.0\.0\.1:21\n$/, label);
      // Said under the row, where the reader's finger is (the table is a screen away on a phone).
      const said = clientsRow.locator('xpath=following-sibling::p[contains(@class,"added")][1]');
      assert.equal(await said.innerText(), 'Line 13 added: client 127.0.0.1:21', label);
      assert.equal(await said.getAttribute('role'), 'status');
      assert.ok(await said.isVisible() && (await said.boundingBox()).y < (opts.viewport?.height ?? 900) + (await page.evaluate(() => scrollY)), label);
      // An edit that keeps the text's length takes the message away too.
      const added = await page.inputValue('#scenario-text');
      await page.fill('#scenario-text', added.replace(/client 127\.0\.0\.1:21\n$/, 'client 127.0.0.2:21\n'));
      await page.waitForFunction(() => ![...document.querySelectorAll('.controls p.added')].some((p) => p.textContent));
      await add.click();
      assert.equal(await said.innerText(), 'Line 14 added: client 127.0.0.1:21', label);
      // A port typed in is kept, and the row says it.
      await page.fill('input[aria-label="Port"]', '7000');
      assert.match(await clientsRow.innerText(), /Port 7000/, label);
      // An edit of the text takes the message away.
      await page.fill('#scenario-text', EXAMPLE + 'socket C tcp\n');
      await page.waitForFunction(() => ![...document.querySelectorAll('.controls p.added')].some((p) => p.textContent));
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  }
});

test('a typo below the title keeps the scenario\'s heading (the editor does not move under the cursor)', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(EXAMPLE)}`);
  try {
    await ready(page);
    const heading = page.locator('h2.scenario-title');
    assert.equal(await heading.innerText(), 'Two servers, one port');
    const y = (await page.locator('#scenario-text').boundingBox()).y;
    await page.fill('#scenario-text', EXAMPLE.replace('listen A', 'listen Ax'));
    await page.locator('#scenario-problems li').first().waitFor();
    assert.equal(await heading.innerText(), 'Two servers, one port');
    assert.equal((await page.locator('#scenario-text').boundingBox()).y, y);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('a long table: Back after Run all, and Step into a block not built, scroll to the row they reached', async () => {
  let text = 'os linux\n';
  for (let i = 0; i < 150; i++) text += `socket S${i} tcp\nbind S${i} 0.0.0.0:${2000 + i}\n`;
  // Whether the row showed after Back once hung on how tall the page above
  // the table was (a block's anchor, kept on the screen, undid the row's
  // reveal): the phone also with the header 21 and 48 px taller.
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  for (const [label, opts, taller] of [['desktop', {}, 0], ['phone', phone, 0], ['phone +21 px', phone, 21], ['phone +48 px', phone, 48]]) {
    const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`, opts);
    try {
      await ready(page);
      if (taller) {
        // In the stylesheet, so from the first layout on.
        await page.route('**/static/style.css', async (route) => {
          const res = await route.fetch();
          await route.fulfill({ response: res, body: `${await res.text()}\n.tagline { margin-bottom: ${taller}px }\n` });
        });
        await page.reload();
        await ready(page);
      }
      const onScreen = () => page.evaluate(async () => {
        for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
        const r = document.querySelector('table.outcomes tr.current')?.getBoundingClientRect();
        return r ? [Math.round(r.top), Math.round(r.bottom), innerHeight] : null;
      });
      await page.getByRole('button', { name: /Run all/ }).click();
      await page.locator('.progress', { hasText: /^300 of 300/ }).waitFor();
      await page.evaluate(() => scrollTo(0, 0));
      await page.getByRole('button', { name: /Back/ }).first().click();
      await page.locator('.progress', { hasText: /^299 of 300/ }).waitFor();
      await page.waitForFunction(() => document.querySelector('table.outcomes tr.current'));
      let at = await onScreen();
      assert.ok(at && at[0] >= 0 && at[1] <= at[2], `${label}: after Back the row is at ${JSON.stringify(at)}`);
      // Reset, then Step from the top into a block far below: the first row.
      await page.getByRole('button', { name: /Reset/ }).first().click();
      for (let i = 0; i < 2; i++) await page.getByRole('button', { name: /Step/ }).first().click();
      await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
      await page.getByRole('button', { name: /Step/ }).first().click();
      await page.locator('.progress', { hasText: /^3 of 300/ }).waitFor();
      at = await onScreen();
      assert.ok(at && at[0] >= 0 && at[1] <= at[2], `${label}: after Step the row is at ${JSON.stringify(at)}`);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  }
});
