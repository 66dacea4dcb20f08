// Pix2Pix in the page: Fashion items from their edges. The held-out rows and the score appear,
// training changes G's outputs, a drawing on the pad is filled in (and filled in again as G
// trains), the settings link opens Pix2Pix in a fresh page, and a saved .ganvas file opens
// there at its step. On the CPU and on WebGPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  serve, launch, open, status, waitForStep, screenshot, settledStep, explainPhases,
} from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

const rows = (page) => page.getByLabel("Held-out pairs: the drawing, G's output and the real image in each row");
const pad = (page) => page.getByLabel('Drawing pad: draw with the mouse or a finger');
const padOutput = (page) => page.getByLabel("G's output for the drawing");
const pixels = (locator) => locator.evaluate((c) => c.toDataURL());

/** Chooses Fashion-MNIST and Pix2Pix; resolves once the held-out pairs are scored. */
async function choosePix2Pix(page) {
  await page.getByLabel('Dataset', { exact: true }).selectOption('fashion');
  await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 60_000 });
  await page.getByLabel('Model', { exact: true }).selectOption('pix2pix');
  await rows(page).waitFor({ timeout: 60_000 });
  await page.getByLabel('Held-out score').filter({ hasText: /L1 [\d.]+ per image/ })
    .waitFor({ timeout: 180_000 });
}

/** Draws a shoe-like outline on the pad with the mouse. */
async function drawOutline(page) {
  await pad(page).scrollIntoViewIfNeeded();
  const box = await pad(page).boundingBox();
  const at = (x, y) => [box.x + (x / 28) * box.width, box.y + (y / 28) * box.height];
  const path = [[5, 20], [23, 20], [23, 16], [14, 13], [11, 8], [5, 8], [5, 20]];
  await page.mouse.move(...at(...path[0]));
  await page.mouse.down();
  for (const point of path.slice(1)) {
    await page.mouse.move(...at(...point), { steps: 8 });
  }
  await page.mouse.up();
}

async function trainsAndFillsIn(query, name, steps, { link = true } = {}) {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, query);
    await choosePix2Pix(page);
    const score = await page.getByLabel('Held-out score').innerText();
    assert.match(score, /our classifier puts in their real image's class: \d+ %/, score);
    assert.equal(await page.getByRole('button', { name: 'Update D only' }).count(), 0, 'whole steps only');

    // A drawing is filled in by the untrained G.
    const blank = await pixels(padOutput(page));
    await drawOutline(page);
    await page.waitForFunction(
      (old) => document.querySelector('canvas.pad-output').toDataURL() !== old, blank, { timeout: 60_000 },
    );
    const untrained = await pixels(padOutput(page));
    const before = await pixels(rows(page));

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, steps, 300_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const step = await settledStep(page, { timeoutMs: 180_000 });
    assert.ok(step >= steps, `trained ${step} steps`);
    const s = await status(page);
    assert.match(s.text, /L1 [\d.]+/, s.text);
    assert.ok(Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss), s.text);
    await page.waitForFunction(
      (old) => document.querySelector('canvas.pair-rows').toDataURL() !== old, before, { timeout: 60_000 },
    );
    // Training moved G, and the pad was filled in again.
    await page.waitForFunction(
      (old) => document.querySelector('canvas.pad-output').toDataURL() !== old, untrained, { timeout: 60_000 },
    );
    await screenshot(page, name);
    assert.deepEqual(errors, []);

    if (!link) return;
    // The whole run goes into a file (G, D and both optimisers, full precision).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save .ganvas file' }).click(),
    ]);
    const saved = await readFile(await download.path());
    assert.equal(saved.subarray(0, 4).toString('latin1'), 'GNVS');
    assert.equal(saved[4], 3, 'a Pix2Pix file is format version 3');
    console.log(`# pix2pix file at step ${step}: ${saved.length} bytes`);

    // The settings link opens Pix2Pix on Fashion in a fresh page.
    const url = page.url();
    assert.match(url, /pix2pix/, url);
    const fresh = await open(browser, url);
    assert.equal(await fresh.page.getByLabel('Model', { exact: true }).inputValue(), 'pix2pix');
    await rows(fresh.page).waitFor({ timeout: 180_000 });
    await fresh.page.getByLabel('Held-out score').filter({ hasText: /L1/ }).waitFor({ timeout: 180_000 });
    // The file opens there at its step, and training goes on from it.
    await fresh.page.getByLabel('Open a .ganvas file').setInputFiles({
      name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: saved,
    });
    await fresh.page.getByText(/Opened ganvas-step-\d+\.ganvas/).waitFor({ timeout: 120_000 });
    assert.equal((await status(fresh.page)).step, step, 'the file opens at its step');
    await fresh.page.getByLabel('Held-out score').filter({ hasText: new RegExp(`step ${step}:`) })
      .waitFor({ timeout: 120_000 });
    assert.deepEqual(fresh.errors, []);
  } finally {
    await browser.close();
  }
}

test('Pix2Pix on Fashion edges on the CPU: rows, score, the pad, a link', async () => {
  await trainsAndFillsIn('?backend=cpu', 'pix2pix-cpu', 3);
});

// The link is the CPU test's: a fresh WebGPU page would compile every kernel again (minutes
// on lavapipe).
test('Pix2Pix on Fashion edges on WebGPU: rows, score, the pad', async () => {
  await trainsAndFillsIn('?backend=gpu', 'pix2pix-webgpu', 2, { link: false });
});

test("Pix2Pix with the paper's D: the choice rebuilds, trains, goes in the link, and explain mode walks through an iteration", async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    await choosePix2Pix(page);
    await page.getByLabel('D also sees the drawing (paper)').check();
    await page.getByLabel('PatchGAN D (a verdict per patch)').check();
    await page.getByText("The paper's D: it sees the drawing stacked on the image").waitFor();
    await rows(page).waitFor({ timeout: 60_000 });
    await page.getByLabel('Held-out score').filter({ hasText: /L1 [\d.]+ per image/ })
      .waitFor({ timeout: 180_000 });
    assert.match(page.url(), /d_input=1/, page.url());
    assert.match(page.url(), /patch=1/, page.url());

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 2, 300_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const step = await settledStep(page, { timeoutMs: 180_000 });
    const s = await status(page);
    assert.ok(Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss), s.text);

    // Explain mode: seven phases with the live numbers and the pair followed.
    await page.getByRole('button', { name: 'Explain one iteration' }).click();
    const heading = page.locator('.explain h3');
    await heading.waitFor({ timeout: 60_000 });
    const strip = page.getByLabel("The pair followed: drawing, G's output, real image, G's output after its update");
    await strip.waitFor();
    const texts = await explainPhases(page);
    assert.match(texts[0], /^1 · A drawing goes in: .*edges/, texts[0]);
    assert.match(texts[2], /stacked on and judges each 15 × 15 patch/, texts[2]);
    assert.match(texts[5], /λ × L1 = 10 × [\d.]+/, texts[5]);
    assert.match(texts[6], /^7 · G learns: .*L1 [\d.]+ → [\d.]+/, texts[6]);
    assert.equal(await page.locator('.explain svg text').first().textContent(), 'drawing y');
    await screenshot(page, 'pix2pix-explain');
    // The walkthrough does not count as a training step.
    assert.equal((await status(page)).step, step);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

/** PNG pictures made by the page's canvas: `count` pairs of a dark outline on white (left)
 * and the filled shape (right), `width` × `height` pixels. */
async function pairPictures(page, count, width, height) {
  const urls = await page.evaluate(([n, w, h]) => {
    const out = [];
    for (let i = 0; i < n; i += 1) {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const c = canvas.getContext('2d');
      c.fillStyle = 'white';
      c.fillRect(0, 0, w, h);
      const half = w / 2;
      const size = h * (0.3 + 0.4 * (i % 4) / 3);
      const x = (h - size) / 2;
      c.strokeStyle = 'black';
      c.lineWidth = h / 14;
      c.strokeRect(x, x, size, size);
      c.fillStyle = 'black';
      c.fillRect(half + x, x, size, size);
      out.push(canvas.toDataURL('image/png'));
    }
    return out;
  }, [count, width, height]);
  return urls.map((url, i) => ({
    name: `pair-${i}.png`,
    mimeType: 'image/png',
    buffer: Buffer.from(url.split(',')[1], 'base64'),
  }));
}

test('Pix2Pix learns pairs the user uploads, and a wrong upload changes nothing', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    const upload = page.getByLabel('Upload pairs for pix2pix (pictures: the drawing on the left, the image on the right)');
    await upload.setInputFiles(await pairPictures(page, 20, 112, 56));
    await rows(page).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), 'pix2pix');
    const score = page.getByLabel('Held-out score');
    await score.filter({ hasText: /Held-out pairs \(2\), step 0: L1 [\d.]+ per image/ }).waitFor({ timeout: 120_000 });
    assert.doesNotMatch(await score.innerText(), /classifier/, 'pairs have no classes to check');

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 2, 300_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const step = await settledStep(page, { timeoutMs: 180_000 });
    await screenshot(page, 'pix2pix-uploaded-pairs');

    // Square pictures are not pairs: the page says so and keeps the run.
    await upload.setInputFiles(await pairPictures(page, 3, 56, 56));
    await page.getByText(/Could not use these pairs: pair-0\.png is 56×56: a pair is two square halves side by side/)
      .waitFor({ timeout: 30_000 });
    assert.equal((await status(page)).step, step, 'the run is unchanged');
    assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), 'pix2pix');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
