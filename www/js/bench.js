// The benchmark page (bench.html). scripts/bench-web.mjs drives it in
// headless Chromium through window.sgdlabBench; the buttons run parts of it
// by hand. Every measurement goes through WidgetHandle, the one JS boundary
// the <sgdlab-widget> element uses, on canvases of fixed size.

import { sgdlab } from '../sgdlab-widget.js';

const $ = (id) => document.getElementById(id);
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
const parse = (text) => (text ? JSON.parse(text) : null);

function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, mean, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

/** A canvas of this backing-store size, shown at that size. */
function canvas(width, height) {
  const c = Object.assign(document.createElement('canvas'), { width, height });
  c.style.cssText = `width:${width}px;height:${height}px`;
  return c;
}

// The plot sizes of the budgets: the main plot 600×600, the others smaller.
const SIZES = { main: [600, 600], side: [600, 330] };

/**
 * A widget through its handle, on fixed canvases: `view` in the state
 * `link`. Returns { handle, canvases, free }.
 */
function mount(wasm, view, link) {
  const handle = new wasm.WidgetHandle(view, link);
  const box = $('canvases');
  box.replaceChildren();
  const canvases = new Map();
  for (const plot of JSON.parse(handle.layout()).plots.filter((p) => !p.hidden)) {
    const [width, height] = plot.main ? SIZES.main : [SIZES.side[0], Math.round(SIZES.side[0] * plot.aspect)];
    const figure = document.createElement('div');
    figure.style.cssText = `position:relative;width:${width}px;height:${height}px`;
    for (const layer of plot.layers) {
      const c = canvas(width, height);
      c.style.position = 'absolute';
      figure.append(c);
      canvases.set(layer, c);
      handle.attach(layer, c);
    }
    box.append(figure);
  }
  return { handle, canvases, free: () => handle.free() };
}

/** The optimizers a landscape race can use, in the order the budget races them. */
function optimizers(handle) {
  const racers = JSON.parse(handle.schema()).controls.find((c) => c.kind === 'racers');
  const names = racers.optimizers.map((o) => o.value);
  const preferred = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamw', 'adamax', 'nadam'];
  return [...preferred.filter((n) => names.includes(n)), ...names.filter((n) => !preferred.includes(n))];
}

async function main() {
  const wasm = await sgdlab();

  /** A landscape race of `racers` optimizers (one each) on `surface`. */
  function race(surface, racers, speed) {
    const widget = mount(wasm, 'landscape', `s=${surface}&o=sgd&speed=${speed}`);
    const names = optimizers(widget.handle);
    const errors = [];
    for (const name of names.slice(1, racers)) {
      const error = parse(widget.handle.set('o+', name));
      if (error) errors.push(error.message);
    }
    return { widget, errors, racers: JSON.parse(widget.handle.status()).runs.length };
  }

  /**
   * Wasm time of `count` animation frames of play (`frame(true)`: `speed`
   * steps of every racer, then the redraw), and the JS-side wall time of
   * the same call.
   */
  async function frames({ surface = 'rosenbrock', racers = 8, count = 300, stepsPerFrame = 1, warmup = 20, prefix = 0 } = {}) {
    const { widget, errors, racers: raced } = race(surface, racers, stepsPerFrame);
    const { handle } = widget;
    const start = () => {
      handle.reset();
      if (prefix > 0) handle.step(prefix);
    };
    start();
    handle.frame(false, 1);
    const wasmMs = [];
    const wall = [];
    let resets = 0;
    for (let i = 0; i < warmup + count; i += 1) {
      await nextFrame();
      if (handle.finished()) {
        start();
        resets += 1;
      }
      const t0 = performance.now();
      handle.frame(true, 1);
      const t1 = performance.now();
      if (i >= warmup) {
        wasmMs.push(handle.frame_time_ms());
        wall.push(t1 - t0);
      }
    }
    const finalStep = JSON.parse(handle.status()).step;
    const size = `${widget.canvases.get('heatmap').width}x${widget.canvases.get('heatmap').height}`;
    widget.free();
    return { surface, racers: raced, racerErrors: errors, stepsPerFrame, prefix, resets, finalStep, canvas: size, wasm: summarize(wasmMs), wall: summarize(wall) };
  }

  /**
   * A surface change and the redraw that rebuilds the heatmap, alternating
   * with another surface so every timed call rebuilds.
   */
  async function rebuilds({ surfaces = ['rosenbrock', 'himmelblau', 'rastrigin', 'ackley'], formulas = ['sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)'], repeats = 7 } = {}) {
    const { widget } = race('quadratic', 8, 1);
    const { handle } = widget;
    const jobs = [
      ...surfaces.map((name) => ({ label: name, key: 's', value: name })),
      ...formulas.map((text) => ({ label: `custom: ${text}`, key: 'f', value: text })),
    ];
    const rows = [];
    for (const job of jobs) {
      const times = [];
      let error = '';
      for (let r = 0; r < repeats; r += 1) {
        handle.set('s', job.value === 'booth' ? 'quadratic' : 'booth');
        handle.render();
        await nextFrame();
        const t0 = performance.now();
        const answer = parse(handle.set(job.key, job.value));
        handle.render();
        times.push(performance.now() - t0);
        if (answer) error = answer.message;
      }
      rows.push({ surface: job.label, error, ms: summarize(times) });
    }
    widget.free();
    return rows;
  }

  /**
   * The stochastic view's map rebuild (a data-built surface costs n
   * evaluations per pixel) on a 600×600 canvas, a played frame, and the
   * gradient-noise measurement (what the JSON export measures afresh).
   */
  async function stochasticRebuilds({ repeats = 7 } = {}) {
    const cases = ['m=linear&n=100', 'm=linear&n=10000', 'm=logistic&n=100', 'm=logistic&n=1000', 'm=logistic&n=10000'];
    const rows = [];
    for (const link of cases) {
      const widget = mount(wasm, 'stochastic', link);
      const { handle } = widget;
      handle.frame(false, 1);
      const times = [];
      for (let r = 0; r < repeats; r += 1) {
        await nextFrame();
        const t0 = performance.now();
        handle.resized();
        handle.render();
        times.push(performance.now() - t0);
      }
      const frame = [];
      for (let r = 0; r < repeats; r += 1) {
        await nextFrame();
        handle.frame(true, 1);
        frame.push(handle.frame_time_ms());
      }
      const noise = [];
      for (const k of [500, 2000]) {
        handle.set('k', String(k));
        const t0 = performance.now();
        handle.export_json();
        noise.push({ k, ms: performance.now() - t0 });
      }
      widget.free();
      rows.push({ case: link, ms: summarize(times), frame: summarize(frame), noise });
    }
    return rows;
  }

  /**
   * Training steps per second in wasm (bench_train_steps: a 2-h-h-2 ReLU
   * MLP, Adam, minibatches from 1,024 examples, as bench/torch_mlp.py).
   * Timed runs of about 250 ms each per shape; the best one counts, as in
   * the PyTorch script.
   */
  async function train({ shapes = [[64, 32], [256, 256]], seconds = 3 } = {}) {
    const rows = [];
    for (const [hidden, batch] of shapes) {
      const probe = Math.max(1e-3, wasm.bench_train_steps(hidden, batch, 50));
      const steps = Math.max(10, Math.round((50 * 250) / probe));
      let best = 0;
      const runs = [];
      const deadline = performance.now() + seconds * 1000;
      while (performance.now() < deadline) {
        await nextFrame();
        const rate = (1000 * steps) / wasm.bench_train_steps(hidden, batch, steps);
        runs.push(rate);
        best = Math.max(best, rate);
      }
      rows.push({ shape: `2-${hidden}-${hidden}-2`, batch, steps, runs: runs.length, steps_per_s: best, median: summarize(runs).median });
    }
    return rows;
  }

  // Every animation-frame callback is timed, the element's shared loop
  // included: its work per frame is JS and wasm on the main thread.
  const callbackMs = [];
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => raf((time) => {
    const t0 = performance.now();
    try {
      callback(time);
    } finally {
      callbackMs.push(performance.now() - t0);
    }
  });
  const longTasks = [];
  new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: false });

  /**
   * Four <sgdlab-widget> elements (two landscapes, a stochastic view and
   * the training lab), all in view and playing: per frame, the time of the
   * animation-frame callbacks (the element's loop: JS and wasm), the wasm
   * time the handles report, and the long tasks. The driver adds the
   * browser's own count of main-thread time (CDP) over the same frames.
   */
  async function fourWidgets({ count = 240, warmup = 30 } = {}) {
    $('canvases').replaceChildren();
    const box = $('four');
    box.style.cssText = 'display:grid;grid-template-columns:repeat(2,640px);gap:8px';
    const specs = [
      ['landscape', 's=rosenbrock&o=adam,lr:0.05&o=sgd,lr:0.0005,momentum:0.9&o=rmsprop,lr:0.01'],
      ['landscape', 's=himmelblau&o=sgd,lr:0.01&o=adam,lr:0.1'],
      ['stochastic', ''],
      ['training', 'backend=cpu&epochs=10000'],
    ];
    const widgets = specs.map(([view, link]) => {
      const el = document.createElement('sgdlab-widget');
      el.setAttribute('view', view);
      el.setAttribute('link', link);
      el.setAttribute('controls', 'minimal');
      return el;
    });
    box.replaceChildren(...widgets);
    await Promise.all(widgets.map((el) => el.ready));
    widgets.forEach((el) => el.play());
    for (let i = 0; i < warmup; i += 1) await nextFrame();
    const steps0 = widgets.map((el) => el.status.step);
    callbackMs.length = 0;
    longTasks.length = 0;
    const wasmMs = [];
    const byWidget = widgets.map(() => []);
    const gaps = [];
    let last = performance.now();
    document.body.dataset.fourRunning = 'true';
    for (let i = 0; i < count; i += 1) {
      await nextFrame();
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      const each = widgets.map((el) => el.handle.frame_time_ms());
      each.forEach((t, k) => byWidget[k].push(t));
      wasmMs.push(each.reduce((sum, t) => sum + t, 0));
    }
    document.body.dataset.fourRunning = 'false';
    // Per frame: the element's loop and this measuring callback.
    const callbacks = summarize(callbackMs);
    const perFrame = callbackMs.reduce((sum, ms) => sum + ms, 0) / count;
    const stepped = widgets.map((el, i) => el.status.step - steps0[i]);
    const visible = widgets.map((el) => el.visible);
    widgets.forEach((el) => el.pause());
    return {
      frames: count,
      views: specs.map((s) => s[0]),
      stepped,
      visible,
      jsAndWasmPerFrame: perFrame,
      callbacks,
      wasmPerFrame: summarize(wasmMs),
      wasmByWidget: byWidget.map(summarize),
      frameGap: summarize(gaps),
      longTasks: { count: longTasks.length, total: longTasks.reduce((s, v) => s + v, 0) },
    };
  }

  window.sgdlabBench = { frames, rebuilds, train, stochasticRebuilds, fourWidgets };
  document.body.dataset.ready = 'true';
  $('bench-out').textContent = 'ready';
  const run = (id, job) => $(id).addEventListener('click', async () => {
    $('bench-out').textContent = 'running…';
    $('bench-out').textContent = JSON.stringify(await job(), null, 2);
  });
  run('run-frames', () => frames());
  run('run-rebuilds', () => rebuilds());
  run('run-train', () => train());
  run('run-four', () => fourWidgets());
}

main().catch((error) => {
  $('bench-out').textContent = `could not start: ${error}`;
});
