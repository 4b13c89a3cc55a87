// The site benchmark: prints figures, asserts nothing.
//   first-load transfer (gzipped, per file), navigation → interactive sandbox,
//   one step + re-render with a 100-socket scenario.
// Targets (issue 4): ≤ 150 KB gzipped in total, interactive ≤ 300 ms, step + render ≤ 16 ms.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, openPage, ready, b64, DIST } from './tests/harness.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await serve({ gzip: true });
const browser = await launch();
try {
  // 1. What the first load transfers: the sandbox (its own build), and the
  //    course's contents page (the build with the course).
  for (const [label, url, ready_] of [
    ['first load of the sandbox', '/', ready],
    ['first load of the course (#/learn)', '/#/learn', (p) => p.waitForSelector('.chapters', { timeout: 15000 })],
  ]) {
    const { page, context, urls } = await openPage(browser, server.origin + url);
    await ready_(page);
    await context.close();
    const files = [...new Set(urls.map((u) => new URL(u).pathname))];
    let total = 0;
    console.log(`${label} (gzip -9, as a static host would send it):`);
    for (const f of files) {
      const file = path.join(DIST, f.endsWith('/') ? f + 'index.html' : f);
      if (!fs.existsSync(file)) continue;
      const raw = fs.readFileSync(file);
      const gz = zlib.gzipSync(raw, { level: 9 }).length;
      total += gz;
      console.log(`  ${f.padEnd(30)} ${String((raw.length / 1024).toFixed(1)).padStart(7)} KB raw  ${String((gz / 1024).toFixed(1)).padStart(6)} KB gzipped`);
    }
    console.log(`  ${'total'.padEnd(30)} ${' '.repeat(15)}${String((total / 1024).toFixed(1)).padStart(6)} KB gzipped   (target ≤ 150 KB)`);
  }

  // 1b. What a host page loads for its first widget (the embed path).
  {
    const { page: wp, context: wc, urls: wu } = await openPage(browser, server.origin + '/examples/article.html');
    await wp.waitForFunction(() => document.querySelector('bind-lab')?.shadowRoot?.querySelector('.stepper'), null, { timeout: 15000 });
    await wc.close();
    const ours = [...new Set(wu.map((u) => new URL(u).pathname))].filter((p) => !p.startsWith('/examples/'));
    let embed = 0;
    for (const f of ours) {
      const file = path.join(DIST, f);
      if (fs.existsSync(file)) embed += zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
    }
    console.log(`embed path (what a host page loads for its first widget: ${ours.join(', ')}): ${(embed / 1024).toFixed(1)} KB gzipped`);
  }

  // 2. Navigation to an interactive sandbox (median of 7 cold loads).
  const times = [];
  for (let i = 0; i < 7; i++) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(server.origin + '/');
    await p.waitForSelector('.stepper button.primary:not([disabled])');
    times.push(await p.evaluate(() => performance.now()));
    await ctx.close();
  }
  console.log(`navigation → interactive sandbox: ${median(times).toFixed(0)} ms (median of 7; target ≤ 300 ms)`);

  // 3. One step + re-render with 100 sockets.
  let text = 'title 100 sockets\nos linux\niface 192.168.0.1\n\n';
  for (let i = 0; i < 100; i++) text += `socket S${i} tcp\nset S${i} SO_REUSEPORT\nbind S${i} 127.0.0.1:${8000 + (i % 10)}\nlisten S${i}\n`;
  text += 'client 127.0.0.1:8000 x50\n';
  const big = await openPage(browser, `${server.origin}/#v1/linux,freebsd,macos,windows/380/${b64(text)}`);
  await ready(big.page);
  // Timed inside the page: the click, Yew's render (it runs in microtasks
  // after the event), then a forced style + layout of the whole page. Waiting
  // for the next animation frame would measure frame pacing, not our work.
  const stepMs = await big.page.evaluate(async () => {
    const buttons = [...document.querySelectorAll('.stepper button')];
    const step = buttons.find((b) => b.textContent.includes('Step'));
    const back = buttons.find((b) => b.textContent.includes('Back'));
    const progress = document.querySelector('.progress');
    const out = [];
    for (let i = 0; i < 41; i++) {
      const before = progress.textContent;
      const t0 = performance.now();
      (i % 2 ? back : step).click();
      for (let spins = 0; progress.textContent === before && spins < 1000; spins++) await Promise.resolve();
      void document.body.offsetHeight;
      out.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
    return out.sort((a, b) => a - b)[20];
  });
  await big.context.close();
  console.log(`one step + re-render, 100 sockets, 4 OSes: ${stepMs.toFixed(1)} ms (median of 41; target ≤ 16 ms)`);
} finally {
  await browser.close();
  await server.close();
}
