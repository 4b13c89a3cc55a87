import fs from 'node:fs';
import { serve, launch, b64 } from './tests/harness.mjs';
const EXAMPLE = fs.readFileSync(new URL('../content/sandbox-example.bindlab', import.meta.url), 'utf8');
const [,, which, scheme = 'light'] = process.argv;
const server = await serve(); const browser = await launch();
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, colorScheme: scheme });
const page = await context.newPage();
if (which === 'sandbox') {
  await page.goto(`${server.origin}/#v1/linux,freebsd,macos,windows/0/${b64(EXAMPLE)}`);
  await page.waitForSelector('.stepper'); await page.click('text=Run all');
  await page.locator('tr.differs td summary').first().click();
} else if (which === 'chapter') {
  await page.goto(`${server.origin}/#/learn/time-wait`); await page.waitForSelector('.lesson .prose');
  await page.locator('#scenario-main button', { hasText: 'Run all' }).click();
} else {
  await page.goto(`${server.origin}/examples/article.html`);
  await page.waitForFunction(() => [...document.querySelectorAll('bind-lab')].every((e) => e.shadowRoot?.querySelector('.stepper')));
  await page.evaluate(() => { const w = document.querySelector('bind-lab'); for (let i = 0; i < 10; i++) w.step(); });
}
const h = await page.evaluate(() => document.documentElement.scrollHeight);
for (let y = 0, i = 0; y < h && i < 8; y += 1200, i++) {
  await page.screenshot({ path: `/tmp/rev-${which}-${i}.png`, fullPage: true, clip: { x: 0, y, width: 390, height: Math.min(1200, h - y) } });
}
console.log(h);
await browser.close(); await server.close();
