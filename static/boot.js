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
function oldAddress(hash) {
  const h = hash.replace(/^#+/, '');
  if (!h.startsWith('/')) return null;
  const [head, ...rest] = h.slice(1).split('/');
  const tail = rest.join('/');
  switch (head) {
    case 'learn': return tail ? `learn/${tail}/` : 'learn/';
    case 'glossary': return tail ? `glossary/#${tail}` : 'glossary/';
    case 'rules': return tail ? `rules/#${tail}` : 'rules/';
    case 'guides': return tail ? `guides/${tail}/` : 'guides/';
    case 'paste': return 'paste/';
    case 'runtimes': return tail ? `runtimes/${tail}/` : 'runtimes/';
    default: return 'learn/';
  }
}

const moved = oldAddress(location.hash);
if (moved !== null) {
  location.replace(new URL(moved, root));
} else {
  start();
}

function start() {
  let path = decodeURI(location.pathname);
  const rootPath = decodeURI(root.pathname);
  path = path.startsWith(rootPath) ? path.slice(rootPath.length) : '';
  const name = path.replace(/index\.html$/, '') === '' ? 'bindlab' : 'bindlab-course';
  // The wasm is fetched first thing and compiled while it downloads
  // (compileStreaming, served as application/wasm) and while the JS glue and
  // the page's file are fetched, instead of after the glue. A host that sends
  // another type gets the slower path, not an error.
  const compiled = fetch(new URL(`../pkg/${name}_bg.wasm`, import.meta.url)).then(async (res) => {
    if (!res.ok) throw new Error(`${res.status} ${res.statusText} fetching ${res.url}`);
    const streaming = typeof WebAssembly.compileStreaming === 'function'
      && (res.headers.get('content-type') || '').split(';')[0].trim() === 'application/wasm';
    return streaming ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer());
  });
  // The file the page shows (a lesson, a guide, the glossary), fetched
  // beside the wasm: the app's first render shows it, as the server did.
  const dataUrl = document.querySelector('meta[name="bindlab-data"]')?.content;
  const data = dataUrl
    ? fetch(new URL(dataUrl, root)).then((r) => (r.ok ? r.text() : undefined), () => undefined)
    : Promise.resolve(undefined);
  Promise.all([import(`../pkg/${name}.js`), compiled])
    .then(async ([app, module]) => {
      await app.default({ module_or_path: module });
      const text = await data;
      app.run_page(path, dataUrl, text);
    })
    .catch((err) => {
      const el = document.getElementById('fatal');
      el.textContent = `bindlab could not start: ${err}. Your browser needs WebAssembly.`;
      el.hidden = false;
    });
}
