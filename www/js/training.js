// The network training lab page (training.html). Rust (TrainingLab) owns the
// runs, the validation, the link format and the drawing; this file builds
// the controls, forwards each edit and shows the message it returns, and runs
// the frame loop: each frame trains for at most FRAME_BUDGET_MS.
//
// Backends: with `backend=auto` (the default) or `gpu`, the page asks
// navigator.gpu for an adapter in the background and hands the lab a WebGPU
// device when it gets one; until then, and whenever that fails, the lab
// trains on the CPU and says so. Nothing ever waits for the GPU: GPU
// results are picked up by lab.poll() on later frames.

import {
  loadWasm,
  parseJson,
  safeColor,
  formatNumber,
  installBugReporter,
  fitCanvas,
  setSpeedSlider,
  FrameLoop,
  makeGuard,
  wirePlayback,
  playButton,
  startAutoplay,
  markReady,
} from './common.js';
import {
  $,
  setFieldError,
  clearFieldErrors,
  setValue,
  fillSelect,
  hashMirror,
  say,
  buildEmbedOptions,
  wireShare,
  exportCanvases,
  exportText,
  reportLinkErrors,
} from './views.js';

/** Wall time the training may take in one animation frame. */
export const FRAME_BUDGET_MS = 8;
/** While training, boundaries are redrawn at most this often. */
const BOUNDARY_INTERVAL_MS = 150;
/** How long the adapter and device requests may take before the CPU is used. */
const GPU_TIMEOUT_MS = 10_000;

const HIDE_LABELS = {
  controls: 'Train/step/reset bar',
  data: 'Data settings',
  network: 'Network settings',
  optimizers: 'Optimizer list',
  speed: 'Speed slider',
  curves: 'Curves',
  norms: 'Norms table',
  legend: 'Legend',
};
const TEXT_FIELDS = {
  samples: 'n', noise: 'noise', test: 'test', seed: 'seed', hidden: 'h', batch: 'b', epochs: 'epochs', wd: 'wd', warm: 'warm',
};
const SELECTS = { dataset: 'd', activation: 'act', order: 'order' };
/** Settings offered when a schedule kind is picked. */
const SCHEDULE_TEMPLATES = {
  constant: '',
  step: 'step_size=30,gamma=0.5',
  multi_step: 'milestones=50;100,gamma=0.1',
  exponential: 'gamma=0.98',
  cosine_annealing: 'T_max=200,eta_min=0',
  reduce_on_plateau: 'factor=0.5,patience=10',
};

let lab = null;
let model = null;
let loop = null;
let lastBoundary = 0;
let requestGpu = null;
/** Bumped by every backend change: a late answer to an older request is dropped. */
let backendTicket = 0;
let shownBackend = '';
/** Whether the lab was training on the GPU when last looked at. */
let onGpu = false;
const thumbnails = Array.from({ length: 4 }, () => {
  const canvas = document.createElement('canvas');
  canvas.className = 'thumb';
  canvas.width = 96;
  canvas.height = 96;
  canvas.setAttribute('aria-hidden', 'true');
  return canvas;
});
const syncHash = hashMirror(() => (lab ? lab.hash() : null));

const showBug = installBugReporter(() => {
  if (loop) loop.stop();
  $('play').disabled = true;
});
const guard = makeGuard(() => loop, showBug, () => lab !== null);
const showPlaying = playButton('Train');

main().catch((error) => {
  $('loading').textContent = 'The training lab could not start.';
  showBug(`could not start: ${error && error.message ? error.message : error}`);
});

async function main() {
  const { TrainingLab, request_gpu: requestGpuDevice } = await loadWasm();
  requestGpu = requestGpuDevice;
  fitAll();
  const hash = location.hash;
  lab = new TrainingLab(hash, $('boundary'), $('losses'), $('accuracy'), thumbnails);
  window.sgdlab = { lab };

  refreshModel();
  loop = new FrameLoop({
    advance: (n) => (n === null ? lab.train_frame(lab.speed(), FRAME_BUDGET_MS) : lab.step(n)),
    draw,
    after: afterFrame,
    finished: () => lab.finished(),
    onPlayChange: (playing) => {
      showPlaying(playing);
      if (!playing) loop.requestDraw();
    },
  });

  buildEmbedOptions(model.hideable, HIDE_LABELS);
  renderControls();
  wire();
  watchSizes();

  reportLinkErrors(lab.load_errors());
  if (hash) syncHash(true);

  $('loading').hidden = true;
  loop.requestDraw();
  startBackend();
  // A device can be lost while nothing is training: look once a second.
  setInterval(guard(() => {
    if (loop.playing || !onGpu) return;
    lab.poll();
    const info = parseJson(lab.backend_json(), {});
    if (info.running !== 'gpu' || info.busy) loop.requestDraw();
  }), 1000);
  const options = parseJson(lab.embed_options(), {});
  startAutoplay(options, loop, say, 'Autoplay is off because your system asks for reduced motion. Press Train or Space to run.');
}

function refreshModel() {
  const next = parseJson(lab.ui_model(), null);
  if (next && next.state) model = next;
  return model;
}

function fitAll() {
  let boundary = fitCanvas($('boundary'));
  boundary = fitCanvas($('losses'), 160, 80) || boundary;
  boundary = fitCanvas($('accuracy'), 160, 80) || boundary;
  return boundary;
}

function draw() {
  lab.poll();
  lab.render_curves();
  const now = performance.now();
  if (!loop.playing || now - lastBoundary >= BOUNDARY_INTERVAL_MS) {
    lastBoundary = now;
    lab.render_boundaries();
  }
}

/** After a successful change: new model, new hash, controls, redraw. */
function changed() {
  refreshModel();
  syncHash();
  renderControls();
  loop.requestDraw();
}

function apply(key, value, errorEl, inputs) {
  const message = lab.set(key, value);
  if (setFieldError(errorEl, inputs, message)) {
    changed();
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- panel

function renderControls() {
  const s = model.state;
  const datasets = Array.isArray(model.datasets) ? model.datasets : [];
  fillSelect($('dataset'), datasets.map((d) => d.name), s.d);
  const info = datasets.find((d) => d.name === s.d);
  $('dataset-description').textContent = info ? `${info.description} (${info.classes} classes)` : '';
  fillSelect($('activation'), model.activations || [], s.act);
  fillSelect($('order'), model.orders || [], s.order);
  setValue($('samples'), s.n);
  setValue($('noise'), s.noise);
  setValue($('test'), s.test);
  setValue($('seed'), s.seed);
  setValue($('hidden'), s.h);
  setValue($('batch'), s.b);
  setValue($('epochs'), s.epochs);
  setValue($('wd'), s.wd);
  setValue($('warm'), s.warm);
  $('param-count').textContent = `${Number(model.parameters) || 0} parameters.`;
  const [kind, settings = ''] = String(s.sched).split(/:(.*)/s);
  fillSelect($('sched-kind'), (model.schedules || []).filter((k) => k !== 'warmup'), kind);
  setValue($('sched-settings'), settings);
  $('sched-settings').disabled = kind === 'constant';
  setSpeedSlider($('speed'), model, s.speed);
  $('speed-out').textContent = String(s.speed);
  renderRacers();
}

function renderRacers() {
  const active = document.activeElement && document.activeElement.id;
  const list = $('racers');
  list.replaceChildren();
  const racers = Array.isArray(model.state.racers) ? model.state.racers : [];
  racers.forEach((racer, index) => list.append(racerCard(racer, index, racers.length)));
  const add = $('add-optimizer');
  if (add.options.length === 0) {
    for (const opt of model.optimizers || []) {
      const option = document.createElement('option');
      option.value = String(opt.name);
      option.textContent = String(opt.name);
      add.append(option);
    }
    add.value = 'rmsprop';
  }
  $('add-racer').disabled = racers.length >= (model.limits ? model.limits.max_racers : 4);
  if (active && document.getElementById(active) && document.activeElement !== document.getElementById(active)) {
    document.getElementById(active).focus();
  }
}

function racerCard(racer, index, count) {
  const base = `racer-${index}`;
  const li = document.createElement('li');
  li.className = 'racer';
  li.style.setProperty('--swatch', safeColor(racer.color));
  const head = document.createElement('div');
  head.className = 'racer-head';
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = `${index + 1}.`;
  const selectLabel = document.createElement('label');
  selectLabel.className = 'visually-hidden';
  selectLabel.htmlFor = `${base}-optimizer`;
  selectLabel.textContent = `Optimizer ${index + 1}`;
  const select = document.createElement('select');
  select.id = `${base}-optimizer`;
  for (const opt of model.optimizers || []) {
    const option = document.createElement('option');
    option.value = String(opt.name);
    option.textContent = String(opt.name);
    select.append(option);
  }
  select.value = String(racer.optimizer);
  const error = document.createElement('span');
  error.className = 'field-error';
  error.id = `${base}-error`;
  select.setAttribute('aria-describedby', error.id);
  select.addEventListener('change', guard(() => {
    const message = lab.set_racer_optimizer(index, select.value);
    if (setFieldError(error, select, message)) changed();
  }));
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.id = `${base}-remove`;
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove optimizer ${index + 1}`);
  remove.disabled = count <= 1;
  remove.addEventListener('click', guard(() => {
    const message = lab.remove_racer(index);
    if (setFieldError($('racers-error'), null, message)) {
      changed();
      $('add-racer').focus();
    }
  }));
  const actions = document.createElement('div');
  actions.className = 'racer-actions';
  actions.append(remove);
  head.append(name, selectLabel, select, actions);

  const grid = document.createElement('div');
  grid.className = 'param-grid';
  const config = racer.config && typeof racer.config === 'object' ? racer.config : {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'weight_decay' || (typeof value !== 'number' && typeof value !== 'boolean')) continue;
    grid.append(racerParam(index, key, value, error));
  }
  const rule = document.createElement('pre');
  rule.textContent = String(racer.rule ?? '');
  rule.setAttribute('aria-label', `Update rule of optimizer ${index + 1}`);
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'update rule';
  details.append(summary, rule);
  li.append(head, grid, details, error);
  return li;
}

function racerParam(index, key, value, error) {
  const id = `racer-${index}-param-${String(key).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const wrap = document.createElement('div');
  wrap.className = 'param';
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = key;
  if (typeof value === 'boolean') {
    wrap.classList.add('check');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = id;
    box.checked = value;
    box.setAttribute('aria-describedby', error.id);
    box.addEventListener('change', guard(() => {
      const message = lab.set_racer_param(index, key, box.checked ? 'true' : 'false');
      if (setFieldError(error, box, message)) changed();
    }));
    label.prepend(box);
    wrap.append(label);
    return wrap;
  }
  const input = document.createElement('input');
  input.type = 'text';
  input.id = id;
  input.inputMode = 'decimal';
  input.spellcheck = false;
  input.autocomplete = 'off';
  input.value = String(value);
  input.setAttribute('aria-describedby', error.id);
  const commit = guard(() => {
    const message = lab.set_racer_param(index, key, input.value);
    if (setFieldError(error, input, message)) changed();
  });
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') commit();
  });
  wrap.append(label, input);
  return wrap;
}

// ---------------------------------------------------------------- events

function wire() {
  for (const [id, key] of Object.entries(TEXT_FIELDS)) {
    const input = $(id);
    const error = $(`${id}-error`);
    const commit = guard(() => apply(key, input.value, error, input));
    input.addEventListener('change', commit);
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') commit();
    });
  }
  for (const [id, key] of Object.entries(SELECTS)) {
    const select = $(id);
    select.addEventListener('change', guard(() => {
      if (!apply(key, select.value, $(`${id}-error`), select)) select.value = String(model.state[key]);
    }));
  }
  const applySchedule = guard(() => {
    const kind = $('sched-kind').value;
    const settings = $('sched-settings').value.trim();
    apply('sched', settings && kind !== 'constant' ? `${kind}:${settings}` : kind, $('sched-error'), [$('sched-kind'), $('sched-settings')]);
  });
  $('sched-kind').addEventListener('change', guard(() => {
    const kind = $('sched-kind').value;
    let template = SCHEDULE_TEMPLATES[kind] ?? '';
    if (kind === 'cosine_annealing') template = `T_max=${model.state.epochs},eta_min=0`;
    $('sched-settings').value = template;
    applySchedule();
  }));
  $('sched-settings').addEventListener('change', applySchedule);
  $('sched-settings').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') applySchedule();
  });
  $('add-racer').addEventListener('click', guard(() => {
    const message = lab.add_racer($('add-optimizer').value);
    if (setFieldError($('racers-error'), null, message)) changed();
  }));
  $('backend').addEventListener('change', guard(() => {
    const message = lab.set('backend', $('backend').value);
    if (message) {
      say(message, true);
      return;
    }
    changed();
    startBackend();
  }));
  $('speed').addEventListener('input', guard(() => {
    $('speed-out').textContent = $('speed').value;
    const message = lab.set('speed', $('speed').value);
    if (message) say(message, true);
    else syncHash();
  }));

  wirePlayback(guard, loop, lab);

  wireShare({
    syncHash,
    embedHash: (autoplay, hide) => lab.embed_hash(autoplay, hide),
    title: 'sgdlab: a neural network trained by several optimizers side by side',
  });
  $('export-boundary').addEventListener('click', () => exportCanvases([$('boundary')], 'sgdlab-boundary.png'));
  $('export-curves').addEventListener('click', () => exportCanvases([$('losses'), $('accuracy')], 'sgdlab-curves.png'));
  $('export-csv').addEventListener('click', guard(() => exportText(lab.export_csv(), 'text/csv', 'sgdlab-training.csv')));
  $('export-json').addEventListener('click', guard(() => exportText(lab.export_json(), 'application/json', 'sgdlab-training.json')));

  window.addEventListener('hashchange', guard(() => {
    const errors = lab.load_hash(location.hash);
    loop.setPlaying(false);
    clearFieldErrors();
    refreshModel();
    renderControls();
    syncHash(true);
    loop.requestDraw();
    reportLinkErrors(errors, 'Loaded the settings from the link.');
    startBackend();
  }));
}

function watchSizes() {
  const resize = guard(() => {
    if (fitAll()) loop.requestDraw();
  });
  const observer = new ResizeObserver(resize);
  for (const id of ['landscape', 'losses', 'accuracy']) observer.observe($(id));
}

// ---------------------------------------------------------------- status

function percent(v) {
  return typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—';
}

function renderRuns(status) {
  const list = $('runs');
  const runs = Array.isArray(status.runs) ? status.runs : [];
  if (list.children.length !== runs.length) {
    list.replaceChildren();
    runs.forEach((_, index) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'run';
      button.id = `run-${index}`;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.setAttribute('aria-hidden', 'true');
      const text = document.createElement('span');
      text.className = 'run-text';
      const name = document.createElement('span');
      name.className = 'name';
      const value = document.createElement('span');
      value.className = 'value';
      text.append(name, value);
      button.append(thumbnails[index], swatch, text);
      button.addEventListener('click', guard(() => {
        const message = lab.select(index);
        if (message) say(message, true);
        loop.requestDraw();
      }));
      li.append(button);
      list.append(li);
    });
  }
  runs.forEach((run, index) => {
    const button = list.children[index].firstChild;
    const [, swatch, text] = button.children;
    const [name, value] = text.children;
    swatch.style.setProperty('--swatch', safeColor(run.color));
    name.textContent = String(run.label ?? '');
    button.setAttribute('aria-pressed', String(index === status.selected));
    const m = run.metrics || {};
    let line;
    if (run.stopped) line = String(run.stopped);
    else {
      line = `loss ${formatNumber(m.train_loss)} / ${formatNumber(m.test_loss)} · acc ${percent(m.train_acc)} / ${percent(m.test_acc)} · lr ${formatNumber(run.lr)}`;
      if (typeof run.switch_step === 'number') line += ` · SGD from step ${run.switch_step}`;
    }
    value.classList.toggle('stopped', Boolean(run.stopped));
    if (value.textContent !== line) value.textContent = line;
  });
}

function renderNorms(status) {
  const body = $('norms-body');
  const norms = Array.isArray(status.norms) ? status.norms : [];
  const run = (status.runs || [])[status.selected];
  $('norms-who').textContent = run ? String(run.label) : '—';
  const ratios = norms.map((n) => Math.log10(Math.max(1e-6, Number(n.trust_ratio) || 1e-6)));
  const top = Math.max(1, ...ratios.map(Math.abs));
  if (body.children.length !== norms.length) {
    body.replaceChildren();
    for (let i = 0; i < norms.length; i += 1) {
      const tr = document.createElement('tr');
      for (let c = 0; c < 4; c += 1) tr.append(document.createElement(c === 0 ? 'th' : 'td'));
      tr.firstChild.scope = 'row';
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.setAttribute('aria-hidden', 'true');
      const value = document.createElement('span');
      tr.children[3].append(bar, value);
      body.append(tr);
    }
  }
  norms.forEach((n, i) => {
    const tr = body.children[i];
    tr.children[0].textContent = String(n.name);
    tr.children[1].textContent = formatNumber(n.weight_norm);
    tr.children[2].textContent = formatNumber(n.grad_norm);
    const [bar, value] = tr.children[3].children;
    value.textContent = formatNumber(n.trust_ratio);
    bar.style.width = `${Math.round((40 * Math.abs(ratios[i])) / top)}px`;
  });
}

// ---------------------------------------------------------------- backend

function withTimeout(promise, ms, what) {
  let timer = 0;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function adapterName(adapter) {
  const info = adapter.info || {};
  const parts = [info.description, info.vendor, info.architecture, info.device]
    .filter((p) => typeof p === 'string' && p.trim() !== '')
    .map((p) => p.trim());
  return parts.length ? [...new Set(parts)].join(' ') : 'WebGPU adapter';
}

/**
 * Puts the lab on the backend the state asks for: the GPU when `auto` or
 * `gpu` and navigator.gpu gives an adapter and a device, else the CPU with
 * a notice saying why. Runs in the background; the page never waits on it.
 */
async function startBackend() {
  const ticket = ++backendTicket;
  const choice = String(model.state.backend || 'auto');
  const current = parseJson(lab.backend_json(), {});
  if (choice === 'cpu' || current.device) {
    showBackend(current);
    return;
  }
  shownBackend = '';
  $('backend-badge').textContent = 'looking for a GPU…';
  let notice;
  try {
    if (!navigator.gpu) throw new Error('no navigator.gpu');
    const adapter = await withTimeout(navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }), GPU_TIMEOUT_MS, 'WebGPU');
    if (!adapter) throw new Error('no adapter');
    const label = adapterName(adapter);
    let device;
    try {
      device = await withTimeout(requestGpu(), GPU_TIMEOUT_MS, 'The GPU device');
    } catch (error) {
      notice = `WebGPU could not open a device (${error && error.message ? error.message : error}): training on the CPU.`;
      throw error;
    }
    if (ticket !== backendTicket || model.state.backend === 'cpu') {
      device.free();
      return;
    }
    guard(() => {
      lab.use_gpu(device, label);
      refreshModel();
      loop.requestDraw();
    })();
  } catch (error) {
    if (ticket !== backendTicket || !lab) return;
    guard(() => {
      lab.use_cpu(notice || 'WebGPU is not available in this browser: training on the CPU.');
      loop.requestDraw();
    })();
  }
  showBackend(parseJson(lab.backend_json(), {}));
}

/** The badge, the notice and the select, from the lab's backend JSON. */
function showBackend(info) {
  if (!info || typeof info !== 'object') return;
  const key = `${info.choice}|${info.running}|${info.label}|${info.notice}`;
  onGpu = info.running === 'gpu';
  if (key === shownBackend) return;
  shownBackend = key;
  const badge = $('backend-badge');
  badge.textContent = String(info.label ?? '');
  badge.dataset.backend = info.running === 'gpu' ? 'gpu' : 'cpu';
  const notice = $('backend-notice');
  notice.textContent = String(info.notice ?? '');
  notice.hidden = !info.notice;
  if (typeof info.choice === 'string') $('backend').value = info.choice;
}

function afterFrame() {
  const status = parseJson(lab.status(), null);
  if (!status) return;
  if (status.backend) {
    // Keep frames coming while GPU readbacks are on their way, even paused.
    if (status.backend.busy) loop.requestDraw();
    if (backendTicket === 0 || $('backend-badge').textContent !== 'looking for a GPU…') showBackend(status.backend);
  }
  $('step-count').textContent = String(status.step ?? 0);
  $('epoch-count').textContent = String(status.epoch ?? 0);
  $('boundary-caption').textContent = `Boundary of ${((status.runs || [])[status.selected] || {}).label ?? '—'}: ${status.train_examples} training points (filled), ${status.test_examples} test points (rings); ${status.batches_per_epoch} steps per epoch.`;
  renderRuns(status);
  renderNorms(status);
  markReady();
}
