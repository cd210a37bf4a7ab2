// Shared glue for every sgdlab page. The maths, drawing, validation and URL
// format all live in Rust (crates/sgdlab-web); this file only loads the
// module, sizes canvases, runs the animation loop and wires keys and pointer.
//
// Rule for every page: text that came from the URL or from a user is put on
// the page with textContent / .value / attributes, never as HTML.

/** Load sgdlab-web.js + sgdlab-web_bg.wasm (stable names, see Trunk.toml). */
export async function loadWasm() {
  const wasmJs = new URL('../sgdlab-web.js', import.meta.url);
  const wasmBin = new URL('../sgdlab-web_bg.wasm', import.meta.url);
  const bindings = await import(wasmJs.href);
  await bindings.default({ module_or_path: wasmBin });
  return bindings;
}

/** JSON.parse that falls back instead of throwing. */
export function parseJson(text, fallback) {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/** The errors array returned by load_hash / load_errors, as readable lines. */
export function describeErrors(json) {
  const list = parseJson(json, []);
  if (!Array.isArray(list)) return [];
  return list.map((e) => {
    const field = e && typeof e.field === 'string' ? e.field : 'link';
    const message = e && typeof e.message === 'string' ? e.message : String(e);
    return `${field}: ${message}`;
  });
}

/** Accept only #rrggbb colours from the model before putting them in CSS. */
export function safeColor(color) {
  return typeof color === 'string' && /^#[0-9a-fA-F]{6}$/.test(color) ? color : '#888888';
}

/** Short, stable number formatting for readouts ("—" for null / non-finite). */
export function formatNumber(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(3);
  return String(Number(value.toPrecision(5)));
}

export function prefersReducedMotion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Show a visible banner when Rust's panic hook (window.sgdlabReportBug) or an
 * uncaught JS error reports a bug. `onBug` lets the page stop its loop.
 */
export function installBugReporter(onBug) {
  const banner = document.getElementById('bug-banner');
  const text = document.getElementById('bug-text');
  const dismiss = document.getElementById('bug-dismiss');
  const show = (message) => {
    if (banner && text) {
      text.textContent = String(message).slice(0, 2000);
      banner.hidden = false;
    }
    if (onBug) onBug(message);
  };
  window.sgdlabReportBug = show;
  if (dismiss) {
    dismiss.addEventListener('click', () => {
      banner.hidden = true;
    });
  }
  return show;
}

/**
 * Give a canvas a backing store of CSS size × devicePixelRatio.
 * Returns true when the size changed (callers then invalidate the heatmap).
 */
export function fitCanvas(canvas, minWidth = 16, minHeight = 16) {
  const rect = canvas.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  // A hidden canvas measures 0×0; keep a small drawable size instead so the
  // renderer never gets a degenerate area.
  const width = Math.max(minWidth, Math.round(rect.width * ratio));
  const height = Math.max(minHeight, Math.round(rect.height * ratio));
  if (canvas.width === width && canvas.height === height) return false;
  canvas.width = width;
  canvas.height = height;
  return true;
}

/** True when a key press belongs to the focused control, not to the page. */
function keyBelongsToControl(event) {
  const target = event.target;
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || tag === 'INPUT') return true;
  // Space activates a focused button, link or summary; leave that alone.
  if (event.key === ' ' && (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY')) return true;
  return false;
}

/** Space play/pause, ArrowRight one step, R reset. */
export function bindShortcuts({ togglePlay, stepOnce, reset }) {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (keyBelongsToControl(event)) return;
    if (event.key === ' ' || event.code === 'Space') {
      event.preventDefault();
      togglePlay();
    } else if (event.key === 'ArrowRight') {
      event.preventDefault();
      stepOnce();
    } else if (event.key === 'r' || event.key === 'R') {
      event.preventDefault();
      reset();
    }
  });
}

/**
 * The requestAnimationFrame loop. While playing it advances the page's speed
 * (steps per frame); it also redraws once whenever something asks for it.
 * `advance(n)` steps the wasm engine (n = null: the current speed), `draw()`
 * renders the canvases and `after()` updates the DOM from status().
 */
export class FrameLoop {
  constructor({ advance, draw, after, finished, onPlayChange }) {
    this.advance = advance;
    this.draw = draw;
    this.after = after;
    this.finished = finished;
    this.onPlayChange = onPlayChange;
    this.playing = false;
    this.pendingSteps = 0;
    this.dirty = false;
    this.broken = false;
    this.handle = 0;
    this.tick = this.tick.bind(this);
  }

  schedule() {
    if (!this.handle && !this.broken) this.handle = requestAnimationFrame(this.tick);
  }

  requestDraw() {
    this.dirty = true;
    this.schedule();
  }

  stepOnce() {
    this.pendingSteps += 1;
    this.schedule();
  }

  setPlaying(on) {
    const next = Boolean(on) && !this.broken;
    if (next === this.playing) return;
    this.playing = next;
    if (this.onPlayChange) this.onPlayChange(next);
    this.schedule();
  }

  stop() {
    this.broken = true;
    this.playing = false;
    if (this.handle) cancelAnimationFrame(this.handle);
    this.handle = 0;
  }

  tick() {
    this.handle = 0;
    if (this.broken) return;
    try {
      let stepped = false;
      if (this.playing) {
        this.advance(null);
        stepped = true;
      } else if (this.pendingSteps > 0) {
        this.advance(this.pendingSteps);
        this.pendingSteps = 0;
        stepped = true;
      }
      if (stepped || this.dirty) {
        this.dirty = false;
        this.draw();
        this.after();
      }
      if (this.playing && this.finished()) this.setPlaying(false);
    } catch (error) {
      this.stop();
      if (window.sgdlabReportBug) window.sgdlabReportBug(String(error && error.stack ? error.stack : error));
      return;
    }
    if (this.playing || this.pendingSteps > 0 || this.dirty) this.schedule();
  }
}

/**
 * Pointer wiring for the landscape: press sets the start point, dragging
 * moves it, plain movement reads out the surface under the pointer.
 */
export function bindLandscapePointer(canvas, { setStart, hover, leave }) {
  let dragging = false;
  // Positions are clamped to the canvas so a drag that leaves it pins the
  // start to the edge instead of failing.
  const where = (event) => {
    const rect = canvas.getBoundingClientRect();
    const x = Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
    const y = Math.min(Math.max(event.clientY - rect.top, 0), rect.height);
    return [x, y, rect.width, rect.height];
  };
  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    dragging = true;
    try {
      canvas.setPointerCapture(event.pointerId);
    } catch {
      /* pointer already gone */
    }
    event.preventDefault();
    setStart(...where(event));
  });
  canvas.addEventListener('pointermove', (event) => {
    if (dragging) setStart(...where(event));
    hover(...where(event));
  });
  const end = (event) => {
    dragging = false;
    if (canvas.hasPointerCapture && canvas.hasPointerCapture(event.pointerId)) {
      canvas.releasePointerCapture(event.pointerId);
    }
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', () => {
    if (!dragging && leave) leave();
  });
}

/** Fill a legend list with one entry per racer from status(). */
export function renderLegend(list, racers) {
  const items = list.children;
  // Rebuild only when the number of racers changes; otherwise update text.
  if (items.length !== racers.length) {
    list.replaceChildren();
    for (let i = 0; i < racers.length; i += 1) {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.setAttribute('aria-hidden', 'true');
      const name = document.createElement('span');
      name.className = 'name';
      const value = document.createElement('span');
      value.className = 'value';
      li.append(swatch, name, value);
      list.append(li);
    }
  }
  racers.forEach((racer, i) => {
    const li = list.children[i];
    const [swatch, name, value] = li.children;
    swatch.style.setProperty('--swatch', safeColor(racer.color));
    const label = String(racer.label ?? '');
    if (name.textContent !== label) name.textContent = label;
    let text;
    if (racer.stopped) {
      text = String(racer.stopped);
      value.classList.add('stopped');
    } else {
      text = `loss ${formatNumber(racer.loss)}`;
      if (typeof racer.switch_step === 'number') text += ` · SGD from step ${racer.switch_step}`;
      value.classList.remove('stopped');
    }
    if (value.textContent !== text) value.textContent = text;
  });
}

/** Copy text to the clipboard; if that is refused, show it in a field to copy by hand. */
export async function copyText(text, fallbackInput, fallbackWrapper) {
  try {
    await navigator.clipboard.writeText(text);
    if (fallbackWrapper) fallbackWrapper.hidden = true;
    return true;
  } catch {
    if (fallbackInput) {
      fallbackInput.value = text;
      if (fallbackWrapper) fallbackWrapper.hidden = false;
      fallbackInput.focus();
      fallbackInput.select();
    }
    return false;
  }
}

/** Save a Blob as a file. */
export function downloadBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Escape text for use inside a double-quoted HTML attribute (embed snippet). */
export function escapeAttribute(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/**
 * A wrapper for wasm-facing code: a trap (Rust panic) or any error stops the
 * loop and shows the bug banner. `getLoop()` gives the page's FrameLoop (or
 * null before it exists); `ready()` says whether the engine exists yet.
 */
export function makeGuard(getLoop, showBug, ready = () => true) {
  return (fn) => (...args) => {
    const loop = getLoop();
    if (!ready() || (loop && loop.broken)) return undefined;
    try {
      return fn(...args);
    } catch (error) {
      const current = getLoop();
      if (current) current.stop();
      showBug(String(error && error.stack ? error.stack : error));
      return undefined;
    }
  };
}

/**
 * Play/step/reset buttons (#play, #step, #reset) and their keys. `engine`
 * has finished() and reset(); `onReset()` runs after a reset, before the redraw.
 */
export function wirePlayback(guard, loop, engine, onReset = null) {
  const togglePlay = guard(() => {
    if (!loop.playing && engine.finished()) engine.reset();
    loop.setPlaying(!loop.playing);
  });
  const stepOnce = guard(() => {
    loop.setPlaying(false);
    loop.stepOnce();
  });
  const reset = guard(() => {
    loop.setPlaying(false);
    engine.reset();
    if (onReset) onReset();
    loop.requestDraw();
  });
  document.getElementById('play').addEventListener('click', togglePlay);
  document.getElementById('step').addEventListener('click', stepOnce);
  document.getElementById('reset').addEventListener('click', reset);
  bindShortcuts({ togglePlay, stepOnce, reset });
}

/** FrameLoop's onPlayChange for the #play button: "Pause" while playing. */
export function playButton(idleText = 'Play') {
  return (playing) => {
    const button = document.getElementById('play');
    button.textContent = playing ? 'Pause' : idleText;
    button.dataset.playing = String(playing);
  };
}

/** Start playing when the link asks for autoplay, unless motion is reduced. */
export function startAutoplay(options, loop, say, reducedMotionText) {
  if (!options || options.autoplay !== true) return;
  if (prefersReducedMotion()) say(reducedMotionText);
  else loop.setPlaying(true);
}

/** Tell the browser tests the page has drawn its first frame. */
export function markReady() {
  if (document.body.dataset.ready !== 'true') document.body.dataset.ready = 'true';
}

/**
 * Fit the landscape's two stacked canvases (#heatmap, #overlay) and the
 * loss chart (#losses). `map`: the landscape changed size; `losses`: the chart did.
 */
export function fitLandscape() {
  const heatmap = fitCanvas(document.getElementById('heatmap'));
  const overlay = fitCanvas(document.getElementById('overlay'));
  const losses = fitCanvas(document.getElementById('losses'), 160, 80);
  return { map: heatmap || overlay, losses };
}

/** Put the UI model's speed limit and `speed` on a speed slider. */
export function setSpeedSlider(slider, model, speed) {
  if (model.limits && model.limits.max_speed) slider.max = String(model.limits.max_speed);
  slider.value = String(speed);
}

/** Point the embed's "open in sgdlab" link (#open-full) at `page` with `hash`. */
export function pointOpenFull(page, hash) {
  const link = new URL(page, location.href);
  link.hash = hash;
  document.getElementById('open-full').href = link.href;
}

/** An embed's one-line note on the unused parts of a link ("" when none). */
export function linkProblems(json) {
  const errors = describeErrors(json);
  return errors.length ? `Link problems: ${errors.join('; ')}` : '';
}
