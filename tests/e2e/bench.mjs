// Benchmarks training in headless Chromium: `node tests/e2e/bench.mjs [models] [backend] [steps]`
// (defaults: toy-quadratic,mlp both 200). Serves the built site (dist/), opens the page in
// bench mode and prints steps/s per model and device as the page measured them.
import { serve, launch } from './harness.mjs';

const [models = 'toy-quadratic,mlp', backend = 'both', steps = '200'] = process.argv.slice(2);
const server = await serve();
const browser = await launch();
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e}`));
  const query = `?bench=${models}&backend=${backend}&steps=${steps}`;
  await page.goto(`${server.url}${query}`);
  await page.waitForFunction(
    () => document.querySelector('[role=status]')?.textContent === 'done',
    null, { timeout: 600_000 },
  );
  const results = JSON.parse(await page.locator('#bench-result').innerText());
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => r.name.endsWith('.wasm'))
    .map((r) => ({ transferred: r.transferSize, decoded: r.decodedBodySize })));
  console.log(JSON.stringify({ query, results, wasm }, null, 2));
  console.log('\nmodel            device  steps/s  updates/s  frame (all views) ms');
  for (const r of results) {
    if (r.dataset) { console.log(`${r.dataset}: ${r.error ?? `loaded in ${r.load_ms} ms (fetch, gunzip, decode)`}`); continue; }
    if (r.error) { console.log(`${r.model ?? ''} ${r.device}: ${r.error}`); continue; }
    console.log(`${r.model.padEnd(16)} ${r.device.padEnd(7)} ${r.steps_per_sec.toFixed(1).padStart(7)}  ${r.updates_per_sec.toFixed(0).padStart(9)}  ${r.frame_ms.toFixed(1).padStart(8)}`);
  }
} finally {
  await browser.close();
  await server.close();
}
