// The embeddable widget (embed.html#<state>): the landscape, a small play /
// step / reset bar and, when the frame has room, the loss curve. The state,
// `autoplay` and the list of hidden controls all come from the hash, read
// and validated by Rust (`embed_options()`).

import {
  loadWasm,
  parseJson,
  linkProblems,
  installBugReporter,
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
import { viewOfHash } from './views.js';

const $ = (id) => document.getElementById(id);
const OTHER_VIEWS = ['stochastic', 'training'];

let pg = null;
let loop = null;

const showBug = installBugReporter(() => {
  if (loop) loop.stop();
});
const guard = makeGuard(() => loop, showBug, () => pg !== null);

main().catch((error) => {
  $('loading').textContent = 'The widget could not start.';
  showBug(`could not start: ${error && error.message ? error.message : error}`);
});

async function main() {
  // embed.html#view=stochastic&… and #view=training&… are the other views'
  // widgets (js/embed-views.js); no `view` key is the landscape below.
  const view = viewOfHash(location.hash);
  if (OTHER_VIEWS.includes(view)) {
    const views = await import('./embed-views.js');
    await views.start(view);
    return;
  }
  const { Playground } = await loadWasm();
  const heatmap = $('heatmap');
  const overlay = $('overlay');
  const losses = $('losses');
  fitLandscape();

  pg = typeof Playground.new === 'function'
    ? Playground.new(location.hash, heatmap, overlay, losses)
    : new Playground(location.hash, heatmap, overlay, losses);
  window.sgdlab = { pg };

  loop = new FrameLoop({
    advance: (n) => pg.step(n ?? speed()),
    draw: () => pg.render(),
    after: afterFrame,
    finished: () => pg.finished(),
    onPlayChange: playButton(),
  });

  const problems = linkProblems(pg.load_errors());
  if (problems) say(problems);

  const options = parseJson(pg.embed_options(), {}) || {};
  applyHidden(Array.isArray(options.hide) ? options.hide : []);
  syncControls();
  wire();
  watchSizes();

  $('loading').hidden = true;
  loop.requestDraw();
  startAutoplay(options, loop, say, 'Reduced motion: press Play or Space to run.');
}

function say(text) {
  $('messages').textContent = text;
}

function model() {
  return parseJson(pg.ui_model(), null);
}

function speed() {
  const slider = Number($('speed').value);
  return Number.isFinite(slider) && slider >= 1 ? slider : 1;
}

/** Hide the controls named in the hash; unknown names are ignored here. */
function applyHidden(names) {
  const hide = new Set(names.map((n) => String(n)));
  const all = hide.has('controls');
  for (const el of document.querySelectorAll('[data-control]')) {
    el.dataset.hidden = String(all || hide.has(el.dataset.control));
  }
  if (all) $('messages').dataset.hidden = 'true';
  const bar = document.querySelector('.embed-bar');
  if (all) bar.dataset.hidden = 'true';
  $('losses').dataset.hidden = String(hide.has('loss') || hide.has('losses'));
  $('legend').dataset.hidden = String(hide.has('legend') || hide.has('racers'));
  if (hide.has('loss') && hide.has('legend')) $('embed-side').hidden = true;
}

/** Put the state's speed on the slider and point "open in sgdlab" at this state. */
function syncControls() {
  const m = model();
  if (m && m.state) {
    setSpeedSlider($('speed'), m, m.state.speed ?? 1);
  }
  pointOpenFull('index.html', pg.hash());
}

function wire() {
  wirePlayback(guard, loop, pg);

  $('speed').addEventListener('input', guard(() => {
    const message = pg.set_speed(speed());
    if (message) say(message);
  }));

  bindLandscapePointer($('overlay'), {
    setStart: guard((x, y, w, h) => {
      const message = pg.set_start_from_canvas(x, y, w, h);
      if (message) say(message);
      else {
        syncControls();
        loop.requestDraw();
      }
    }),
    hover: () => {},
  });

  window.addEventListener('hashchange', guard(() => {
    if (OTHER_VIEWS.includes(viewOfHash(location.hash))) {
      location.reload();
      return;
    }
    const problems = linkProblems(pg.load_hash(location.hash));
    loop.setPlaying(false);
    const options = parseJson(pg.embed_options(), {}) || {};
    applyHidden(Array.isArray(options.hide) ? options.hide : []);
    syncControls();
    loop.requestDraw();
    say(problems);
  }));
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
}

function afterFrame() {
  const status = parseJson(pg.status(), null);
  if (!status) return;
  const step = String(status.step ?? 0);
  if ($('step-count').textContent !== step) $('step-count').textContent = step;
  renderLegend($('legend'), Array.isArray(status.racers) ? status.racers : []);
  markReady();
}
