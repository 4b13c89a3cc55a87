// Fetches and compiles the app's WebAssembly. Run as a module worker by
// `static/boot.js`, it does so off the page's main thread and posts the
// compiled module back; boot.js also imports `compile` from here to do it
// on its own thread where a worker cannot run.
//
// Why a worker: on the page's thread the wasm's `fetch` promise (and so the
// start of `compileStreaming`) waits for the task that styles and lays out
// the prerendered page, so the compile began only after it and the app
// waited for the compile. In a worker it runs while the page is laid out.
// The module is posted, not its bytes: a `WebAssembly.Module` can be sent
// to a same-origin page, which only instantiates it.

/** Fetches the wasm at `url` and compiles it while it downloads
 *  (compileStreaming needs the type application/wasm: a host that sends
 *  another gets the slower path, not an error). */
export async function compile(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status} ${res.statusText} fetching ${res.url}`);
  const streaming = typeof WebAssembly.compileStreaming === 'function'
    && (res.headers.get('content-type') || '').split(';')[0].trim() === 'application/wasm';
  return streaming ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer());
}

// In a worker: the wasm's address is the worker's name (boot.js sets it),
// so the fetch starts as this script runs, not after a first message
// reaches it (tens of milliseconds later on a slow phone). One message out:
// `{ module }` or `{ error }`.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  compile(self.name).then(
    (module) => self.postMessage({ module }),
    (err) => self.postMessage({ error: String(err) }),
  );
}
