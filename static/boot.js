// Loads the WebAssembly app. Kept as a file (no inline script) so the page
// works under `script-src 'self' 'wasm-unsafe-eval'`.
//
// Every page is prerendered HTML (cargo xtask dist); the app hydrates it.
// The site's root is where this file's directory is (`static/`), so the
// site works under any sub-path; the page's path under the root names the
// route (`learn/udp/`; the root is the sandbox).
//
// Two builds of the app exist: the sandbox alone (pkg/bindlab.js, also what
// widgets use) and the whole site with the course (pkg/bindlab-course.js),
// for every page but the sandbox.
const root = new URL('../', import.meta.url);

// The course's old addresses (`#/learn/udp`, `#/glossary/time-wait`, …)
// were published: they redirect to their pages forever. The same mapping as
// the app's `Route::from_hash` and `Route::href`: keep the three in step.
// A tail that becomes a path must be a page's id: one that is not (`..`,
// `%2e%2e`, anything but letters, digits, `-` and `_`; an edited link) goes
// to the section's own page, since joined into a path unchecked it could
// lead outside the site's sub-path. A glossary or rule id goes into a
// fragment, which cannot (rule ids have dots).
function oldAddress(hash) {
  const h = hash.replace(/^#+/, '');
  if (!h.startsWith('/')) return null;
  const [head, ...rest] = h.slice(1).split('/');
  const tail = rest.join('/');
  const page = /^[A-Za-z0-9_-]+$/.test(tail) ? tail : '';
  switch (head) {
    case 'learn': return page ? `learn/${page}/` : 'learn/';
    case 'glossary': return tail ? `glossary/#${tail}` : 'glossary/';
    case 'rules': return tail ? `rules/#${tail}` : 'rules/';
    case 'guides': return page ? `guides/${page}/` : 'guides/';
    case 'paste': return 'paste/';
    case 'runtimes': return page ? `runtimes/${page}/` : 'runtimes/';
    default: return 'learn/';
  }
}

// The languages bindlab speaks, by their pages' path prefix. The same tags
// as `Locale::parse` (crates/course/src/locale.rs) and the app's
// `i18n::prefix`: keep them in step.
const PREFIXES = { 'zh-CN': 'zh-CN/' };
const LANG_KEY = 'bindlab.lang';

// `zh`, `zh-CN`, `zh_CN.UTF-8`, `zh-Hans` → 'zh-CN'; `en…` → 'en';
// Traditional Chinese and other languages → null.
function localeOf(tag) {
  const t = String(tag || '').split(/[.@]/)[0].replace(/_/g, '-').toLowerCase();
  const [lang, ...rest] = t.split('-');
  if (lang === 'en' || lang === 'c' || lang === 'posix') return 'en';
  if (lang === 'zh' && !rest.some((p) => ['tw', 'hk', 'mo', 'hant'].includes(p))) return 'zh-CN';
  return null;
}

function stored() {
  try { return localeOf(localStorage.getItem(LANG_KEY)); } catch { return null; }
}

function remember(locale) {
  try { localStorage.setItem(LANG_KEY, locale); } catch { /* storage blocked: not remembered */ }
}

// The reader's language: the one they chose, else the first of the
// browser's languages bindlab speaks, else English.
function preferred() {
  const s = stored();
  if (s) return s;
  for (const l of navigator.languages || [navigator.language]) {
    const got = localeOf(l);
    if (got) return got;
  }
  return 'en';
}

// The page's path under the root, split into its language and the rest.
function pagePath() {
  let path = decodeURI(location.pathname);
  const rootPath = decodeURI(root.pathname);
  path = path.startsWith(rootPath) ? path.slice(rootPath.length) : '';
  for (const [locale, prefix] of Object.entries(PREFIXES)) {
    if (path.startsWith(prefix) || path === prefix.slice(0, -1)) {
      return { locale, rest: path.slice(prefix.length), path };
    }
  }
  return { locale: 'en', rest: path, path };
}

// Whether the reader came to this page by Back or Forward. Such a page
// stays in the language they saw it in: after the switch to Chinese, Back
// to the English page would otherwise be sent on to the Chinese one again,
// and Back could never leave it.
function cameBack() {
  try {
    const [nav] = performance.getEntriesByType('navigation');
    return nav !== undefined && nav.type === 'back_forward';
  } catch {
    return false;
  }
}

// Where the page should be in `locale`, or null when it is there. `?lang=`
// (a link that carries its language) is taken, remembered and dropped from
// the address; a page without a language prefix opens in the reader's
// language, unless the reader came back to it; a prefixed page is always in
// its own (a shared link keeps it).
function languageRedirect() {
  const here = pagePath();
  const params = new URLSearchParams(location.search);
  let want = null;
  if (params.has('lang')) {
    want = localeOf(params.get('lang')) || 'en';
    remember(want);
    params.delete('lang');
  } else if (here.locale === 'en' && !cameBack()) {
    want = preferred();
  }
  if (want === null || (want === here.locale && !new URLSearchParams(location.search).has('lang'))) return null;
  const query = params.toString() ? `?${params}` : '';
  return new URL(`${PREFIXES[want] || ''}${here.rest}${query}${location.hash}`, root);
}

// An old address goes to its page in one step, in the language the
// address asks for (`?lang=`, else its prefix: `zh-CN/#/learn/udp`), else
// the reader's, as languageRedirect() would have settled it on arrival.
function movedTo(moved) {
  const here = pagePath();
  const params = new URLSearchParams(location.search);
  let want = here.locale === 'en' ? preferred() : here.locale;
  if (params.has('lang')) {
    want = localeOf(params.get('lang')) || 'en';
    remember(want);
    params.delete('lang');
  }
  const [page, ...fragment] = moved.split('#');
  const query = params.toString() ? `?${params}` : '';
  const hash = fragment.length ? `#${fragment.join('#')}` : '';
  return new URL(`${PREFIXES[want] || ''}${page}${query}${hash}`, root);
}

const moved = oldAddress(location.hash);
if (moved !== null) {
  location.replace(movedTo(moved));
} else {
  // One build serves a page in every language, so its wasm is asked for
  // before the language is settled: reading the stored choice is the
  // page's first storage access, milliseconds on a slow phone.
  const compiled = compileWasm(pagePath().rest);
  const relanguaged = languageRedirect();
  if (relanguaged !== null) {
    compiled.catch(() => { /* the page is going away */ });
    location.replace(relanguaged);
  } else {
    start(compiled);
  }
}

// The page's build (the sandbox alone, or the whole site), fetched and
// compiled while it downloads (compileStreaming, served as application/wasm)
// and while the JS glue and the page's file are fetched, instead of after
// the glue. The work is done in a worker (`compile-worker.js`), so it does
// not wait for this thread to lay out the page; where the worker cannot run
// (a policy without workers, a browser that cannot post a module) it is done
// here. A host that sends another type than application/wasm gets the
// slower path, not an error.
function compileWasm(rest) {
  if (typeof WebAssembly !== 'object') return Promise.reject(new Error('this browser has no WebAssembly'));
  const url = new URL(`../pkg/${buildOf(rest)}_bg.wasm`, import.meta.url);
  return compileInWorker(url).catch(() => compileHere(url));
}

function compileInWorker(url) {
  return new Promise((resolve, reject) => {
    // The wasm's address goes as the worker's name: it starts at once.
    const worker = new Worker(new URL('compile-worker.js', import.meta.url), { type: 'module', name: url.href });
    const done = (settle, value) => { worker.terminate(); settle(value); };
    worker.onmessage = ({ data }) => (data && data.module instanceof WebAssembly.Module
      ? done(resolve, data.module)
      : done(reject, new Error(data && data.error)));
    worker.onmessageerror = () => done(reject, new Error('the compiled module could not be posted'));
    worker.onerror = (e) => { e.preventDefault(); done(reject, new Error('the worker could not run')); };
  });
}

function compileHere(url) {
  return import('./compile-worker.js').then(({ compile }) => compile(url));
}

function buildOf(rest) {
  return rest.replace(/index\.html$/, '') === '' ? 'bindlab' : 'bindlab-course';
}

function start(compiled) {
  const { locale, rest, path } = pagePath();
  const name = buildOf(rest);
  if (name !== 'bindlab') earlySandboxLinks(locale);
  // The file the page shows (a lesson, a guide, the glossary), fetched
  // beside the wasm: the app's first render shows it, as the server did.
  const dataUrl = document.querySelector('meta[name="bindlab-data"]')?.content;
  const data = dataUrl
    ? fetch(new URL(dataUrl, root)).then((r) => (r.ok ? r.text() : undefined), () => undefined)
    : Promise.resolve(undefined);
  // Another language's texts (interface, titles, why-lines), which the
  // first render needs as the server had them.
  const lang = locale === 'en'
    ? Promise.resolve(undefined)
    : fetch(new URL(`i18n/${locale}.tsv`, root)).then((r) => (r.ok ? r.text() : undefined), () => undefined);
  Promise.all([import(`../pkg/${name}.js`), compiled])
    .then(async ([app, module]) => {
      await app.default({ module_or_path: module });
      const [text, langText] = await Promise.all([data, lang]);
      app.run_page(path, dataUrl, text, langText);
    })
    .catch((err) => {
      const el = document.getElementById('fatal');
      // A browser without WebAssembly, or a file that did not arrive as
      // it should (a network failure, a host answering with another page).
      // The words are the page's, in its language, as the prerenderer put
      // them on #fatal (content/ui/page.txt, `page.boot_*`); the error goes
      // in by a function, so a `$&` in its message stays as written.
      // A panic in the app has said what happened there already (its hook
      // writes #fatal and shows it): that message stays.
      if (el.hidden) {
        const words = typeof WebAssembly !== 'object' ? el.dataset.noWasm : el.dataset.failed;
        el.textContent = words
          ? words.replace('{error}', () => String(err))
          : `bindlab could not start: ${err}.`;
        el.hidden = false;
      }
      // The prerendered page, not yet the app's, reads as it does without
      // JavaScript: each scenario's whole run shown, the controls that
      // need the app hidden (the stylesheet a <noscript> links otherwise).
      if (!document.querySelector('#app[data-live]')) {
        const nojs = document.createElement('link');
        nojs.rel = 'stylesheet';
        nojs.href = new URL('nojs.css', import.meta.url).href;
        document.head.append(nojs);
      }
    });
}

// A click on the Sandbox link or the logo before the app runs (a slow
// phone's first second) goes where the app would send it: to the scenario
// this tab last had in the sandbox (`nav.rs`: `sandbox_href`, the same
// key), not to the first example that the prerendered address opens. A
// click with a modifier is the browser's, as in the app; once the page is
// live, the app's own handler decides.
function earlySandboxLinks(locale) {
  const sandbox = new URL(PREFIXES[locale] || '', root).href;
  document.addEventListener('click', (e) => {
    if (document.querySelector('#app[data-live]') || e.defaultPrevented) return;
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const a = e.target instanceof Element ? e.target.closest('nav.site-nav a[href]') : null;
    if (a === null || a.href !== sandbox) return;
    let remembered = null;
    try { remembered = sessionStorage.getItem('bindlab.sandbox'); } catch { /* storage blocked: the plain link */ }
    if (remembered === null || !remembered.startsWith('v1/')) return;
    e.preventDefault();
    location.assign(`${sandbox}#${remembered}`);
  }, true);
}
