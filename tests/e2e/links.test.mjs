// Links: the setup lives in the URL fragment; classroom links hide controls and start training;
// a damaged link says so and leaves the defaults.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve, launch, open, status, waitForStep, screenshot, settledStep, setField,
} from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

const fragment = (page) => page.evaluate(() => decodeURIComponent(location.hash));

test('the fragment follows the settings, and opening it restores them', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    assert.equal(await fragment(page), '', 'defaults need no fragment');
    await page.getByLabel('Dataset').selectOption('ring8');
    await page.getByLabel('Loss', { exact: true }).selectOption('wgan-gp');
    await setField(page, 'D steps per G step (k)', '5');
    await page.getByRole('checkbox', { name: 'Generator manifold' }).check();
    const link = await fragment(page);
    assert.match(link, /data=ring8/);
    assert.match(link, /loss=wgan-gp/);
    assert.match(link, /k=5/);
    assert.match(link, /show=real,fake,heatmap,manifold,features/);

    const copy = await browser.newPage();
    await copy.goto(page.url());
    await copy.getByRole('button', { name: 'Train', exact: true }).waitFor();
    assert.equal(await copy.getByLabel('Dataset').inputValue(), 'ring8');
    assert.equal(await copy.getByLabel('Loss', { exact: true }).inputValue(), 'wgan-gp');
    assert.equal(await copy.getByLabel('D steps per G step (k)').inputValue(), '5');
    assert.ok(await copy.getByRole('checkbox', { name: 'Generator manifold' }).isChecked());
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a classroom link hides the controls it names and starts training', async () => {
  const browser = await launch();
  try {
    // Not `open()`: this page never shows "Train", it starts training by itself.
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}?backend=cpu#data=two-moons&hide=loss,tricks,networks&start=training`);
    await page.getByRole('button', { name: 'Pause' }).waitFor({ timeout: 120_000 });
    await waitForStep(page, 3);
    assert.match((await status(page)).text, /step \d+/);
    for (const hidden of ['Loss', 'Model', 'Noise dimensions']) {
      assert.equal(await page.getByLabel(hidden, { exact: true }).isVisible(), false, `${hidden} is hidden`);
    }
    assert.equal(await page.getByText('Tricks').isVisible(), false);
    assert.ok(await page.getByLabel('Dataset').isVisible(), 'other controls stay');
    assert.equal(await page.getByLabel('Dataset').inputValue(), 'two-moons');
    await screenshot(page, 'classroom-link');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a damaged link shows a message and the defaults stay', async () => {
  const browser = await launch();
  try {
    const { page } = await open(browser, server.url, '?backend=cpu#data=ring8&k=lots');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /This link could not be used: “k=lots” is not a number/);
    assert.equal(await page.getByLabel('Dataset').inputValue(), 'quadratic', 'defaults, not half a link');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 1);

    const other = await browser.newPage();
    await other.goto(`${server.url}?backend=cpu#dataset=ring8`);
    await other.getByRole('alert').waitFor();
    assert.match(await other.getByRole('alert').innerText(), /unknown setting “dataset”/);
  } finally {
    await browser.close();
  }
});

/** The playground's pixels, for comparing two pages. */
async function playgroundPixels(page) {
  return page.getByLabel(/Real samples \(blue\)/).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return Array.from(data);
  });
}

test('a link with the model opens the same samples in a fresh page', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu');
    // D is not in the link, so compare with its heatmap hidden: G alone draws the fakes.
    await page.getByRole('checkbox', { name: 'Decision heatmap' }).uncheck();
    await page.getByRole('checkbox', { name: 'Real samples' }).uncheck();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 200);
    await page.getByRole('button', { name: 'Pause' }).click();
    const steps = await settledStep(page);
    await page.getByRole('button', { name: 'Copy link with model' }).click();
    await page.waitForFunction(() => document.querySelector('#share-link').value.includes('&m='));
    const url = await page.getByLabel('Share link').inputValue();
    const note = await page.locator('.share .hint').innerText();
    console.log(`# ${note} (${url.length} characters of URL)`);
    assert.match(note, /Link with the generator copied: \d+ characters \(f16\)/);
    assert.ok(url.length < 2600, `toy link with settings: ${url.length} characters`);
    const before = await playgroundPixels(page);

    const fresh = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await fresh.goto(url);
    await fresh.waitForFunction((n) => new RegExp(`step ${n} `).test(document.querySelector('[role=status]')?.textContent ?? ''), steps, { timeout: 120_000 });
    await fresh.waitForTimeout(800);
    const after = await playgroundPixels(fresh);
    let differing = 0;
    for (let i = 0; i < before.length; i += 4) {
      if (Math.abs(before[i] - after[i]) + Math.abs(before[i + 1] - after[i + 1]) + Math.abs(before[i + 2] - after[i + 2]) > 30) differing += 1;
    }
    const share = differing / (before.length / 4);
    console.log(`# restored page: ${(share * 100).toFixed(2)} % of pixels differ`);
    assert.ok(share < 0.01, `${(share * 100).toFixed(2)} % of pixels differ`);
    await screenshot(fresh, 'model-link-restored');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('damaged and future model links say so; the page still trains', async () => {
  const browser = await launch();
  try {
    const { page } = await open(browser, server.url, '?backend=cpu#m=R05WUwEIAABCAAAAAPxHuy2IsQnAIBQFn58UqTPCLzNC4joKNhaioIiImzmaih4cHPcAyKxN9MEp');
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /The model in this link could not be opened: this link or file is damaged/);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 1);

    const future = Buffer.concat([Buffer.from('GNVS'), Buffer.from([5]), Buffer.alloc(11)]).toString('base64url');
    const other = await browser.newPage();
    await other.goto(`${server.url}?backend=cpu#m=${future}`);
    await other.getByRole('alert').waitFor();
    assert.match(await other.getByRole('alert').innerText(), /made by a newer GANvas \(format version 5/);
  } finally {
    await browser.close();
  }
});

test('a .ganvas file saves the whole run and opens it again', async () => {
  const browser = await launch();
  try {
    const { page, errors } = await open(browser, server.url, '?backend=cpu#data=ring8');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStep(page, 20);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForTimeout(500);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save .ganvas file' }).click(),
    ]);
    const path = await download.path();
    const steps = Number(download.suggestedFilename().match(/^ganvas-step-(\d+)\.ganvas$/)?.[1]);
    assert.ok(steps >= 20, download.suggestedFilename());

    // A fresh page on other data: the file brings back its model and its settings.
    const fresh = (await open(browser, server.url, '?backend=cpu')).page;
    await fresh.getByLabel('Open a .ganvas file').setInputFiles(path);
    await fresh.waitForFunction((n) => new RegExp(`step ${n} `).test(document.querySelector('[role=status]').textContent), steps);
    assert.equal(await fresh.getByLabel('Dataset').inputValue(), 'ring8');
    await fresh.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(fresh, steps + 1);

    // Garbage is refused and the model stays.
    await fresh.getByLabel('Open a .ganvas file').setInputFiles({ name: 'notes.ganvas', mimeType: 'application/octet-stream', buffer: Buffer.from('hello') });
    await fresh.getByRole('alert').waitFor();
    assert.match(await fresh.getByRole('alert').innerText(), /Could not open notes\.ganvas: this is not a GANvas model\. The current model is unchanged/);
    assert.ok((await status(fresh)).step >= steps + 1);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
