// Prints scripts/bench.sh's table from the raw results it left in a folder:
//   node scripts/bench-table.mjs target/bench
// native-{cpu,wgpu}.jsonl (`ganvas bench --json`), peer.jsonl (scripts/peer/torch_gans.py),
// browser-{cpu,gpu}.json (tests/e2e/bench.mjs), wasm.json and meta.json. A missing file or a
// failed cell prints as "n/a (why)"; the table always prints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'target/bench';

function read(name) {
  try {
    return readFileSync(join(dir, name), 'utf8');
  } catch {
    return null;
  }
}
function json(name) {
  const text = read(name);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return { error: `unreadable ${name}: ${e.message}` };
  }
}
function jsonLines(name) {
  const text = read(name);
  if (text === null) return null;
  return text.split('\n').filter((l) => l.trim()).map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return { error: `unreadable line in ${name}` };
    }
  });
}

/** A cell: a result with the common figures, or { error }. */
function fromLines(lines, preset, skipped) {
  if (lines === null) return { error: skipped };
  const row = lines.find((l) => l.preset === preset) ?? lines.find((l) => l.preset === '*');
  return row ?? { error: 'not run' };
}

function fromBrowser(report, preset, device, skipped) {
  if (report === null) return { error: skipped };
  const results = report.results ?? [];
  const timed = (r) => !('digits_s' in r) && !r.digits_error;
  const row = results.find((r) => timed(r) && r.model === preset && (r.device === device || !r.device));
  if (row) {
    return row.error ? row : {
      ...row,
      pairs_per_sec: preset === 'toy-quadratic' ? row.updates_per_sec / 2 : undefined,
    };
  }
  const deviceError = results.find((r) => !r.model && !r.dataset && r.error);
  const dataError = results.find((r) => r.dataset && r.error);
  const error = deviceError?.error ?? (report.error && `not finished: ${report.error}`)
    ?? (dataError && preset !== 'toy-quadratic' ? `MNIST: ${dataError.error}` : 'not run');
  return { error };
}

const meta = json('meta.json') ?? {};
const presets = (meta.presets ?? '').split(',').filter(Boolean);
const flex = jsonLines('native-cpu.jsonl');
const wgpu = jsonLines('native-wgpu.jsonl');
const peer = jsonLines('peer.jsonl');
const browserCpu = json('browser-cpu.json');
const browserGpu = json('browser-gpu.json');
const wasm = json('wasm.json');

const number = (x, digits) => (x === undefined || x === null || Number.isNaN(x) ? '-' : x.toFixed(digits));
const rate = (x) => (x === undefined || x === null ? '-' : number(x, x < 10 ? 2 : x < 100 ? 1 : 0));
const threads = peer?.find((p) => p.threads)?.threads;

const header = ['preset', 'device', 'batch', 'steps/s', 'samples/s', 'pairs/s', 'first step ms', 'warmed ms', 'note'];
const rows = [];
for (const preset of presets) {
  const torch = peer ? peer.find((p) => p.preset === preset) : null;
  const peerError = peer?.find((p) => p.preset === '*');
  const cells = [
    ['native Flex', fromLines(flex, preset, 'not run')],
    ['native wgpu', fromLines(wgpu, preset, 'not run')],
    ['browser CPU', fromBrowser(browserCpu, preset, 'CPU', 'skipped (--no-browser)')],
    ['browser WebGPU', fromBrowser(browserGpu, preset, 'WebGPU', 'skipped (--no-browser)')],
  ];
  if (torch || (peerError && ['mnist-mlp', 'dcgan', 'dcgan-small'].includes(preset))) {
    cells.push([`PyTorch CPU${threads ? ` (${threads} thr)` : ''}`, torch ?? peerError]);
  }
  cells.forEach(([device, cell], index) => {
    const name = index === 0 ? preset : '';
    if (cell.error) {
      rows.push([name, device, '', '', '', '', '', '', `n/a (${cell.error})`]);
      return;
    }
    let note = '';
    if (device === 'native Flex' && torch && !torch.error && torch.steps_per_sec > 0) {
      note = `${(cell.steps_per_sec / torch.steps_per_sec).toFixed(2)}× PyTorch`;
    } else if (device.startsWith('PyTorch')) {
      note = `torch ${cell.torch}, ${cell.step}`;
    }
    const pairs = preset === 'toy-quadratic' ? rate(cell.pairs_per_sec) : '';
    rows.push([name, device, String(cell.batch ?? ''), rate(cell.steps_per_sec),
      number(cell.samples_per_sec, 0), pairs, number(cell.first_step_ms, 0),
      number(cell.warm_first_step_ms, 0), note]);
  });
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const right = new Set([2, 3, 4, 5, 6, 7]);
const line = (cells) => cells.map((c, i) => {
  if (i === cells.length - 1) return c;
  return right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]);
}).join('  ').trimEnd();

console.log(`GANvas benchmark · ${meta.date ?? '?'} · commit ${meta.commit ?? '?'} · ${meta.cpu ?? '?'}, ${meta.cores ?? '?'} cores`);
console.log(`native (${meta.profile ?? 'release'} profile) and PyTorch: ${meta.seconds ?? '?'} s timed per preset after warm-up; browser: at most ${meta.browser_steps ?? '?'} steps or ${meta.browser_seconds ?? '?'} s per model`);
console.log('');
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
let first = true;
for (const row of rows) {
  if (row[0] && !first) console.log('');
  first = false;
  console.log(line(row));
}
console.log('');
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
if (wasm === null) console.log('wasm: n/a (skipped (--no-browser))');
else if (wasm.error) console.log(`wasm: n/a (${wasm.error})`);
else console.log(`wasm (${wasm.file}): raw ${mb(wasm.raw)}, gzip -9 ${mb(wasm.gzip)}, brotli ${mb(wasm.brotli)}`);
for (const [device, report] of [['CPU', browserCpu], ['WebGPU', browserGpu]]) {
  for (const load of report?.results?.filter((r) => r.dataset && !r.error) ?? []) {
    console.log(`browser ${device}: ${load.dataset} loaded in ${load.load_ms} ms (fetch, gunzip, decode)`);
  }
}
// Time to digits: from Train to the first classifier score with every class ≥ 5 % and mean
// confidence ≥ 0.8 (scored every 3 s of training, as the page scores).
const digits = [];
for (const [device, report] of [['CPU', browserCpu], ['WebGPU', browserGpu]]) {
  for (const r of report?.results ?? []) {
    if (r.digits_error) digits.push([r.model, device, `n/a (${r.digits_error})`]);
    else if ('digits_s' in r) {
      digits.push([r.model, device, r.digits_s === null
        ? `not within ${r.gave_up_s} s (${r.steps} steps; FD ${r.fd}, confidence ${r.confidence}, rarest class ${(100 * r.rarest_share).toFixed(1)} %)`
        : `${r.digits_s} s (step ${r.digits_step}; FD ${r.fd}, confidence ${r.confidence})`]);
    }
  }
}
if (digits.length > 0) {
  console.log('');
  console.log(`browser time to digits (every class ≥ 5 %, mean confidence ≥ 0.8; limit ${meta.digits_s ?? '?'} s):`);
  digits.sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
  for (const [model, device, text] of digits) console.log(`  ${model.padEnd(24)} ${device.padEnd(7)} ${text}`);
}
console.log('pairs/s: D + G update pairs per second (the toy does 10 D and 10 G updates a step).');
console.log('first step ms: from creating the GAN to its first step\'s statistics read back (browser: from the start of the model\'s run; WebGPU shader compiles and autotune included).');
console.log('warmed ms: the same for a second fresh GAN of the same kind on the same device, once the first trained and drew: what Train costs after the page\'s warm-up compiled the kernels.');
