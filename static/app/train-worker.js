// The training worker (web/src/worker.rs): it runs the page's own wasm a second time. The page
// posts the compiled module, the URL of its wasm-bindgen glue and its query; the glue's `main`
// then finds no window and serves the worker: the session protocol (`?serve=protocol`) or a
// bench request (`?bench=…&worker=1`). Messages the page sends while the module loads wait in
// `ganvasEarly`; the module takes them when it sets its own handler.
self.ganvasEarly = [];
self.onmessage = async ({ data }) => {
  self.onmessage = (event) => self.ganvasEarly.push(event); // until the module's handler
  self.ganvasQuery = data.query;
  try {
    const glue = await import(data.glue);
    await glue.default({ module_or_path: data.module });
  } catch (e) {
    self.postMessage({ state: `the worker could not start GANvas: ${e}`, lines: [] });
  }
};
