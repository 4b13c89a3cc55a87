// `cargo xtask screenshots`: the sandbox, one chapter, one guide and a widget, at
// 1400×900 and 390×844, light and dark, as PNGs in web/screenshots/ — so a
// reviewer sees the pages without running them. Full-page shots of the
// built dist/ in Debian's Chromium.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, b64 } from './tests/harness.mjs';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const EXAMPLE = fs.readFileSync(new URL('../content/sandbox-example.bindlab', import.meta.url), 'utf8');

const SIZES = { wide: { width: 1400, height: 900 }, phone: { width: 390, height: 844 } };
const PAGES = {
  // The sandbox's first example, run to the end, one cell opened.
  sandbox: {
    url: `/#v1/linux,freebsd,macos,windows/0/${b64(EXAMPLE)}`,
    async prepare(page) {
      await page.waitForSelector('.stepper');
      await page.click('text=Run all');
      await page.locator('tr.differs td summary').first().click();
    },
  },
  // Chapter 4: its first scenario run to the end, the first prediction answered.
  chapter: {
    url: '/#/learn/time-wait',
    async prepare(page) {
      await page.waitForSelector('.lesson .prose');
      await page.locator('#scenario-main button', { hasText: 'Run all' }).click();
      const p = page.locator('.predict').first();
      for (const g of await p.locator('fieldset').all()) await g.locator('input').first().check();
      await p.getByRole('button', { name: 'Check my prediction' }).click();
      await p.locator('.truths').waitFor();
    },
  },
  // A guide: the restart error, its live scenario run to the failing bind.
  guide: {
    url: '/#/guides/address-in-use-after-restart',
    async prepare(page) {
      await page.waitForSelector('.lesson.guide .prose');
      await page.locator('.expect').first().getByRole('button', { name: /Run the scenario to line/ }).click();
    },
  },
  // The article with three widgets, the first stepped to its end.
  widget: {
    url: '/examples/article.html',
    async prepare(page) {
      await page.waitForFunction(() => [...document.querySelectorAll('bind-lab')].every((e) => e.shadowRoot?.querySelector('.stepper')));
      await page.evaluate(() => { const w = document.querySelector('bind-lab'); for (let i = 0; i < 10; i++) w.step(); });
    },
  },
};

fs.mkdirSync(OUT, { recursive: true });
const server = await serve();
const browser = await launch();
try {
  for (const [name, p] of Object.entries(PAGES)) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      for (const colorScheme of ['light', 'dark']) {
        const context = await browser.newContext({ viewport, colorScheme, reducedMotion: 'reduce', isMobile: size === 'phone', deviceScaleFactor: 1 });
        try {
          const page = await context.newPage();
          await page.goto(server.origin + p.url);
          await p.prepare(page);
          await page.evaluate(() => document.activeElement?.blur());
          await page.waitForTimeout(300);
          const file = path.join(OUT, `${name}-${size}-${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
          console.log(path.relative(process.cwd(), file));
        } finally { await context.close(); }
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
