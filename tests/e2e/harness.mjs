// Shared set-up for the end-to-end tests: a static server for the built site on 127.0.0.1 and
// headless Chromium (Debian's) driven through playwright-core.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = new URL('../../', import.meta.url).pathname;
export const DIST = process.env.GANVAS_DIST ?? join(ROOT, 'dist');
export const SHOTS = join(ROOT, 'target', 'e2e');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.png': 'image/png', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json',
};

/**
 * Serves DIST on a free loopback port; resolves to { url, close }. `rewrite(path, bytes)` may
 * change what a file serves (as a new build would).
 */
export async function serve({ rewrite = (path, body) => body } = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = rewrite(path, await readFile(file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

const BASE_ARGS = [
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-dev-shm-usage',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/** Headless Chromium with WebGPU (SwiftShader's software adapter), or without it. */
export async function launch({ webgpu = true } = {}) {
  const args = webgpu
    ? [...BASE_ARGS, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader']
    : [...BASE_ARGS, '--disable-gpu', '--disable-features=WebGPU'];
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args,
  });
}

/**
 * Opens the app; resolves once the status line shows the device it trains on, with the
 * page's console errors (`errors`) and every console message (`logs`) as they come. The service
 * worker is blocked (each test page is a fresh profile: installing it would copy the whole
 * site into its cache every time); `offline.test.mjs` tests it. `init` runs in the page before
 * its own scripts.
 */
export async function open(browser, url, query = '', { init } = {}) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, serviceWorkers: 'block' });
  if (init) await page.addInitScript(init); // runs in the page before any of its scripts
  const errors = [];
  const logs = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    logs.push(m.text());
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${url}${query}`);
  await page.getByRole('button', { name: 'Train', exact: true }).waitFor();
  await page.waitForFunction(
    () => !document.querySelector('button')?.disabled,
    null, { timeout: 120_000 },
  );
  return { page, errors, logs };
}

/** The numbers in the status line. */
export async function status(page) {
  const text = await page.getByRole('status').innerText();
  const number = (re) => Number((text.match(re) ?? [])[1]);
  return {
    text,
    step: number(/step (\d+)/),
    dLoss: number(/D loss (-?[\d.]+|NaN|inf)/),
    gLoss: number(/G loss (-?[\d.]+|NaN|inf)/),
    stepsPerSec: number(/([\d.]+) steps\/s/),
  };
}

/** Waits until the status line shows at least `n` steps. */
export async function waitForStep(page, n, timeout = 120_000) {
  await page.waitForFunction(
    (min) => Number((document.querySelector('[role=status]')?.textContent.match(/step (\d+)/) ?? [])[1]) >= min,
    n, { timeout },
  );
}

/** The playground canvas as a data URL (to compare pixels before and after). */
export async function canvasPixels(page) {
  return page.locator('canvas').first().evaluate((c) => c.toDataURL());
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * The step count once training has stopped after Pause. The chunk in flight when Pause is
 * pressed still lands (seconds on SwiftShader); the status line says "pausing…" until it has
 * landed and been drawn. Two reads 250 ms apart without it, and the count must agree.
 */
export async function settledStep(page, { timeoutMs = 120_000 } = {}) {
  const start = Date.now();
  let last = null;
  while (Date.now() - start < timeoutMs) {
    const now = await status(page);
    if (/pausing/.test(now.text)) {
      last = null;
    } else if (last !== null && last.step === now.step) {
      return now.step;
    } else {
      last = now;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`still pausing after ${timeoutMs} ms: ${(await status(page)).text}`);
}

/** Pixels of a canvas (found by its label) that differ from its corner: what was drawn. */
export async function inkedPixels(page, label) {
  return page.getByLabel(label).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 60) inked += 1;
    }
    return inked;
  });
}

/** A gzip-free IDX file of `count` 28×28 images, pixel (y, x) of image i bright where
 * `bright(i, y, x)`. */
export function idxImages(count, bright) {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  const body = Buffer.alloc(count * 784);
  for (let i = 0; i < count; i += 1) {
    for (let y = 0; y < 28; y += 1) {
      for (let x = 0; x < 28; x += 1) if (bright(i, y, x)) body[i * 784 + y * 28 + x] = 255;
    }
  }
  return Buffer.concat([header, body]);
}

/** Walks explain mode's seven phases with Next; returns "heading: text" for each, none with
 * NaN or inf in it. */
export async function explainPhases(page) {
  const heading = page.locator('.explain h3');
  const texts = [];
  for (let i = 0; i < 7; i += 1) {
    const text = await page.locator('.explain p').innerText();
    if (/NaN|inf/.test(text)) throw new Error(`phase ${i + 1} reads ${text}`);
    texts.push(`${await heading.innerText()}: ${text}`);
    if (i < 6) await page.getByRole('button', { name: 'Next' }).click();
  }
  return texts;
}

/** The training buttons, by their accessible names. */
export const train = (page) => page.getByRole('button', { name: 'Train', exact: true });
export const pause = (page) => page.getByRole('button', { name: 'Pause' });
export const step = (page) => page.getByRole('button', { name: 'Step', exact: true });

/** Types `value` into the field labelled `label` and presses Enter, as a person would. */
export async function setField(page, label, value) {
  await page.getByLabel(label).fill(value);
  await page.getByLabel(label).press('Enter');
}

/**
 * Starts counting the page thread's animation frames and long tasks (> 50 ms); `responsiveness`
 * reads them.
 */
export async function watchResponsiveness(page) {
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
    window.frames = 0;
    const tick = () => { window.frames += 1; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
}

/** Animation frames counted so far, and the long tasks' durations (ms). */
export async function responsiveness(page) {
  return page.evaluate(() => ({ frames: window.frames, longTasks: window.longTasks }));
}
