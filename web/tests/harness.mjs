// Shared by the browser tests and the site benchmark: a static server over
// dist/ (optionally with a CSP header, logging every request) and Debian's
// Chromium driven by playwright-core. No browser is downloaded.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const DIST = process.env.BINDLAB_DIST || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
};

/** The rules of DIST/_headers (Netlify / Cloudflare Pages form): [[pattern, {name: value}]]. */
export function headerRules() {
  const rules = [];
  for (const line of fs.readFileSync(path.join(DIST, '_headers'), 'utf8').split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) { rules.push([line.trim(), {}]); continue; }
    const [name, ...value] = line.trim().split(':');
    rules.at(-1)[1][name.trim().toLowerCase()] = value.join(':').trim();
  }
  return rules;
}

/** Whether a `_headers` path pattern (`*` matches anything) matches `p`. */
const matches = (pattern, p) => new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`).test(p);

/** Serves DIST on a free localhost port. `csp`: `true` sends CSP, a string
 *  that policy instead. `precompressed` answers as a plain
 *  static host with `gzip_static`/`brotli_static` does: FILE.br or FILE.gz
 *  (what `cargo xtask dist` wrote) when Accept-Encoding allows, never
 *  compressing on the fly; `headers` sends what DIST/_headers says, as
 *  Netlify would; `pages` maps a path to a function (request → HTML) for
 *  made-up pages; `under` serves the site under that sub-path. */
export async function serve({ csp = false, precompressed = false, headers = false, pages = {}, under = '/' } = {}) {
  const rules = headers ? headerRules() : [];
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url);
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    // Extra pages a test makes up (a host page on another origin).
    if (typeof pages[p] === 'function') { res.writeHead(200, { 'content-type': TYPES['.html'] }); res.end(pages[p](req)); return; }
    // `under`: the site hosted at a sub-path (https://example.org/some/dir/).
    if (!p.startsWith(under)) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    p = '/' + p.slice(under.length);
    // A directory: its index.html; without the slash, a redirect, as static hosts do.
    const asDir = path.join(DIST, path.normalize(p));
    if (!p.endsWith('/') && asDir.startsWith(DIST) && fs.statSync(asDir, { throwIfNoEntry: false })?.isDirectory()) {
      res.writeHead(301, { location: `${under}${p.slice(1)}/` }); res.end(); return;
    }
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(DIST, path.normalize(p));
    if (path.basename(file) === '_headers') { res.writeHead(404); res.end(); return; }
    if (!file.startsWith(DIST)) { res.writeHead(403); res.end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) {
        // As GitHub Pages, Netlify and `error_page 404 /404.html` do: the site's own 404.html, status 404.
        const notFound = path.join(DIST, '404.html');
        if (fs.existsSync(notFound)) { res.writeHead(404, { 'content-type': TYPES['.html'] }); res.end(fs.readFileSync(notFound)); return; }
        res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return;
      }
      const headers = { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' };
      if (csp) headers['content-security-policy'] = typeof csp === 'string' ? csp : CSP;
      for (const [pattern, set] of rules) if (matches(pattern, p)) Object.assign(headers, set);
      if (precompressed) {
        const accepted = (req.headers['accept-encoding'] || '').split(',').map((e) => e.trim().split(';')[0]);
        for (const [enc, ext] of [['br', '.br'], ['gzip', '.gz']]) {
          if (!accepted.includes(enc) || !fs.existsSync(file + ext)) continue;
          data = fs.readFileSync(file + ext);
          headers['content-encoding'] = enc;
          headers.vary = 'Accept-Encoding';
          break;
        }
      }
      res.writeHead(200, headers);
      res.end(data);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, requests, close: () => new Promise((r) => server.close(r)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** Waits until the app has taken over the prerendered page (`#app[data-live]`). */
export function live(page) {
  return page.waitForFunction(() => !document.querySelector('#app[data-prerendered]:not([data-live])'), null, { timeout: 15000 });
}

/** A page that records console errors, page errors and every request URL.
 *  `blockStorage: true` makes `localStorage` throw as a browser that blocks
 *  site data does (a SecurityError on every read of the property); the rest
 *  of `opts` goes to the browser context. */
export async function openPage(browser, url, opts = {}) {
  const { blockStorage = false, ...contextOpts } = opts;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOpts });
  if (blockStorage) {
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
    });
  }
  const page = await context.newPage();
  const problems = [];
  const urls = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => urls.push(r.url()));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  // Pages are prerendered HTML that the app hydrates: what a test waits for
  // may be there before the app is, so a wait (and an arrival) also waits
  // until the app marks the page live (`#app[data-live]`).
  const waitForSelector = page.waitForSelector.bind(page);
  page.waitForSelector = async (selector, options) => {
    const found = await waitForSelector(selector, options);
    await live(page);
    return found;
  };
  const goto = page.goto.bind(page);
  page.goto = async (to, options) => {
    const response = await goto(to, options);
    if (response?.ok()) await live(page).catch(() => {});
    return response;
  };
  const reload = page.reload.bind(page);
  page.reload = async (options) => {
    const response = await reload(options);
    if (response?.ok()) await live(page).catch(() => {});
    return response;
  };
  await page.goto(url);
  return { page, context, problems, urls };
}

/** The app is interactive once the outcome table or a notice is drawn. */
export async function ready(page) {
  await page.waitForSelector('.stepper', { timeout: 15000 });
}

/** base64url of UTF-8 text, as the app's permalinks carry it. */
export function b64(text) {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Elements whose content is wider than their box (text cut off, or
 *  spilling out), in the page and in every widget's shadow root. Editors
 *  (which scroll by design), form fields, SVG and screen-reader-only text
 *  are left out. */
export function overflowing(page) {
  return page.evaluate(() => {
    const found = [];
    const skip = 'textarea, input, select, svg, svg *, .sr-only, .sr-only *, .editor .code, pre';
    const visit = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (el.matches(skip) || el.closest('.sr-only, .editor')) continue;
        const cs = getComputedStyle(el);
        if (cs.display === 'none' || cs.display === 'inline' || cs.visibility === 'hidden') continue;
        if (el.clientWidth === 0) continue;
        if (el.scrollWidth > el.clientWidth + 1) {
          found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.innerText || el.textContent || '').trim().slice(0, 60)}" (${el.scrollWidth} > ${el.clientWidth})`);
        }
      }
    };
    visit(document);
    if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push(`the page (${document.documentElement.scrollWidth} > ${window.innerWidth})`);
    return found;
  });
}

/** The smallest size (CSS px) a diagram label is drawn at, over every
 *  diagram in the page and its widgets; Infinity when there is none. */
export function smallestDiagramLabel(page) {
  return page.evaluate(() => {
    let min = Infinity;
    const visit = (root) => {
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
      for (const svg of root.querySelectorAll('svg.diagram')) {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        for (const t of svg.querySelectorAll('text')) min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
      }
    };
    visit(document);
    return min;
  });
}
