import fs from 'node:fs';
import { serve, launch, openPage, DIST } from '/work/main/web/tests/harness.mjs';
const server = await serve({ precompressed: true });
const browser = await launch();
const pages = [];
(function walk(d, rel) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { if (e.isDirectory()) walk(`${d}/${e.name}`, `${rel}${e.name}/`); else if (e.name === 'index.html') pages.push(rel); } })(`${DIST}/zh-CN`, 'zh-CN/');
const eng = (t) => (t.match(/[A-Za-z][a-z]+(?:[ ,'’-]+[A-Za-z]+){3,}[^\n]{0,40}/g) || []);
try {
  for (const p of pages) {
    const { page, context, problems } = await openPage(browser, `${server.origin}/${p}`);
    await page.waitForTimeout(300);
    // run every lab to its end
    for (const b of await page.locator('button:has-text("全部运行"), button:has-text("Run all")').all()) { try { await b.click({ timeout: 500 }); } catch {} }
    await page.waitForTimeout(200);
    const text = await page.locator('body').innerText();
    const hits = [...new Set(eng(text))].filter((s) => !/^(socket|bind|set|listen|connect|close|accept|client|datagram|join|title|iface|os|wait) /.test(s));
    if (hits.length || problems.length) console.log(`== ${p} (${hits.length})`, problems.slice(0, 3), '\n  ' + hits.slice(0, 12).join('\n  '));
    await context.close();
  }
} finally { await browser.close(); await server.close(); }
