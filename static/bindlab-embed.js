// bindlab widgets for any page: one script tag,
//   <script type="module" src="https://YOUR-BINDLAB-SITE/static/bindlab-embed.js"></script>
// then <bind-lab> elements (the scenario as their text, or src="file.bindlab"),
// and ```bindlab fenced blocks (<pre><code class="language-bindlab">) are
// upgraded into widgets. Every widget of the page shares one wasm instance.
//
// Attributes: os="linux,windows"  step="3"  layout="compact|full"  readonly
//             src="scenario.bindlab"  permalink="v1/..."  theme="light|dark|auto"
//             heading="..." (the visible title; default: the scenario's)
//             lang="zh-CN" (the widget's language: its interface and its why-lines; any
//             tag bindlab reads as Simplified Chinese — zh, zh-CN, zh-Hans — or English,
//             the default, for a missing or other one. Each widget has its own, so one
//             page may mix languages; when the language file cannot be loaded the widget
//             is English and the console says why)
//
// From another origin, the bindlab site must allow it (CORS: see the
// README's "Embedding from another site"); when the code cannot be loaded,
// each widget says so and why instead of showing its raw text (and when
// this script itself is refused, the optional static/bindlab-embed.css does).
// Methods:    el.load(text)  el.step()  el.reset()
// Events:     bindlab-ready, bindlab-step (detail {step, total}), bindlab-error (detail {problems})

const BASE = new URL('..', import.meta.url);
let engine = null;

/** Why the engine did not load, in words a page author can act on. */
function whyNoEngine(err) {
  // Checked first: without WebAssembly nothing else the page or its host
  // could change would help.
  if (typeof WebAssembly !== 'object') return 'this browser does not offer WebAssembly (or has turned it off), which bindlab needs.';
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

class BindLab extends HTMLElement {
  async connectedCallback() {
    if (this._widget || this._starting) return;
    this._starting = true;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    root.replaceChildren();
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('static/style.css', BASE).href;
    const mount = document.createElement('div');
    mount.className = 'mount';
    root.append(css, mount);
    try {
      let text = this._text ?? this.textContent.replace(/^\n/, '');
      const src = this.getAttribute('src');
      if (src) {
        const res = await fetch(new URL(src, document.baseURI));
        if (!res.ok) throw new Error(`cannot load ${src} (${res.status})`);
        text = await res.text();
      }
      let m;
      try {
        m = await loadEngine();
      } catch (err) {
        engine = null; // a later widget may try again
        throw new Error(whyNoEngine(err));
      }
      // The widget's language: the wasm says which bundle it needs (none for English).
      const lang = this.getAttribute('lang') ?? undefined;
      const path = m.widgetBundle(lang);
      const bundle = path ? await loadBundle(path) : null;
      if (!this.isConnected) return;
      this._widget = new m.Widget(
        mount, this, text, this.getAttribute('permalink') ?? '', this.getAttribute('os') ?? '',
        Number(this.getAttribute('step') ?? 0) || 0, this.hasAttribute('readonly'),
        this.getAttribute('layout') === 'compact', new URL('index.html', BASE).href,
        this.getAttribute('heading') ?? '', lang, bundle ?? undefined,
      );
    } catch (err) {
      mount.textContent = `bindlab could not start this example: ${err.message ?? err}`;
      mount.className = 'mount problems';
      mount.setAttribute('role', 'alert');
      this.dispatchEvent(new CustomEvent('bindlab-error', { bubbles: true, composed: true, detail: { problems: [String(err.message ?? err)] } }));
    } finally {
      this._starting = false;
    }
  }

  disconnectedCallback() {
    // Free the widget's wasm state; a re-inserted element starts afresh.
    this._widget?.destroy();
    this._widget?.free();
    this._widget = null;
  }

  load(text) { this._text = text; this._widget?.load(text); }
  step() { this._widget?.step(); }
  reset() { this._widget?.reset(); }
}

if (!customElements.get('bind-lab')) customElements.define('bind-lab', BindLab);

/** ```bindlab fenced blocks, as mdBook, Docusaurus and most Markdown renderers emit them. */
function upgradeFencedBlocks() {
  for (const code of document.querySelectorAll('pre > code.language-bindlab')) {
    const el = document.createElement('bind-lab');
    el.textContent = code.textContent;
    for (const a of ['os', 'step', 'layout', 'readonly']) {
      const v = code.parentElement.getAttribute(`data-${a}`);
      if (v !== null) el.setAttribute(a, v);
    }
    code.parentElement.replaceWith(el);
  }
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', upgradeFencedBlocks);
else upgradeFencedBlocks();
