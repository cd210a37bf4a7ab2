// The playground page (index.html): builds the settings panel from the
// Playground's JSON "UI model", forwards every edit to a Rust setter and
// shows the message it returns. Rust owns the state, the maths and the
// drawing; this file owns the DOM.

import {
  loadWasm,
  parseJson,
  safeColor,
  formatNumber,
  installBugReporter,
  fitLandscape,
  FrameLoop,
  bindLandscapePointer,
  renderLegend,
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
  say,
  buildEmbedOptions,
  wireShare,
  exportCanvases,
  exportText,
  reportLinkErrors,
} from './views.js';

/** Friendlier names for the controls an embed may hide (names come from Rust). */
const HIDE_LABELS = {
  controls: 'Play/step/reset bar',
  speed: 'Speed slider',
  losses: 'Loss curve',
  legend: 'Legend',
  racers: 'Optimizer list',
};

let pg = null;
let model = null;
let loop = null;

const showBug = installBugReporter(() => {
  if (loop) loop.stop();
  $('play').disabled = true;
});
const guard = makeGuard(() => loop, showBug, () => pg !== null);

main().catch((error) => {
  $('loading').textContent = 'The playground could not start.';
  showBug(`could not start: ${error && error.message ? error.message : error}`);
});

async function main() {
  const { Playground } = await loadWasm();
  const heatmap = $('heatmap');
  const overlay = $('overlay');
  const losses = $('losses');
  fitLandscape();

  const hash = location.hash;
  pg = typeof Playground.new === 'function'
    ? Playground.new(hash, heatmap, overlay, losses)
    : new Playground(hash, heatmap, overlay, losses);
  // Handle for the console and the browser tests.
  window.sgdlab = { pg };

  refreshModel();
  loop = new FrameLoop({
    advance: (n) => pg.step(n ?? currentSpeed()),
    draw: () => pg.render(),
    after: afterFrame,
    finished: () => pg.finished(),
    onPlayChange: playButton(),
  });

  // Only the names Rust accepts (model.hideable) that the embed page shows.
  const hideable = Array.isArray(model.hideable) ? model.hideable.map(String) : [];
  buildEmbedOptions(hideable.filter((n) => n in HIDE_LABELS), HIDE_LABELS, 'inline');
  renderAll();
  wireControls();
  wireCanvas();
  watchSizes();

  reportLinkErrors(pg.load_errors());
  if (hash) syncHash(true);

  $('loading').hidden = true;
  loop.requestDraw();

  const options = parseJson(pg.embed_options(), {});
  startAutoplay(options, loop, say, 'Autoplay is off because your system asks for reduced motion. Press Play or Space to run.');
}

// ---------------------------------------------------------------- helpers

function refreshModel() {
  const next = parseJson(pg.ui_model(), null);
  if (next && next.state) model = next;
  return model;
}

function currentSpeed() {
  const speed = model && model.state ? Number(model.state.speed) : 1;
  return Number.isFinite(speed) && speed >= 1 ? speed : 1;
}

let hashTimer = 0;

/**
 * Mirror the state into the address bar. Dragging the start point changes
 * the state on every pointer move, so the write is batched (browsers
 * throttle rapid history calls); `now` writes at once.
 */
function syncHash(now = false) {
  clearTimeout(hashTimer);
  hashTimer = 0;
  const write = () => {
    hashTimer = 0;
    const hash = pg.hash();
    if (`#${hash}` !== location.hash) history.replaceState(null, '', `#${hash}`);
  };
  if (now) write();
  else hashTimer = setTimeout(guard(write), 150);
}

/** After a successful change: new model, new hash, redraw. */
function changed({ rebuild = null } = {}) {
  refreshModel();
  syncHash();
  if (rebuild) rebuild();
  loop.requestDraw();
}

/** Rebuild part of the panel, keeping keyboard focus on the same control. */
function keepFocus(build) {
  const active = document.activeElement;
  const id = active && active.id ? active.id : null;
  build();
  if (id && document.activeElement !== active) {
    const again = document.getElementById(id);
    if (again) again.focus();
  }
}

function safeId(text) {
  return String(text).replace(/[^A-Za-z0-9_-]/g, '_');
}

function makeTextInput(id, value, describedBy) {
  const input = document.createElement('input');
  input.type = 'text';
  input.id = id;
  input.inputMode = 'decimal';
  input.spellcheck = false;
  input.autocomplete = 'off';
  input.value = value;
  if (describedBy) input.setAttribute('aria-describedby', describedBy);
  return input;
}

function makeError(id) {
  const span = document.createElement('span');
  span.className = 'field-error';
  span.id = id;
  return span;
}

function makeButton(text, label, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = text;
  if (label) button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  return button;
}

// ---------------------------------------------------------------- panel

function renderAll() {
  keepFocus(() => {
    renderSurface();
    renderStart();
    renderRacers();
    renderPlayback();
  });
}

function renderSurface() {
  const state = model.state;
  const select = $('surface');
  select.replaceChildren();
  for (const surface of model.surfaces || []) {
    const option = document.createElement('option');
    option.value = String(surface.name);
    option.textContent = String(surface.name);
    select.append(option);
  }
  const custom = document.createElement('option');
  custom.value = 'custom';
  custom.textContent = 'custom formula';
  select.append(custom);
  select.value = String(state.surface);

  const info = (model.surfaces || []).find((s) => s.name === state.surface);
  $('surface-description').textContent = info ? String(info.description ?? '') : 'Your own f(x, y).';
  $('surface-formula').textContent = info ? `f = ${info.formula ?? ''}` : `f = ${state.expr ?? ''}`;

  const grid = $('surface-params');
  grid.replaceChildren();
  for (const param of state.surface_params || []) {
    const key = String(param.key);
    const id = `surface-param-${safeId(key)}`;
    const wrap = document.createElement('div');
    wrap.className = 'param';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = key;
    const input = makeTextInput(id, String(param.value), `${id}-error`);
    const error = makeError(`${id}-error`);
    input.addEventListener('input', guard(() => {
      const message = pg.set_surface_param(key, input.value);
      if (setFieldError(error, input, message)) changed();
    }));
    wrap.append(label, input, error);
    grid.append(wrap);
  }

  const expr = $('expr');
  if (document.activeElement !== expr) {
    if (state.surface === 'custom' && typeof state.expr === 'string') expr.value = state.expr;
  }
}

function renderStart() {
  const [x, y] = Array.isArray(model.state.start) ? model.state.start : [0, 0];
  const inputX = $('start-x');
  const inputY = $('start-y');
  if (document.activeElement !== inputX) inputX.value = formatStart(x);
  if (document.activeElement !== inputY) inputY.value = formatStart(y);
}

function formatStart(v) {
  return typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '';
}

function renderRacers() {
  const list = $('racers');
  list.replaceChildren();
  const racers = model.state.racers || [];
  const limit = model.limits && model.limits.max_racers ? model.limits.max_racers : Infinity;
  racers.forEach((racer, index) => list.append(racerCard(racer, index, racers.length < limit)));

  const add = $('add-optimizer');
  if (add.options.length === 0) {
    for (const opt of model.optimizers || []) {
      const option = document.createElement('option');
      option.value = String(opt.name);
      option.textContent = String(opt.name);
      add.append(option);
    }
    if ([...add.options].some((o) => o.value === 'adam')) add.value = 'adam';
  }
  $('add-racer').disabled = racers.length >= limit;
}

function racerCard(racer, index, canGrow) {
  const base = `racer-${index}`;
  const label = String(racer.label ?? racer.optimizer ?? `optimizer ${index + 1}`);
  const li = document.createElement('li');
  li.className = 'racer';
  li.style.setProperty('--swatch', safeColor(racer.color));

  const head = document.createElement('div');
  head.className = 'racer-head';
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.setProperty('--swatch', safeColor(racer.color));
  swatch.setAttribute('aria-hidden', 'true');
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = label;

  const selectLabel = document.createElement('label');
  selectLabel.className = 'visually-hidden';
  selectLabel.htmlFor = `${base}-optimizer`;
  selectLabel.textContent = `Optimizer for ${label}`;
  const select = document.createElement('select');
  select.id = `${base}-optimizer`;
  for (const opt of model.optimizers || []) {
    const option = document.createElement('option');
    option.value = String(opt.name);
    option.textContent = String(opt.name);
    select.append(option);
  }
  select.value = String(racer.optimizer);
  const cardError = makeError(`${base}-error`);
  select.setAttribute('aria-describedby', cardError.id);
  select.addEventListener('change', guard(() => {
    const message = pg.set_racer_optimizer(index, select.value);
    if (setFieldError(cardError, select, message)) changed({ rebuild: () => keepFocus(renderRacers) });
  }));

  const actions = document.createElement('div');
  actions.className = 'racer-actions';
  const duplicate = makeButton('Duplicate', `Duplicate ${label}`, guard(() => {
    const message = pg.duplicate_racer(index);
    if (setFieldError($('racers-error'), null, message)) changed({ rebuild: () => keepFocus(renderRacers) });
  }));
  duplicate.id = `${base}-duplicate`;
  duplicate.disabled = !canGrow;
  const remove = makeButton('Remove', `Remove ${label}`, guard(() => {
    const message = pg.remove_racer(index);
    if (setFieldError($('racers-error'), null, message)) {
      changed({ rebuild: () => keepFocus(renderRacers) });
      if (!document.activeElement || document.activeElement === document.body) $('add-racer').focus();
    }
  }));
  remove.id = `${base}-remove`;
  actions.append(duplicate, remove);
  head.append(swatch, name, selectLabel, select, actions);

  const info = (model.optimizers || []).find((o) => o.name === racer.optimizer);
  const description = document.createElement('p');
  description.className = 'hint description';
  description.textContent = info ? String(info.description ?? '') : '';

  const grid = document.createElement('div');
  grid.className = 'param-grid';
  const config = racer.config && typeof racer.config === 'object' ? racer.config : {};
  const rule = document.createElement('pre');
  rule.id = `${base}-rule`;
  rule.textContent = String(racer.rule ?? (info ? info.rule : '') ?? '');
  rule.setAttribute('aria-label', `Update rule of ${label}`);

  for (const [key, value] of Object.entries(config)) {
    grid.append(racerParam(index, key, value, label, rule));
  }

  li.append(head, description, grid, rule, cardError);
  return li;
}

function racerParam(index, key, value, racerLabel, ruleEl) {
  const id = `racer-${index}-param-${safeId(key)}`;
  const wrap = document.createElement('div');
  wrap.className = 'param';
  const error = makeError(`${id}-error`);
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = key;
  const afterChange = () => {
    changed();
    const racer = (model.state.racers || [])[index];
    if (racer && typeof racer.rule === 'string') ruleEl.textContent = racer.rule;
  };

  if (typeof value === 'boolean') {
    wrap.classList.add('check');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = id;
    box.checked = value;
    box.setAttribute('aria-describedby', error.id);
    box.addEventListener('change', guard(() => {
      const message = pg.set_racer_param(index, key, box.checked ? 'true' : 'false');
      if (setFieldError(error, box, message)) afterChange();
    }));
    label.prepend(box);
    wrap.append(label, error);
  } else {
    const input = makeTextInput(id, value === null || value === undefined ? '' : String(value), error.id);
    input.setAttribute('aria-label', `${key} of ${racerLabel}`);
    input.addEventListener('input', guard(() => {
      const message = pg.set_racer_param(index, key, input.value);
      if (setFieldError(error, input, message)) afterChange();
    }));
    wrap.append(label, input, error);
  }
  return wrap;
}

function renderPlayback() {
  const state = model.state;
  const speed = $('speed');
  const max = model.limits && model.limits.max_speed ? model.limits.max_speed : 50;
  speed.max = String(max);
  speed.value = String(currentSpeed());
  $('speed-out').textContent = speed.value;
  $('log-color').checked = Boolean(state.log_color);
}

// ---------------------------------------------------------------- events

function wireControls() {
  $('surface').addEventListener('change', guard(() => {
    const select = $('surface');
    if (select.value === 'custom') {
      const text = $('expr').value.trim();
      if (!text) {
        $('expr').focus();
        say('Type a formula in “Custom f(x, y)” and press Apply.');
        return;
      }
      applyExpr();
      return;
    }
    const message = pg.set_surface(select.value);
    if (setFieldError($('surface-error'), select, message)) {
      setFieldError($('expr-error'), $('expr'), '');
      changed({ rebuild: () => keepFocus(() => { renderSurface(); renderStart(); }) });
    } else {
      select.value = String(model.state.surface);
    }
  }));

  $('expr-apply').addEventListener('click', guard(applyExpr));
  $('expr').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      guard(applyExpr)();
    }
  });

  const startChanged = guard(() => {
    const inputX = $('start-x');
    const inputY = $('start-y');
    const error = $('start-error');
    if (inputX.value.trim() === '' || inputY.value.trim() === '') {
      setFieldError(error, [inputX, inputY], 'Enter a number for both x and y.');
      return;
    }
    const message = pg.set_start(Number(inputX.value), Number(inputY.value));
    if (setFieldError(error, [inputX, inputY], message)) changed();
  });
  $('start-x').addEventListener('input', startChanged);
  $('start-y').addEventListener('input', startChanged);

  $('add-racer').addEventListener('click', guard(() => {
    const message = pg.add_racer($('add-optimizer').value);
    if (setFieldError($('racers-error'), null, message)) changed({ rebuild: () => keepFocus(renderRacers) });
  }));

  wirePlayback(guard, loop, pg);

  $('speed').addEventListener('input', guard(() => {
    const speed = $('speed');
    const message = pg.set_speed(Number(speed.value));
    $('speed-out').textContent = speed.value;
    if (message) say(message, true);
    else changed();
  }));
  $('log-color').addEventListener('change', guard(() => {
    const message = pg.set_log_color($('log-color').checked);
    if (message) say(message, true);
    else changed();
  }));

  wireShare({
    syncHash,
    embedHash: (autoplay, hide) => pg.embed_hash(autoplay, hide),
    title: 'sgdlab: optimizers racing on a loss landscape',
    guard,
  });
  $('export-landscape').addEventListener('click', () => exportCanvases([$('heatmap'), $('overlay')], 'sgdlab-landscape.png', { stack: true }));
  $('export-losses').addEventListener('click', () => exportCanvases([$('losses')], 'sgdlab-losses.png'));
  $('export-csv').addEventListener('click', guard(() => exportText(pg.export_csv(), 'text/csv', 'sgdlab-paths.csv')));
  $('export-json').addEventListener('click', guard(() => exportText(pg.export_json(), 'application/json', 'sgdlab-paths.json')));

  window.addEventListener('hashchange', guard(() => {
    const errors = pg.load_hash(location.hash);
    loop.setPlaying(false);
    refreshModel();
    clearFieldErrors();
    renderAll();
    syncHash(true);
    loop.requestDraw();
    reportLinkErrors(errors, 'Loaded the settings from the link.');
  }));
}

function applyExpr() {
  const expr = $('expr');
  const message = pg.set_expr(expr.value);
  if (setFieldError($('expr-error'), expr, message)) {
    setFieldError($('surface-error'), $('surface'), '');
    changed({ rebuild: () => keepFocus(() => { renderSurface(); renderStart(); }) });
    say('Custom surface applied.');
  } else {
    $('surface').value = String(model.state.surface);
  }
}

function wireCanvas() {
  const overlay = $('overlay');
  const readout = $('readout');
  bindLandscapePointer(overlay, {
    setStart: guard((x, y, w, h) => {
      const message = pg.set_start_from_canvas(x, y, w, h);
      if (setFieldError($('start-error'), [$('start-x'), $('start-y')], message)) {
        changed();
        renderStart();
      }
    }),
    hover: guard((x, y, w, h) => {
      const r = parseJson(pg.readout(x, y, w, h), null);
      if (!r) return;
      readout.textContent = `x = ${formatNumber(r.x)}, y = ${formatNumber(r.y)}, f = ${formatNumber(r.f)}, ∇f = (${formatNumber(r.gx)}, ${formatNumber(r.gy)})`;
    }),
    leave: () => {
      readout.textContent = 'Point at the landscape to read x, y, f and ∇f.';
    },
  });
}

function watchSizes() {
  const resize = guard(() => {
    const { map, losses } = fitLandscape();
    if (map) pg.invalidate_heatmap();
    if (map || losses) loop.requestDraw();
  });
  const observer = new ResizeObserver(resize);
  observer.observe($('landscape'));
  observer.observe($('losses'));
  // devicePixelRatio changes (zoom, moving to another screen) resize nothing.
  const watchRatio = () => {
    const query = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    query.addEventListener('change', () => {
      resize();
      watchRatio();
    }, { once: true });
  };
  watchRatio();
}

function afterFrame() {
  const status = parseJson(pg.status(), null);
  if (!status) return;
  const step = String(status.step ?? 0);
  const counter = $('step-count');
  if (counter.textContent !== step) counter.textContent = step;
  renderLegend($('legend'), Array.isArray(status.racers) ? status.racers : []);

  const h = status.hessian;
  if (h) {
    $('hessian-point').textContent = `(${formatNumber(h.x)}, ${formatNumber(h.y)})`;
    const eig = Array.isArray(h.eigenvalues) ? h.eigenvalues : [];
    $('hessian-eigen').textContent = `${formatNumber(eig[0])}, ${formatNumber(eig[1])}`;
    $('hessian-kappa').textContent = h.condition === null || h.condition === undefined ? '— (not positive definite)' : formatNumber(h.condition);
    $('hessian-bound').textContent = h.lr_bound === null || h.lr_bound === undefined ? '— (no positive curvature)' : `lr < ${formatNumber(h.lr_bound)}`;
  }
  markReady();
}
