#!/usr/bin/env node
// Web performance budgets of the playground, measured in headless Chromium
// (Debian's /usr/bin/chromium through playwright-core):
//
//   * frame: 8 optimizers racing on a 600×600 heatmap, wasm time of
//     step + render per frame (Playground.frame_time_ms), ~300 frames.
//     Budget: 4 ms.
//   * heatmap rebuild after a surface change (set_surface / set_expr +
//     render). Budget: 50 ms.
//   * page weight of the first view, gzipped (wasm + JS + CSS + HTML).
//     Budget: 1 MB.
//   * the stochastic view's map rebuild for data-built surfaces up to the
//     10,000-example cap. Budget: 50 ms.
//   * MLP training steps per second in wasm (2-64-64-2 batch 32 and
//     2-256-256-2 batch 256, Adam), against bench/torch_mlp.py (PyTorch
//     eager, one thread) when PyTorch is installed. Budget: 3×.
//
// Usage: node scripts/bench-web.mjs [--frames 300] [--train-seconds 3] [--json out.json]
// Needs a build in dist/ (`trunk build --release --offline`); builds one if
// dist/ is empty. Prints a markdown table for the README.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { serveStatic, launchBrowser, distIsBuilt, DIST, ROOT } from '../tests/e2e/harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const FRAMES = Number(option('--frames', '300'));
const JSON_OUT = option('--json', null);

const BUDGET = { frameMs: 4, rebuildMs: 50, weightBytes: 1_000_000, trainRatio: 3 };
// Seconds of timed training per MLP shape (wasm and PyTorch alike).
const TRAIN_SECONDS = Number(option('--train-seconds', '3'));
// The PyTorch side of the training ratio: bench/torch_mlp.py (one CPU
// thread) run with this Python when it exists; SGDLAB_TORCH_PYTHON=none skips it.
const TORCH_PYTHON = process.env.SGDLAB_TORCH_PYTHON || '/work/venv-torch/bin/python';

/** {shape → steps/s} from bench/torch_mlp.py, or null without PyTorch. */
function torchRates() {
  const script = path.join(ROOT, 'bench', 'torch_mlp.py');
  if (TORCH_PYTHON === 'none' || !fs.existsSync(TORCH_PYTHON) || !fs.existsSync(script)) return null;
  try {
    const out = execFileSync(TORCH_PYTHON, [script, '--seconds', String(TRAIN_SECONDS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const rates = {};
    for (const line of out.split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      const row = JSON.parse(line);
      rates[row.shape] = row.steps_per_s;
    }
    return rates;
  } catch (error) {
    console.error(`PyTorch timing failed: ${error.message}`);
    return null;
  }
}

/** The wasm-vs-PyTorch training table (budget: wasm ≥ 3× PyTorch eager, one thread). */
function trainTable(train, torch) {
  const lines = [
    '| MLP training (Adam, one thread) | wasm steps/s (best; median) | PyTorch eager steps/s | wasm / PyTorch | budget | verdict |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of train) {
    const theirs = torch ? torch[row.shape] : undefined;
    const ratio = theirs ? row.steps_per_s / theirs : null;
    lines.push(
      `| ${row.shape}, batch ${row.batch} | ${row.steps_per_s.toFixed(0)}; ${row.median.toFixed(0)} | ${theirs ? theirs.toFixed(0) : '— (no PyTorch)'} | ${ratio ? `${ratio.toFixed(2)}×` : '—'} | ≥ ${BUDGET.trainRatio}× | ${ratio ? verdict(ratio >= BUDGET.trainRatio) : '—'} |`,
    );
  }
  return lines;
}

if (!distIsBuilt()) {
  console.error('dist/ is empty: building with trunk first');
  const env = { ...process.env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${path.join(os.homedir(), '.cargo', 'bin')}:${process.env.PATH}` };
  execFileSync('trunk', ['build', '--release', '--offline'], { cwd: ROOT, stdio: 'inherit', env });
}

/** gzip -9 size of the files the first view of index.html loads. */
function pageWeight() {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const files = new Set(['index.html', 'sgdlab-web.js', 'sgdlab-web_bg.wasm']);
  // Stylesheets and module scripts named in the page, plus their imports.
  for (const m of html.matchAll(/(?:href|src)="([^"#?]+\.(?:css|js))"/g)) files.add(m[1]);
  const queue = [...files].filter((f) => f.endsWith('.js') && f.startsWith('js/'));
  while (queue.length) {
    const file = queue.pop();
    const text = fs.readFileSync(path.join(DIST, file), 'utf8');
    for (const m of text.matchAll(/from '(\.\/[^']+\.js)'/g)) {
      const dep = path.posix.join(path.posix.dirname(file), m[1]);
      if (!files.has(dep)) {
        files.add(dep);
        queue.push(dep);
      }
    }
  }
  const rows = [...files].sort().map((file) => {
    const body = fs.readFileSync(path.join(DIST, file));
    return { file, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
  });
  const total = rows.reduce((s, r) => s + r.gzip, 0);
  return { rows, total };
}

const ms = (v) => (typeof v === 'number' ? v.toFixed(2) : '—');
const kb = (v) => `${(v / 1024).toFixed(1)} KiB`;
const verdict = (ok) => (ok ? 'within budget' : '**over budget**');
// Verdicts: frames by their mean, rebuilds by their median; p95 and max shown beside.

async function main() {
  const server = await serveStatic(DIST);
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 });

  const version = browser.version();
  // 1 step per frame, the page's default speed (2), and the top speed (50).
  const runs = [];
  // Paths grow as a run goes on, so the default speed is also timed from
  // step 5,000 on.
  for (const [stepsPerFrame, prefix] of [[1, 0], [2, 0], [2, 5000], [50, 0]]) {
    runs.push(await page.evaluate(([count, k, p]) => window.sgdlabBench.frames({ count, stepsPerFrame: k, prefix: p }), [FRAMES, stepsPerFrame, prefix]));
  }
  const frames1 = runs[0];
  const rebuilds = await page.evaluate(() => window.sgdlabBench.rebuilds());
  const stochastic = await page.evaluate(() => window.sgdlabBench.stochasticRebuilds());
  const train = await page.evaluate((seconds) => window.sgdlabBench.train({ seconds }), TRAIN_SECONDS);
  await browser.close();
  await server.close();
  const weight = pageWeight();

  const lines = [];
  lines.push(`Headless Chromium ${version}, ${os.cpus().length} × ${os.cpus()[0].model.trim()}, canvas ${frames1.canvas}.`);
  lines.push('');
  lines.push('| measurement | mean | median | p95 | max | budget | verdict |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const f of runs) {
    lines.push(
      `| frame: ${f.racers} optimizers on ${f.surface}, ${f.stepsPerFrame} step${f.stepsPerFrame > 1 ? 's' : ''}/frame${f.prefix ? `, from step ${f.prefix}` : ''} (wasm ms, ${f.wasm.n} frames) | ${ms(f.wasm.mean)} | ${ms(f.wasm.median)} | ${ms(f.wasm.p95)} | ${ms(f.wasm.max)} | ≤ ${BUDGET.frameMs} ms | ${verdict(f.wasm.mean <= BUDGET.frameMs)} |`,
    );
  }
  for (const r of rebuilds) {
    const label = r.surface.length > 48 ? `${r.surface.slice(0, 45)}…` : r.surface;
    lines.push(
      `| heatmap rebuild: ${label.replaceAll('|', '\\|')} (set + render, ms, ${r.ms.n} runs) | ${ms(r.ms.mean)} | ${ms(r.ms.median)} | ${ms(r.ms.p95)} | ${ms(r.ms.max)} | ≤ ${BUDGET.rebuildMs} ms | ${r.error ? `error: ${r.error}` : verdict(r.ms.median <= BUDGET.rebuildMs)} |`,
    );
  }
  for (const r of stochastic) {
    lines.push(
      `| stochastic map rebuild: ${r.case} (ms, ${r.ms.n} runs) | ${ms(r.ms.mean)} | ${ms(r.ms.median)} | ${ms(r.ms.p95)} | ${ms(r.ms.max)} | ≤ ${BUDGET.rebuildMs} ms | ${verdict(r.ms.median <= BUDGET.rebuildMs)} |`,
      `| stochastic frame (step + overlay + curve): ${r.case} (wasm ms) | ${ms(r.frame.mean)} | ${ms(r.frame.median)} | ${ms(r.frame.p95)} | ${ms(r.frame.max)} | — | noise panel: ${r.noise.map((x) => `K=${x.k} ${ms(x.ms)} ms`).join(', ')} |`,
    );
  }
  lines.push('');
  lines.push(...trainTable(train, torchRates()));
  lines.push('');
  lines.push('| first-view file | raw | gzip -9 |');
  lines.push('|---|---|---|');
  for (const r of weight.rows) lines.push(`| ${r.file} | ${kb(r.raw)} | ${kb(r.gzip)} |`);
  lines.push(`| **total** | ${kb(weight.rows.reduce((s, r) => s + r.raw, 0))} | **${kb(weight.total)}** (${verdict(weight.total <= BUDGET.weightBytes)}, budget 1 MB) |`);
  if (frames1.racerErrors.length || frames1.surfaceError) {
    lines.push('');
    lines.push(`Setup messages: ${[frames1.surfaceError, ...frames1.racerErrors].filter(Boolean).join('; ')}`);
  }
  if (problems.length) {
    lines.push('');
    lines.push(`Page errors during the run: ${problems.join(' | ')}`);
  }
  console.log(lines.join('\n'));

  if (JSON_OUT) {
    fs.writeFileSync(JSON_OUT, JSON.stringify({ chromium: version, frames: runs, rebuilds, stochastic, train, weight, budget: BUDGET }, null, 2));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
