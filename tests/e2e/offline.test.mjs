// Offline and installable: after one visit the service worker has the page, the wasm and the
// data used, so a reload with the network gone still opens and trains (the toy and MNIST).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve, launch, status, waitForStep, screenshot,
} from './harness.mjs';

let server;
// Set to change what wasm-bindgen's snippets serve, as a new build that edits one would.
let snippetEdit = null;
before(async () => {
  server = await serve({
    rewrite: (path, body) => (snippetEdit && path.includes('/snippets/')
      ? Buffer.concat([body, Buffer.from(`\n// ${snippetEdit}\n`)])
      : body),
  });
});
after(async () => { await server.close(); });

const samples = (page) => page.getByLabel("Generated images from a fixed set of noise vectors, with D's verdict on each");

async function ready(page) {
  await page.getByRole('button', { name: 'Train', exact: true }).waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => !document.querySelector('button')?.disabled, null, { timeout: 120_000 });
}

test('after one visit the page opens and trains offline, MNIST included', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, serviceWorkers: 'allow' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}?backend=cpu`);
    await ready(page);
    // Installed (the page and its hashed files cached) and in control of the page.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel=manifest]').href;
      return (await fetch(href)).json();
    });
    assert.equal(manifest.short_name, 'GANvas');
    // MNIST once, so that its data is cached on first use.
    await page.getByLabel('Dataset', { exact: true }).selectOption('mnist');
    await samples(page).waitFor({ timeout: 60_000 });
    await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 60_000 });

    // A snippet's URL does not change when a new build edits it: the service worker must
    // fetch the new one (the new glue needs it), not serve the one it cached.
    const snippet = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => e.name).find((n) => n.includes('/snippets/')));
    assert.ok(snippet, 'the page loaded a wasm-bindgen snippet');
    assert.ok(await page.evaluate((u) => caches.match(u).then((r) => r !== undefined), snippet),
      'the snippet is cached for offline use');
    snippetEdit = 'edited by a later build';
    const served = await page.evaluate((u) => fetch(u).then((r) => r.text()), snippet);
    assert.match(served, /edited by a later build/, 'a returning visitor gets the edited snippet');
    // Back to this build's snippet (the page's integrity hashes name it), cached again.
    snippetEdit = null;
    const restored = await page.evaluate((u) => fetch(u).then((r) => r.text()), snippet);
    assert.doesNotMatch(restored, /edited by a later build/);

    await context.setOffline(true);
    assert.equal(
      await page.evaluate(() => fetch('/not-cached.txt').then(() => 'online', () => 'offline')),
      'offline',
      'the network is really gone',
    );
    await page.reload(); // the fragment keeps MNIST chosen
    await ready(page);
    await samples(page).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 1, 60_000);
    await screenshot(page, 'offline-mnist');
    // And the toy.
    await page.getByLabel('Dataset', { exact: true }).selectOption('quadratic');
    await page.waitForFunction(() => /^step 0 /.test(document.querySelector('[role=status]').textContent));
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await waitForStep(page, 1, 60_000);
    assert.match((await status(page)).text, /CPU/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
