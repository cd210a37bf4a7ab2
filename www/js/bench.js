// Frame-time benchmark page (bench.html). scripts/bench-web.mjs drives it in
// headless Chromium through window.sgdlabBench; the buttons run it by hand.
// Canvases keep a fixed 600×600 backing store (no devicePixelRatio scaling).

import { loadWasm, parseJson, installBugReporter } from './common.js';

const $ = (id) => document.getElementById(id);
installBugReporter();

function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, mean, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

async function main() {
  const { Playground, Stochastic, bench_train_steps } = await loadWasm();
  const canvases = [$('heatmap'), $('overlay'), $('losses')];
  const make = (hash) => (typeof Playground.new === 'function'
    ? Playground.new(hash, ...canvases)
    : new Playground(hash, ...canvases));

  let pg = make('');
  const model = () => parseJson(pg.ui_model(), {});

  /** Fill the race up to `count` racers, one per optimizer where possible. */
  function fillRacers(count) {
    const m = model();
    const names = (m.optimizers || []).map((o) => o.name);
    const limit = Math.min(count, (m.limits && m.limits.max_racers) || count);
    const preferred = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamw', 'adamax', 'nadam', 'lars', 'swats', 'coordinate', 'newton'];
    const order = [...preferred.filter((n) => names.includes(n)), ...names.filter((n) => !preferred.includes(n))];
    const errors = [];
    for (let i = 0; (model().state.racers || []).length < limit && i < 4 * limit; i += 1) {
      const message = pg.add_racer(order[i % Math.max(1, order.length)]);
      if (message) errors.push(message);
    }
    return { racers: (model().state.racers || []).length, errors };
  }

  /**
   * Time `frames` animation frames of step(stepsPerFrame) + render() on
   * `surface`. frame_time_ms() is the wasm-side time of step + render; the
   * JS-side wall time of the same calls is recorded beside it.
   */
  async function frames({ surface = 'rosenbrock', racers = 8, count = 300, stepsPerFrame = 1, warmup = 20, prefix = 0 } = {}) {
    pg.free();
    pg = make('');
    const surfaceError = pg.set_surface(surface);
    const fill = fillRacers(racers);
    // Long paths cost more to draw: optionally start from a run in progress.
    if (prefix > 0) pg.step(prefix);
    pg.render();
    const wasm = [];
    const wall = [];
    let resets = 0;
    for (let i = 0; i < warmup + count; i += 1) {
      await nextFrame();
      if (pg.finished()) {
        pg.reset();
        if (prefix > 0) pg.step(prefix);
        resets += 1;
      }
      const t0 = performance.now();
      pg.step(stepsPerFrame);
      pg.render();
      const t1 = performance.now();
      if (i >= warmup) {
        wasm.push(pg.frame_time_ms());
        wall.push(t1 - t0);
      }
    }
    const status = parseJson(pg.status(), {});
    return {
      surface,
      surfaceError,
      racers: fill.racers,
      racerErrors: fill.errors,
      stepsPerFrame,
      prefix,
      resets,
      finalStep: status.step,
      canvas: `${$('heatmap').width}x${$('heatmap').height}`,
      wasm: summarize(wasm),
      wall: summarize(wall),
    };
  }

  /**
   * Time set_surface (or set_expr) + render(), alternating with another
   * surface so that every timed call has to rebuild the heatmap.
   */
  async function rebuilds({ surfaces = ['rosenbrock', 'himmelblau', 'rastrigin', 'ackley'], exprs = ['sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)'], repeats = 7 } = {}) {
    pg.free();
    pg = make('');
    fillRacers(8);
    const rows = [];
    const jobs = [
      ...surfaces.map((name) => ({ label: name, apply: () => pg.set_surface(name) })),
      ...exprs.map((text) => ({ label: `custom: ${text}`, apply: () => pg.set_expr(text) })),
    ];
    for (const job of jobs) {
      const times = [];
      let error = '';
      for (let r = 0; r < repeats; r += 1) {
        pg.set_surface(job.label === 'quadratic' ? 'booth' : 'quadratic');
        pg.render();
        await nextFrame();
        const t0 = performance.now();
        const message = job.apply();
        pg.render();
        times.push(performance.now() - t0);
        if (message) error = message;
      }
      rows.push({ surface: job.label, error, ms: summarize(times) });
    }
    return rows;
  }

  /**
   * Training steps per second in wasm (bench_train_steps: a 2-h-h-2 ReLU
   * MLP, Adam, minibatches from 1,024 examples, as bench/torch_mlp.py).
   * Several timed runs of ~250 ms each per shape; the best one counts, as in
   * the PyTorch script.
   */
  async function train({ shapes = [[64, 32], [256, 256]], seconds = 3 } = {}) {
    const rows = [];
    for (const [hidden, batch] of shapes) {
      // Size a run to about 250 ms from a short probe.
      const probe = Math.max(1e-3, bench_train_steps(hidden, batch, 50));
      const steps = Math.max(10, Math.round((50 * 250) / probe));
      let best = 0;
      const runs = [];
      const deadline = performance.now() + seconds * 1000;
      while (performance.now() < deadline) {
        await nextFrame();
        const ms = bench_train_steps(hidden, batch, steps);
        const rate = (1000 * steps) / ms;
        runs.push(rate);
        best = Math.max(best, rate);
      }
      rows.push({ shape: `2-${hidden}-${hidden}-2`, batch, steps, runs: runs.length, steps_per_s: best, median: summarize(runs).median });
    }
    return rows;
  }

  /**
   * The stochastic view's map rebuild (a data-built surface costs n
   * evaluations per point): Stochastic + render on a 600×600 canvas, timed
   * by map_time_ms() after each forced rebuild.
   */
  async function stochasticRebuilds({ repeats = 7 } = {}) {
    const cases = ['m=linear&n=100', 'm=linear&n=10000', 'm=logistic&n=100', 'm=logistic&n=1000', 'm=logistic&n=10000'];
    const extra = () => {
      const c = document.createElement('canvas');
      c.width = 300;
      c.height = 300;
      return c;
    };
    const rows = [];
    for (const hash of cases) {
      const st = new Stochastic(hash, $('heatmap'), $('overlay'), $('losses'), extra(), extra(), extra());
      const times = [];
      for (let r = 0; r < repeats; r += 1) {
        st.invalidate_heatmap();
        st.render();
        times.push(st.map_time_ms());
        await nextFrame();
      }
      const frame = [];
      for (let r = 0; r < repeats; r += 1) {
        st.step(1);
        st.render();
        frame.push(st.frame_time_ms());
        await nextFrame();
      }
      const noise = [];
      for (const k of [500, 2000]) {
        st.set('k', String(k));
        noise.push({ k, ms: Number(JSON.parse(st.update_noise()).compute_ms) });
      }
      st.free();
      rows.push({ case: hash, ms: summarize(times), frame: summarize(frame), noise });
    }
    return rows;
  }

  window.sgdlabBench = { frames, rebuilds, train, stochasticRebuilds };
  document.body.dataset.ready = 'true';
  $('bench-out').textContent = 'ready';

  $('run-frames').addEventListener('click', async () => {
    $('bench-out').textContent = 'running…';
    $('bench-out').textContent = JSON.stringify(await frames(), null, 2);
  });
  $('run-train').addEventListener('click', async () => {
    $('bench-out').textContent = 'running…';
    $('bench-out').textContent = JSON.stringify(await train(), null, 2);
  });
  $('run-rebuilds').addEventListener('click', async () => {
    $('bench-out').textContent = 'running…';
    $('bench-out').textContent = JSON.stringify(await rebuilds(), null, 2);
  });
}

main().catch((error) => {
  $('bench-out').textContent = `could not start: ${error}`;
});
