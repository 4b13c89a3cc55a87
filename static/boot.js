// Loads the WebAssembly app. Kept as a file (no inline script) so the page
// works under `script-src 'self' 'wasm-unsafe-eval'`.
import init, { run_sandbox } from '../pkg/bindlab.js';

init({ module_or_path: new URL('../pkg/bindlab_bg.wasm', import.meta.url) }).then(() => run_sandbox()).catch((err) => {
  const el = document.getElementById('fatal');
  el.textContent = `bindlab could not start: ${err}. Your browser needs WebAssembly.`;
  el.hidden = false;
});
