// The embeddable widgets of the stochastic view and the training lab
// (embed.html#view=stochastic&… / #view=training&…). embed.js hands over to
// start(view); the widget's markup comes from a <template> in embed.html.
// As in embed.js, the state, autoplay and the hidden controls come from the
// hash, read and validated by Rust.

import {
  loadWasm,
  parseJson,
  linkProblems,
  installBugReporter,
  fitCanvas,
  fitLandscape,
  setSpeedSlider,
  pointOpenFull,
  FrameLoop,
  bindLandscapePointer,
  renderLegend,
  makeGuard,
  wirePlayback,
  playButton,
  startAutoplay,
  markReady,
} from './common.js';
import { $, viewOfHash } from './views.js';

const NOISE_INTERVAL_MS = 250;

/** Swap the landscape markup for the template of `view`. */
function mount(view) {
  const template = document.getElementById(`embed-${view}`);
  const main = document.querySelector('main.embed');
  main.replaceChildren(template.content.cloneNode(true));
}

function say(text) {
  const box = $('messages');
  if (box) box.textContent = text;
}

/** Hide the controls named in the hash (unknown names were refused by Rust). */
function applyHidden(names) {
  const hide = new Set((Array.isArray(names) ? names : []).map(String));
  const all = hide.has('controls');
  for (const el of document.querySelectorAll('[data-control]')) {
    el.dataset.hidden = String(all || hide.has(el.dataset.control));
  }
  if (all) document.querySelector('.embed-bar').dataset.hidden = 'true';
  const legend = $('legend');
  if (legend) legend.dataset.hidden = String(hide.has('legend'));
}

function reloadOnViewChange(view) {
  window.addEventListener('hashchange', () => {
    if (viewOfHash(location.hash) !== view) location.reload();
  });
}

export async function start(view) {
  if (view === 'stochastic') return startStochastic();
  if (view === 'training') return startTraining();
  throw new Error(`unknown view ${String(view).slice(0, 24)}`);
}

async function startStochastic() {
  mount('stochastic');
  let loop = null;
  const showBug = installBugReporter(() => loop && loop.stop());
  const { Stochastic } = await loadWasm();
  fitLandscape();
  fitCanvas($('cloud'), 120, 100);
  // The variance plot and angle histogram are not shown in the widget.
  const spare = [document.createElement('canvas'), document.createElement('canvas')];
  const st = new Stochastic(location.hash, $('heatmap'), $('overlay'), $('losses'), $('cloud'), ...spare);
  window.sgdlab = { st };
  let lastNoise = 0;

  const guard = makeGuard(() => loop, showBug);
  const sync = () => {
    const m = parseJson(st.ui_model(), null);
    if (m && m.state) {
      const batch = $('batch');
      batch.max = String(m.state.n);
      batch.value = String(m.state.b);
      $('batch-out').textContent = String(m.state.b);
      setSpeedSlider($('speed'), m, m.state.speed);
    }
    pointOpenFull('stochastic.html', st.hash());
  };
  const after = () => {
    const status = parseJson(st.status(), null);
    if (!status) return;
    $('step-count').textContent = String(status.step ?? 0);
    renderLegend($('legend'), Array.isArray(status.paths) ? status.paths : []);
    const now = performance.now();
    if (!loop.playing || now - lastNoise >= NOISE_INTERVAL_MS) {
      lastNoise = now;
      st.update_noise();
    }
    markReady();
  };
  loop = new FrameLoop({
    advance: (n) => st.step(n ?? st.speed()),
    draw: () => st.render(),
    after,
    finished: () => st.finished(),
    onPlayChange: playButton(),
  });

  const problems = linkProblems(st.load_errors());
  if (problems) say(problems);
  const options = parseJson(st.embed_options(), {}) || {};
  applyHidden(options.hide);
  sync();

  wirePlayback(guard, loop, st);
  $('batch').addEventListener('input', guard(() => {
    const message = st.set('b', $('batch').value);
    say(message);
    sync();
    lastNoise = 0;
    loop.requestDraw();
  }));
  $('speed').addEventListener('input', guard(() => say(st.set('speed', $('speed').value))));
  bindLandscapePointer($('overlay'), {
    setStart: guard((x, y, w, h) => {
      const message = st.set_start_from_canvas(x, y, w, h);
      say(message);
      if (!message) {
        sync();
        loop.requestDraw();
      }
    }),
    hover: () => {},
  });
  reloadOnViewChange('stochastic');
  window.addEventListener('hashchange', guard(() => {
    if (viewOfHash(location.hash) !== 'stochastic') return;
    const problems = linkProblems(st.load_hash(location.hash));
    loop.setPlaying(false);
    applyHidden((parseJson(st.embed_options(), {}) || {}).hide);
    sync();
    lastNoise = 0;
    loop.requestDraw();
    say(problems);
  }));
  const resize = guard(() => {
    const { map, losses } = fitLandscape();
    const cloud = fitCanvas($('cloud'), 120, 100);
    if (map) st.invalidate_heatmap();
    if (cloud) lastNoise = 0;
    if (map || losses || cloud) loop.requestDraw();
  });
  const observer = new ResizeObserver(resize);
  observer.observe($('landscape'));
  observer.observe($('embed-side'));

  $('loading').hidden = true;
  loop.requestDraw();
  startAutoplay(options, loop, say, 'Reduced motion: press Play or Space to run.');
}

async function startTraining() {
  const module = await import('./training-embed.js');
  return module.startTrainingEmbed({ mount, applyHidden, say, reloadOnViewChange });
}
