// The views and controls beyond the basics, used as a person would: toggles, drawing your own
// data, live settings, bad form input, explain mode, single D/G updates and bench mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve, launch, open, status, waitForStep, canvasPixels, screenshot, train, pause, setField,
  inkedPixels,
} from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

const pixels = (page, label) => page.getByLabel(label).evaluate((c) => c.toDataURL());

test('manifold, arrows, feature space, histograms and charts draw real data', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    await train(page).click();
    await waitForStep(page, 15);
    await pause(page).click();
    await page.waitForTimeout(500);
    const playground = /Real samples \(blue\)/;
    const plain = await pixels(page, playground);
    await page.getByRole('checkbox', { name: 'Generator manifold' }).check();
    await page.waitForTimeout(300);
    const withManifold = await pixels(page, playground);
    assert.ok(withManifold !== plain, 'the manifold adds lines');
    await page.getByRole('checkbox', { name: 'Gradient arrows' }).check();
    await page.waitForTimeout(300);
    assert.ok(await pixels(page, playground) !== withManifold, 'arrows are drawn');

    assert.ok(await inkedPixels(page, /samples in the discriminator's feature space/) > 200, 'the feature space shows points');
    assert.ok(await inkedPixels(page, /Histograms of the discriminator/) > 200, 'histograms have bars');
    for (const chart of [/D loss \(blue\)/, /Mean D\(x\)/, /Jensen–Shannon divergence between/]) {
      assert.ok(await inkedPixels(page, chart) > 100, `${chart} has a line`);
    }
    const quality = await page.getByLabel('Latest quality').innerText();
    assert.match(quality, /JS 0\.\d+ · KL [\d.]+ · median error from the curve [\d.]+/);
    await screenshot(page, 'views-all');

    // Hiding the feature space removes its canvas.
    await page.getByRole('checkbox', { name: "D's feature space" }).uncheck();
    assert.equal(await page.getByLabel(/samples in the discriminator's feature space/).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('draw your own points, then train on them', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    await page.getByLabel('Dataset').selectOption('draw');
    await page.getByText(/Drag on the canvas/).waitFor();
    const canvas = page.getByLabel(/Real samples \(blue\)/);
    const box = await canvas.boundingBox();
    // An L shape.
    await page.mouse.move(box.x + 120, box.y + 100);
    await page.mouse.down();
    for (let i = 0; i <= 20; i += 1) await page.mouse.move(box.x + 120, box.y + 100 + i * 12);
    for (let i = 0; i <= 20; i += 1) await page.mouse.move(box.x + 120 + i * 12, box.y + 340);
    await page.mouse.up();
    await train(page).click();
    await waitForStep(page, 10);
    await pause(page).click();
    const s = await status(page);
    assert.ok(Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss), s.text);
    assert.equal(await page.getByLabel('Dataset').inputValue(), 'draw');
    await screenshot(page, 'drawn-points');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('settings change live; a bad value is refused and the old one kept', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    await train(page).click();
    await waitForStep(page, 5);
    // k and the learning rate change while training, without a reset.
    await setField(page, 'D steps per G step (k)', '2');
    await setField(page, 'D learning rate', '0.0005');
    const before = (await status(page)).step;
    await waitForStep(page, before + 5);
    assert.ok((await status(page)).step > before, 'training went on from where it was');
    await pause(page).click();

    await setField(page, 'G learning rate', '-3');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /G learning rate must be a number from 0 to 1/);
    assert.equal(await page.getByLabel('G learning rate').inputValue(), '0.001');

    // The custom MLP shows its shape controls; a new shape builds a new model.
    await page.getByLabel('Model').selectOption('mlp');
    await setField(page, 'Hidden layers', '2');
    assert.equal((await status(page)).step, 0, 'a new shape starts afresh');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 1);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('explain mode walks through one iteration with live numbers', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    await page.getByRole('button', { name: 'Explain one iteration' }).click();
    const heading = page.locator('.explain h3');
    await heading.waitFor();
    const titles = [];
    for (let i = 0; i < 7; i += 1) {
      titles.push(await heading.innerText());
      const text = await page.locator('.explain p').innerText();
      assert.doesNotMatch(text, /NaN|inf/, text);
      if (i < 6) await page.getByRole('button', { name: 'Next' }).click();
    }
    assert.deepEqual(titles.map((t) => t.split(' · ')[0]), ['1', '2', '3', '4', '5', '6', '7']);
    assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());
    assert.equal(await page.locator('.explain .box.lit').count(), 3, 'G learns: G loss, update, G lit');
    await screenshot(page, 'explain');
    await page.getByRole('button', { name: 'Close' }).click();
    assert.equal(await page.locator('.explain svg').count(), 0);

    // Single D and G updates report their own loss.
    await page.getByRole('button', { name: 'Update D only' }).click();
    await page.waitForFunction(() => /D loss -?\d/.test(document.querySelector('[role=status]').textContent));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('bench mode writes JSON results into the page', async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}?bench=toy-quadratic&backend=cpu&steps=5`);
    await page.waitForFunction(() => document.querySelector('[role=status]')?.textContent === 'done', null, { timeout: 120_000 });
    const [result] = JSON.parse(await page.locator('#bench-result').innerText());
    assert.equal(result.model, 'toy-quadratic');
    assert.equal(result.device, 'CPU');
    assert.equal(result.steps, 5);
    assert.ok(result.steps_per_sec > 0 && result.frame_ms > 0, JSON.stringify(result));
    assert.equal(result.batch, 256);
    assert.ok(result.first_step_ms > 0 && result.samples_per_sec > 0, JSON.stringify(result));
    assert.equal(result.thread, 'page');
    console.log(`# bench (CPU, 5 steps): ${JSON.stringify(result)}`);
  } finally {
    await browser.close();
  }
});

/**
 * Opens bench mode (`?bench=` + `query`) and waits for its end: the result lines, once the
 * page's status says "done" (a worker that fails to start says so there).
 */
async function bench(browser, query, timeout) {
  const page = await browser.newPage({ serviceWorkers: 'block' });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.url}?bench=${query}`);
  await page.waitForFunction(() => /^(done|the worker|no worker)/.test(document.querySelector('[role=status]')?.textContent ?? ''), null, { timeout });
  assert.equal(await page.getByRole('status').innerText(), 'done');
  assert.deepEqual(errors, []);
  const results = JSON.parse(await page.locator('#bench-result').innerText());
  await page.close();
  return results;
}

/** Bench mode in the training worker (`&worker=1`). */
const benchInWorker = (browser, query, timeout) => bench(browser, `${query}&worker=1`, timeout);

test('bench mode also trains in a Web Worker: the page\'s own module, off its thread', async () => {
  const browser = await launch();
  try {
    // The toy, and an MLP GAN on MNIST (fetched and gunzipped in the worker), on the CPU.
    const results = await benchInWorker(browser, 'toy-quadratic,mnist-fast&backend=cpu&steps=5', 120_000);
    const mnist = results.find((r) => r.dataset === 'mnist');
    assert.ok(mnist && mnist.load_ms > 0 && !mnist.error, JSON.stringify(results));
    for (const model of ['toy-quadratic', 'mnist-fast']) {
      const result = results.find((r) => r.model === model);
      assert.ok(result, `${model}: ${JSON.stringify(results)}`);
      assert.equal(result.thread, 'worker', JSON.stringify(result));
      assert.equal(result.device, 'CPU');
      assert.equal(result.steps, 5);
      assert.ok(result.steps_per_sec > 0 && result.frame_ms > 0, JSON.stringify(result));
      console.log(`# bench in the worker (CPU, 5 steps): ${JSON.stringify(result)}`);
    }
  } finally {
    await browser.close();
  }
});

test('WebGPU works in the training worker too', async () => {
  const browser = await launch();
  try {
    // One step of the toy: SwiftShader compiles every kernel first (about a minute here).
    const [result] = await benchInWorker(browser, 'toy-quadratic&backend=gpu&steps=1', 240_000);
    assert.equal(result.device, 'WebGPU', JSON.stringify(result));
    assert.equal(result.thread, 'worker');
    assert.ok(result.steps === 1 && result.steps_per_sec > 0 && result.frame_ms > 0, JSON.stringify(result));
    console.log(`# bench in the worker (WebGPU, 1 step): ${JSON.stringify(result)}`);
  } finally {
    await browser.close();
  }
});

test('the session protocol crosses to the training worker: the page paces, the worker trains', async () => {
  const browser = await launch();
  try {
    // The toy and an MLP GAN on MNIST (loaded by the page and sent to the worker once), each
    // trained for 2 s as the page's loop paces it (8 ms chunks, a frame of the default views
    // every 33 ms): served by the worker through encoded messages, then on the page itself.
    const query = 'toy-quadratic,mnist-fast&backend=cpu&protocol=1&seconds=2&steps=100000';
    const worker = await bench(browser, `${query}&worker=1`, 180_000);
    const page = await bench(browser, query, 180_000);
    const sent = worker.find((r) => r.dataset === 'mnist');
    assert.ok(sent && !sent.error && sent.protocol === 'worker' && sent.sent_bytes > 7_840_000, JSON.stringify(worker));
    console.log(`# protocol: MNIST sent to the worker: ${sent.sent_bytes} bytes in ${sent.send_ms} ms`);
    for (const model of ['toy-quadratic', 'mnist-fast']) {
      const there = worker.find((r) => r.model === model);
      const here = page.find((r) => r.model === model);
      assert.ok(there && !there.error && here && !here.error, `${model}: ${JSON.stringify([there, here])}`);
      assert.equal(there.protocol, 'worker');
      assert.equal(here.protocol, 'page');
      for (const r of [there, here]) {
        assert.equal(r.device, 'CPU');
        assert.ok(r.steps > 0 && r.steps_per_sec > 0 && r.frames_per_sec > 0, JSON.stringify(r));
      }
      // Every frame crossed as bytes and was decoded on the page.
      assert.ok(there.frame_bytes > 1000 && there.frame_codec_ms >= 0, JSON.stringify(there));
      console.log(`# protocol, ${model} on the CPU, paced as the page paces: worker ${there.steps_per_sec} steps/s `
        + `(${there.frames_per_sec} frames/s, ${there.frame_bytes} bytes and ${there.frame_codec_ms} ms to decode a frame); `
        + `page ${here.steps_per_sec} steps/s (${here.frames_per_sec} frames/s)`);
    }
  } finally {
    await browser.close();
  }
});
