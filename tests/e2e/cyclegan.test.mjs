// CycleGAN in the page: two classes of Fashion-MNIST (sneakers and ankle boots, then a pair the
// user picks). The held-out rows of both cycles and the score appear, training changes the
// translations, explain mode walks through one iteration and a held-out image copied onto the
// drawing pad comes out of both G and F (on the CPU), the link with the model opens the same run
// in a fresh page, and a saved .ganvas file opens there at its step. On the CPU and on WebGPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  serve, launch, open, status, waitForStep, screenshot, settledStep, explainPhases,
} from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

const rows = (page) => page.getByLabel('Held-out images of both classes: each image, its translation into the other class, and the translation back');
const pixels = (locator) => locator.evaluate((c) => c.toDataURL());
const scored = /there and back again lands [\d.]+ \(sneaker\) and [\d.]+ \(boot\) per pixel/;
const sneakerToBoot = (page) => page.getByLabel('As a sneaker, G turns it into a boot', { exact: true });
const bootToSneaker = (page) => page.getByLabel('As a boot, F turns it into a sneaker', { exact: true });

/** Whether every canvas matching `selector` has a pixel brighter than near-black. */
function allLit(selector) {
  const canvases = [...document.querySelectorAll(selector)];
  return canvases.length > 0 && canvases.every((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] > 16 || data[i + 1] > 16 || data[i + 2] > 16) return true;
    }
    return false;
  });
}

/** The pad: a copied held-out image goes through G (as a sneaker) and F (as a boot). */
async function translatesTheCopy(page, name) {
  await page.getByRole('heading', { name: 'Draw a sneaker or a boot, and see both translations' })
    .waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('canvas.pad-output').count(), 2, 'G and F each get a canvas');
  await sneakerToBoot(page).waitFor();
  await bootToSneaker(page).waitFor();
  await page.getByRole('button', { name: 'Copy a held-out image' }).click();
  await page.waitForFunction(allLit, 'canvas.pad', { timeout: 30_000 });
  await page.waitForFunction(allLit, 'canvas.pad-output', { timeout: 60_000 });
  await sneakerToBoot(page).scrollIntoViewIfNeeded();
  await screenshot(page, name);
}

/** Chooses Fashion-MNIST and the small CycleGAN; resolves once the held-out images are scored. */
async function chooseCycleGan(page) {
  await page.getByLabel('Dataset', { exact: true }).selectOption('fashion');
  await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 60_000 });
  await page.getByLabel('Model', { exact: true }).selectOption('cyclegan-shoes');
  await rows(page).waitFor({ timeout: 60_000 });
  await page.getByLabel('Held-out score').filter({ hasText: scored }).waitFor({ timeout: 180_000 });
}

/** Explain mode on a run `step` steps in: seven phases with both cycles' live numbers and the
 * images followed; the walkthrough counts no step. */
async function explains(page, step) {
  await page.getByRole('button', { name: 'Explain one iteration' }).click();
  const heading = page.locator('.explain h3');
  await heading.waitFor({ timeout: 60_000 });
  await page.getByLabel(/^The images followed: a, G\(a\), F\(G\(a\)\)/).waitFor();
  assert.equal(await heading.innerText(), '1 · An image of each class');
  const texts = await explainPhases(page);
  assert.match(texts[0], /a is a sneaker, b is a boot/, texts[0]);
  assert.match(texts[2], /D_B real -?[\d.]+, G\(a\) -?[\d.]+; D_A real -?[\d.]+, F\(b\) -?[\d.]+/, texts[2]);
  assert.match(texts[4], /5 updates per generator update/, texts[4]);
  assert.match(texts[5], /λ × cycle = 0.009766 × [\d.]+/, texts[5]);
  assert.match(texts[6], /^7 · Both generators learn: .*cycle term [\d.]+ → [\d.]+/, texts[6]);
  assert.equal(await page.locator('.explain svg text').first().textContent(), 'a: sneaker');
  assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true, 'the last phase');
  await screenshot(page, 'cyclegan-explain');
  assert.equal((await status(page)).step, step, 'the walkthrough counts no step');
}

async function translates(query, name, steps, { link = true, explain = false, pad = false } = {}) {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, query);
    await chooseCycleGan(page);
    assert.equal(await page.getByLabel('Class A').inputValue(), '7', 'sneakers by default');
    assert.equal(await page.getByLabel('Class B').inputValue(), '9', 'ankle boots by default');
    const score = await page.getByLabel('Held-out score').innerText();
    assert.match(score, /our classifier calls \d+ % of the translated sneaker “boot”/, score);
    assert.equal(await page.getByRole('button', { name: 'Update D only' }).count(), 0, 'whole steps only');
    const before = await pixels(rows(page));

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, steps, 300_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const step = await settledStep(page, { timeoutMs: 180_000 });
    assert.ok(step >= steps, `trained ${step} steps`);
    const s = await status(page);
    assert.match(s.text, /cycle [\d.]+/, s.text);
    assert.ok(Number.isFinite(s.dLoss) && Number.isFinite(s.gLoss), s.text);
    console.log(`# cyclegan-shoes ${query}: ${s.text}`);
    await page.waitForFunction(
      (old) => document.querySelector('canvas.pair-rows').toDataURL() !== old, before, { timeout: 60_000 },
    );
    await page.getByLabel('Held-out score').filter({ hasText: new RegExp(`step ${step}:`) })
      .waitFor({ timeout: 120_000 });
    await screenshot(page, name);
    if (explain) await explains(page, step);
    if (pad) await translatesTheCopy(page, 'cyclegan-pad');
    assert.deepEqual(errors, []);
    if (!link) return;

    // The whole run goes into a file: both generators, both Ds, all four optimisers.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save .ganvas file' }).click(),
    ]);
    const saved = await readFile(await download.path());
    assert.equal(saved.subarray(0, 4).toString('latin1'), 'GNVS');
    assert.equal(saved[4], 3, 'a CycleGAN file is format version 3');
    console.log(`# cyclegan-shoes file at step ${step}: ${saved.length} bytes`);

    // The link with the model (both generators) opens the same translations in a fresh page.
    await page.getByRole('button', { name: 'Copy link with model' }).click();
    await page.waitForFunction(() => document.querySelector('#share-link').value.includes('&m='));
    const url = await page.getByLabel('Share link').inputValue();
    assert.match(url, /model=cyclegan-shoes/, url);
    console.log(`# cyclegan-shoes link with model: ${url.length} characters`);
    const fresh = await open(browser, url);
    assert.equal(await fresh.page.getByLabel('Model', { exact: true }).inputValue(), 'cyclegan-shoes');
    await fresh.page.getByLabel('Held-out score').filter({ hasText: new RegExp(`step ${step}:`) })
      .waitFor({ timeout: 180_000 });
    assert.equal((await status(fresh.page)).step, step, 'the link opens at its step');

    // Picking other classes rebuilds the model for them, and goes in the link.
    await fresh.page.getByLabel('Class A').selectOption({ label: 'sandal' });
    await fresh.page.getByLabel('Held-out score').filter({ hasText: /\(sandal\) and [\d.]+ \(boot\)/ })
      .waitFor({ timeout: 180_000 });
    assert.equal((await status(fresh.page)).step, 0, 'new classes start a new run');
    await fresh.page.getByRole('button', { name: 'Copy link', exact: true }).click();
    await fresh.page.waitForFunction(() => document.querySelector('#share-link').value.includes('classes=5%2C9')
      || document.querySelector('#share-link').value.includes('classes=5,9'));

    // The file opens at its step, with its own classes, and training goes on from it.
    await fresh.page.getByLabel('Open a .ganvas file').setInputFiles({
      name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: saved,
    });
    await fresh.page.getByText(/Opened ganvas-step-\d+\.ganvas/).waitFor({ timeout: 120_000 });
    assert.equal((await status(fresh.page)).step, step, 'the file opens at its step');
    await fresh.page.getByLabel('Held-out score').filter({ hasText: scored }).waitFor({ timeout: 120_000 });
    await screenshot(fresh.page, `${name}-reopened`);
    assert.deepEqual(fresh.errors, []);
  } finally {
    await browser.close();
  }
}

test('CycleGAN between sneakers and ankle boots on the CPU: both cycles, score, explain mode, the pad, link, file, classes', async () => {
  await translates('?backend=cpu', 'cyclegan-cpu', 3, { explain: true, pad: true });
});

// The link is the CPU test's: a fresh WebGPU page would compile every kernel again.
test('CycleGAN between sneakers and ankle boots on WebGPU: both cycles and the score', async () => {
  await translates('?backend=gpu', 'cyclegan-webgpu', 2, { link: false });
});
