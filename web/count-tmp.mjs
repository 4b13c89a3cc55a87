import { serve, launch } from './tests/harness.mjs';
const server = await serve({});
const browser = await launch();
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.origin + '/');
  console.log(await page.evaluate(() => {
    const all = document.querySelectorAll('#app *').length;
    const attrs = [...document.querySelectorAll('#app *')].reduce((n, e) => n + e.attributes.length, 0);
    const by = {};
    for (const el of document.querySelectorAll('#app > * > *, #app > * > * > *, #app main > *, #app main > * > *')) {
      const k = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') + (el.id ? '#' + el.id : '');
      by[k] = Math.max(by[k] || 0, el.querySelectorAll('*').length);
    }
    const staticRun = document.querySelector('.static-run')?.querySelectorAll('*').length;
    return { all, attrs, staticRun, by: Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 25) };
  }));
} finally { await browser.close(); await server.close(); }
