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

import(`../pkg/${name}.js`)
  .then(async (app) => {
    await app.default({ module_or_path: new URL(`../pkg/${name}_bg.wasm`, import.meta.url) });
    app.run_sandbox();
  })
  .catch((err) => {
    const el = document.getElementById('fatal');
    el.textContent = `bindlab could not start: ${err}. Your browser needs WebAssembly.`;
    el.hidden = false;
  });
