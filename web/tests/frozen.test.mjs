// Links that last forever: every permalink and progress code in
// frozen-links.json was written by an earlier build; this build must open
// each to exactly what the file says. Entries are never edited, only added.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openPage, ready } from './harness.mjs';

const FROZEN = JSON.parse(fs.readFileSync(new URL('./frozen-links.json', import.meta.url), 'utf8'));

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

test('the frozen file has permalinks and progress codes', () => {
  assert.ok(FROZEN.permalinks.length >= 3);
  assert.ok(FROZEN.progress.length >= 3);
});

for (const p of FROZEN.permalinks) {
  test(`permalink of ${p.made_by}: ${p.what}`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/${p.link}`);
    try {
      await ready(page);
      assert.equal(await page.locator('.notice.error').count(), 0, 'the link was refused');
      assert.equal(await page.inputValue('#scenario-text'), p.opens.text);
      const checked = [];
      for (const os of ['Linux', 'FreeBSD', 'macOS', 'Windows']) {
        if (await page.getByRole('checkbox', { name: os }).isChecked()) checked.push(os);
      }
      assert.deepEqual(checked, p.opens.oses);
      assert.equal(await page.locator('.progress').innerText(), p.opens.progress);
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}

for (const p of FROZEN.progress) {
  test(`progress code of ${p.made_by}: ${p.what}`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/#/learn`);
    try {
      await page.waitForSelector('.contents-page .chapters');
      await page.fill('#import-code', p.code);
      await page.getByRole('button', { name: 'Import' }).click();
      assert.match(await page.locator('.progress-panel .message').innerText(), /^Progress imported/);
      // "0 of 11 chapters done": what the code holds is the first number; the
      // second is the course's size, which grows (chapter 12 came later).
      assert.match(await page.locator('.progress-panel').innerText(), new RegExp(p.opens.done.replace(/ of \d+ chapters/, ' of \\d+ chapters')));
      const rows = await page.locator('.chapters li').allInnerTexts();
      rows.forEach((row, i) => {
        const want = p.opens.statuses[String(i + 1)];
        if (want) assert.match(row, new RegExp(` — ${want}`), `chapter ${i + 1}`);
        else assert.doesNotMatch(row, / — (done|started)/, `chapter ${i + 1}`);
      });
      assert.match(await page.locator('a.button.primary').innerText(), new RegExp(`^${p.opens.start}`));
      // And the next visit opens it too.
      await page.reload();
      await page.waitForSelector('.contents-page .chapters');
      assert.match(await page.locator('a.button.primary').innerText(), new RegExp(`^${p.opens.start}`));
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}
