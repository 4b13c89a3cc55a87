// Issue #17's promise, audited: a reader can do the whole course, the
// guides and the sandbox in Chinese and never meet an English sentence.
// Every zh-CN page is loaded and driven as a reader would (every scenario
// run to its end on every OS, every prediction answered, every challenge
// checked with its starting text, its hints and solution shown and checked
// again, every <details> opened, the sandbox's code panel in each language
// and its host view on each OS, a few mistakes in a scenario), then the
// text the reader sees (and the tooltips and labels a screen reader reads)
// is searched for English sentences. Code, scenarios, commands and what an
// OS or a runtime prints are not English sentences: they are left out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openPage, b64 } from './harness.mjs';

const SS = fs.readFileSync(new URL('../../crates/sockets/src/testdata/ss-tanpe.txt', import.meta.url), 'utf8');
const SS_UDP = fs.readFileSync(new URL('../../crates/sockets/src/testdata/ss-uanpe.txt', import.meta.url), 'utf8');

let server;
let browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** What is not prose: code, scenario text and steps, form fields, the
 *  rules' source citations. */
const NOT_PROSE = [
  // A guide's messages table sets what a program prints as code and its
  // own descriptions as prose, so its code is not prose either.
  'pre', 'code:not(.errors code)', 'kbd', 'samp', 'textarea', 'input', 'select', 'script', 'style', 'noscript',
  // A scenario step in the outcome table (its line and text).
  'th.step button',
  // A rule's source ("出处：" and the citation, as written).
  '.rule > p.muted.small',
  // The language switch's "English".
  '.lang-switch a[hreflang="en"]',
].join(', ');

/** What an OS or a runtime prints, kept as printed in a guide's errors
 *  line (which is otherwise prose: "没有错误" is a description). */
const PRINTED = [
  /\b[Aa]ddress already in use\b/g,
  /\b[Cc]annot assign requested address\b/g,
  /\bOnly one usage of each socket address \(protocol\/network address\/port\) is normally permitted\b|\bOnly one usage of each socket address\b/g,
  /\bAn attempt was made to access a socket in a way forbidden by its access permissions\b/g,
  /\b[Pp]ermission denied\b/g,
];

/** Words that may stand in a Chinese sentence: names of calls, options,
 *  errors, tools and programs, as TERMS.md keeps them. Lowercase tokens
 *  only (a capitalised or CAPITAL token never starts a run anyway). */
const TECHNICAL = new Set([
  // Calls and their arguments.
  'bind', 'listen', 'connect', 'accept', 'close', 'socket', 'setsockopt', 'sendto', 'recv', 'recvfrom', 'send',
  'tcp', 'udp', 'tcp4', 'tcp6', 'udp4', 'udp6',
  // Scenario words a sentence names.
  'set', 'client', 'iface', 'os', 'title', 'as', 'join', 'x2', 'x3', 'x4',
  // Tools and commands.
  'ss', 'netstat', 'lsof', 'sudo', 'python3', 'bindlab', 'doctor', 'setcap', 'cap_net_bind_service',
  // Runtime APIs.
  'net', 'dgram', 'socketserver', 'socket2', 'libc', 'std', 'syscall', 'http', 'server',
]);

/** English quoted in a Chinese sentence (“…”): a document or a program
 *  quoted as it is. Reported, not failed. */
const quotedSeen = new Set();

/** Runs of three or more English words (lowercase, as a sentence's are). */
function englishRuns(text) {
  const found = [];
  // Spaces as one (code spans are hidden); tabs (table cells)
  // and newlines (blocks) still end a run.
  let t = text.replace(/ +/g, ' ');
  for (const p of PRINTED) t = t.replace(p, ' ');
  // A translated citation's sources, kept as written: a `repo@commit` or a
  // path (a word with @ or /), and a call with its arguments, `f(a, b)`;
  // each ends a run, as a tab does (the words either side are apart).
  t = t.replace(/\S*[@/]\S*/g, '\t').replace(/[A-Za-z_][\w.]*\([^()]*\)/g, '\t');
  const quoted = /“[^”]*”|"[^"]*"|「[^」]*」|《[^》]*》/g;
  for (const q of t.match(quoted) || []) if (words(q).length) quotedSeen.add(q);
  t = t.replace(quoted, ' ');
  return words(t);
}

/** Words that make two English words a phrase ("no error", "the others"). */
const GLUE = new Set(['a', 'an', 'the', 'no', 'not', 'is', 'are', 'was', 'of', 'to', 'in', 'on', 'at', 'and', 'or', 'for',
  'with', 'by', 'from', 'it', 'its', 'this', 'that', 'every', 'each', 'all', 'only', 'when', 'if', 'but', 'yet', 'here']);

function words(t) {
  const found = [];
  for (const m of t.matchAll(/[A-Za-z][a-z']*(?:[ ,]+[a-z][a-z']*)+/g)) {
    const words = m[0].split(/[ ,]+/);
    // English prose: three words in a row that are not technical names, or
    // two whose one is an English function word.
    let run = 0;
    let best = 0;
    let glued = false;
    for (let i = 0; i < words.length; i++) {
      const w = words[i].toLowerCase();
      run = TECHNICAL.has(w) ? 0 : run + 1;
      best = Math.max(best, run);
      if (run >= 2 && (GLUE.has(w) || GLUE.has(words[i - 1].toLowerCase()))) glued = true;
    }
    if (best >= 3 || glued) found.push(m[0]);
  }
  return found;
}

/** The text a reader sees on the page (in the light DOM and in widgets'
 *  shadow roots), leaving out what is not prose, with the tooltips, labels
 *  and placeholders of what is visible. */
async function readerText(page) {
  return page.evaluate((notProse) => {
    const roots = [document];
    for (let i = 0; i < roots.length; i++) {
      for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    const texts = [document.title];
    // Tooltips, labels and placeholders: the interface's words, on code
    // and fields too (a program's label, a field's placeholder).
    for (const r of roots) {
      for (const el of r.querySelectorAll('[title], [aria-label], [placeholder], [alt], [aria-description]')) {
        if (!el.checkVisibility() || el.closest('.lang-switch')) continue;
        for (const a of ['title', 'aria-label', 'placeholder', 'alt', 'aria-description']) {
          const v = el.getAttribute(a);
          if (v) texts.push(v);
        }
      }
    }
    const styles = roots.map((r) => {
      const s = document.createElement('style');
      s.textContent = `${notProse} { display: none !important; }`;
      (r === document ? document.head : r).append(s);
      return s;
    });
    try {
      for (const r of roots) {
        texts.push(r === document ? document.body.innerText : [...r.children].map((c) => c.innerText ?? '').join('\n'));
      }
      return texts.join('\n');
    } finally {
      for (const s of styles) s.remove();
    }
  }, NOT_PROSE);
}

/** Clicks every element `selector` finds, one after the other (re-queried:
 *  a click may re-render the page). */
async function clickAll(page, selector, limit = 200) {
  for (let i = 0; i < limit; i++) {
    const all = page.locator(selector);
    const n = await all.count();
    if (i >= n) return;
    const el = all.nth(i);
    if (await el.isVisible() && await el.isEnabled()) await el.click();
  }
}

/** Opens every closed <details> the reader can see (as a click on its
 *  summary does: the toggle event follows), until none is left (an opened
 *  one may hold more). */
async function openAllDetails(page) {
  for (let round = 0; round < 4; round++) {
    const opened = await page.evaluate(() => {
      let n = 0;
      for (const d of document.querySelectorAll('details:not([open])')) {
        if (d.querySelector(':scope > summary')?.checkVisibility()) { d.open = true; n++; }
      }
      return n;
    });
    if (opened === 0) return;
    await page.waitForTimeout(50);
  }
}

/** Every OS checkbox ticked, then every scenario run to its end. */
async function runEverything(page, runAll = '全部运行') {
  for (const box of await page.locator('.os-picker input[type="checkbox"]:not(:checked)').all()) {
    if (await box.isEnabled()) await box.check();
  }
  await clickAll(page, `.stepper button:has-text("${runAll}")`);
}

/** Answers every prediction (its first choice on each OS) and reveals the answers. */
async function answerPredictions(page, check = '检查我的预测') {
  const predicts = page.locator('.predict');
  for (let i = 0; i < await predicts.count(); i++) {
    const p = predicts.nth(i);
    for (const group of await p.locator('fieldset.choice-group').all()) {
      await group.locator('input[type="radio"]').first().check();
    }
    await p.getByRole('button', { name: check }).click();
    await p.locator('.truths').waitFor();
  }
}

/** Checks every challenge with its starting text, shows every hint and the
 *  solution, puts it in the editor and checks again. Returns the texts seen
 *  along the way (a verdict is replaced by the next one). */
async function doChallenges(page) {
  const seen = [];
  const cs = page.locator('.challenge');
  for (let i = 0; i < await cs.count(); i++) {
    const c = cs.nth(i);
    await c.getByRole('button', { name: '检查', exact: true }).click();
    await c.locator('.verdict p').waitFor();
    seen.push(await readerText(page));
    while (await c.locator('button:has-text("提示")').count()) await c.locator('button:has-text("提示")').first().click();
    const show = c.getByRole('button', { name: '显示答案…' });
    if (await show.count()) {
      await show.click();
      seen.push(await readerText(page));
      await c.locator('.confirm button.primary').click();
    }
    await c.getByRole('button', { name: '放进编辑器' }).click();
    await c.getByRole('button', { name: '检查', exact: true }).click();
    await c.locator('.verdict p.ok').waitFor();
  }
  return seen;
}

/** What the audit did, over every page (printed, and checked not to be nothing). */
const tally = { scenarios: 0, predictions: 0, challenges: 0, details: 0 };

/** Drives the page as a reader would; returns every text seen. */
async function drive(page) {
  const seen = [];
  tally.scenarios += await page.locator('.stepper').count();
  tally.predictions += await page.locator('.predict').count();
  tally.challenges += await page.locator('.challenge').count();
  await runEverything(page);
  await answerPredictions(page);
  seen.push(...await doChallenges(page));
  // Guides: each "run the scenario to line N" button.
  await clickAll(page, 'button:has-text("把场景运行到")');
  await runEverything(page);
  await openAllDetails(page);
  tally.details += await page.locator('details[open]').count();
  seen.push(await readerText(page));
  return seen;
}

/** The zh-CN addresses one page links to under `prefix` (sorted, unique). */
async function linksUnder(page, prefix) {
  const hrefs = await page.locator(`main a[href^="${prefix}"]`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return [...new Set(hrefs.map((h) => h.split('#')[0]))].filter((h) => h !== prefix).sort();
}

test('the audit sees English where there is English: the English chapter and sandbox, run to the end', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/learn/wildcard/`);
  try {
    await page.waitForSelector('.stepper');
    await answerPredictions(page, 'Check my prediction');
    await runEverything(page, 'Run all');
    await openAllDetails(page);
    const runs = englishRuns(await readerText(page));
    assert.ok(runs.length > 50, `English runs found: ${runs.length}`);
    // The why-lines of the outcome table (in opened cells) are read too.
    await page.goto(`${server.origin}/`);
    await page.waitForSelector('.stepper');
    await runEverything(page, 'Run all');
    await openAllDetails(page);
    const why = await page.locator('.outcomes td details .why').first().innerText();
    assert.ok(englishRuns(why).length > 0, why);
    assert.ok((await readerText(page)).includes(why.replace(/\s+/g, ' ').trim().slice(0, 40)), 'the why-line is in the reader\'s text');
  } finally {
    await context.close();
    quotedSeen.clear();
  }
});

test("zh-CN: the host view's states are words of the page's language", async () => {
  const { page, context } = await openPage(browser, `${server.origin}/zh-CN/`);
  try {
    await page.waitForSelector('.stepper');
    await page.click('.stepper button:has-text("全部运行")');
    const states = await page.locator('table.twin td[data-label="状态"]').allInnerTexts();
    assert.ok(states.length > 0);
    for (const st of states) assert.match(st, /\p{Script=Han}|^TIME_WAIT/u, `a state in English: ${st}`);
  } finally {
    await context.close();
  }
});

test('zh-CN without JavaScript: the prerendered chapter, guide and sandbox, with their whole runs, have no English sentence', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const found = [];
  try {
    for (const path of ['zh-CN/learn/udp/', 'zh-CN/guides/windows-10013/', 'zh-CN/', 'zh-CN/runtimes/']) {
      await page.goto(`${server.origin}/${path}`);
      const text = await readerText(page);
      const han = (text.match(/\p{Script=Han}/gu) || []).length;
      assert.ok(han > 300, `${path} reads in Chinese without JavaScript (${han})`);
      for (const run of englishRuns(text)) found.push(`${path}: ${run}`);
    }
    assert.deepEqual(found, []);
  } finally {
    await context.close();
  }
});

test('zh-CN: no English sentence anywhere a reader goes in the course, the guides, the reference pages and the sandbox', async () => {
  const started = Date.now();
  const { page, context, problems } = await openPage(browser, `${server.origin}/zh-CN/learn/`);
  const found = [];
  const pages = [];
  const audit = async (path, what = drive) => {
    const t0 = Date.now();
    await page.goto(`${server.origin}/${path}`);
    await page.waitForSelector('main');
    const seen = await what(page);
    pages.push(`${path} (${Date.now() - t0} ms)`);
    if (process.env.BINDLAB_AUDIT_DUMP) {
      fs.mkdirSync(process.env.BINDLAB_AUDIT_DUMP, { recursive: true });
      fs.writeFileSync(`${process.env.BINDLAB_AUDIT_DUMP}/${path.replace(/[^a-z0-9-]+/gi, '_')}.txt`, seen.join('\n\n=====\n\n'));
    }
    for (const text of seen) {
      for (const run of englishRuns(text)) {
        const line = `${path}: ${run}`;
        if (!found.includes(line)) found.push(line);
      }
    }
  };
  try {
    // Every page of the course, found from the contents and the guides' index.
    await page.waitForSelector('.chapters');
    const chapters = await linksUnder(page, 'zh-CN/learn/');
    assert.ok(chapters.length >= 12, `the chapters: ${chapters}`);
    await audit('zh-CN/learn/');
    for (const c of chapters) {
      await audit(c, async (p) => {
        await p.waitForSelector('.lesson .prose, .cheatsheet');
        return drive(p);
      });
    }
    await audit('zh-CN/guides/');
    const guides = await linksUnder(page, 'zh-CN/guides/');
    assert.ok(guides.length >= 9, `the guides: ${guides}`);
    for (const g of guides) {
      await audit(g, async (p) => {
        await p.waitForSelector('.stepper');
        return drive(p);
      });
    }
    await audit('zh-CN/glossary/', async (p) => {
      await p.waitForSelector('.glossary .prose h2');
      return drive(p);
    });
    await audit('zh-CN/rules/', async (p) => {
      await p.waitForSelector('.rule p:not(.explanation-pending) >> nth=2');
      await p.waitForFunction(() => !document.querySelector('.explanation-pending'));
      return drive(p);
    });
    await audit('zh-CN/runtimes/', async (p) => {
      await p.waitForSelector('table.runtimes');
      return drive(p);
    });
    const languages = await linksUnder(page, 'zh-CN/runtimes/');
    assert.ok(languages.length >= 5, `the runtimes' languages: ${languages}`);
    for (const l of languages) {
      await audit(l, async (p) => {
        await p.waitForSelector('table.runtimes');
        return drive(p);
      });
    }
    // The paste page: a table it cannot read, then one it reads, with a bind to check.
    await audit('zh-CN/paste/', async (p) => {
      await p.waitForSelector('#paste-table');
      const seen = [await readerText(p)];
      await p.fill('#paste-table', 'hello');
      await p.waitForSelector('.notice.error');
      seen.push(await readerText(p));
      for (const table of [SS, SS_UDP]) {
        await p.fill('#paste-table', table);
        await p.waitForSelector('.paste-answer');
        seen.push(await readerText(p));
        await p.fill('#paste-bind', 'web:8080');
        seen.push(await readerText(p));
        await p.fill('#paste-bind', '');
        for (const user of ['me', 'root']) {
          await p.fill('#paste-user', user);
          for (const os of await p.locator('#paste-os option').evaluateAll((os) => os.map((o) => o.value))) {
            await p.selectOption('#paste-os', os);
            seen.push(await readerText(p));
          }
        }
        await p.selectOption('#paste-os', '');
        seen.push(...await drive(p));
      }
      return seen;
    });
    // The sandbox: its example on every OS, the code panel in every
    // language, the host on every OS, then a scenario with mistakes and a
    // link that cannot be read.
    await audit('zh-CN/', async (p) => {
      await p.waitForSelector('.stepper');
      const seen = await drive(p);
      const langs = await p.locator('.code-panel [role=tab]').evaluateAll((ts) => ts.map((t) => t.dataset.lang));
      assert.ok(langs.length >= 5, `the code panel's languages: ${langs}`);
      for (const l of langs) {
        await p.click(`.code-panel [role=tab][data-lang=${l}]`);
        await p.waitForSelector('.code-panel pre.code');
        seen.push(await readerText(p));
      }
      const oses = await p.locator('.host select option').evaluateAll((os) => os.map((o) => o.value));
      for (const os of oses) {
        await p.selectOption('.host select', os);
        seen.push(await readerText(p));
      }
      await p.fill('#scenario-text', 'socket A tcp\nbind A 1.2.3.4:99999\nbind Z 0.0.0.0:80\nlisten\nfrobnicate A\nset A SO_NOPE\n');
      await p.waitForSelector('.problems');
      seen.push(await readerText(p));
      return seen;
    });
    await audit(`zh-CN/#v1/linux/0/${b64('socket A tcp\n').slice(0, 3)}!!`, async (p) => {
      await p.waitForSelector('main');
      return [await readerText(p)];
    });
    console.log(`driven: ${JSON.stringify(tally)}`);
    assert.ok(tally.scenarios > 30 && tally.predictions > 20 && tally.challenges > 10 && tally.details > 100, JSON.stringify(tally));
    console.log(`audited ${pages.length} pages in ${((Date.now() - started) / 1000).toFixed(0)} s:\n${pages.join('\n')}`);
    if (quotedSeen.size) console.log(`English quoted in Chinese sentences (left as quoted):\n${[...quotedSeen].join('\n')}`);
    assert.deepEqual(found, [], `English a reader of the zh-CN site meets:\n${found.join('\n')}`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
