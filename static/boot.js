// Loads the WebAssembly app. Kept as a file (no inline script) so the page
// works under `script-src 'self' 'wasm-unsafe-eval'`.
//
// Two builds of the app exist: the sandbox alone (pkg/bindlab.js, also what
// widgets use) and the whole site with the course (pkg/bindlab-course.js).
// Course addresses (#/learn, #/glossary, #/rules) load the second; anything
// else the first, which reloads into the course when the reader goes there.
// The same test as the app's `Route::from_hash`, so the two never disagree
// (a disagreement would reload forever).
const name = location.hash.replace(/^#+/, '').startsWith('/') ? 'bindlab-course' : 'bindlab';

// The wasm is fetched first thing and compiled while it downloads
// (compileStreaming, served as application/wasm) and while the JS glue is
// fetched, instead of after the glue. A host that sends another type gets
// the slower path, not an error. index.html does not preload the wasm with
// `<link rel=preload>`: it serves course addresses too (`#/…`), which would
// then download the sandbox's wasm for nothing (ARCHITECTURE.md).
const compiled = fetch(new URL(`../pkg/${name}_bg.wasm`, import.meta.url)).then(async (res) => {
  if (!res.ok) throw new Error(`${res.status} ${res.statusText} fetching ${res.url}`);
  const streaming = typeof WebAssembly.compileStreaming === 'function'
    && (res.headers.get('content-type') || '').split(';')[0].trim() === 'application/wasm';
  return streaming ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer());
});

Promise.all([import(`../pkg/${name}.js`), compiled])
  .then(async ([app, module]) => {
    await app.default({ module_or_path: module });
    app.run_sandbox();
  })
  .catch((err) => {
    const el = document.getElementById('fatal');
    el.textContent = `bindlab could not start: ${err}. Your browser needs WebAssembly.`;
    el.hidden = false;
  });
