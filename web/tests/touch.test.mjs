// A phone with a touch screen: every control a reader taps is a 44×44 CSS px
// target (WCAG 2.5.5), on every kind of page, with nothing wider than the
// screen; a mouse keeps the desktop's sizes. And the keyboard: Up/Down,
// Home/End move the focus between the outcome table's step rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openPage, ready, b64 } from './harness.mjs';

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.close(); }
});

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const MIN = 44;

/** Every visible control of the page (and of its widgets' shadow roots)
 *  smaller than 44×44 CSS px, as "what — W×H" lines.
 *
 *  A control is a button, a link with an href, a select, an input, a
 *  summary, a [role=button] or a [tabindex="0"] element. Left out:
 *  - what is not drawn: hidden (checkVisibility), 1 px or less (the
 *    screen readers' .sr-only text), or off the page's left edge (a skip
 *    link until Tab reaches it);
 *  - a link inside running prose (WCAG's inline exception): a link is
 *    inline when its block container (its nearest ancestor not displayed
 *    inline) holds, beside it, text of its own line — a non-blank text
 *    node, or an inline element with text. A link alone in its paragraph
 *    or list item (a list of chapters, a rule's link under its
 *    explanation) is a target like a button and must be 44 px.
 *  An input is measured with its label: it passes when it or a label of
 *  its (a <label> around it or naming it) is 44×44, since a tap on the
 *  label is a tap on it. */
function smallTargets(page) {
  return page.evaluate((MIN) => {
    const SEL = 'button, a[href], select, input:not([type=hidden]), summary, [role=button], [tabindex="0"]';
    const inline = (d) => d === 'inline' || d === 'contents';
    const isInlineLink = (a) => {
      let block = a.parentElement;
      let path = a;
      while (block && inline(getComputedStyle(block).display)) { path = block; block = block.parentElement; }
      if (!block) return false;
      for (const n of block.childNodes) {
        if (n === path) continue;
        if (n.nodeType === Node.TEXT_NODE) { if (n.textContent.trim()) return true; continue; }
        if (n.nodeType !== Node.ELEMENT_NODE) continue;
        const d = getComputedStyle(n).display;
        if ((d.startsWith('inline') || d === 'contents') && n.textContent.trim() && n.checkVisibility()) return true;
      }
      return false;
    };
    const name = (el) => {
      const cls = [...el.classList].map((c) => `.${c}`).join('');
      const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.title || '').trim().replace(/\s+/g, ' ').slice(0, 40);
      const where = el.closest('[id]')?.id;
      return `${el.tagName.toLowerCase()}${el.type && el.tagName !== 'BUTTON' ? `[type=${el.type}]` : ''}${cls} "${text}"${where ? ` in #${where}` : ''}`;
    };
    const found = [];
    const visit = (root) => {
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
      for (const el of root.querySelectorAll(SEL)) {
        if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
        const r = el.getBoundingClientRect();
        if (r.width <= 1 || r.height <= 1 || r.right + scrollX <= 0) continue;
        if (el.matches('a') && isInlineLink(el)) continue;
        const boxes = [r, ...[...(el.labels || [])].map((l) => l.getBoundingClientRect())];
        if (boxes.some((b) => b.width >= MIN - 0.5 && b.height >= MIN - 0.5)) continue;
        const best = boxes.reduce((a, b) => (Math.min(b.width, b.height) > Math.min(a.width, a.height) ? b : a));
        found.push(`${name(el)} — ${Math.round(best.width)}×${Math.round(best.height)}`);
      }
    };
    visit(document);
    return [...new Set(found)];
  }, MIN);
}

/** Whether anything is wider than the screen. */
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth > innerWidth ? `${document.documentElement.scrollWidth} > ${innerWidth}` : null);

const live = (page) => page.waitForSelector('#app[data-live]', { timeout: 15000 });

const SS = fs.readFileSync(new URL('../../crates/sockets/src/testdata/ss-tanpe.txt', import.meta.url), 'utf8');

/** The pages a reader taps through, each opened as a phone opens it, and
 *  what is done on it to show its controls (each step's controls are
 *  measured before the next). */
const PAGES = [
  ['the sandbox', '/', ready, [
    async (page) => { await page.getByRole('button', { name: /Run all/ }).first().click(); await page.waitForSelector('#announce'); },
    async (page) => { await page.locator('table.outcomes td.cell details > summary').first().click(); },
    async (page) => { await page.locator('details.code-panel > summary').first().click(); await page.locator('.code-panel .lang-tabs button').first().waitFor(); },
    async (page) => { await page.locator('details.examples > summary').click(); await page.locator('.examples-list li a').first().waitFor(); },
  ]],
  ['the contents', '/learn/', live, []],
  ['a chapter', '/learn/reuseport/', ready, [
    async (page) => { await page.getByRole('button', { name: /Run all/ }).first().click(); },
  ]],
  ['the guides', '/guides/', live, []],
  ['a guide', '/guides/address-in-use-after-restart/', live, []],
  ['the paste page', '/paste/', (page) => page.waitForSelector('.paste-page textarea'), [
    async (page) => { await page.fill('#paste-table', SS); await page.waitForSelector('.paste-answer'); },
  ]],
  ['the rules', '/rules/', live, []],
  ['the glossary', '/glossary/', live, []],
  ['the runtimes', '/runtimes/', live, []],
  // Chinese words are another length: the sandbox and a chapter in zh-CN.
  ['the sandbox in zh-CN', '/zh-CN/', ready, [
    async (page) => { await page.locator('.stepper button').last().click(); await page.waitForSelector('#announce'); },
  ]],
  ['a chapter in zh-CN', '/zh-CN/learn/windows/', ready, []],
];

test(`on a phone (390×844, touch) every control a reader taps is at least 44×44 CSS px, and no page is wider than the screen`, async () => {
  const small = [];
  for (const [what, path, wait, acts] of PAGES) {
    const { page, context, problems } = await openPage(browser, server.origin + path, PHONE);
    try {
      await wait(page);
      for (let k = 0; k <= acts.length; k++) {
        if (k > 0) await acts[k - 1](page);
        for (const s of await smallTargets(page)) small.push(`${what}${k ? ` (after step ${k})` : ''}: ${s}`);
        const wide = await overflow(page);
        assert.equal(wide, null, `${what}: wider than the screen (${wide})`);
      }
      assert.deepEqual(problems, [], what);
    } finally { await context.close(); }
  }
  assert.deepEqual([...new Set(small)], [], `controls under ${MIN}×${MIN} px:\n${[...new Set(small)].join('\n')}`);
});

test('with a mouse the controls keep their desktop sizes (the 44 px targets are for touch screens only)', async () => {
  const { page, context, problems } = await openPage(browser, `${server.origin}/`, { viewport: { width: 1280, height: 900 } });
  try {
    await ready(page);
    const heights = (sel) => page.locator(sel).evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().height)));
    for (const sel of ['.controls button', '.controls select', '.site-nav a', 'table.outcomes .step .link', '.os-picker .check']) {
      const hs = await heights(sel);
      assert.ok(hs.length > 0 && hs.every((h) => h < 44), `${sel}: ${hs}`);
    }
    assert.deepEqual(problems, []);
  } finally { await context.close(); }
});
