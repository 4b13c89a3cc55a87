// bindlab widgets for any page: one script tag,
//   <script type="module" src="https://YOUR-BINDLAB-SITE/static/bindlab-embed.js"></script>
// then <bind-lab> elements (the scenario as their text, or src="file.bindlab"),
// and ```bindlab fenced blocks (<pre><code class="language-bindlab">, or the class on the <pre>) are
// upgraded into widgets. Every widget of the page shares one wasm instance.
//
// Attributes: os="linux,windows"  step="3"  layout="compact|full"  readonly
//             src="scenario.bindlab"  permalink="v1/..."  theme="light|dark|auto"
//             heading="..." (the visible title; default: the scenario's)
//             lang="zh-CN" (the widget's language: its interface and its why-lines; any
//             tag bindlab reads as Simplified Chinese — zh, zh-CN, zh-Hans — or English,
//             the default, for a missing or other one. Each widget has its own, so one
//             page may mix languages; when the language file cannot be loaded the widget
//             is English and the console says why); without lang=, the nearest
//             ancestor's lang (a page in Chinese gets Chinese widgets)
//
// From another origin, the bindlab site must allow it (CORS: see the
// README's "Embedding from another site"); when the code cannot be loaded,
// each widget says so and why instead of showing its raw text (and when
// this script itself is refused, the optional static/bindlab-embed.css does).
// Methods:    el.load(text)  el.step()  el.reset()  (called before ready, they wait for it)
// Events:     bindlab-ready (after each start), bindlab-step (detail {step, total}; also
//             once at the start), bindlab-error (detail {problems}; a widget that cannot
//             start sends only this one)
// Changing an attribute (theme= aside, which is CSS) or the element's text
// after it has started starts the widget again with the new values.
// Attributes bindlab cannot read (os="solaris", step="-1", theme="Dark") are reported as a
// bindlab-error and on the console, and left out.

const BASE = new URL('..', import.meta.url);
let engine = null;

/** What the page's Content-Security-Policy refused (`securitypolicyviolation`
 *  events), so that a refused load is explained as such rather than as a
 *  network failure. */
const refusals = [];
document.addEventListener('securitypolicyviolation', (e) => {
  refusals.push({ uri: e.blockedURI, directive: e.effectiveDirective || e.violatedDirective });
}, true);

/** When the page's CSP refused one of `urls` (`null`: compiling
 *  WebAssembly), why, in words a page author can act on; else null. The
 *  violation's event may come a task after the failure it caused. */
async function refusedByPolicy(...urls) {
  await new Promise((resolve) => setTimeout(resolve));
  for (const url of urls) {
    const hit = refusals.find((r) => (url === null
      ? r.uri === 'wasm-eval'
      : r.uri && r.uri !== 'wasm-eval' && (r.uri === url.href || r.uri === url.origin || url.href.startsWith(`${r.uri.replace(/\/$/, '')}/`))));
    if (!hit) continue;
    const directive = hit.directive?.split(' ')[0] || 'a directive';
    const what = url === null
      ? `to compile bindlab's WebAssembly (add 'wasm-unsafe-eval' to ${directive})`
      : `to load ${url.href} (${directive}: add ${url.origin === location.origin ? "'self'" : url.origin} to it)`;
    return `this page's Content-Security-Policy refused ${what}. A page with widgets must allow bindlab's site in script-src (with 'wasm-unsafe-eval'), connect-src and style-src (see bindlab's README, "Content-Security-Policy").`;
  }
  return null;
}

/** `:host { --bindlab-rem: 1em }`, the host's own text size, which follows
 *  the page's (a theme's font-size control too), for every widget of the
 *  page; `null` where the browser cannot register the property as a
 *  length. Registered, it is computed once at the host and inherited in
 *  pixels; unregistered, each `calc()` would read its own element's 1em.
 *  A constructed sheet, as a Content-Security-Policy without
 *  'unsafe-inline' allows (a <style> it would refuse). */
let unit;
function unitSheet() {
  if (unit !== undefined) return unit;
  unit = null;
  try {
    CSS.registerProperty({ name: '--bindlab-rem', syntax: '<length>', inherits: true, initialValue: '16px' });
  } catch (err) {
    // Registered already (another copy of this script): as good.
    if (err?.name !== 'InvalidModificationError') return unit;
  }
  try {
    unit = new CSSStyleSheet();
    unit.replaceSync(':host { --bindlab-rem: 1em; }');
  } catch { unit = null; }
  return unit;
}

/** Why the engine did not load, in words a page author can act on. */
async function whyNoEngine(err) {
  // Checked first: without WebAssembly nothing else the page or its host
  // could change would help.
  if (typeof WebAssembly !== 'object') return 'this browser does not offer WebAssembly (or has turned it off), which bindlab needs.';
  const refused = await refusedByPolicy(new URL('pkg/bindlab.js', BASE), new URL('pkg/bindlab_bg.wasm', BASE), null);
  if (refused) return refused;
  const detail = String(err?.message ?? err);
  if (BASE.origin !== location.origin) {
    return `this page (${location.origin}) loads bindlab from ${BASE.origin}, which did not let it fetch bindlab's code: `
      + `that site must answer with "Access-Control-Allow-Origin" for /pkg/ and /static/ (see bindlab's README, "Embedding from another site"). `
      + `The browser said: ${detail}`;
  }
  return `its WebAssembly code could not be loaded from ${new URL('pkg/', BASE).href} (${detail}). Reloading the page may help.`;
}

/** Each language's bundle (`i18n/zh-CN.tsv` beside the wasm), fetched once
 *  for every widget of the page; null when it cannot be: those widgets are
 *  shown in English and the console says why. */
const bundles = new Map();
function loadBundle(path) {
  if (!bundles.has(path)) {
    bundles.set(path, fetch(new URL(path, BASE)).then((res) => {
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      return res.text();
    }).catch((err) => {
      console.warn(`bindlab: the language file ${new URL(path, BASE).href} could not be loaded (${err.message ?? err}); widgets in that language are shown in English`);
      return null;
    }));
  }
  return bundles.get(path);
}

/** Loads and starts the wasm once, for every widget of the page. */
function loadEngine() {
  engine ??= import(new URL('pkg/bindlab.js', BASE).href).then(async (m) => {
    await m.default({ module_or_path: new URL('pkg/bindlab_bg.wasm', BASE) });
    return m;
  });
  return engine;
}

const OSES = ['linux', 'freebsd', 'macos', 'windows'];
/** The attributes bindlab reads, and the global ones any element may have. */
const OWN = ['os', 'step', 'layout', 'readonly', 'src', 'permalink', 'theme', 'heading', 'lang'];
const GLOBAL = new Set(['id', 'class', 'style', 'title', 'hidden', 'tabindex', 'slot', 'part', 'dir', 'role',
  'is', 'translate', 'draggable', 'spellcheck', 'autofocus', 'accesskey', 'contenteditable', 'inert', 'nonce',
  'popover', 'exportparts', 'enterkeyhint', 'inputmode', 'autocapitalize', 'itemscope', 'itemprop', 'itemid',
  'itemref', 'itemtype', 'xml:lang', 'xmlns']);

/** The widget's language: its own `lang=`, else the nearest ancestor's (a
 *  page in Chinese gets Chinese widgets), else English. */
const langOf = (el) => el.getAttribute('lang') ?? el.parentElement?.closest('[lang]')?.getAttribute('lang') ?? undefined;

/** The element's `permalink=`: `v1/…`, or the whole address "Copy link"
 *  gives (`https://SITE/#v1/…`), whose fragment it is. */
const permalinkOf = (el) => (el.getAttribute('permalink') ?? '').trim().replace(/^[^#]*#/, '');

/** What is wrong with the element's attributes, in words for the page's author. */
function attributeProblems(el) {
  const problems = [];
  const os = el.getAttribute('os');
  if (os !== null && os.trim() !== '') {
    const unknown = os.split(',').map((o) => o.trim()).filter((o) => o && !OSES.includes(o.toLowerCase()));
    // With no OS it knows, the widget shows its link's OSes, else all four.
    const none = unknown.length === os.split(',').length;
    const fallback = permalinkOf(el) ? "the permalink's OSes are shown" : 'all four are shown';
    if (unknown.length) problems.push(`os="${os}": bindlab does not know ${unknown.map((o) => `"${o}"`).join(', ')} (it knows ${OSES.join(', ')}); ${none ? fallback : 'left out'}`);
  }
  const step = el.getAttribute('step');
  if (step !== null && !/^\s*\d+\s*$/.test(step)) problems.push(`step="${step}" is not a number of steps (0 or more); the widget starts at step 0`);
  const layout = el.getAttribute('layout');
  if (layout !== null && !['compact', 'full', ''].includes(layout)) problems.push(`layout="${layout}": bindlab knows "compact" and "full"; it shows "full"`);
  const theme = el.getAttribute('theme');
  if (theme !== null && !['light', 'dark', 'auto', ''].includes(theme)) problems.push(`theme="${theme}": bindlab knows "light", "dark" and "auto"; it follows the reader's colour scheme ("auto")`);
  // A misspelt name (lauout=, language=) would otherwise pass in silence.
  // Left alone: global attributes and the ones frameworks add to every
  // element (Angular's _ngcontent-…, Vue's v-…, Alpine's x-… and :…, htmx's hx-…).
  for (const { name, value } of el.attributes) {
    if (OWN.includes(name) || GLOBAL.has(name) || /^(data-|aria-|on|_|x-|v-|hx-|ng-)|[:@.]/.test(name)) continue;
    problems.push(`${name}="${value}": <bind-lab> has no such attribute (it reads ${OWN.join(', ')}); left out`);
  }
  return problems;
}

function reportProblems(el, problems) {
  for (const p of problems) console.warn(`bindlab: ${p}`);
  el.dispatchEvent(new CustomEvent('bindlab-error', { bubbles: true, composed: true, detail: { problems } }));
}

class BindLab extends HTMLElement {
  static get observedAttributes() { return ['os', 'step', 'layout', 'readonly', 'src', 'permalink', 'heading', 'lang']; }

  attributeChangedCallback(_name, before, after) {
    // Once started, whether it worked or not: a widget whose src= could
    // not be loaded follows a corrected one.
    if (before !== after && this._started) this._restartSoon();
  }

  /** Starts the widget again, once for a batch of changes made together. */
  _restartSoon() {
    if (this._restartQueued) return;
    this._restartQueued = true;
    queueMicrotask(() => {
      this._restartQueued = false;
      if (!this.isConnected) return;
      if (this._starting) { this._restartAfterStart = true; return; }
      this._teardown();
      this.connectedCallback();
    });
  }

  async connectedCallback() {
    // The element's own text is its scenario: a change to it (not made
    // through el.load) starts the widget again. Watched before anything
    // else: an element moved while it starts is connected again mid-start.
    // Until a start has read the text, a change is in what it reads.
    this._textWatch ??= new MutationObserver(() => { if (this._text === undefined && !this._textUnread) this._restartSoon(); });
    this._textWatch.observe(this, { childList: true, characterData: true, subtree: true });
    if (this._widget || this._starting) return;
    this._starting = true;
    this._started = true;
    this._textUnread = true;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    root.replaceChildren();
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    // style.css with its rem counted in --bindlab-rem (xtask's
    // write_widget_css): a shadow root has no root element of its own, and
    // the page's rem (62.5 % in some themes) made a widget's text 9.4 px.
    // The widget's unit is the text size around it (unitSheet()); a page
    // may set `bind-lab { --bindlab-rem: 16px }` itself, which wins.
    css.href = new URL('static/widget.css', BASE).href;
    const mount = document.createElement('div');
    const unit = unitSheet();
    if (unit) {
      root.adoptedStyleSheets = [unit];
    } else if (!getComputedStyle(this).getPropertyValue('--bindlab-rem').trim()) {
      // No registered property: the size around it now, in pixels.
      const around = parseFloat(getComputedStyle(this).fontSize);
      if (around > 0) mount.style.setProperty('--bindlab-rem', `${around}px`);
    }
    // Until the wasm has drawn the widget, say so and hold some room.
    mount.className = 'mount loading';
    mount.setAttribute('aria-busy', 'true');
    mount.textContent = /^zh/i.test(langOf(this) ?? '') ? '正在载入 bindlab 示例…' : 'Loading the bindlab example…';
    root.append(css, mount);
    try {
      // The text is read a microtask later, and a change made before then
      // is in what is read (the observer above lets it pass): a script
      // that appends an empty element and then writes its text (or a
      // framework that fills it after inserting it) gives one start, with
      // the text, rather than an empty one ("no scenario") and a restart.
      await null;
      this._textWatch.takeRecords();
      this._textUnread = false;
      let text = this._text ?? this.textContent.replace(/^\n/, '');
      const src = this.getAttribute('src');
      if (src) {
        const url = new URL(src, document.baseURI);
        const res = await fetch(url).catch(async (err) => {
          throw new Error(await refusedByPolicy(url) ?? `cannot load ${src} (${err.message ?? err})`);
        });
        if (!res.ok) throw new Error(`cannot load ${src} (${res.status})`);
        text = await res.text();
      }
      let m;
      try {
        m = await loadEngine();
      } catch (err) {
        engine = null; // a later widget may try again
        throw new Error(await whyNoEngine(err));
      }
      // The widget's language: the wasm says which bundle it needs (none for English).
      const lang = langOf(this);
      const path = m.widgetBundle(lang);
      const bundle = path ? await loadBundle(path) : null;
      if (!this.isConnected) return;
      mount.replaceChildren();
      mount.className = 'mount';
      mount.removeAttribute('aria-busy');
      const step = Number(this.getAttribute('step') ?? 0);
      // A load() made while the code was loading is the scenario.
      if (this._text !== undefined && !src) text = this._text;
      // Calls made before the widget was ready run, in order, once it is
      // (its first render sets up what they talk to).
      this.addEventListener('bindlab-ready', () => queueMicrotask(() => {
        if (!this._widget) return;
        this._ready = true;
        for (const call of this._pending.splice(0)) call(this._widget);
      }), { once: true });
      // Yew (0.23, dom_bundle/subtree_root.rs) hangs its delegating
      // listeners on the mount and never removes or frees them; noted here
      // so that _teardown can.
      const listeners = [];
      mount.addEventListener = function (type, fn, opts) {
        listeners.push([type, fn, opts]);
        return HTMLElement.prototype.addEventListener.call(this, type, fn, opts);
      };
      this._mount = { el: mount, listeners };
      this._widget = new m.Widget(
        mount, this, text, permalinkOf(this), this.getAttribute('os') ?? '',
        Number.isInteger(step) && step > 0 ? step : 0, this.hasAttribute('readonly'),
        this.getAttribute('layout') === 'compact', new URL('index.html', BASE).href,
        this.getAttribute('heading') ?? '', lang, bundle ?? undefined,
        this._number = this._numberOnPage(),
      );
      const problems = attributeProblems(this);
      if (this._widget.problem) problems.push(this._widget.problem);
      if (!text.trim() && !src && !this.getAttribute('permalink')) {
        problems.push('the element has no scenario: write it as the element\'s text, or give src= or permalink= (or call el.load(text))');
      }
      if (problems.length) reportProblems(this, problems);
    } catch (err) {
      mount.textContent = `bindlab could not start this example: ${err.message ?? err}`;
      mount.className = 'mount problems';
      mount.removeAttribute('aria-busy');
      mount.setAttribute('role', 'alert');
      this.dispatchEvent(new CustomEvent('bindlab-error', { bubbles: true, composed: true, detail: { problems: [String(err.message ?? err)] } }));
    } finally {
      this._starting = false;
      this._textUnread = false;
      if (this._restartAfterStart) {
        this._restartAfterStart = false;
        this._restartSoon();
      }
    }
  }

  /** Its place among the page's widgets, which names it when it has no
   *  title ("bindlab example 2"); when a live widget already has that
   *  number (widgets were removed or added since it started), the next one
   *  free, so that two widgets are never two landmarks of one name. */
  _numberOnPage() {
    const all = [...document.querySelectorAll('bind-lab')];
    const taken = new Set(all.filter((e) => e !== this && e._widget).map((e) => e._number));
    let n = all.indexOf(this) + 1;
    while (taken.has(n)) n += 1;
    return n;
  }

  _teardown() {
    this._ready = false;
    this._number = 0;
    this._widget?.destroy();
    this._widget?.free();
    this._widget = null;
    // What the wasm keeps of a destroyed widget reaches its mount (Yew's
    // never-freed listeners hold it): the mount leaves the shadow root, so
    // it no longer keeps the shadow root and this element, and the
    // listeners are removed and released (`_wbg_cb_unref`, wasm-bindgen's
    // release of a forgotten Closure; where a later wasm-bindgen lacks it,
    // only the empty mount and its closures are kept).
    if (this._mount) {
      const { el, listeners } = this._mount;
      this._mount = null;
      for (const [type, fn, opts] of listeners) {
        el.removeEventListener(type, fn, opts);
        fn._wbg_cb_unref?.();
      }
      el.remove();
    }
  }

  disconnectedCallback() {
    // Free the widget's wasm state; a re-inserted element starts afresh.
    this._textWatch?.disconnect();
    this._started = false;
    this._teardown();
  }

  // Called before the widget is ready, the methods wait for it, in order;
  // load() is remembered as the scenario (and wins over the text from then on).
  _pending = [];
  _ready = false;
  _call(f) { if (this._ready) f(this._widget); else this._pending.push(f); }
  load(text) { this._text = text; this._call((w) => w.load(text)); }
  step() { this._call((w) => w.step()); }
  reset() { this._call((w) => w.reset()); }
}

if (!customElements.get('bind-lab')) customElements.define('bind-lab', BindLab);

/** ```bindlab fenced blocks, as Markdown renderers emit them: the class on
 *  the <code> (mdBook, Hugo, Python-Markdown's fenced_code) or on the <pre>
 *  (pymdownx.superfences' custom fences in MkDocs, Docusaurus). */
const FENCED = 'pre > code.language-bindlab, pre.language-bindlab > code';

/** A block's text, a <br> as a line break (a highlighter may end its lines so). */
function blockText(code) {
  const copy = code.cloneNode(true);
  for (const br of copy.querySelectorAll('br')) br.replaceWith('\n');
  return copy.textContent;
}

/** Whether a fence in a Docusaurus page was upgraded (said once a page). */
let toldDocusaurus = false;

function upgradeFencedBlocks() {
  for (const code of document.querySelectorAll(FENCED)) {
    if (!code.isConnected) continue;
    // Docusaurus hydrates its pages with React, which finds the <pre> it
    // wrote gone (React error #418, the page drawn again, widgets started
    // more than once): upgraded still, and the author told the way out.
    if (!toldDocusaurus && code.closest('#__docusaurus') !== null) {
      toldDocusaurus = true;
      console.warn('bindlab: a ```bindlab block in a Docusaurus page was made a widget by bindlab-embed.js, '
        + 'which React\'s hydration does not expect (React error #418; widgets start more than once). '
        + 'Let React write the widget: wrap the theme\'s CodeBlock (bindlab\'s README, "Docusaurus").');
    }
    const el = document.createElement('bind-lab');
    el.textContent = blockText(code);
    for (const a of ['os', 'step', 'layout', 'readonly', 'lang', 'heading', 'theme']) {
      const v = code.parentElement.getAttribute(`data-${a}`);
      if (v !== null) el.setAttribute(a, v);
    }
    code.parentElement.replaceWith(el);
  }
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', upgradeFencedBlocks);
else upgradeFencedBlocks();

// Blocks a page adds later (a site that changes pages without loading
// them, as Docusaurus does, or a script) are upgraded too: once per batch
// of changes that added one.
let upgradeQueued = false;
new MutationObserver((records) => {
  if (upgradeQueued) return;
  const fenced = (n) => n.nodeType === 1
    && (n.matches('code.language-bindlab, pre.language-bindlab, pre.language-bindlab > code') || n.querySelector(FENCED) !== null);
  if (!records.some((r) => [...r.addedNodes].some(fenced))) return;
  upgradeQueued = true;
  queueMicrotask(() => { upgradeQueued = false; upgradeFencedBlocks(); });
}).observe(document.documentElement, { childList: true, subtree: true });
