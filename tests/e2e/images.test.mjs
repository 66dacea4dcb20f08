// Image GANs: the shipped MNIST and Fashion-MNIST load with a progress bar, every view of an
// image GAN shows real data, exports are real PNG/GIF files, the conditional GAN's class
// picker redraws its grid, and bad uploads are refused with a message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  serve, launch, open, status, waitForStep, screenshot, settledStep, idxImages,
} from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

const samples = (page) => page.getByLabel("Generated images from a fixed set of noise vectors, with D's verdict on each");
const pixels = (locator) => locator.evaluate((c) => c.toDataURL());

// On WebGPU here (SwiftShader, a software GPU on 2 cores) the first figures wait for the
// model's and the classifier's kernels to compile, 25–40 s each: a CI run once took over 60 s.
const SOFTWARE_GPU_MS = 180_000;

/**
 * Chooses a shipped dataset; resolves once its grid is drawn and its first quality figures
 * are shown, each within `timeout` ms. Returns the load time.
 */
async function chooseData(page, value, timeout = 60_000) {
  const start = Date.now();
  await page.getByLabel('Dataset', { exact: true }).selectOption(value);
  await samples(page).waitFor({ timeout });
  await page.getByRole('progressbar').waitFor({ state: 'detached', timeout });
  await page.getByLabel('Image quality figures').filter({ hasText: /FD \(/ }).waitFor({ timeout });
  return Date.now() - start;
}

async function download(page, buttonName) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: buttonName }).click(),
  ]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

test('MNIST with mnist-fast (the default) on the CPU: samples form, scores move, PNG and GIF export', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    const ms = await chooseData(page, 'mnist');
    console.log(`# MNIST loaded and first grid drawn in ${ms} ms`);
    assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), 'mnist-fast');
    assert.ok(await page.getByLabel('Show the averaged generator').isChecked(), 'the average is shown');
    assert.match(await page.getByLabel('Image quality figures').innerText(), /FD \(MNIST classifier\) [\d.]+/);
    await page.getByLabel('Real training images').waitFor();
    const before = await pixels(samples(page));
    const firstQuality = await page.getByLabel('Image quality figures').innerText();

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 40);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const step = await settledStep(page);
    assert.ok(step >= 40, `trained ${step} steps`);
    assert.notEqual(await pixels(samples(page)), before, 'the fixed-noise samples changed');
    await page.getByLabel('Share of generated images the classifier puts in each class').waitFor();
    const quality = await page.getByLabel('Image quality figures').innerText();
    assert.notEqual(quality, firstQuality, 'the classifier re-scored the trained samples');
    const s = await status(page);
    assert.ok(Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss), s.text);

    const png = await download(page, 'Save grid as PNG');
    assert.match(png.name, /^ganvas-samples-step-\d+\.png$/);
    assert.deepEqual([...png.bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG');
    const gif = await download(page, 'Save timelapse GIF');
    assert.match(gif.name, /^ganvas-timelapse-step-\d+\.gif$/);
    assert.equal(gif.bytes.subarray(0, 6).toString('latin1'), 'GIF89a');
    assert.equal(gif.bytes.at(-1), 0x3b, 'the GIF trailer');
    const frames = gif.bytes.filter((b, i) => b === 0x2c && gif.bytes[i - 1] === 0x00).length;
    assert.ok(frames >= 2, `an animation (${frames} image blocks)`);

    // The latent space: a slider moves the "from" sample.
    const moved = page.getByLabel("The first sample with the sliders' offsets added to its noise");
    const still = await pixels(moved);
    await page.getByLabel('Noise dimension 1').evaluate((slider) => {
      slider.value = '2.5';
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(
      (old) => document.querySelector('canvas.moved').toDataURL() !== old, still, { timeout: 30_000 },
    );
    await screenshot(page, 'images-mnist-cpu');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

/** The FD figure the quality panel shows. */
async function fd(page) {
  const text = await page.getByLabel('Image quality figures').innerText();
  return Number((text.match(/FD \([^)]*\) ([\d.]+)/) ?? [])[1]);
}

test('mnist-fast trains on WebGPU too, and starts from its trained model', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=gpu');
    const ms = await chooseData(page, 'mnist', SOFTWARE_GPU_MS);
    console.log(`# MNIST on WebGPU: first grid and figures in ${ms} ms`);
    const before = await pixels(samples(page));
    for (let i = 0; i < 3; i += 1) {
      await page.getByRole('button', { name: 'Step', exact: true }).click();
      await page.waitForTimeout(300);
    }
    await page.waitForFunction(
      (old) => document.querySelector('canvas.samples').toDataURL() !== old, before, { timeout: 120_000 },
    );
    assert.match((await status(page)).text, /WebGPU/);
    await screenshot(page, 'images-mnist-webgpu');
    const untrained = await fd(page);

    // The shipped starting point: fetched on the click, opened at its step, far better.
    const start = page.getByRole('button', { name: /^Start from a trained model \(\d+ KB\)$/ });
    await start.click();
    await page.getByText(/^Opened mnist-fast after \d+ training steps on mnist/).waitFor({ timeout: 60_000 });
    const opened = (await status(page)).step;
    assert.ok(opened >= 1000, `the trained model is at step ${opened}`);
    // No loss was measured on it yet: the status line says so rather than showing 0.000.
    assert.match((await status(page)).text, /D loss — · G loss —/);
    // Scores of the untrained model's last steps may still be on their way (training runs in
    // the worker): wait for the opened model's, which is far lower.
    await page.waitForFunction(
      (old) => {
        const text = document.querySelector('[aria-label="Image quality figures"]')?.innerText ?? '';
        const now = Number((text.match(/FD \([^)]*\) ([\d.]+)/) ?? [])[1]);
        return Number.isFinite(now) && now < old / 3;
      },
      untrained, { timeout: SOFTWARE_GPU_MS },
    ).catch(() => {});
    const trained = await fd(page);
    assert.ok(trained < untrained / 3, `FD ${untrained} untrained, ${trained} trained`);
    await screenshot(page, 'images-mnist-trained-start');
    // Training goes on from it.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, opened + 1, 60_000);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the conditional GAN draws one row per class, and the class picker redraws the grid', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    const ms = await chooseData(page, 'fashion');
    console.log(`# Fashion-MNIST loaded and first grid drawn in ${ms} ms`);
    await page.getByLabel('Model', { exact: true }).selectOption('conditional-mlp');
    await page.getByLabel('Class shown').waitFor();
    assert.match(await page.getByRole('heading', { name: /one row per class/ }).innerText(), /Samples/);
    const rows = await pixels(samples(page));
    await page.getByLabel('Class shown').selectOption({ label: 'sneaker' });
    await page.waitForFunction(
      (old) => document.querySelector('canvas.samples').toDataURL() !== old, rows, { timeout: 30_000 },
    );
    assert.match(await page.evaluate(() => location.hash), /model=conditional-mlp/);
    assert.match(await page.evaluate(() => location.hash), /data=fashion/);
    await screenshot(page, 'images-conditional-fashion');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

/** A gzip-free IDX file of `count` 28×28 images (a bright square that moves). */
const squares = (count) => idxImages(count, (i, y, x) => y >= 8 && y < 20 && x >= 4 + (i % 10) && x < 14 + (i % 10));

test('uploads: bad files are refused with a message, IDX images train', async () => {
  const browser = await launch();
  try {
    const { page } = await open(browser, server.url, '?backend=cpu');
    const upload = page.getByLabel('Upload images (MNIST IDX files, or PNG/JPEG pictures)');

    await upload.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByRole('alert').filter({ hasText: 'notes.txt is not a PNG or JPEG picture' }).waitFor();
    assert.match(await page.getByRole('alert').innerText(), /current dataset is unchanged/);
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'quadratic');

    // Two pictures of different sizes, drawn by the browser itself.
    const pngs = await page.evaluate(() => [20, 30].map((side) => {
      const c = document.createElement('canvas');
      c.width = side; c.height = side;
      c.getContext('2d').fillRect(2, 2, 8, 8);
      return c.toDataURL('image/png').split(',')[1];
    }));
    await upload.setInputFiles(pngs.map((b64, i) => ({
      name: `digit-${i}.png`, mimeType: 'image/png', buffer: Buffer.from(b64, 'base64'),
    })));
    await page.getByRole('alert').filter({ hasText: 'mixed sizes' }).waitFor();
    assert.match(await page.getByRole('alert').innerText(), /digit-0\.png is 20×20, digit-1\.png is 30×30/);

    // Labels are checked before the upload is accepted: 37 is no digit class.
    const labels = Buffer.concat([
      Buffer.from([0, 0, 8, 1, 0, 0, 0, 50]), Buffer.from(Array.from({ length: 50 }, (_, i) => (i === 7 ? 37 : i % 10))),
    ]);
    await upload.setInputFiles([
      { name: 'train-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: squares(50) },
      { name: 'train-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
    ]);
    await page.getByRole('alert').filter({ hasText: 'label 37 (image 8) is not a digit class 0–9' }).waitFor();
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'quadratic');

    await upload.setInputFiles({ name: 'train-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: squares(50) });
    await samples(page).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'uploaded-images');
    assert.equal(await page.getByRole('alert').count(), 0, 'the old message is gone');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 5);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await screenshot(page, 'images-uploaded');
  } finally {
    await browser.close();
  }
});

test('an MNIST model shared by link opens with its data in a fresh page', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    await chooseData(page, 'mnist');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 20);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const steps = await settledStep(page);
    await page.getByRole('button', { name: 'Copy link with model' }).click();
    await page.waitForFunction(() => document.querySelector('#share-link').value.includes('&m='), null, { timeout: 60_000 });
    const url = await page.getByLabel('Share link').inputValue();
    console.log(`# mnist-fast link: ${url.length} characters`);
    assert.match(url, /data=mnist/);

    const fresh = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const freshErrors = [];
    fresh.on('pageerror', (e) => freshErrors.push(String(e)));
    await fresh.goto(url);
    await fresh.waitForFunction(
      (n) => new RegExp(`step ${n} `).test(document.querySelector('[role=status]')?.textContent ?? ''),
      steps, { timeout: 120_000 },
    );
    await samples(fresh).waitFor();
    assert.equal(await fresh.getByLabel('Model', { exact: true }).inputValue(), 'mnist-fast');
    assert.equal(await fresh.getByRole('alert').count(), 0);
    await fresh.getByRole('button', { name: 'Step', exact: true }).click();
    await fresh.waitForFunction(
      (n) => new RegExp(`step ${n + 1} `).test(document.querySelector('[role=status]')?.textContent ?? ''),
      steps, { timeout: 60_000 },
    );
    await screenshot(fresh, 'images-model-link');
    assert.deepEqual([...errors, ...freshErrors], []);
  } finally {
    await browser.close();
  }
});

test('a classroom link opens MNIST with chosen image views hidden and a large grid', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(
      browser, server.url, '?backend=cpu#data=mnist&hide=latent,share,image-upload&layout=presenter',
    );
    await samples(page).waitFor({ timeout: 60_000 });
    await page.getByLabel('Image quality figures').filter({ hasText: /FD \(/ }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), 'mnist-fast');
    assert.equal(await page.getByRole('region', { name: 'Latent space' }).isVisible(), false);
    assert.equal(await page.getByRole('region', { name: 'Share' }).isVisible(), false);
    assert.equal(await page.getByLabel('Upload images (MNIST IDX files, or PNG/JPEG pictures)').isVisible(), false);
    assert.ok(await page.getByRole('button', { name: 'Save grid as PNG' }).isVisible(), 'exports stay');
    const width = await samples(page).evaluate((c) => c.getBoundingClientRect().width);
    assert.ok(width > 476, `presenter grid is ${width} px wide`);
    await screenshot(page, 'images-classroom-presenter');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
