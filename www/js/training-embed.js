// The training lab's embeddable widget (embed.html#view=training&…): the
// selected optimizer's decision boundary, the loss curves and a legend with
// each optimizer's accuracy. Loaded by embed-views.js.

import {
  loadWasm,
  parseJson,
  linkProblems,
  installBugReporter,
  fitCanvas,
  setSpeedSlider,
  pointOpenFull,
  FrameLoop,
  renderLegend,
  formatNumber,
  makeGuard,
  wirePlayback,
  playButton,
  startAutoplay,
  markReady,
} from './common.js';
import { $, viewOfHash } from './views.js';

const FRAME_BUDGET_MS = 8;
const BOUNDARY_INTERVAL_MS = 150;

export async function startTrainingEmbed({ mount, applyHidden, say, reloadOnViewChange }) {
  mount('training');
  let loop = null;
  const showBug = installBugReporter(() => loop && loop.stop());
  const { TrainingLab } = await loadWasm();
  fitCanvas($('boundary'));
  fitCanvas($('losses'), 160, 80);
  // The accuracy chart is not shown in the widget.
  const lab = new TrainingLab(location.hash, $('boundary'), $('losses'), document.createElement('canvas'), []);
  window.sgdlab = { lab };
  let lastBoundary = 0;

  const guard = makeGuard(() => loop, showBug);
  const showPlaying = playButton('Train');
  const sync = () => {
    const m = parseJson(lab.ui_model(), null);
    if (m && m.state) {
      setSpeedSlider($('speed'), m, m.state.speed);
    }
    pointOpenFull('training.html', lab.hash());
  };
  loop = new FrameLoop({
    advance: (n) => (n === null ? lab.train_frame(lab.speed(), FRAME_BUDGET_MS) : lab.step(n)),
    draw: () => {
      lab.render_curves();
      const now = performance.now();
      if (!loop.playing || now - lastBoundary >= BOUNDARY_INTERVAL_MS) {
        lastBoundary = now;
        lab.render_boundaries();
      }
    },
    after: () => {
      const status = parseJson(lab.status(), null);
      if (!status) return;
      $('epoch-count').textContent = String(status.epoch ?? 0);
      const runs = Array.isArray(status.runs) ? status.runs : [];
      renderLegend($('legend'), runs.map((r) => ({
        label: r.label,
        color: r.color,
        stopped: r.stopped,
        loss: r.metrics ? r.metrics.train_loss : null,
      })));
      // The legend's value reads "loss …"; add the test accuracy after it.
      runs.forEach((r, i) => {
        const value = $('legend').children[i].lastChild;
        if (!r.stopped && r.metrics && typeof r.metrics.test_acc === 'number') {
          value.textContent = `loss ${formatNumber(r.metrics.train_loss)} · test ${(100 * r.metrics.test_acc).toFixed(0)}%`;
        }
      });
      markReady();
    },
    finished: () => lab.finished(),
    onPlayChange: (playing) => {
      showPlaying(playing);
      if (!playing) loop.requestDraw();
    },
  });

  const problems = linkProblems(lab.load_errors());
  if (problems) say(problems);
  const options = parseJson(lab.embed_options(), {}) || {};
  applyHidden(options.hide);
  sync();

  wirePlayback(guard, loop, lab);
  $('speed').addEventListener('input', guard(() => say(lab.set('speed', $('speed').value))));
  reloadOnViewChange('training');
  window.addEventListener('hashchange', guard(() => {
    if (viewOfHash(location.hash) !== 'training') return;
    const problems = linkProblems(lab.load_hash(location.hash));
    loop.setPlaying(false);
    applyHidden((parseJson(lab.embed_options(), {}) || {}).hide);
    sync();
    loop.requestDraw();
    say(problems);
  }));
  const resize = guard(() => {
    const a = fitCanvas($('boundary'));
    const b = fitCanvas($('losses'), 160, 80);
    if (a || b) loop.requestDraw();
  });
  const observer = new ResizeObserver(resize);
  observer.observe($('landscape'));
  observer.observe($('embed-side'));

  $('loading').hidden = true;
  loop.requestDraw();
  startAutoplay(options, loop, say, 'Reduced motion: press Train or Space to run.');
}
