// The outcome table's keys: with the focus on a step's button (or an
// outcome's toggle), ↓/↑ move it to the next/previous step's, Home/End to
// the first/last, →/← along a step's row; the table is one Tab stop (the
// control focused last); a link or a field keeps its arrows. In the sandbox, a widget (shadow root) and a table of
// thousands of steps, whose far blocks are built when the focus goes there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, ready, b64 } from './harness.mjs';

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

/** The focused element (through shadow roots): its row among the table's
 *  step rows, its `aria-rowindex`, its OS column, its kind. */
const focused = (page) => page.evaluate(() => {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  const tr = a?.closest('tr');
  const table = a?.closest('table.outcomes');
  const rows = table ? [...table.querySelectorAll('tbody tr:not(.why-row)')] : [];
  const kind = a?.matches('th.step > button.link') ? 'step' : a?.matches('td.cell > details > summary') ? 'toggle' : a?.tagName.toLowerCase();
  return { kind, row: rows.indexOf(tr), rows: rows.length, index: tr?.getAttribute('aria-rowindex') ?? null, os: a?.closest('td')?.dataset.os ?? null };
});

test('in the sandbox ↓/↑ and Home/End move the focus between the steps\' rows, →/← along one, the table is one Tab stop, and a link keeps its arrows', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/`);
  try {
    await ready(page);
    await page.locator('table.outcomes .step .link').first().focus();
    const first = await focused(page);
    const { rows } = first;
    assert.deepEqual(first, { kind: 'step', row: 0, rows, index: null, os: null });
    assert.ok(rows >= 4, `${rows} rows`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).row, 2, 'two rows down: the third');
    assert.equal((await focused(page)).kind, 'step');
    await page.keyboard.press('ArrowUp');
    assert.equal((await focused(page)).row, 1);
    await page.keyboard.press('End');
    assert.equal((await focused(page)).row, rows - 1, 'End: the last row');
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).row, rows - 1, 'the list does not wrap');
    await page.keyboard.press('Home');
    assert.equal((await focused(page)).row, 0, 'Home: the first row');
    await page.keyboard.press('ArrowUp');
    assert.equal((await focused(page)).row, 0);
    // The table is one Tab stop: Tab leaves it, Shift+Tab comes back to
    // the control focused last (not to the first, nor to the last row).
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    const next = await focused(page);
    assert.equal(next.row, -1, `Tab left the table: ${JSON.stringify(next)}`);
    await page.keyboard.press('Shift+Tab');
    assert.deepEqual([(await focused(page)).row, (await focused(page)).kind], [1, 'step'], 'back where the reader was');
    assert.equal(await page.locator('table.outcomes :is(button, summary):not([tabindex="-1"])').count(), 1, 'one Tab stop');
    await page.keyboard.press('Home');

    // Run: from an OS's toggle, the same OS's toggle of the next step (the
    // example's last two steps have them), else that step's button.
    await page.getByRole('button', { name: /Run all/ }).first().click();
    await page.waitForSelector('#announce');
    const stepRows = page.locator('table.outcomes tbody tr:not(.why-row)');
    await stepRows.nth(rows - 2).locator('td[data-os="FreeBSD"] summary').focus();
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await focused(page), { kind: 'toggle', row: rows - 1, rows, index: null, os: 'FreeBSD' });
    await page.keyboard.press('ArrowUp');
    assert.deepEqual(await focused(page), { kind: 'toggle', row: rows - 2, rows, index: null, os: 'FreeBSD' });
    await page.keyboard.press('ArrowUp');
    assert.deepEqual(await focused(page), { kind: 'step', row: rows - 3, rows, index: null, os: null });
    // → and ← go along a step's row: its button, then each OS's toggle.
    await stepRows.nth(rows - 1).locator('th.step button').focus();
    await page.keyboard.press('ArrowRight');
    const firstOs = await stepRows.nth(rows - 1).locator('td.cell').first().getAttribute('data-os');
    assert.deepEqual(await focused(page), { kind: 'toggle', row: rows - 1, rows, index: null, os: firstOs });
    await page.keyboard.press('ArrowRight');
    const second = await focused(page);
    assert.equal(second.kind, 'toggle');
    assert.notEqual(second.os, firstOs);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await focused(page), { kind: 'step', row: rows - 1, rows, index: null, os: null });
    await page.keyboard.press('ArrowLeft');
    assert.equal((await focused(page)).kind, 'step', 'a row does not wrap');
    // The stop follows: Tab out and back returns to a toggle focused last.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    assert.deepEqual(await focused(page), { kind: 'toggle', row: rows - 1, rows, index: null, os: firstOs });
    assert.equal(await page.locator('table.outcomes :is(button, summary):not([tabindex="-1"])').count(), 1, 'one Tab stop');

    // An opened cell's rule link keeps its arrows (they scroll the page).
    await stepRows.nth(rows - 1).locator('td[data-os="FreeBSD"] summary').click();
    const link = page.locator('table.outcomes tr.why-row a.rule-link').first();
    await link.focus();
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement.matches('a.rule-link')), true);

    // Alt+Shift+↑ is still the sandbox's reset, from a step's button too.
    await page.locator('table.outcomes .step .link').nth(2).focus();
    await page.keyboard.press('Alt+Shift+ArrowUp');
    await page.locator('.progress', { hasText: /^0 of / }).waitFor();
    assert.equal((await focused(page)).row, 2, 'the shortcut moved no focus');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('in a widget (a <bind-lab> in its shadow root) the same keys move between its steps', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/examples/article.html`);
  try {
    await page.waitForFunction(() => document.querySelector('bind-lab')?.shadowRoot?.querySelector('table.outcomes .step .link'), null, { timeout: 15000 });
    await page.evaluate(() => document.querySelector('bind-lab').shadowRoot.querySelector('table.outcomes .step .link').focus());
    const { rows } = await focused(page);
    assert.ok(rows >= 3, `${rows} rows`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.deepEqual([(await focused(page)).row, (await focused(page)).kind], [2, 'step']);
    await page.keyboard.press('End');
    assert.equal((await focused(page)).row, rows - 1);
    await page.keyboard.press('Home');
    assert.equal((await focused(page)).row, 0);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('in a table of 1,200 steps (built near the screen only), End and Home reach the last and the first step', async () => {
  let text = 'os linux\n';
  for (let i = 0; i < 400; i++) text += `socket S${i} tcp\nset S${i} SO_REUSEPORT\nbind S${i} 0.0.0.0:443\n`;
  const { page, context, problems } = await openPage(browser, `${server.origin}/#v1/linux/0/${b64(text)}`);
  try {
    await ready(page);
    assert.equal(await page.locator('table.outcomes tr[aria-rowindex="1201"]').count(), 0, 'the last block is not built');
    await page.locator('table.outcomes .step .link').first().focus();
    assert.equal((await focused(page)).index, '2');
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.activeElement?.closest('tr')?.getAttribute('aria-rowindex') === '1201', null, { timeout: 5000 });
    assert.equal((await focused(page)).kind, 'step');
    await page.keyboard.press('ArrowUp');
    assert.equal((await focused(page)).index, '1200');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.activeElement?.closest('tr')?.getAttribute('aria-rowindex') === '2', null, { timeout: 5000 });
    // Down through a block's end into the next.
    for (let i = 0; i < 33; i++) await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).index, '35');
    // One Tab stop among the built blocks' rows, the step focused last.
    const stops = page.locator('table.outcomes :is(button, summary):not([tabindex="-1"])');
    assert.equal(await stops.count(), 1);
    assert.equal(await stops.evaluate((b) => b.closest('tr').getAttribute('aria-rowindex')), '35');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});
