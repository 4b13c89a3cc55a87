import { serve, launch } from './tests/harness.mjs';
const server = await serve({ precompressed: true });
const browser = await launch();
const rows = [];
try {
  for (const rate of [1, 4]) for (let i = 0; i < 7; i++) {
    const context = await browser.newContext(rate === 4 ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    await page.addInitScript(() => {
      const b = (window.__m = {});
      new MutationObserver(() => {
        if (b.live || !document.querySelector('#app[data-live] .stepper button.primary:not([disabled])')) return;
        b.live = performance.now();
        requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = () => { b.interactive = performance.now(); }; ch.port2.postMessage(0); });
      }).observe(document, { childList: true, subtree: true, attributes: true });
    });
    await page.goto(server.origin + '/');
    await page.waitForFunction(() => window.__m.interactive > 0, null, { timeout: 60000 });
    const r = await page.evaluate(() => {
      const o = { fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime };
      for (const m of performance.getEntriesByType('mark')) o[m.name] = m.startTime;
      o.live = window.__m.live; o.interactive = window.__m.interactive;
      return o;
    });
    console.log(rate + 'x', Object.entries(r).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' '));
    await context.close();
  }
} finally { await browser.close(); await server.close(); }
