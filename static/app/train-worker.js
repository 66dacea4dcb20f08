// The training worker (web/src/worker.rs): it runs the page's own wasm a second time. The page
// posts the compiled module, the URL of its wasm-bindgen glue and its query; the glue's `main`
// then finds no window and serves the worker (today: bench requests, `?bench=…&worker=1`).
self.onmessage = async ({ data }) => {
  self.onmessage = null; // from here on, messages are the module's
  self.ganvasQuery = data.query;
  try {
    const glue = await import(data.glue);
    await glue.default({ module_or_path: data.module });
  } catch (e) {
    self.postMessage({ state: `the worker could not start GANvas: ${e}`, lines: [] });
  }
};
