// Every page is real HTML before any wasm runs (issue #15): path routes,
// prerendered by Yew's server renderer at build time and hydrated in the
// browser. Here: pages read with JavaScript off; each page's title,
// description and canonical link; the site under a sub-path; a hydrated
// page that keeps the server's nodes and becomes interactive; every old
// `#/…` address redirecting to its page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openPage, DIST } from './harness.mjs';

const FROZEN = JSON.parse(fs.readFileSync(new URL('./frozen-links.json', import.meta.url), 'utf8'));
const UNDER = '/some/dir/';
const SHOTS = new URL('../screenshots/', import.meta.url).pathname;

let server, sub, browser;
before(async () => {
  server = await serve({ csp: true });
  sub = await serve({ csp: true, under: UNDER });
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); await sub?.close(); }
});

/** A page opened with JavaScript off: what a reader without it, a search
 *  engine or a link preview gets. */
async function noJs(url, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  return { page, context, requests };
}

test('every page is in dist/ as its own index.html, marked prerendered', () => {
  for (const p of ['index.html', 'learn/index.html', 'learn/five-tuple/index.html', 'learn/udp/index.html',
    'glossary/index.html', 'rules/index.html', 'guides/index.html', 'guides/windows-10048/index.html', 'paste/index.html']) {
    const html = fs.readFileSync(`${DIST}/${p}`, 'utf8');
    assert.match(html, /<div id="app" data-prerendered>/, p);
    assert.doesNotMatch(html, /Loading the sandbox…/, p);
  }
});

test('without JavaScript a lesson reads completely: text, scenarios as code, each step\'s outcomes, predictions as questions', async () => {
  for (const [name, viewport] of [['wide', { width: 1400, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const { page, context, requests } = await noJs(`${server.origin}/learn/wildcard/`, viewport);
    try {
      // No wasm is fetched (a module's preload link may still be).
      assert.equal(requests.filter((u) => u.endsWith('.wasm')).length, 0);
      assert.match(await page.locator('main h1').innerText(), /wildcard/i);
      assert.match(await page.title(), /^2\. .* — the bindlab course$/);
      // The prose.
      assert.ok((await page.locator('.lesson .prose').first().innerText()).length > 200);
      // A scenario as text, and its whole run: every step, each OS's outcome with its rule.
      const run = page.locator('.static-run').first();
      assert.ok(await run.isVisible(), 'the static run is shown');
      assert.match(await run.locator('pre code').innerText(), /^title /m);
      assert.match(await run.locator('pre code').innerText(), /\nbind /);
      const rows = run.locator('table.static-outcomes tbody tr');
      assert.ok(await rows.count() >= 5);
      const table = await run.locator('table.static-outcomes').innerText();
      assert.match(table, /Linux/);
      assert.match(table, /EADDRINUSE/);
      assert.match(table, /\[(linux|common|bsd|freebsd|macos|windows)\.[a-z.-]+\]/);
      // The live controls, which need the app, are not shown.
      assert.equal(await page.locator('.stepper').first().isVisible(), false);
      // Predictions read as questions.
      assert.ok(await page.locator('.predict .question').count() >= 1);
      assert.ok(await page.locator('.predict .question').first().isVisible());
      // Its explanation is there, folded: a click opens it without any script.
      const why = page.locator('.predict details.explanation').first();
      assert.equal(await why.evaluate((d) => d.open), false);
      assert.match(await why.locator('summary').innerText(), /^Why \(gives the answer away\)$/);
      assert.equal(await why.locator('.prose').isVisible(), false);
      await why.locator('summary').click();
      assert.match(await why.locator('.prose').innerText(), /covers/);
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/nojs-lesson-${name}.png`, fullPage: true });
    } finally { await context.close(); }
  }
});

test('without JavaScript the glossary, the rules, the contents, a guide and the sandbox\'s example read', async () => {
  const cases = [
    ['glossary/', '.glossary .prose h2', /Five-tuple/],
    ['rules/', '.rules', /linux\.bind\.listener-holds-port/],
    ['learn/', '.chapters', /The five-tuple/],
    ['guides/windows-10048/', '.lesson.guide', /WSAEADDRINUSE/],
    ['', '.static-run', /EADDRINUSE/],
  ];
  for (const [path, selector, want] of cases) {
    const { page, context } = await noJs(`${server.origin}/${path}`);
    try {
      const el = page.locator(selector).first();
      assert.ok(await el.isVisible(), `${path}: ${selector} is shown`);
      assert.match(await page.locator('main').innerText(), want, path);
    } finally { await context.close(); }
  }
});

test('without JavaScript the rules carry their explanations and a rule\'s link lands on it; what needs JavaScript says so', async () => {
  let { page, context } = await noJs(`${server.origin}/rules/#linux.bind.listener-holds-port`);
  try {
    const rule = page.locator('[id="linux.bind.listener-holds-port"]');
    assert.match(await rule.innerText(), /Source: /);
    assert.ok((await rule.locator('p').nth(1).innerText()).length > 40, 'the explanation is in the HTML');
    assert.equal(await page.locator('.explanation-pending').count(), 0);
    // The browser itself scrolled to the rule (no script does it here).
    const top = await rule.evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(top >= -2 && top < 100, `the rule is at the top of the window (${top})`);
    assert.ok(await page.evaluate(() => scrollY) > 500);
  } finally { await context.close(); }
  // The same in Chinese: the page carries the Chinese explanations.
  ({ page, context } = await noJs(`${server.origin}/zh-CN/rules/#windows`));
  try {
    assert.ok(await page.evaluate(() => scrollY) > 500, 'a group\'s link lands on the group');
    assert.match(await page.locator('[id="linux.bind.listener-holds-port"]').innerText(), /来源|监听/);
  } finally { await context.close(); }
  // The paste page says what it needs and offers the command line; its form is hidden.
  ({ page, context } = await noJs(`${server.origin}/paste/`));
  try {
    const note = page.locator('.paste-page .nojs-only');
    assert.ok(await note.isVisible());
    assert.match(await note.innerText(), /needs JavaScript and WebAssembly.*bindlab doctor PORT/s);
    assert.equal(await note.locator('code').innerText(), 'bindlab doctor PORT');
    assert.equal(await page.locator('.paste-form').isVisible(), false);
    // The course's keyboard shortcuts are not offered where they do nothing.
    assert.equal(await page.locator('footer .shortcuts').isVisible(), false);
    assert.match(await page.locator('footer').innerText(), /checked against the real kernel/);
  } finally { await context.close(); }
  // A prediction points to its answer; a challenge says nothing checks it.
  ({ page, context } = await noJs(`${server.origin}/learn/wildcard/`));
  try {
    const predict = page.locator('.predict .nojs-only').first();
    assert.match(await predict.innerText(), /nothing checks your pick: each OS's outcome of line \d+ is in the scenario's table above/);
    // The "pick an outcome for each OS" hint is in the HTML and hidden.
    const pickEach = page.locator('.predict .pick-each').first();
    assert.equal(await pickEach.count(), 1);
    assert.equal(await pickEach.isVisible(), false);
    assert.match(await page.locator('.challenge .nojs-only').innerText(), /Without JavaScript nothing checks what you write here/);
  } finally { await context.close(); }
  // With JavaScript none of those notes shows; the course's shortcuts are
  // not named on a page they do not lead from.
  const live = await openPage(browser, `${server.origin}/paste/`);
  try {
    await live.page.waitForSelector('#app[data-live]');
    assert.equal(await live.page.locator('.paste-page .nojs-only').isVisible(), false);
    assert.ok(await live.page.locator('.paste-form').isVisible());
    assert.equal(await live.page.locator('footer .shortcuts').count(), 0);
  } finally { await live.context.close(); }
});

test('the rules page hydrates over its prerendered explanations without fetching them again', async () => {
  const { page, context, problems, urls } = await openPage(browser, `${server.origin}/rules/#linux.bind.listener-holds-port`);
  try {
    await page.waitForSelector('#app[data-live]');
    const rule = page.locator('[id="linux.bind.listener-holds-port"]');
    await page.waitForSelector('[id="linux.bind.listener-holds-port"].current');
    assert.match(await rule.innerText(), /Source: /);
    assert.equal(urls.filter((u) => u.includes('rule-texts.tsv')).length, 1, urls.join(' '));
    // The filter still works on the explanations' words.
    await page.fill('#rule-filter', 'fastreuseport');
    await page.waitForFunction(() => document.querySelectorAll('.rules section.rule').length < 20);
    assert.ok(await page.locator('.rules section.rule').count() >= 1);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('each page has its own title, description and canonical link', async () => {
  const seen = new Set();
  for (const path of ['', 'learn/', 'learn/five-tuple/', 'learn/udp/', 'glossary/', 'rules/', 'guides/', 'guides/windows-10048/', 'paste/']) {
    const { page, context } = await noJs(`${server.origin}/${path}`);
    try {
      const title = await page.title();
      const description = await page.locator('meta[name=description]').getAttribute('content');
      assert.ok(title.length > 10 && !seen.has(title), `${path}: ${title}`);
      seen.add(title);
      assert.ok(description.length > 40, `${path}: ${description}`);
      assert.equal(await page.locator('meta[name=description]').count(), 1);
      assert.equal(await page.locator('head > title').count(), 1);
      // Without --base-url the canonical link is relative to the site's root (the page's <base>).
      const canonical = await page.locator('link[rel=canonical]').evaluate((l) => l.href);
      assert.equal(canonical, `${server.origin}/${path}`);
    } finally { await context.close(); }
  }
});

test('under a sub-path: old addresses redirect, pages hydrate and link to each other', async () => {
  const { page, context, problems, urls } = await openPage(browser, `${sub.origin}${UNDER}#/learn/five-tuple`);
  try {
    await page.waitForURL(`${sub.origin}${UNDER}learn/five-tuple/`);
    await page.waitForSelector('.lesson .stepper');
    for (const u of urls) assert.ok(new URL(u).pathname.startsWith(UNDER), `outside the sub-path: ${u}`);
    await page.getByRole('link', { name: 'Glossary', exact: true }).click();
    await page.waitForURL(`${sub.origin}${UNDER}glossary/`);
    await page.waitForSelector('.glossary .prose h2');
    await page.getByRole('link', { name: 'Sandbox', exact: true }).click();
    await page.waitForURL(new RegExp(`^${sub.origin}${UNDER}(#v1/.*)?$`));
    await page.waitForSelector('.stepper button.primary:not([disabled])');
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('under a sub-path: an old address whose id climbs out (`..`) stays on the site', async () => {
  for (const [link, lands] of [
    ['#/learn/../../x', 'learn/'],
    ['#/learn/%2e%2e/%2e%2e/x', 'learn/'],
    ['#/guides/../../../etc', 'guides/'],
    ['#/runtimes/a/../..', 'runtimes/'],
  ]) {
    const { page, context, problems } = await openPage(browser, `${sub.origin}${UNDER}${link}`);
    try {
      await page.waitForURL(`${sub.origin}${UNDER}${lands}`);
      assert.deepEqual(problems, [], link);
    } finally { await context.close(); }
  }
});

test('a hydrated lesson keeps the server\'s HTML and becomes interactive', async () => {
  const { page, context, problems } = await openPage(browser, 'about:blank');
  try {
    // Hold on to the prerendered nodes before any script runs.
    await page.addInitScript(() => {
      document.addEventListener('readystatechange', () => {
        if (document.readyState === 'interactive') {
          window.serverH1 = document.querySelector('#app main h1');
          window.serverTable = document.querySelector('#app .static-outcomes');
        }
      });
    });
    await page.goto(`${server.origin}/learn/wildcard/`);
    const lab = page.locator('.lesson-lab').first();
    await lab.locator('.stepper button.primary:not([disabled])').waitFor();
    // Hydration adopted the server's nodes rather than drawing new ones.
    assert.equal(await page.evaluate(() => window.serverH1 instanceof HTMLElement && window.serverH1.isConnected), true);
    assert.equal(await page.evaluate(() => window.serverTable instanceof HTMLElement), true);
    // The whole run as text, for readers without JavaScript, goes once the app is live.
    await page.waitForSelector('#app[data-live]');
    assert.equal(await page.evaluate(() => window.serverTable.isConnected), false);
    // And the page is live: a step runs, a prediction can be answered.
    assert.match(await lab.locator('.progress').innerText(), /^0 of \d+ steps run$/);
    await lab.locator('.stepper button.primary').click();
    assert.match(await lab.locator('.progress').innerText(), /^1 of \d+ steps run$/);
    assert.equal(await lab.locator('.static-run').count(), 0);
    assert.equal(await page.locator('#fatal').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

test('the sandbox hydrates its prerendered example; at a permalink it opens the permalink', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/`);
  try {
    await page.waitForSelector('.stepper button.primary:not([disabled])');
    await page.click('text=Run all');
    await page.waitForSelector('#announce');
    // The address bar is written in a task after the render: wait for the last step.
    await page.waitForFunction(() => {
      const run = document.querySelector('.progress').textContent.match(/^(\d+)/)[1];
      return new RegExp(`^#v1/[^/]+/${run}/`).test(location.hash);
    });
    const link = await page.evaluate(() => location.hash);
    assert.match(link, /^#v1\//);
    await page.goto('about:blank');
    await page.goto(`${server.origin}/${link}`);
    await page.waitForSelector('.stepper');
    assert.match(await page.locator('.progress').innerText(), /^(\d+) of \1 steps run$/);
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});

for (const a of FROZEN.addresses) {
  test(`old address of ${a.made_by}: ${a.link} lands on ${a.lands}`, async () => {
    const { page, context, problems } = await openPage(browser, `${server.origin}/${a.link}`);
    try {
      await page.waitForURL(`${server.origin}/${a.lands}`);
      await page.waitForSelector('main h1');
      assert.match(await page.locator('main h1').innerText(), new RegExp(a.heading));
      // The app is running on the page it landed on.
      await page.waitForFunction(() => !document.querySelector('#app[data-prerendered] .loading'));
      assert.deepEqual(problems, []);
    } finally { await context.close(); }
  });
}

test('an address the site has no page for gets its 404.html: both languages, links that work from any depth, no script', async () => {
  const html = fs.readFileSync(`${DIST}/404.html`, 'utf8');
  assert.doesNotMatch(html, /<script/);
  const { page, context, requests } = await noJs(`${server.origin}/no/such/page/`);
  try {
    assert.match(await page.locator('h1').first().innerText(), /There is no page here/);
    assert.match(await page.locator('section[lang="zh-CN"] h1').innerText(), /这里没有页面/);
    await page.locator('section[lang="en"] a', { hasText: 'Course' }).click();
    await page.waitForURL(`${server.origin}/learn/`);
    await page.goto(`${server.origin}/no/such/page/`);
    await page.locator('section[lang="zh-CN"] a', { hasText: '课程' }).click();
    await page.waitForURL(`${server.origin}/zh-CN/learn/`);
    assert.ok(requests.some((u) => u.endsWith('/static/style.css')), 'styled from any depth');
  } finally { await context.close(); }
});
