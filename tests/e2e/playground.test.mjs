// The 2D playground as a person uses it: open, choose data, press Train, watch, pause.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve, launch, open, status, waitForStep, canvasPixels, screenshot, settledStep,
  watchResponsiveness, responsiveness,
} from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

async function trainAndPause(page, { minSteps, name }) {
  await page.getByLabel('Dataset').selectOption('quadratic');
  const before = await canvasPixels(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  await waitForStep(page, minSteps);
  const running = await status(page);
  assert.ok(Number.isFinite(running.dLoss) && Number.isFinite(running.gLoss), running.text);
  assert.notEqual(await canvasPixels(page), before, 'the canvas changes while training');
  await screenshot(page, name);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Train', exact: true }).waitFor();
  // The chunk in flight when Pause is pressed still lands; after that the count must not move.
  const paused = await settledStep(page);
  await page.waitForTimeout(2000);
  assert.equal((await status(page)).step, paused, 'Pause stops training');
  return running;
}

test('trains the quadratic on WebGPU, and Pause stops it', async () => {
  const browser = await launch();
  try {
    const { page, errors, logs } = await open(browser, server.url, '?backend=gpu');
    assert.match((await status(page)).text, /WebGPU/);
    await page.getByLabel('Model').selectOption('mlp');
    // Each new model's kernels are compiled on a throwaway copy before the click (the first
    // model's and the MLP's): the status line says so meanwhile, and the click then costs
    // about one step, not the compiles (25-40 s on SwiftShader).
    const warmed = () => logs.filter((l) => /^GPU kernels compiled on a throwaway model in \d+ ms$/.test(l));
    const deadline = Date.now() + 180_000;
    while (warmed().length < 2 || /compiling kernels/.test((await status(page)).text)) {
      assert.ok(Date.now() < deadline, `warm-ups not done: ${logs.join('\n')}`);
      await page.waitForTimeout(250);
    }
    assert.equal(warmed().length, 2, logs.join('\n'));
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 1);
    console.log(`# WebGPU (SwiftShader): ${warmed().join('; ')}; then the first step ${Date.now() - clicked} ms after Train`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Train', exact: true }).waitFor();
    const running = await trainAndPause(page, { minSteps: 5, name: 'webgpu-quadratic' });
    console.log(`# WebGPU (SwiftShader): ${running.text}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('trains on the CPU backend, switches dataset, and keeps the page responsive', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    assert.match((await status(page)).text, /CPU/);
    await watchResponsiveness(page);
    const start = Date.now();
    const framesBefore = (await responsiveness(page)).frames;
    const running = await trainAndPause(page, { minSteps: 50, name: 'cpu-quadratic' });
    const seconds = (Date.now() - start) / 1000;
    const { frames: framesAfter, longTasks } = await responsiveness(page);
    const frames = framesAfter - framesBefore;
    console.log(`# CPU: ${running.text}`);
    console.log(`# frames: ${(frames / seconds).toFixed(1)} fps while training; long tasks (>50 ms): ${longTasks.length}, longest ${Math.max(0, ...longTasks).toFixed(0)} ms`);

    await page.getByLabel('Dataset').selectOption('ring8');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 20);
    await page.getByRole('button', { name: 'Pause' }).click();
    await screenshot(page, 'cpu-ring8');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

// Headless Chromium cannot hide a tab (neither another tab in front nor a minimised window
// changes visibilityState), so the page is told it is hidden as a browser tells a background
// tab: visibilityState "hidden", a visibilitychange event, and animation frames that never come.
test('keeps training while the tab is hidden, and shows it on return', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 20);
    await page.evaluate(() => {
      window.realRaf = window.requestAnimationFrame;
      window.requestAnimationFrame = () => 0; // a hidden page gets no animation frames
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const hidden = (await status(page)).step;
    await page.waitForTimeout(3000);
    const later = (await status(page)).step;
    console.log(`# hidden: step ${hidden} → ${later} in 3 s`);
    assert.ok(later >= hidden + 20, `training goes on while hidden: step ${hidden} → ${later}`);

    await page.evaluate(() => {
      window.requestAnimationFrame = window.realRaf;
      delete document.visibilityState;
      delete document.hidden;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitForStep(page, later + 20);
    await page.getByRole('button', { name: 'Pause' }).click();
    const paused = await settledStep(page);
    await screenshot(page, 'cpu-after-hidden');
    await page.waitForTimeout(1000);
    assert.equal((await status(page)).step, paused, 'Pause stops training after the tab returns');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('without WebGPU the page says so and trains on the CPU', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page } = await open(browser, server.url);
    const banner = page.getByRole('note');
    await banner.waitFor();
    // In words: what happened, what it costs, how to get WebGPU; the technical reason folded.
    // (This Chromium, started without WebGPU, still has navigator.gpu but no adapter.)
    assert.match(
      await banner.innerText(),
      /^This browser (does not offer WebGPU|has WebGPU but could not start it on this computer's graphics [^,]*), so GANvas trains on the CPU instead: .*chrome:\/\/flags\/#enable-unsafe-webgpu/,
    );
    const detail = banner.locator('details code');
    assert.equal(await detail.isVisible(), false);
    await banner.getByText('Technical detail').click();
    assert.equal(await detail.isVisible(), true);
    assert.ok((await detail.innerText()).length > 0);
    assert.match((await status(page)).text, /CPU/);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 10);
    await screenshot(page, 'no-webgpu-fallback');
  } finally {
    await browser.close();
  }
});

test('where no worker can start, training runs on the page and the banner says so', async () => {
  const browser = await launch({ webgpu: false });
  try {
    // A browser (or a policy) that refuses dedicated workers.
    const noWorkers = () => {
      window.Worker = function Worker() { throw new Error('workers are disabled here'); };
    };
    const { page, errors } = await open(browser, server.url, '?backend=cpu', { init: noWorkers });
    assert.equal(page.workers().length, 0);
    const banner = page.getByRole('note');
    await banner.waitFor();
    assert.match(await banner.innerText(), /could not start GANvas's training worker, so training runs on the page's own thread/);
    await banner.getByText('Technical detail').click();
    assert.match(await banner.locator('details code').innerText(), /workers are disabled here/);
    await trainAndPause(page, { minSteps: 20, name: 'no-worker-fallback' });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a bad CSV upload shows an error and keeps the current dataset', async () => {
  const browser = await launch();
  try {
    const { page } = await open(browser, server.url, '?backend=cpu');
    await page.getByLabel('Dataset').selectOption('two-moons');
    await page.getByLabel(/Upload points/).setInputFiles({
      name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n1,2\nfoo,3\n'),
    });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /line 3/);
    assert.match(await alert.innerText(), /unchanged/);
    assert.equal(await page.getByLabel('Dataset').inputValue(), 'two-moons');
    await screenshot(page, 'bad-csv');

    // A good file replaces the dataset and trains.
    await page.getByLabel(/Upload points/).setInputFiles({
      name: 'line.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n0,0\n1,1\n2,2\n3,3\n'),
    });
    await page.getByRole('alert').waitFor({ state: 'detached' });
    await page.locator('h1').click();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await waitForStep(page, 5);
  } finally {
    await browser.close();
  }
});
