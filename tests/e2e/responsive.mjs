// How the page keeps up while a model trains, as a person sees it (issue 12's figure, before
// and after training leaves the page's thread):
//   node tests/e2e/responsive.mjs [model] [backend] [seconds] [thread]
// (defaults: mnist-mlp, cpu, 20, worker; thread `page` trains on the page's own thread,
// `?train=page`). Serves the built site (dist/), opens the page on the model
// with its default views, presses Train, and over `seconds` counts the page thread's animation
// frames and its long tasks (> 50 ms); prints frames per second, the long tasks (count,
// longest, total), and the steps per second the status line shows. A benchmark: it prints
// figures and asserts nothing.
import {
  serve, launch, open, status, waitForStep, screenshot, watchResponsiveness, responsiveness,
} from './harness.mjs';

const [model = 'mnist-mlp', backend = 'cpu', seconds = '20', thread = 'worker'] = process.argv.slice(2);
const image = !['toy-quadratic', 'mlp'].includes(model);
const server = await serve();
const browser = await launch();
try {
  const fragment = image ? `#data=mnist&model=${model}` : `#model=${model}`;
  const onPage = thread === 'page' ? '&train=page' : '';
  const { page, errors } = await open(browser, server.url, `?backend=${backend}${onPage}${fragment}`);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForStep(page, 1, 300_000);
  const before = await status(page);
  await watchResponsiveness(page);
  const start = Date.now();
  await page.waitForTimeout(Number(seconds) * 1000);
  const elapsed = (Date.now() - start) / 1000;
  const { frames, longTasks } = await responsiveness(page);
  const after = await status(page);
  await screenshot(page, `responsive-${model}-${backend}`);
  const total = longTasks.reduce((a, b) => a + b, 0);
  console.log(`${model} on ${backend} in the ${thread === 'page' ? 'page' : 'worker'}, ${elapsed.toFixed(1)} s of training with the default views:`);
  console.log(`  page thread: ${(frames / elapsed).toFixed(1)} fps; long tasks (> 50 ms): ${longTasks.length}, `
    + `longest ${Math.max(0, ...longTasks).toFixed(0)} ms, ${(total / elapsed / 10).toFixed(1)} % of the time`);
  console.log(`  training: step ${before.step} → ${after.step} (${((after.step - before.step) / elapsed).toFixed(1)} steps/s); `
    + `status line: ${after.text}`);
  if (errors.length) console.log(`  page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  await server.close();
}
