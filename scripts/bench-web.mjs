#!/usr/bin/env node
// The web performance budgets, measured in headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) on dist/bench.html, through
// WidgetHandle, the JS boundary of the <sgdlab-widget> element:
//
//   * frame: 8 optimizers racing on a 600×600 heatmap, wasm time of one
//     played frame (steps + redraw, WidgetHandle.frame_time_ms), ~300
//     frames. Budget: 4 ms.
//   * heatmap rebuild after a surface change (set + render). Budget: 50 ms.
//   * the stochastic view's map rebuild for data-built surfaces up to the
//     10,000-example cap. Budget: 50 ms.
//   * four playing widgets (two landscapes, the stochastic view, the
//     training lab), all in view: main-thread time per frame, counted three
//     ways: the animation-frame callbacks (the element's loop, JS and
//     wasm), the wasm time the handles report, and Chromium's own task
//     time (CDP Performance.getMetrics). Budget: 8 ms.
//   * page weight, gzipped: every file the landscape page (the first
//     view) loads, and the same for a page with four widgets, where the
//     wasm must load once. Budget: 1 MB.
//   * MLP training steps per second in wasm (2-64-64-2 batch 32 and
//     2-256-256-2 batch 256, Adam), against bench/torch_mlp.py (PyTorch
//     eager, one thread) when PyTorch is there. Budget: 3×.
//
// Usage: node scripts/bench-web.mjs [--frames 300] [--train-seconds 3] [--json out.json]
//        [--only frames,rebuilds,four,train,weight]
// Needs a build in dist/ (`trunk build --release --offline`); builds one if
// dist/ is empty. PyTorch comes from $SGDLAB_TORCH_PYTHON, else
// tests/reference/.venv (scripts/bench-web.sh makes it); `none` skips it.
// Prints markdown tables for the README.

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
// --only frames,rebuilds,four,train,weight runs those parts (default: all).
const PARTS = new Set(option('--only', 'frames,rebuilds,four,train,weight').split(','));
// Seconds of timed training per MLP shape (wasm and PyTorch alike).
const TRAIN_SECONDS = Number(option('--train-seconds', '3'));
const TORCH_PYTHON = process.env.SGDLAB_TORCH_PYTHON || path.join(ROOT, 'tests', 'reference', '.venv', 'bin', 'python');

const BUDGET = { frameMs: 4, rebuildMs: 50, fourMs: 8, weightBytes: 1_000_000, trainRatio: 3 };

const ms = (v) => (typeof v === 'number' ? v.toFixed(2) : '—');
const kb = (v) => `${(v / 1024).toFixed(1)} KiB`;
const verdict = (ok) => (ok ? 'within budget' : '**over budget**');

/** {shape → steps/s} from bench/torch_mlp.py, or null without PyTorch. */
function torchRates() {
  const script = path.join(ROOT, 'bench', 'torch_mlp.py');
  if (TORCH_PYTHON === 'none' || !fs.existsSync(TORCH_PYTHON)) return null;
  try {
    const out = execFileSync(TORCH_PYTHON, [script, '--seconds', String(TRAIN_SECONDS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const rates = {};
    for (const line of out.split('\n').filter((l) => l.trim().startsWith('{'))) {
      const row = JSON.parse(line);
      rates[row.shape] = row.steps_per_s;
    }
    return rates;
  } catch (error) {
    console.error(`PyTorch timing failed: ${error.message}`);
    return null;
  }
}

/** gzip -9 sizes of the files a page asked the server for, each counted once. */
function weigh(requests) {
  const counts = new Map();
  for (const p of requests) counts.set(p, (counts.get(p) ?? 0) + 1);
  const rows = [...counts.entries()]
    .map(([p, times]) => {
      const file = path.join(DIST, p.endsWith('/') ? `${p}index.html` : p);
      if (!fs.existsSync(file)) return null;
      const body = fs.readFileSync(file);
      return { file: p.replace(/^\//, ''), times, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
    })
    .filter(Boolean)
    .sort((a, b) => b.gzip - a.gzip);
  return { rows, total: rows.reduce((s, r) => s + r.gzip, 0) };
}

/** What a page loads: its requests to the server, once its widgets are mounted. */
async function pageRequests(browser, server, url, ready) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const from = server.requests.length;
  await page.goto(`${server.url}${url}`);
  await page.waitForFunction(ready, null, { timeout: 30_000 });
  await page.waitForTimeout(300);
  const asked = server.requests.slice(from);
  await context.close();
  return asked;
}

async function main() {
  if (!distIsBuilt()) {
    console.error('dist/ is empty: building with trunk first');
    const env = { ...process.env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${path.join(os.homedir(), '.cargo', 'bin')}:${process.env.PATH}` };
    execFileSync('trunk', ['build', '--release', '--offline'], { cwd: ROOT, stdio: 'inherit', env });
  }
  const server = await serveStatic(DIST);
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1700 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 });

  const result = { chromium: browser.version(), budget: BUDGET };
  const lines = [`Headless Chromium ${result.chromium}, ${os.cpus().length} × ${os.cpus()[0].model.trim()}, load average ${os.loadavg()[0].toFixed(1)} when started.`];
  const table = (rows) => lines.push('', '| measurement | mean | median | p95 | max | budget | verdict |', '|---|---|---|---|---|---|---|', ...rows);
  const row = (label, t, budget, ok) => `| ${label} | ${ms(t.mean)} | ${ms(t.median)} | ${ms(t.p95)} | ${ms(t.max)} | ${budget} | ${ok} |`;

  if (PARTS.has('frames')) {
    // 1 step per frame, the page's default speed (2), the same from step
    // 5,000 on (paths grow as a run goes on), and 50 steps per frame.
    result.frames = [];
    for (const [stepsPerFrame, prefix] of [[1, 0], [2, 0], [2, 5000], [50, 0]]) {
      result.frames.push(await page.evaluate(([count, k, p]) => window.sgdlabBench.frames({ count, stepsPerFrame: k, prefix: p }), [FRAMES, stepsPerFrame, prefix]));
    }
    table(result.frames.map((f) => row(
      `frame: ${f.racers} optimizers on ${f.surface} (${f.canvas}), ${f.stepsPerFrame} step${f.stepsPerFrame > 1 ? 's' : ''}/frame${f.prefix ? `, from step ${f.prefix}` : ''} (wasm ms, ${f.wasm.n} frames)`,
      f.wasm, `≤ ${BUDGET.frameMs} ms`, verdict(f.wasm.mean <= BUDGET.frameMs),
    )));
    const setup = [...new Set(result.frames.flatMap((f) => f.racerErrors))];
    if (setup.length) lines.push('', `Setup messages: ${setup.join('; ')}`);
  }
  if (PARTS.has('rebuilds')) {
    result.rebuilds = await page.evaluate(() => window.sgdlabBench.rebuilds());
    result.stochastic = await page.evaluate(() => window.sgdlabBench.stochasticRebuilds());
    table([
      ...result.rebuilds.map((r) => {
        const label = r.surface.length > 48 ? `${r.surface.slice(0, 45)}…` : r.surface;
        return row(`heatmap rebuild: ${label.replaceAll('|', '\\|')} (set + render, ms, ${r.ms.n} runs)`, r.ms, `≤ ${BUDGET.rebuildMs} ms`, r.error ? `error: ${r.error}` : verdict(r.ms.median <= BUDGET.rebuildMs));
      }),
      ...result.stochastic.flatMap((r) => [
        row(`stochastic map rebuild: ${r.case} (ms, ${r.ms.n} runs)`, r.ms, `≤ ${BUDGET.rebuildMs} ms`, verdict(r.ms.median <= BUDGET.rebuildMs)),
        row(`stochastic frame (steps + redraw): ${r.case} (wasm ms)`, r.frame, '—', `noise panel: ${r.noise.map((x) => `K=${x.k} ${ms(x.ms)} ms`).join(', ')}`),
      ]),
    ]);
  }
  if (PARTS.has('four')) {
    // Chromium's own main-thread task time over the same frames, polled on
    // a timer (not on animation frames, which the page times).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metric = async (name) => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0;
    const done = page.evaluate(() => window.sgdlabBench.fourWidgets());
    await page.waitForFunction(() => document.body.dataset.fourRunning === 'true', null, { timeout: 60_000, polling: 20 });
    const names = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'];
    const read = async () => Promise.all(names.map(metric));
    const before = await read();
    await page.waitForFunction(() => document.body.dataset.fourRunning === 'false', null, { timeout: 120_000, polling: 20 });
    const after = await read();
    const four = await done;
    const [task, script, layout, style] = names.map((_, i) => (1000 * (after[i] - before[i])) / four.frames);
    Object.assign(four, { cdpTaskPerFrame: task, cdpScriptPerFrame: script, cdpLayoutPerFrame: layout, cdpStylePerFrame: style });
    result.four = four;
    const single = (label, value, budget = '—', ok = '—') => `| ${label} | ${ms(value)} | — | — | — | ${budget} | ${ok} |`;
    lines.push('', `Four playing widgets on one page (${four.views.join(', ')}), ${four.visible.every(Boolean) ? 'all in view' : `in view: ${four.visible}`}, ${four.frames} frames; steps taken: ${four.stepped.join(', ')}. Main-thread time per frame:`);
    table([
      single('Chromium task time (CDP TaskDuration ÷ frames)', four.cdpTaskPerFrame, `≤ ${BUDGET.fourMs} ms`, verdict(four.cdpTaskPerFrame <= BUDGET.fourMs)),
      single('of which script (CDP ScriptDuration ÷ frames)', four.cdpScriptPerFrame),
      single('of which layout and style (CDP LayoutDuration + RecalcStyleDuration ÷ frames)', four.cdpLayoutPerFrame + four.cdpStylePerFrame),
      single('animation-frame callbacks (the element\'s loop: JS + wasm)', four.jsAndWasmPerFrame, `≤ ${BUDGET.fourMs} ms`, verdict(four.jsAndWasmPerFrame <= BUDGET.fourMs)),
      row('wasm, summed over the four handles', four.wasmPerFrame, '—', '—'),
      ...four.wasmByWidget.map((t, i) => row(`wasm of widget ${i + 1} (${four.views[i]})`, t, '—', '—')),
      row('frame interval', four.frameGap, '—', `long tasks (> 50 ms): ${four.longTasks.count}`),
    ]);
  }
  if (PARTS.has('train')) {
    result.train = await page.evaluate((seconds) => window.sgdlabBench.train({ seconds }), TRAIN_SECONDS);
    lines.push('', ...trainTable(result.train, torchRates()));
  }
  await context.close();

  if (PARTS.has('weight')) {
    // What the first view loads, and a page of four widgets.
    const firstView = weigh(await pageRequests(browser, server, '/index.html', () => document.body.dataset.ready === 'true'));
    const fourAsked = await pageRequests(browser, server, '/e2e/four.html', () => [...document.querySelectorAll('sgdlab-widget')].every((el) => el.handle));
    const fourPage = weigh(fourAsked.filter((p) => !p.startsWith('/e2e/')));
    const wasmLoads = fourAsked.filter((p) => p.endsWith('.wasm')).length;
    Object.assign(result, { firstView, fourPage, wasmLoads });
    lines.push('', '| first view (index.html): file | raw | gzip -9 |', '|---|---|---|');
    for (const r of firstView.rows) lines.push(`| ${r.file} | ${kb(r.raw)} | ${kb(r.gzip)} |`);
    lines.push(`| **total** | ${kb(firstView.rows.reduce((sum, r) => sum + r.raw, 0))} | **${kb(firstView.total)}** (${verdict(firstView.total <= BUDGET.weightBytes)}, budget 1 MB) |`);
    lines.push('', `A page with four widgets (tests/e2e/pages/four.html): ${kb(fourPage.total)} gzipped of sgdlab files; the wasm was requested ${wasmLoads} time${wasmLoads === 1 ? '' : 's'}; requests: ${fourPage.rows.map((r) => `${r.file} ×${r.times}`).join(', ')}.`);
  }
  await browser.close();
  await server.close();
  if (problems.length) lines.push('', `Page errors during the run: ${problems.join(' | ')}`);
  console.log(lines.join('\n'));
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(result, null, 2));
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
    lines.push(`| ${row.shape}, batch ${row.batch} | ${row.steps_per_s.toFixed(0)}; ${row.median.toFixed(0)} | ${theirs ? theirs.toFixed(0) : '— (no PyTorch)'} | ${ratio ? `${ratio.toFixed(2)}×` : '—'} | ≥ ${BUDGET.trainRatio}× | ${ratio ? verdict(ratio >= BUDGET.trainRatio) : '—'} |`);
  }
  return lines;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
