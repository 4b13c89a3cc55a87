// Smoke tests of the dev build, the one `cargo xtask serve` serves
// (`cargo xtask smoke`, part of `cargo xtask test`). Yew checks some rules
// only in debug builds, by panicking — hooks called conditionally, for one —
// so what a newcomer does first runs here too: typing a line that does not
// parse, fixing it, stepping, the GUI buttons (UDP's too), the course, a widget.
// BINDLAB_DIST points the harness at target/site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, ready, DIST } from '../tests/harness.mjs';

let server, browser;
before(async () => {
  assert.match(DIST, /target\/site$/, 'run through `cargo xtask smoke` (BINDLAB_DIST=target/site)');
  server = await serve();
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

/** Waits for `locator`, failing at once with the page's errors if one
 *  comes first (a panic freezes the page: waiting on would only time out). */
async function until(locator, problems) {
  for (let i = 0; i < 150; i++) {
    assert.deepEqual(problems, [], 'the page reported an error');
    if (await locator.count()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never appeared: ${locator}`);
}

/** Nothing went wrong: no console error, no panic shown in #fatal. */
async function healthy(page, problems) {
  assert.deepEqual(problems, []);
  if (await page.locator('#fatal').count()) assert.equal(await page.locator('#fatal').isHidden(), true, await page.locator('#fatal').innerText());
}

test('dev build: UDP with the buttons (socket, join, datagrams), stepped, and a broken join, never panics', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/#v1/linux,windows/0/b3MgbGludXgK');
  try {
    await ready(page);
    await page.click('button:text-is("socket A udp")');
    await page.click('button:text-is("bind")');
    await page.click('button:text-is("join A")');
    await page.selectOption('select[aria-label="Datagram destination address"]', '239.1.2.3');
    await page.click('button:text-is("send datagrams")');
    await page.click('button:text-is("socket B udp6")');
    await page.fill('input[aria-label="Multicast group"]', 'nonsense');
    await page.click('button:text-is("join B")');
    await until(page.locator('#group-error:has-text("not a multicast group")'), problems);
    await page.click('text=Run all');
    // Back to the datagram step: its copy is drawn under A.
    await page.locator('table.outcomes tbody tr', { hasText: 'datagram 239.1.2.3' }).locator('button').first().click();
    await until(page.locator('svg.diagram .flow.dgram'), problems);
    // A datagram step with a typo, then fixed.
    const good = await page.inputValue('#scenario-text');
    await page.fill('#scenario-text', good + 'datagram 0.0.0.0:0 x0\n');
    await until(page.locator('#scenario-problems li'), problems);
    await page.fill('#scenario-text', good);
    await until(page.locator('.outcomes'), problems);
    await healthy(page, problems);
  } finally { await context.close(); }
});

test('dev build: a typo, its fix, stepping and the buttons never panic', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/');
  try {
    await ready(page);
    const good = await page.inputValue('#scenario-text');
    // The first thing a newcomer types may not parse.
    await page.fill('#scenario-text', good + 'bind Z nowhere\n');
    await until(page.locator('#scenario-problems li'), problems);
    assert.match(await page.locator('.controls').innerText(), /come back when the text parses/);
    await healthy(page, problems);
    // Fixed again: everything comes back and works.
    await page.fill('#scenario-text', good);
    await until(page.locator('.outcomes'), problems);
    await page.click('text=Step ▶');
    await page.click('text=Run all');
    await page.click('text=◀ Back');
    assert.match(await page.locator('.progress').innerText(), /^7 of 8/);
    await page.click('button:has-text("socket C tcp")');
    await page.click('button:text-is("bind")');
    // The Port box starts at the scenario's last bound port (the example's 21).
    assert.match(await page.inputValue('#scenario-text'), /^bind C 0\.0\.0\.0:21$/m);
    // Back and forth between broken and fine, quickly.
    for (let i = 0; i < 3; i++) {
      await page.fill('#scenario-text', 'socket');
      await page.fill('#scenario-text', good);
    }
    await page.locator('.outcomes').waitFor();
    await page.getByRole('checkbox', { name: 'FreeBSD' }).uncheck();
    await healthy(page, problems);
  } finally { await context.close(); }
});

test('dev build: the course — a prediction, a challenge with a typo, the glossary, the rules and the runtime table', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/#/learn');
  try {
    await page.waitForSelector('.contents-page .chapters');
    await page.goto(server.origin + '/#/learn/five-tuple');
    const p = page.locator('.predict').first();
    await p.waitFor();
    for (const g of await p.locator('fieldset').all()) await g.locator('input').first().check();
    await p.getByRole('button', { name: 'Check my prediction' }).click();
    await p.locator('.truths').waitFor();
    const lab = page.locator('#scenario-main');
    await lab.locator('button', { hasText: 'Run all' }).click();
    await lab.locator('summary', { hasText: 'Edit the scenario' }).click();
    await lab.locator('textarea').fill('socket S tcp\nbind S nowhere\n');
    await until(lab.locator('.problems li'), problems);
    await lab.locator('textarea').fill('socket S tcp\nbind S 127.0.0.1:9000\n');
    await until(lab.locator('.outcomes'), problems);
    const c = page.locator('.challenge');
    await c.locator('textarea').fill('bind oops\n');
    await c.getByRole('button', { name: 'Check', exact: true }).click();
    await c.locator('textarea').fill('socket S tcp\nbind S 127.0.0.1:9000\nlisten S\n');
    await c.getByRole('button', { name: 'Check', exact: true }).click();
    await c.locator('.verdict p').waitFor();
    await page.goto(server.origin + '/#/glossary/time-wait');
    await page.waitForSelector('.glossary .prose');
    await page.goto(server.origin + '/#/rules');
    await page.fill('#rule-filter', 'time_wait');
    // The runtime table, filtered, with a source opened (its hooks in a debug build).
    await page.goto(server.origin + '/#/runtimes/go');
    await page.locator('table.runtimes tbody tr td summary').first().click();
    await page.locator('nav[aria-label="Language"] a', { hasText: 'All languages' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.runtimes tbody tr').length > 3);
    await page.getByRole('link', { name: 'Sandbox', exact: true }).click();
    await ready(page);
    await healthy(page, problems);
  } finally { await context.close(); }
});

test('dev build: a widget takes a broken scenario and a good one', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/examples/article.html');
  try {
    await page.waitForFunction(() => document.querySelector('bind-lab')?.shadowRoot?.querySelector('.stepper'), null, { timeout: 30000 });
    await page.evaluate(() => document.querySelector('bind-lab').load('bind Z nowhere\n'));
    await page.waitForFunction(() => document.querySelector('bind-lab').shadowRoot.querySelector('.problems li'));
    await page.evaluate(() => document.querySelector('bind-lab').load('os linux\nsocket A tcp\nbind A 0.0.0.0:80\n'));
    await page.waitForFunction(() => document.querySelector('bind-lab').shadowRoot.querySelector('.stepper'));
    await page.evaluate(() => { const w = document.querySelector('bind-lab'); w.step(); w.step(); });
    await page.waitForFunction(() => /^2 of 2/.test(document.querySelector('bind-lab').shadowRoot.querySelector('.progress').textContent));
    await healthy(page, problems);
  } finally { await context.close(); }
});

test('dev build: Show as code opens, changes language (a fetched runtime) and survives a typo', async () => {
  const { page, context, problems } = await openPage(browser, server.origin + '/');
  try {
    await ready(page);
    await page.locator('.code-panel > summary').click();
    await until(page.locator('.code-panel pre.code'), problems);
    await page.click('.code-panel [role=tab][data-lang=c]');
    await until(page.locator('.code-panel pre.code', { hasText: 'int main(int argc' }), problems);
    await page.click('.code-panel [role=tab][data-lang=python]');
    await page.focus('#scenario-text');
    await page.keyboard.press('End');
    await page.keyboard.type('\nbind Nope');
    await until(page.locator('.problems, .editor .problem, [role=alert]'), problems);
    await healthy(page, problems);
  } finally { await context.close(); }
});
