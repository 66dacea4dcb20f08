// Soak test (not in CI; `scripts/soak.sh`): trains the toy and `mnist-mlp` side by side in
// headless Chromium with every view on, for MINUTES (default 60), and prints memory figures
// once a minute: the JS heap, the wasm module's linear memory, and the WebGPU buffers the page
// holds (counted by wrapping createBuffer/destroy). Memory must stay flat: the last reading
// against the one after warm-up (minute 2) is printed per page.
//
// Usage: node soak.mjs [MINUTES] [cpu|gpu]
import { launch, serve, status, waitForStep, screenshot } from './harness.mjs';

const minutes = Number(process.argv[2] ?? 60);
const backend = process.argv[3] ?? 'gpu';
if (!(minutes > 0)) throw new Error(`MINUTES must be positive, not ${process.argv[2]}`);

/** Installed before the app starts: the wasm memory and live GPU buffers become readable. */
function instrument() {
  window.__soak = { gpuBuffers: 0, gpuBytes: 0 };
  addEventListener('TrunkApplicationStarted', (e) => { window.__soak.wasm = e.detail?.wasm; });
  if (globalThis.GPUDevice) {
    const sizes = new WeakMap();
    const create = GPUDevice.prototype.createBuffer;
    GPUDevice.prototype.createBuffer = function createBuffer(descriptor) {
      const buffer = create.call(this, descriptor);
      sizes.set(buffer, descriptor.size);
      window.__soak.gpuBuffers += 1;
      window.__soak.gpuBytes += descriptor.size;
      return buffer;
    };
    const destroy = GPUBuffer.prototype.destroy;
    GPUBuffer.prototype.destroy = function destroyBuffer() {
      if (sizes.has(this)) {
        window.__soak.gpuBuffers -= 1;
        window.__soak.gpuBytes -= sizes.get(this);
        sizes.delete(this);
      }
      return destroy.call(this);
    };
  }
}

async function reading(page) {
  if (!page.__cdp) {
    page.__cdp = await page.context().newCDPSession(page);
    await page.__cdp.send('Performance.enable');
  }
  const client = page.__cdp;
  await client.send('HeapProfiler.collectGarbage');
  const { metrics } = await client.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  const page_ = await page.evaluate(() => ({
    wasm: window.__soak?.wasm?.memory?.buffer?.byteLength ?? NaN,
    gpuBuffers: window.__soak?.gpuBuffers ?? 0,
    gpuBytes: window.__soak?.gpuBytes ?? 0,
  }));
  const { step } = await status(page);
  return { step, heap, ...page_ };
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const line = (name, minute, r) => console.log(
  `${name.padEnd(10)} min ${String(minute).padStart(3)}  step ${String(r.step).padStart(8)}  `
  + `JS heap ${mb(r.heap).padStart(7)} MB  wasm ${mb(r.wasm).padStart(7)} MB  `
  + `GPU buffers ${String(r.gpuBuffers).padStart(5)} / ${mb(r.gpuBytes).padStart(7)} MB`,
);

const server = await serve();
const browser = await launch({ webgpu: backend === 'gpu' });
try {
  const pages = [];
  for (const [name, query] of [
    ['toy', `?backend=${backend}`],
    ['mnist-mlp', `?backend=${backend}#data=mnist&model=mnist-mlp`],
  ]) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(`${server.url}${query}`);
    await page.getByRole('button', { name: 'Train', exact: true }).waitFor();
    await page.waitForFunction(() => !document.querySelector('button')?.disabled, null, { timeout: 120_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 1, 300_000);
    pages.push({ name, page, readings: [] });
  }
  for (let minute = 0; minute <= minutes; minute += 1) {
    for (const p of pages) {
      const r = await reading(p.page);
      p.readings.push(r);
      line(p.name, minute, r);
    }
    if (minute < minutes) await new Promise((r) => setTimeout(r, 60_000));
  }
  console.log('\nfirst reading after warm-up (minute 2, or the first) against the last:');
  for (const p of pages) {
    const base = p.readings[Math.min(2, p.readings.length - 1)];
    const last = p.readings.at(-1);
    const change = (key) => `${key} ${mb(base[key])} → ${mb(last[key])} MB`
      + (base[key] > 0 ? ` (${((last[key] / base[key] - 1) * 100).toFixed(1)} %)` : '');
    console.log(`${p.name}: ${last.step - base.step} steps; ${change('heap')}; ${change('wasm')}; ${change('gpuBytes')}`);
    await screenshot(p.page, `soak-${p.name}`);
  }
} finally {
  await browser.close();
  await server.close();
}
