// The site benchmark: prints figures, asserts nothing (issue #15).
//
// dist/ is served as a plain static host serves it: the .br/.gz files that
// `cargo xtask dist` wrote, chosen by Accept-Encoding, nothing compressed on
// the fly, `Cache-Control: no-store`. Each figure is the median of cold
// loads (a new browser context: empty HTTP and code caches) with min–max,
// on a desktop (1×, 1280×900) and a phone (4× CPU throttling through CDP
// Emulation.setCPUThrottlingRate, 390×844 at DPR 3). The network is
// localhost: transfer time is ~0, so the figures are the page's own work.
//
//   bytes before first paint  as sent (transferSize: compressed body +
//                             headers): the page and its render-blocking files
//                             (what the first paint waits for), and every
//                             response finished before FCP (on localhost the
//                             preloaded wasm may arrive first)
//   FCP, LCP                  the browser's paint entries
//   interactive               the first frame presented after the app has
//                             taken over the prerendered page (`#app[data-live]`:
//                             hydrated, first effects run) with the Step button
//                             enabled (rAF, then a task). The prerendered
//                             button is in the HTML from the start, but does
//                             nothing until then.
//   total blocking time       Σ (long task − 50 ms) from FCP to interactive
//   main thread               three traced cold loads per profile: the
//                             main thread's tasks until interactive, by kind
//                             (script with its lazy wasm compilation,
//                             style, layout, paint, parsing)
//   step + render             click Step/Back on a 100-socket, 4-OS scenario:
//                             Yew's render, then a forced style + layout
//                             (median of 41 in one page; paint not included)
//   large scenarios           (BIG runs of each, in new pages) a crowded
//                             host, 3,000 SO_REUSEPORT sockets on :443 on
//                             Linux: its permalink opened at its last step
//                             (navigation to the next frame with every step
//                             run), then Back, then Run all from the start; and
//                             Run all on 5,000 datagrams to one socket. Each
//                             click: to the next frame after the progress line
//                             moved.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, b64, DIST } from './tests/harness.mjs';

const LOADS = Number(process.env.BENCH_LOADS || 7);
const TRACED = 3;
const BIG = Number(process.env.BENCH_BIG || 3);
const PROFILES = [
  { name: 'desktop 1×, 1280×900', key: 'desktop', rate: 1, context: { viewport: { width: 1280, height: 900 } } },
  { name: 'phone 4× CPU, 390×844', key: 'phone', rate: 4, context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true } },
];

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(0)} ms`;
const stat = (xs, f) => { const s = sorted(xs); return `${f(median(s))} (${f(s[0])}–${f(s.at(-1))})`; };

// Recorded in the page from its first line: paints, long tasks, and the
// first frame after the controls are enabled.
const INIT = () => {
  const b = (window.__bench = { lcp: 0, long: [], interactive: 0 });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) b.lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) b.long.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
  // When the app took over the page (`#app[data-live]`): a first paint
  // before it showed the prerendered HTML, whose first words are kept.
  b.rendered = Infinity;
  b.loading = '';
  const check = () => {
    if (!b.loading) b.loading = (document.querySelector('#app h1, #app h2, #app p')?.innerText || '').trim().slice(0, 40);
    if (b.rendered === Infinity && document.querySelector('#app[data-live]')) b.rendered = performance.now();
    if (b.seen || !document.querySelector('#app[data-live] .stepper button.primary:not([disabled])')) return;
    b.seen = true;
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      // Said on the console: the bench waits for this line rather than
      // polling the page (see `untilInteractive`).
      ch.port1.onmessage = () => { b.interactive = performance.now(); console.debug('bindlab-bench interactive'); };
      ch.port2.postMessage(0);
    });
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled', 'data-live'] });
};

/** `fn(page)` on a new page of a cold context with `profile`'s viewport
 *  and CPU throttling, which records INIT's figures from its first line. */
async function coldPage(browser, profile, fn) {
  const context = await browser.newContext(profile.context);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.rate });
    await page.addInitScript(INIT);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/** Opens `url` and waits until INIT has seen `interactive`, by its console
 *  line. Not with `page.waitForFunction`: its first call evaluates
 *  Playwright's injected script (~30 ms at 1×, a trace's unnamed
 *  EvaluateScript) on the page's main thread in the middle of the boot,
 *  which the figures would count as the site's. */
async function untilInteractive(page, url) {
  const said = page.waitForEvent('console', { predicate: (m) => m.text() === 'bindlab-bench interactive', timeout: 60000 });
  await page.goto(url);
  await said;
}

/** One cold load of `url`: the figures above. */
async function coldLoad(browser, origin, profile) {
  return coldPage(browser, profile, async (page) => {
    await untilInteractive(page, origin + '/');
    await page.waitForTimeout(200);
    return await page.evaluate(() => {
      const b = window.__bench;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
      const nav = performance.getEntriesByType('navigation')[0];
      // What the first paint waited for (the page and its render-blocking
      // files), and what merely arrived before it (on localhost, the
      // preloaded wasm often does).
      let blocking = nav.transferSize;
      let arrived = nav.transferSize;
      let wasm = 0;
      for (const r of performance.getEntriesByType('resource')) {
        if (r.renderBlockingStatus === 'blocking') blocking += r.transferSize;
        if (r.responseEnd > fcp) continue;
        arrived += r.transferSize;
        if (r.name.endsWith('.wasm')) wasm += r.transferSize;
      }
      const tbt = b.long
        .filter(([start, d]) => start + d > fcp && start < b.interactive)
        .reduce((sum, [start, d]) => sum + Math.max(0, Math.min(start + d, b.interactive) - Math.max(start, fcp) - 50), 0);
      return { blocking, arrived, wasm, fcp, lcp: b.lcp, interactive: b.interactive, tbt, shown: fcp < b.rendered ? `the prerendered page: ${b.loading}` : 'the app' };
    });
  });
}

/** LOADS cold loads of the sandbox with `profile`, one after another. */
async function coldLoads(profile) {
  const loads = [];
  for (let i = 0; i < LOADS; i++) loads.push(await coldLoad(browser, server.origin, profile));
  return loads;
}

/** Main-thread work of one cold load, from the navigation to `interactive`,
 *  by kind, from a Chromium trace (what the interactive figure is made of).
 *  Nested events are counted where they happen: forced layouts inside a
 *  script call count under layout too, and lazy wasm compilation (V8
 *  compiles each function on its first call, on the main thread) is part
 *  of script. */
async function tracedLoad(browser, origin, profile) {
  return coldPage(browser, profile, async (page) => {
    await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'v8.wasm', 'blink.user_timing', 'loading'] });
    let interactive;
    let buffer;
    try {
      await untilInteractive(page, origin + '/');
      interactive = await page.evaluate(() => window.__bench.interactive);
    } finally {
      buffer = await browser.stopTracing();
    }
    const trace = JSON.parse(buffer.toString('utf8'));
    const events = trace.traceEvents || trace;
    const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame);
    const parse = events.find((e) => e.name === 'ParseHTML');
    if (!nav || !parse) return null;
    const thread = `${parse.pid}:${parse.tid}`;
    const end = nav.ts + interactive * 1000;
    // The time covered by events of these names (their union: a nested
    // one, a FunctionCall inside a TimerFire, counts once).
    const sum = (...names) => {
      const spans = events
        .filter((e) => e.ph === 'X' && names.includes(e.name) && `${e.pid}:${e.tid}` === thread && e.ts >= nav.ts && e.ts < end)
        .map((e) => [e.ts, Math.min(e.ts + (e.dur || 0), end)])
        .sort((a, b) => a[0] - b[0]);
      let total = 0;
      let [from, to] = [0, 0];
      for (const [a, b] of spans) {
        if (a > to) { total += to - from; [from, to] = [a, b]; } else to = Math.max(to, b);
      }
      return (total + to - from) / 1000;
    };
    const lazy = events.filter((e) => e.name === 'wasm.CompileLazy' && `${e.pid}:${e.tid}` === thread && e.ts >= nav.ts && e.ts < end);
    return {
      busy: sum('RunTask'),
      script: sum('FunctionCall', 'EvaluateScript', 'v8.evaluateModule', 'RunMicrotasks', 'FireAnimationFrame', 'TimerFire', 'EventDispatch'),
      lazy: lazy.reduce((t, e) => t + (e.dur || 0), 0) / 1000,
      lazyCount: lazy.length,
      style: sum('UpdateLayoutTree'),
      layout: sum('Layout'),
      paint: sum('Paint', 'PrePaint', 'Layerize', 'Commit'),
      parse: sum('ParseHTML', 'ParseAuthorStyleSheet'),
    };
  });
}

/** One step + re-render of a 100-socket scenario on four OSes. */
async function stepRender(browser, origin, profile) {
  let text = 'title 100 sockets\nos linux\niface 192.168.0.1\n\n';
  for (let i = 0; i < 100; i++) text += `socket S${i} tcp\nset S${i} SO_REUSEPORT\nbind S${i} 127.0.0.1:${8000 + (i % 10)}\nlisten S${i}\n`;
  text += 'client 127.0.0.1:8000 x50\n';
  const context = await browser.newContext(profile.context);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.rate });
    await page.goto(`${origin}/#v1/linux,freebsd,macos,windows/380/${b64(text)}`);
    await page.waitForSelector('.stepper button.primary:not([disabled])', { timeout: 60000 });
    return await page.evaluate(async () => {
      const buttons = [...document.querySelectorAll('.stepper button')];
      const step = buttons.find((b) => b.textContent.includes('Step'));
      const back = buttons.find((b) => b.textContent.includes('Back'));
      const progress = document.querySelector('.progress');
      const out = [];
      for (let i = 0; i < 41; i++) {
        const before = progress.textContent;
        // Resolved by the first DOM change that moves the progress line,
        // whenever Yew renders it (a microtask or a later task).
        const moved = new Promise((resolve) => {
          const mo = new MutationObserver(() => {
            if (document.querySelector('.progress')?.textContent !== before) { mo.disconnect(); resolve(); }
          });
          mo.observe(document.body, { childList: true, characterData: true, subtree: true });
        });
        const t0 = performance.now();
        (i % 2 ? back : step).click();
        await moved;
        void document.body.offsetHeight;
        out.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 30));
      }
      return out;
    });
  } finally {
    await context.close();
  }
}

/** A click on the stepper's button named `name`, to the next frame after the progress line moved. */
async function click(page, name) {
  return page.evaluate(async (name) => {
    const button = [...document.querySelectorAll('.stepper button')].find((b) => b.textContent.includes(name));
    const before = document.querySelector('.progress').textContent;
    const moved = new Promise((resolve) => {
      const mo = new MutationObserver(() => {
        if (document.querySelector('.progress')?.textContent !== before) { mo.disconnect(); resolve(); }
      });
      mo.observe(document.body, { childList: true, characterData: true, subtree: true });
    });
    const t0 = performance.now();
    button.click();
    await moved;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  }, name);
}

/** The large scenarios (see the header), once, in new pages. */
async function bigScenarios(browser, origin, profile) {
  let crowded = 'title 3,000 listeners-to-be on :443\nos linux\n';
  for (let i = 0; i < 3000; i++) crowded += `socket S${i} tcp\nset S${i} SO_REUSEPORT\nbind S${i} 0.0.0.0:443\n`;
  let datagrams = 'os linux\nsocket A udp\nbind A 0.0.0.0:5300\n';
  for (let i = 0; i < 5000; i++) datagrams += 'datagram 127.0.0.1:5300\n';
  const out = {};
  for (const [key, text, steps] of [['crowded', crowded, 9000], ['datagrams', datagrams, 5002]]) {
    const context = await browser.newContext(profile.context);
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.rate });
      // Timed by the page: from the navigation's start to the first frame
      // that shows every step run, said on the console (polling from here
      // would add up to its interval, and Playwright's injected script to
      // the page's own work; see `untilInteractive`).
      await page.addInitScript((n) => {
        const look = () => {
          if (document.querySelector('#app[data-live] .progress')?.textContent.startsWith(`${n} of ${n}`)) console.debug(`bindlab-bench opened ${performance.now()}`);
          else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }, steps);
      const opened = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('bindlab-bench opened '), timeout: 600000 });
      await page.goto(`${origin}/#v1/linux/${steps}/${b64(text)}`);
      out[`${key}Open`] = Number((await opened).text().split(' ').pop());
      out[`${key}Back`] = await click(page, 'Back');
      await click(page, 'Reset');
      // A long scenario's address is written once the stepping pauses.
      await page.waitForTimeout(400);
      out[`${key}RunAll`] = await click(page, 'Run all');
    } finally {
      await context.close();
    }
  }
  return out;
}

/** The files a page fetched until `ready`, with their sizes as dist's .gz and .br. */
async function firstLoad(browser, origin, url, readyFn) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const paths = [];
    page.on('request', (r) => { const u = new URL(r.url()); if (u.origin === origin) paths.push(u.pathname); });
    await page.goto(origin + url);
    await readyFn(page);
    const rows = [];
    for (const p of [...new Set(paths)]) {
      const file = path.join(DIST, p.endsWith('/') ? p + 'index.html' : p);
      if (!fs.existsSync(file)) continue;
      const size = (ext) => (fs.existsSync(file + ext) ? fs.statSync(file + ext).size : fs.statSync(file).size);
      rows.push({ p, raw: fs.statSync(file).size, gz: size('.gz'), br: size('.br') });
    }
    return rows;
  } finally {
    await context.close();
  }
}

const server = await serve({ precompressed: true });
const browser = await launch();
/** The large-scenario table: BIG runs per profile. */
async function printBig() {
  const big = {};
  for (const profile of PROFILES) {
    big[profile.key] = [];
    for (let i = 0; i < BIG; i++) big[profile.key].push(await bigScenarios(browser, server.origin, profile));
  }
  console.log(`\nlarge scenarios, median of ${BIG} (min–max)\n`);
  console.log(`| large scenario | ${PROFILES.map((p) => p.name).join(' | ')} |`);
  console.log(`|---|${PROFILES.map(() => '---').join('|')}|`);
  for (const [label, k] of [
    ['3,000 sockets on :443: open its link at step 9,000', 'crowdedOpen'],
    ['  then Back', 'crowdedBack'],
    ['  Run all from the start', 'crowdedRunAll'],
    ['5,000 datagrams: open its link at the end', 'datagramsOpen'],
    ['  then Back', 'datagramsBack'],
    ['  Run all from the start', 'datagramsRunAll'],
  ]) console.log(`| ${label} | ${PROFILES.map((p) => stat(big[p.key].map((r) => r[k]), ms)).join(' | ')} |`);
}

// BENCH_ONLY=big: only the large scenarios.
if (process.env.BENCH_ONLY === 'big') {
  try {
    console.log(`site benchmark, large scenarios only, ${new Date().toISOString().slice(0, 10)}, Chromium ${browser.version()}`);
    await printBig();
  } finally {
    await browser.close();
    await server.close();
  }
  process.exit(0);
}
// BENCH_ONLY=step: only the step + render figure, at 1× (RUNS=n pages of 41 steps).
if (process.env.BENCH_ONLY === 'step') {
  try {
    for (let i = 0; i < Number(process.env.RUNS || 1); i++) {
      const step = await stepRender(browser, server.origin, PROFILES[0]);
      console.log(`step + render, 100 sockets, ${PROFILES[0].name}: ${stat(step, (x) => `${x.toFixed(1)} ms`)} (median of 41, min–max)`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  process.exit(0);
}
// BENCH_ONLY=load: only the sandbox's cold loads (first paint, interactive),
// each profile, to compare two builds (BINDLAB_DIST) quickly.
if (process.env.BENCH_ONLY === 'load') {
  try {
    console.log(`site benchmark, cold loads only, ${new Date().toISOString().slice(0, 10)}, Chromium ${browser.version()}, ${DIST}`);
    for (const profile of PROFILES) {
      const loads = await coldLoads(profile);
      for (const [label, f, pick] of [['first contentful paint', ms, (l) => l.fcp], ['interactive', ms, (l) => l.interactive], ['total blocking time', ms, (l) => l.tbt]]) {
        console.log(`${profile.name}: ${label} ${stat(loads.map(pick), f)} (median of ${LOADS}, min–max)`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  process.exit(0);
}
try {
  console.log(`site benchmark, ${new Date().toISOString().slice(0, 10)}, Chromium ${browser.version()}, dist/ served precompressed (no compression on the fly)\n`);

  // 1. Bytes of a first load, from dist's own .gz and .br files.
  const stepper = (p) => p.waitForSelector('.stepper button.primary:not([disabled])', { timeout: 30000 });
  for (const [label, url, readyFn, goal] of [
    ['sandbox (/)', '/', stepper, 'goal ≤ 190 KB gzip, ≤ 155 KB brotli'],
    ['course (#/learn)', '/#/learn', (p) => p.waitForSelector('.chapters', { timeout: 30000 }), ''],
    ['embed (a host page\'s first widget)', '/examples/article.html', (p) => p.waitForFunction(() => document.querySelector('bind-lab')?.shadowRoot?.querySelector('.stepper'), null, { timeout: 30000 }), ''],
  ]) {
    const rows = (await firstLoad(browser, server.origin, url, readyFn)).filter((r) => !r.p.startsWith('/examples/'));
    console.log(`first load of the ${label}:`);
    for (const r of rows) console.log(`  ${r.p.padEnd(34)} ${kb(r.raw).padStart(10)} raw ${kb(r.gz).padStart(9)} gzip ${kb(r.br).padStart(9)} brotli`);
    const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
    console.log(`  ${'total'.padEnd(34)} ${kb(sum('raw')).padStart(10)} raw ${kb(sum('gz')).padStart(9)} gzip ${kb(sum('br')).padStart(9)} brotli${goal ? `   (${goal})` : ''}\n`);
  }

  // 2. Cold loads and a step, per profile.
  const results = {};
  for (const profile of PROFILES) {
    const loads = await coldLoads(profile);
    results[profile.key] = { loads, step: await stepRender(browser, server.origin, profile), traced: [] };
    for (let i = 0; i < TRACED; i++) results[profile.key].traced.push(await tracedLoad(browser, server.origin, profile));
  }
  const col = (key, f, pick) => stat(results[key].loads.map(pick), f);
  const rows = [
    ['bytes the first paint waits for (page + render-blocking)', (k) => col(k, kb, (l) => l.blocking), '≤ 30 KB'],
    ['bytes arrived before first paint (localhost)', (k) => col(k, kb, (l) => l.arrived), ''],
    ['  of them wasm', (k) => col(k, kb, (l) => l.wasm), ''],
    ['first contentful paint', (k) => col(k, ms, (l) => l.fcp), 'with 0 bytes of wasm'],
    ['  what it shows', (k) => [...new Set(results[k].loads.map((l) => l.shown))].map((x) => `“${x}”`).join(', '), 'the page (prerendered HTML)'],
    ['largest contentful paint', (k) => col(k, ms, (l) => l.lcp), ''],
    ['interactive', (k) => col(k, ms, (l) => l.interactive), '≤ 300 ms at 1×, ≤ 800 ms at 4×'],
    ['total blocking time', (k) => col(k, ms, (l) => l.tbt), ''],
    ['step + render, 100 sockets', (k) => stat(results[k].step, (x) => `${x.toFixed(1)} ms`), '≤ 16 ms at 1×'],
  ];
  console.log(`sandbox, median of ${LOADS} cold loads (min–max); step: median of 41 (min–max)\n`);
  console.log(`| figure | ${PROFILES.map((p) => p.name).join(' | ')} | goal |`);
  console.log(`|---|${PROFILES.map(() => '---').join('|')}|---|`);
  for (const [label, f, goal] of rows) console.log(`| ${label} | ${PROFILES.map((p) => f(p.key)).join(' | ')} | ${goal} |`);

  // 3. Where the traced loads' main thread went before interactive.
  const part = (f) => (k) => {
    const ts = results[k].traced.filter(Boolean);
    return ts.length ? stat(ts.map(f), ms) : 'no trace';
  };
  console.log(`\nmain thread until interactive, median of ${TRACED} traced cold loads (min–max; tracing makes a load slower than those above)\n`);
  console.log(`| main thread | ${PROFILES.map((p) => p.name).join(' | ')} |`);
  console.log(`|---|${PROFILES.map(() => '---').join('|')}|`);
  for (const [label, f] of [
    ['busy (tasks)', part((t) => t.busy)],
    ['script: JavaScript and wasm', part((t) => t.script)],
    ['  of it, lazy wasm compilation', part((t) => t.lazy)],
    ['style', part((t) => t.style)],
    ['layout', part((t) => t.layout)],
    ['paint', part((t) => t.paint)],
    ['HTML and CSS parsing', part((t) => t.parse)],
  ]) console.log(`| ${label} | ${PROFILES.map((p) => f(p.key)).join(' | ')} |`);
  const lazyCount = results.phone.traced.find(Boolean)?.lazyCount;
  if (lazyCount) console.log(`\n(lazy compilation: V8 compiles each wasm function on its first call; ${lazyCount} functions before interactive)`);

  // 4. Large scenarios.
  await printBig();
} finally {
  await browser.close();
  await server.close();
}
