// CycleGAN between two uploaded sets: set A (vertical bars) and set B (horizontal bars), chosen
// one after the other. The page says what it has read, a bad file for one set changes nothing,
// and once both are read CycleGAN trains between them: the classes are "set A" and "set B",
// the rows show both, and training changes the translations. On the CPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve, launch, open, status, waitForStep, screenshot, settledStep, inkedPixels, idxImages,
} from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

/** `count` 28×28 images in an IDX file: bars, upright or lying, at shifting places. */
function idxBars(count, upright) {
  return idxImages(count, (i, y, x) => {
    const [along, across] = upright ? [y, x] : [x, y];
    const at = 6 + (i % 14);
    return along >= 4 && along < 24 && across >= at && across < at + 3;
  });
}

const idx = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
const rows = (page) => page.getByLabel('Held-out images of both classes: each image, its translation into the other class, and the translation back');

test('CycleGAN between two uploaded sets on the CPU: read one by one, trained between', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    const setA = page.getByLabel('Upload set A for CycleGAN (IDX files or pictures)');
    const setB = page.getByLabel('Upload set B for CycleGAN');

    await setA.setInputFiles(idx('upright-idx3-ubyte', idxBars(40, true)));
    await page.getByText('Set A: 40 images. Now choose set B.').waitFor();
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'quadratic', 'one set trains nothing yet');

    // A file that is not images is refused for set B, and set A stays read.
    await setB.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByRole('alert').filter({ hasText: 'Could not use these files as set B' }).waitFor();
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'quadratic');

    await setB.setInputFiles(idx('lying-idx3-ubyte', idxBars(30, false)));
    await page.getByText('CycleGAN trains between set A (40 images) and set B (30 images).').waitFor();
    await rows(page).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), 'cyclegan-shoes');
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'uploaded-images');
    assert.equal(await page.getByLabel('Class A', { exact: true }).inputValue(), '0');
    assert.equal(await page.getByLabel('Class B', { exact: true }).inputValue(), '1');
    assert.equal(await page.locator('#cycle-a option:checked').innerText(), 'set A');
    const score = page.getByLabel('Held-out score');
    // Four of A's and three of B's images are held out; no classifier knows these classes.
    await score.filter({ hasText: /Held-out images \(4 set A, 3 set B\), step 0: .* \(set A\) and [\d.]+ \(set B\)/ })
      .waitFor({ timeout: 120_000 });
    assert.doesNotMatch(await score.innerText(), /classifier/);
    assert.equal(await page.getByRole('alert').count(), 0, 'the old message is gone');
    const before = await rows(page).evaluate((c) => c.toDataURL());

    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 2, 300_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const step = await settledStep(page, { timeoutMs: 180_000 });
    await page.waitForFunction(
      (old) => document.querySelector('canvas.pair-rows').toDataURL() !== old, before, { timeout: 60_000 },
    );
    await score.filter({ hasText: new RegExp(`step ${step}:`) }).waitFor({ timeout: 120_000 });
    // The status line parts both losses: each D's, and each generator's fooling term.
    const line = (await status(page)).text;
    assert.match(line, /D loss [\d.]+ \(D_A [\d.]+, D_B [\d.]+\) · G loss [\d.]+ \(fooling D: G [\d.]+, F [\d.]+\) · cycle [\d.]+/, line);
    assert.ok(await inkedPixels(page, /D_A's and D_B's losses .* and G's and F's adversarial terms/) > 50, 'four loss lines');
    // Each D has its histogram: its class's real rows and the translations into it.
    for (const d of ["D_A's scores on real set A", "D_B's scores on real set B"]) {
      assert.ok(await inkedPixels(page, new RegExp(d)) > 50, `${d}: bars drawn`);
    }
    console.log(`# cyclegan-shoes on two uploaded sets: ${(await status(page)).text}`);
    await screenshot(page, 'cyclegan-two-sets');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
