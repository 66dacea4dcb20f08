// Benchmarks training in headless Chromium:
//   node tests/e2e/bench.mjs [models] [backend] [steps] [seconds] [digits]
// (defaults: toy-quadratic,mlp both 200, no time limit per model, no time to digits). Serves
// the built site (dist/), opens the page in bench mode and prints steps/s per model and device
// as the page measured them. Each model stops after `steps` timed steps or `seconds`, whichever
// comes first. With `digits` (seconds), each image model then trains afresh until the
// classifier sees every class (≥ 5 % each, mean confidence ≥ 0.8) or `digits` seconds pass.
// BENCH_WORKER=1 trains in the page's dedicated Web Worker instead of on its thread (the
// `thread` column says where each result was measured). BENCH_PROTOCOL=1 trains as the page's
// loop paces it, through the session protocol (on the page, or served by the worker with
// BENCH_WORKER=1): steps and frames per second, and what a frame costs to cross.
// BENCH_TIMEOUT_S (default 600) bounds the whole run: past it, the models that finished are
// still printed, with an error naming what was running. BENCH_JSON=FILE also writes the results
// there as one JSON object ({ query, results, wasm, error? }), for scripts/bench.sh.
import { writeFile } from 'node:fs/promises';
import { serve, launch } from './harness.mjs';

const [models = 'toy-quadratic,mlp', backend = 'both', steps = '200', seconds = '', digits = ''] = process.argv.slice(2);
const timeoutMs = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;
const server = await serve();
const browser = await launch();
let report = { query: '', results: [], wasm: [] };
try {
  const page = await browser.newPage({ serviceWorkers: 'block' });
  page.on('pageerror', (e) => console.error(`page error: ${e}`));
  const query = `?bench=${models}&backend=${backend}&steps=${steps}${seconds ? `&seconds=${seconds}` : ''}`
    + `${digits && Number(digits) > 0 ? `&digits=${digits}` : ''}`
    + `${process.env.BENCH_WORKER === '1' ? '&worker=1' : ''}`
    + `${process.env.BENCH_PROTOCOL === '1' ? '&protocol=1' : ''}`;
  report.query = query;
  await page.goto(`${server.url}${query}`);
  try {
    await page.waitForFunction(
      () => document.querySelector('[role=status]')?.textContent === 'done',
      null, { timeout: timeoutMs },
    );
  } catch (e) {
    const status = await page.getByRole('status').innerText().catch(() => '?');
    report.error = `timed out after ${timeoutMs / 1000} s (${status})`;
  }
  // The page publishes each model's result as it finishes, so a timeout keeps those.
  const text = await page.locator('#bench-result').innerText().catch(() => '');
  report.results = text.trim() ? JSON.parse(text) : [];
  report.wasm = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => r.name.endsWith('.wasm'))
    .map((r) => ({ transferred: r.transferSize, decoded: r.decodedBodySize })));
} catch (e) {
  report.error = String(e);
} finally {
  await browser.close();
  await server.close();
}
if (process.env.BENCH_JSON) await writeFile(process.env.BENCH_JSON, JSON.stringify(report));
console.log(JSON.stringify(report, null, 2));
console.log('\nmodel                    device  steps/s  samples/s  updates/s  first step ms  after warm-up ms  frame (all views) ms  thread');
for (const r of report.results) {
  if (r.dataset && r.protocol) { console.log(`${r.dataset}: ${r.error ?? `sent to the ${r.protocol}: ${r.sent_bytes} bytes in ${r.send_ms} ms`}`); continue; }
  if (r.dataset) { console.log(`${r.dataset}: ${r.error ?? `loaded in ${r.load_ms} ms (fetch, gunzip, decode)`}`); continue; }
  if (r.error) { console.log(`${r.model ?? ''} ${r.device ?? ''}: ${r.error}`); continue; }
  if (r.protocol && r.model) {
    console.log(`${r.model.padEnd(24)} ${r.device.padEnd(7)} ${r.steps_per_sec.toFixed(2).padStart(7)} steps/s paced, `
      + `${r.frames_per_sec} frames/s, ${r.frame_bytes} bytes and ${r.frame_codec_ms} ms codec a frame  ${r.protocol} (protocol)`);
    continue;
  }
  if (r.digits_error) { console.log(`${r.model} ${r.device}: time to digits: ${r.digits_error}`); continue; }
  if ('digits_s' in r) {
    console.log(`${r.model.padEnd(24)} ${r.device.padEnd(7)} time to digits: ${r.digits_s === null
      ? `not within ${r.gave_up_s} s (${r.steps} steps; FD ${r.fd}, confidence ${r.confidence}, rarest class ${(100 * r.rarest_share).toFixed(1)} %)`
      : `${r.digits_s} s (step ${r.digits_step}; FD ${r.fd}, confidence ${r.confidence})`}`);
    continue;
  }
  console.log(`${r.model.padEnd(24)} ${r.device.padEnd(7)} ${r.steps_per_sec.toFixed(2).padStart(7)}  ${r.samples_per_sec.toFixed(0).padStart(9)}  ${r.updates_per_sec.toFixed(0).padStart(9)}  ${r.first_step_ms.toFixed(0).padStart(13)}  ${(r.warm_first_step_ms ?? NaN).toFixed(0).padStart(15)}  ${r.frame_ms.toFixed(1).padStart(8)}  ${r.thread ?? 'page'}`);
}
if (report.error) {
  console.log(`error: ${report.error}`);
  process.exitCode = 1;
}
