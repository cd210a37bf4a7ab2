// The stochastic-landscapes page (stochastic.html). Every control sends its
// link key and text to Stochastic.set() in Rust, which checks it with the
// same decoder that reads links and answers with a message or "". Rust owns
// the state, the maths and the drawing; this file owns the DOM.

import {
  loadWasm,
  parseJson,
  formatNumber,
  installBugReporter,
  fitCanvas,
  fitLandscape,
  setSpeedSlider,
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

const HIDE_LABELS = {
  controls: 'Play/step/reset bar',
  model: 'Model',
  data: 'Data settings',
  batch: 'Batch-size slider',
  order: 'Sampling order',
  lr: 'Learning rate',
  start: 'Start point',
  speed: 'Speed slider',
  overlay: 'Minibatch contours toggle',
  noise: 'Noise panel',
  legend: 'Legend',
  export: 'Export buttons',
};

/** Text controls: element id → link key. */
const TEXT_FIELDS = { samples: 'n', noise: 'noise', seed: 'seed', k: 'k', lr: 'lr', mom: 'mom' };
/** While playing, the noise panel is measured at most this often. */
const NOISE_INTERVAL_MS = 250;

let st = null;
let model = null;
let loop = null;
let lastNoise = 0;
const syncHash = hashMirror(() => (st ? st.hash() : null));

const showBug = installBugReporter(() => {
  if (loop) loop.stop();
  $('play').disabled = true;
});
const guard = makeGuard(() => loop, showBug, () => st !== null);

main().catch((error) => {
  $('loading').textContent = 'The page could not start.';
  showBug(`could not start: ${error && error.message ? error.message : error}`);
});

async function main() {
  const { Stochastic } = await loadWasm();
  const canvases = ['heatmap', 'overlay', 'losses', 'cloud', 'variance', 'angles'].map($);
  fitAll();
  const hash = location.hash;
  st = new Stochastic(hash, ...canvases);
  window.sgdlab = { st };

  refreshModel();
  loop = new FrameLoop({
    advance: (n) => st.step(n ?? st.speed()),
    draw: () => st.render(),
    after: afterFrame,
    finished: () => st.finished(),
    onPlayChange: playButton(),
  });

  buildEmbedOptions(model.hideable, HIDE_LABELS);
  renderControls();
  wire();
  watchSizes();

  reportLinkErrors(st.load_errors());
  if (hash) syncHash(true);

  $('loading').hidden = true;
  loop.requestDraw();
  const options = parseJson(st.embed_options(), {});
  startAutoplay(options, loop, say, 'Autoplay is off because your system asks for reduced motion. Press Play or Space to run.');
}

function refreshModel() {
  const next = parseJson(st.ui_model(), null);
  if (next && next.state) model = next;
  return model;
}

function fitAll() {
  const { map, losses } = fitLandscape();
  let other = losses;
  for (const id of ['cloud', 'variance', 'angles']) other = fitCanvas($(id), 120, 100) || other;
  return { map, other };
}

/** After a successful change: new model, new hash, controls, redraw. */
function changed() {
  refreshModel();
  syncHash();
  renderControls();
  lastNoise = 0;
  loop.requestDraw();
}

/** Send one setting to Rust; show its message beside the control. */
function apply(key, value, errorEl, inputs) {
  const message = st.set(key, value);
  if (setFieldError(errorEl, inputs, message)) {
    changed();
    return true;
  }
  return false;
}

function renderControls() {
  const s = model.state;
  $('model').value = String(s.m);
  $('formula').textContent = String(model.formula ?? '');
  setValue($('samples'), s.n);
  setValue($('noise'), s.noise);
  setValue($('seed'), s.seed);
  setValue($('k'), s.k);
  setValue($('lr'), s.lr);
  setValue($('mom'), s.mom);
  setValue($('start-x'), s.start[0]);
  setValue($('start-y'), s.start[1]);
  const names = Array.isArray(model.parameters) ? model.parameters : ['θ₁', 'θ₂'];
  $('start-x').labels[0].textContent = `start ${names[0]}`;
  $('start-y').labels[0].textContent = `start ${names[1]}`;
  $('noise').disabled = s.m !== 'linear';

  const batch = $('batch');
  batch.max = String(s.n);
  if (document.activeElement !== batch) batch.value = String(s.b);
  $('batch-out').textContent = String(s.b);
  batch.setAttribute('aria-valuetext', `B = ${s.b} of ${s.n} examples`);
  const orders = (model.orders || []).filter((o) => s.m === 'logistic' || o !== 'class_balanced');
  fillSelect($('order'), orders, s.order, { class_balanced: 'class_balanced (both classes in every batch)' });
  $('drop').checked = Boolean(s.drop);
  $('overlay-on').checked = Boolean(s.overlay);
  setSpeedSlider($('speed'), model, s.speed);
  $('speed-out').textContent = String(s.speed);
}

function wire() {
  for (const [id, key] of Object.entries(TEXT_FIELDS)) {
    const input = $(id);
    const error = $(`${id}-error`);
    input.addEventListener('change', guard(() => apply(key, input.value, error, input)));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') guard(() => apply(key, input.value, error, input))();
    });
  }
  $('model').addEventListener('change', guard(() => {
    if (!apply('m', $('model').value, $('model-error'), $('model'))) $('model').value = String(model.state.m);
  }));
  $('order').addEventListener('change', guard(() => {
    if (!apply('order', $('order').value, $('order-error'), $('order'))) $('order').value = String(model.state.order);
  }));
  $('drop').addEventListener('change', guard(() => apply('drop', $('drop').checked ? '1' : '0', $('drop-error'), $('drop'))));
  $('overlay-on').addEventListener('change', guard(() => apply('overlay', $('overlay-on').checked ? '1' : '0', null, null)));
  $('batch').addEventListener('input', guard(() => {
    const batch = $('batch');
    $('batch-out').textContent = batch.value;
    apply('b', batch.value, $('batch-error'), batch);
  }));
  $('speed').addEventListener('input', guard(() => {
    $('speed-out').textContent = $('speed').value;
    const message = st.set('speed', $('speed').value);
    if (message) say(message, true);
    else syncHash();
  }));
  const startChanged = guard(() => {
    const x = $('start-x').value.trim();
    const y = $('start-y').value.trim();
    const inputs = [$('start-x'), $('start-y')];
    if (!x || !y) {
      setFieldError($('start-error'), inputs, 'Enter a number for both coordinates.');
      return;
    }
    apply('start', `${x},${y}`, $('start-error'), inputs);
  });
  for (const id of ['start-x', 'start-y']) {
    $(id).addEventListener('change', startChanged);
    $(id).addEventListener('keydown', (event) => {
      if (event.key === 'Enter') startChanged();
    });
  }

  wirePlayback(guard, loop, st, () => {
    lastNoise = 0;
  });

  bindLandscapePointer($('overlay'), {
    setStart: guard((x, y, w, h) => {
      const message = st.set_start_from_canvas(x, y, w, h);
      if (setFieldError($('start-error'), [$('start-x'), $('start-y')], message)) changed();
    }),
    hover: guard((x, y, w, h) => {
      const r = parseJson(st.readout(x, y, w, h), null);
      if (!r) return;
      const [a, b] = Array.isArray(model.parameters) ? model.parameters : ['θ₁', 'θ₂'];
      const batch = r.batch_loss === null || r.batch_loss === undefined ? '' : `, L_B = ${formatNumber(r.batch_loss)}`;
      $('readout').textContent = `${a} = ${formatNumber(r.x)}, ${b} = ${formatNumber(r.y)}, L = ${formatNumber(r.loss)}${batch}, ∇L = (${formatNumber(r.gx)}, ${formatNumber(r.gy)})`;
    }),
    leave: () => {
      $('readout').textContent = 'Point at the map to read θ, the full loss L and the minibatch loss L_B.';
    },
  });

  wireShare({
    syncHash,
    embedHash: (autoplay, hide) => st.embed_hash(autoplay, hide),
    title: 'sgdlab: minibatch SGD on a loss surface built from data',
  });
  $('export-landscape').addEventListener('click', () => exportCanvases([$('heatmap'), $('overlay')], 'sgdlab-stochastic-map.png', { stack: true }));
  $('export-losses').addEventListener('click', () => exportCanvases([$('losses')], 'sgdlab-stochastic-losses.png'));
  $('export-noise').addEventListener('click', () => exportCanvases([$('cloud'), $('variance'), $('angles')], 'sgdlab-gradient-noise.png'));
  $('export-csv').addEventListener('click', guard(() => exportText(st.export_csv(), 'text/csv', 'sgdlab-stochastic-paths.csv')));
  $('export-json').addEventListener('click', guard(() => exportText(st.export_json(), 'application/json', 'sgdlab-stochastic.json')));

  window.addEventListener('hashchange', guard(() => {
    const errors = st.load_hash(location.hash);
    loop.setPlaying(false);
    clearFieldErrors();
    refreshModel();
    renderControls();
    syncHash(true);
    lastNoise = 0;
    loop.requestDraw();
    reportLinkErrors(errors, 'Loaded the settings from the link.');
  }));
}

function watchSizes() {
  const resize = guard(() => {
    const { map, other } = fitAll();
    if (map) st.invalidate_heatmap();
    if (map || other) {
      lastNoise = 0;
      loop.requestDraw();
    }
  });
  const observer = new ResizeObserver(resize);
  for (const id of ['landscape', 'losses', 'cloud', 'variance', 'angles']) observer.observe($(id));
}

function afterFrame() {
  const status = parseJson(st.status(), null);
  if (!status) return;
  const step = String(status.step ?? 0);
  if ($('step-count').textContent !== step) $('step-count').textContent = step;
  const paths = Array.isArray(status.paths) ? status.paths : [];
  renderLegend($('legend'), paths);

  const now = performance.now();
  if (!loop.playing || now - lastNoise >= NOISE_INTERVAL_MS) {
    lastNoise = now;
    renderNoise(parseJson(st.update_noise(), null));
  }
  markReady();
}

function renderNoise(noise) {
  if (!noise || noise.error) {
    $('noise-where').textContent = noise && noise.error ? String(noise.error) : '—';
    return;
  }
  const [a, b] = Array.isArray(model.parameters) ? model.parameters : ['θ₁', 'θ₂'];
  const point = Array.isArray(noise.point) ? noise.point : [];
  $('noise-where').textContent = `At ${a} = ${formatNumber(point[0])}, ${b} = ${formatNumber(point[1])}: ${noise.batches} minibatches of B = ${noise.batch_size}, drawn ${noise.draw}.`;
  $('noise-measured').textContent = formatNumber(noise.total_variance);
  $('noise-predicted').textContent = formatNumber(noise.predicted_variance);
  $('noise-sigma').textContent = formatNumber(noise.example_variance);
  $('noise-share').textContent = typeof noise.share_beyond_90 === 'number'
    ? `${(100 * noise.share_beyond_90).toFixed(1)}% of ${noise.angles_defined}`
    : '— (∇L = 0 here)';
}
