// <sgdlab-widget>: any sgdlab view, mounted on any element of any page.
//
//   <script type="module" src="https://example.org/sgdlab/sgdlab-widget.js"></script>
//   <sgdlab-widget view="landscape" link="s=rosenbrock&o=adam,lr:0.05" controls="minimal" autoplay>
//   </sgdlab-widget>
//
// Attributes: view, link, controls (full | minimal | none), hide, autoplay, theme.
// Script API: ready (Promise), link (get/set), play(), pause(), step(n), reset(), status.
// Event: sgdlab-change (bubbles; detail.link) after every change the user makes.
//
// Everything the widget knows (its plots, controls, labels, limits, rules and
// text) comes from Rust through one WidgetHandle; this file wires events,
// sizes canvases and runs the animation loop. Text from a link or an
// attribute is only ever set as textContent or an attribute, never as HTML.

import { renderPanel } from './js/panel.js';

const base = new URL('./', import.meta.url);

let wasmPromise = null;
/** The wasm module, loaded once per page however many widgets it holds. */
function loadWasm() {
  wasmPromise ??= import(new URL('sgdlab-web.js', base).href).then(async (bindings) => {
    await bindings.default({ module_or_path: new URL('sgdlab-web_bg.wasm', base) });
    return bindings;
  });
  return wasmPromise;
}

let sheetPromise = null;
/** The widget stylesheet, fetched once and shared by every shadow root. */
function loadSheet() {
  sheetPromise ??= fetch(new URL('css/widget.css', base))
    .then((r) => (r.ok ? r.text() : ''))
    .then((text) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      return sheet;
    });
  return sheetPromise;
}

/** Accept only #rrggbb colours before they reach CSS. */
const safeColor = (c) => (typeof c === 'string' && /^#[0-9a-fA-F]{6}$/.test(c) ? c : '#888888');
const parse = (text, fallback) => {
  try {
    return text ? JSON.parse(text) : fallback;
  } catch {
    return fallback;
  }
};
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
};
const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;
const darkScheme = matchMedia('(prefers-color-scheme: dark)');

// One animation loop for every widget on the page: a widget takes part while
// it is on screen and playing, stepping, drawing or waiting for the GPU.
const active = new Set();
let frameHandle = 0;
function wake(widget) {
  active.add(widget);
  frameHandle ||= requestAnimationFrame(tick);
}
function tick() {
  frameHandle = 0;
  const widgets = [...active];
  const playing = widgets.filter((w) => w.playing && w.visible).length;
  for (const widget of widgets) {
    if (!widget.tick(playing)) active.delete(widget);
  }
  if (active.size) frameHandle = requestAnimationFrame(tick);
}

class SgdlabWidget extends HTMLElement {
  static observedAttributes = ['view', 'link', 'controls', 'hide', 'autoplay', 'theme'];

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.handle = null;
    this.playing = false;
    this.visible = true;
    this.dirty = false;
    this.pendingSteps = 0;
    this.broken = false;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
  }

  connectedCallback() {
    if (this.handle || this.mounting) return;
    this.mounting = this.mount()
      .catch((error) => {
        this.fail(`The widget could not start: ${error && error.message ? error.message : error}`);
        this.rejectReady(error);
      })
      .finally(() => {
        this.mounting = null; // a failed mount must not block the next one
      });
  }

  disconnectedCallback() {
    // Moved within the page: connected again before the microtask runs.
    queueMicrotask(() => {
      if (!this.isConnected) this.free();
    });
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    // A widget that could not start (an unknown view) tries again with a new view.
    if (name === 'view' && this.broken && !this.handle && !this.mounting) this.remount();
    if (!this.handle) return;
    if (name === 'link') this.link = value ?? '';
    else if (name === 'view') this.remount();
    else {
      const problems = this.applyAttributes();
      this.build();
      this.say(problems);
    }
  }

  /** The whole state as a link (the page-hash format, without view=). */
  get link() {
    return this.handle ? this.handle.link() : this.getAttribute('link') ?? '';
  }

  /** Loads a link and resets. Bad parts are shown and keep the defaults. */
  set link(text) {
    if (!this.handle) {
      this.setAttribute('link', String(text));
      return;
    }
    this.guard(() => {
      const problems = this.describe(this.handle.load(String(text)));
      this.build();
      this.say(problems);
    });
  }

  get status() {
    return this.handle ? parse(this.handle.status(), null) : null;
  }

  play() {
    this.guard(() => {
      if (this.handle.finished()) this.handle.reset();
      this.setPlaying(true);
    });
  }

  pause() {
    this.setPlaying(false);
  }

  step(n = 1) {
    this.guard(() => {
      this.setPlaying(false);
      const count = Math.max(1, Math.min(1e6, Math.floor(Number(n)) || 1));
      this.handle.step(count);
      this.redraw();
    });
  }

  reset() {
    this.guard(() => {
      this.setPlaying(false);
      this.handle.reset();
      this.redraw();
    });
  }

  async mount() {
    const [wasm, sheet] = await Promise.all([loadWasm(), loadSheet()]);
    this.wasm = wasm;
    this.shadowRoot.adoptedStyleSheets = [sheet];
    const view = this.getAttribute('view') || 'landscape';
    this.handle = new wasm.WidgetHandle(view, this.getAttribute('link') || '');
    window.sgdlabReportBug ??= (text) => console.error(text);
    const problems = [this.describe(this.handle.load_errors()), this.applyAttributes()];
    this.build();
    this.say(problems.filter(Boolean).join('; '));
    this.observeVisibility();
    darkScheme.addEventListener('change', () => this.applyTheme());
    this.resolveReady(this);
    if (this.hasAttribute('autoplay') || this.handle.autoplay()) {
      if (reducedMotion()) this.say('Reduced motion is on: press Play to run.');
      else this.setPlaying(true);
    }
  }

  remount() {
    this.free();
    this.broken = false;
    this.connectedCallback();
  }

  free() {
    this.setPlaying(false);
    active.delete(this);
    this.visibility?.disconnect();
    this.resize?.disconnect();
    this.handle?.free();
    this.handle = null;
    this.frame = null;
    this.message = null;
    this.shadowRoot.replaceChildren();
  }

  /** Applies the hide and theme attributes through the link's own checks;
   *  returns what was wrong with them. */
  applyAttributes() {
    const problems = [];
    for (const name of ['hide', 'theme']) {
      if (!this.hasAttribute(name)) continue;
      const error = parse(this.handle.set(name, this.getAttribute(name)), null);
      if (error) problems.push(`${name}: ${error.message}`);
    }
    return problems.join('; ');
  }

  /** Builds the chrome, plots and panel the handle describes. */
  build() {
    const layout = parse(this.handle.layout(), { plots: [], readouts: [] });
    const schema = parse(this.handle.schema(), { controls: [], groups: [] });
    const mode = ['full', 'minimal', 'none'].includes(this.getAttribute('controls'))
      ? this.getAttribute('controls')
      : 'minimal';
    const hidden = new Set(schema.hide ?? []);
    const root = el('div', { class: 'sgdlab', 'data-controls': mode });
    this.frame = root;
    this.canvases = new Map();
    this.resize?.disconnect();
    this.resize = new ResizeObserver(() => this.fit());

    if (mode !== 'none' && !hidden.has('controls')) root.append(this.transport(schema, mode));
    const stage = el('div', { class: 'stage' });
    const side = el('div', { class: 'side' });
    for (const plot of layout.plots.filter((p) => !p.hidden)) {
      const figure = el('figure', { class: plot.main ? 'plot main' : 'plot', 'data-plot': plot.name });
      figure.style.aspectRatio = `1 / ${plot.aspect}`;
      plot.layers.forEach((layer, i) => {
        const top = i === plot.layers.length - 1;
        // The main plot takes focus, so that its keys (Space, →, R) work from the keyboard alone.
        const named = { role: 'img', 'aria-label': plot.label, ...(plot.main ? { tabindex: '0' } : {}) };
        const canvas = el('canvas', top ? named : { 'aria-hidden': 'true' });
        canvas.dataset.layer = layer;
        figure.append(canvas);
        this.canvases.set(layer, canvas);
        this.handle.attach(layer, canvas);
      });
      if (plot.pointer) this.wirePointer(figure, plot.name, figure.lastChild);
      this.resize.observe(figure);
      (plot.main ? stage : side).append(figure);
    }
    stage.append(side);
    root.append(stage);
    this.legend = layout.legend ? el('ul', { class: 'legend', 'aria-label': 'Runs' }) : null;
    if (this.legend) root.append(this.legend);
    this.readouts = new Map();
    for (const r of layout.readouts.filter((x) => !x.hidden)) {
      const box = el('div', { class: 'readout', 'aria-label': r.label, 'data-readout': r.name });
      this.readouts.set(r.name, box);
      root.append(box);
    }
    this.message = el('p', { class: 'message', role: 'status', 'aria-live': 'polite' });
    root.append(this.message);
    this.panel = null;
    if (mode === 'full' && !hidden.has('controls')) {
      this.panel = renderPanel(schema, (key, value) => this.edit(key, value));
      root.append(this.panel);
      if (layout.export) root.append(this.exports(layout));
    }
    root.tabIndex = -1;
    root.addEventListener('keydown', (event) => this.key(event));
    this.shadowRoot.replaceChildren(root);
    this.applyTheme();
    this.fit();
    this.redraw();
  }

  transport(schema, mode) {
    const bar = el('div', { class: 'transport', role: 'group', 'aria-label': 'Playback' });
    const toggle = () => (this.playing ? this.pause() : this.play());
    this.playButton = el('button', { type: 'button', text: 'Play', onclick: toggle });
    bar.append(
      this.playButton,
      el('button', { type: 'button', text: 'Step', onclick: () => this.step(1) }),
      el('button', { type: 'button', text: 'Reset', onclick: () => this.reset() }),
    );
    if (mode === 'minimal') {
      const minimal = { ...schema, controls: schema.controls.filter((c) => c.minimal), bare: true };
      bar.append(renderPanel(minimal, (key, value) => this.edit(key, value)));
    }
    this.counter = el('span', { class: 'counter', 'aria-live': 'off' });
    bar.append(this.counter);
    return bar;
  }

  exports(layout) {
    const save = (text, type, name) => this.download(new Blob([text], { type }), name);
    const view = this.handle.view();
    const bar = el('div', { class: 'exports', role: 'group', 'aria-label': 'Export' },
      el('button', { type: 'button', text: 'CSV',
        onclick: () => save(this.handle.export_csv(), 'text/csv', `sgdlab-${view}.csv`) }),
      el('button', { type: 'button', text: 'JSON',
        onclick: () => save(this.handle.export_json(), 'application/json', `sgdlab-${view}.json`) }));
    for (const plot of layout.plots.filter((p) => !p.hidden)) {
      bar.append(el('button', { type: 'button', text: `${plot.name} PNG`,
        onclick: () => this.savePlot(plot) }));
    }
    return bar;
  }

  /** A plot's layers composed into one PNG. */
  savePlot(plot) {
    const layers = plot.layers.map((name) => this.canvases.get(name));
    const out = document.createElement('canvas');
    out.width = layers[0].width;
    out.height = layers[0].height;
    const ctx = out.getContext('2d');
    for (const layer of layers) ctx.drawImage(layer, 0, 0);
    out.toBlob((blob) => blob && this.download(blob, `sgdlab-${this.handle.view()}-${plot.name}.png`));
  }

  download(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    this.shadowRoot.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** A control edit: checked by Rust; the message goes next to the control. */
  edit(key, value) {
    let answer = '';
    this.guard(() => {
      answer = this.handle.set(key, String(value));
      if (!answer) {
        this.build();
        this.changed();
      }
    });
    const error = parse(answer, null);
    return error ? error.message ?? String(error) : '';
  }

  /** The panel drawn again from the schema, after a change made on a plot
   *  (the start point): only the panel, so the canvases stay. */
  refreshPanel() {
    this.panelStale = false;
    if (!this.panel) return;
    const schema = parse(this.handle.schema(), { controls: [], groups: [] });
    const panel = renderPanel(schema, (key, value) => this.edit(key, value));
    this.panel.replaceWith(panel);
    this.panel = panel;
  }

  changed() {
    const detail = { link: this.link };
    this.dispatchEvent(new CustomEvent('sgdlab-change', { bubbles: true, composed: true, detail }));
  }

  wirePointer(figure, plot, canvas) {
    let dragging = false;
    const send = (kind, event) => {
      const w = canvas.clientWidth;
      const h = canvas.clientHeight;
      const x = Math.min(Math.max(event.offsetX, 0), w);
      const y = Math.min(Math.max(event.offsetY, 0), h);
      const answer = parse(this.handle.pointer(plot, kind, x, y, w, h), {});
      if (answer.error) this.say(answer.error.message ?? '');
      if (answer.changed) {
        this.panelStale = true;
        this.changed();
      }
      this.redraw();
    };
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      dragging = true;
      canvas.setPointerCapture?.(event.pointerId);
      event.preventDefault();
      this.guard(() => send('down', event));
    });
    const move = (event) => this.guard(() => send(dragging ? 'drag' : 'hover', event));
    canvas.addEventListener('pointermove', move);
    const end = () => {
      dragging = false;
      if (this.panelStale) this.guard(() => this.refreshPanel());
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('pointerleave', (event) => !dragging && this.guard(() => send('leave', event)));
  }

  /** Space plays or pauses, → steps, R resets (when the widget has focus). */
  key(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = event.composedPath()[0]?.tagName;
    if (['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'SUMMARY'].includes(tag)) return;
    const toggle = () => (this.playing ? this.pause() : this.play());
    const reset = () => this.reset();
    const actions = { ' ': toggle, ArrowRight: () => this.step(1), r: reset, R: reset };
    const action = actions[event.key];
    if (action) {
      // Kept from the page too: a slide deck would also turn the page on Space and →.
      event.preventDefault();
      event.stopPropagation();
      action();
    }
  }

  /** Canvas backing stores at layout size × devicePixelRatio (layout size
   *  ignores the CSS transforms slide decks use, so text stays sharp). */
  fit() {
    const ratio = window.devicePixelRatio || 1;
    let changed = false;
    for (const canvas of this.canvases.values()) {
      const width = Math.max(16, Math.round(canvas.clientWidth * ratio));
      const height = Math.max(16, Math.round(canvas.clientHeight * ratio));
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
        changed = true;
      }
    }
    if (changed) {
      this.handle.resized();
      this.redraw();
    }
  }

  applyTheme() {
    if (!this.handle || !this.frame) return;
    const theme = this.handle.theme();
    const dark = theme === 'dark' || (theme === 'auto' && darkScheme.matches);
    this.frame.dataset.theme = dark ? 'dark' : 'light';
  }

  observeVisibility() {
    this.visibility = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      if (this.visible) wake(this);
    });
    this.visibility.observe(this);
  }

  setPlaying(on) {
    this.playing = Boolean(on) && !this.broken && Boolean(this.handle);
    if (this.playButton) {
      this.playButton.textContent = this.playing ? 'Pause' : 'Play';
      this.playButton.dataset.playing = String(this.playing);
    }
    if (this.playing) wake(this);
  }

  redraw() {
    this.dirty = true;
    wake(this);
  }

  /** One frame (`playing` widgets of the page share its budget); false
   *  once the widget has nothing left to do. */
  tick(playing) {
    if (!this.handle || this.broken) return false;
    if (!this.visible) return false;
    let busy = false;
    this.guard(() => {
      busy = this.handle.frame(this.playing, playing);
      this.dirty = false;
      this.update();
      if (this.playing && this.handle.finished()) this.setPlaying(false);
    });
    return this.playing || busy || this.dirty;
  }

  /** The counter, legend and readouts from the status. */
  update() {
    const status = parse(this.handle.status(), null);
    if (!status) return;
    if (this.counter) this.counter.textContent = `step ${status.step}`;
    if (this.legend) {
      const runs = status.runs ?? [];
      if (this.legend.children.length !== runs.length) {
        const entry = () => el('li', {}, el('span', { class: 'swatch', 'aria-hidden': 'true' }),
          el('span', { class: 'name' }), el('span', { class: 'value' }));
        this.legend.replaceChildren(...runs.map(entry));
      }
      runs.forEach((run, i) => {
        const [swatch, name, value] = this.legend.children[i].children;
        swatch.style.setProperty('--swatch', safeColor(run.color));
        name.textContent = String(run.label ?? '');
        value.textContent = String(run.detail ?? '');
        value.classList.toggle('stopped', Boolean(run.stopped));
      });
    }
    for (const [name, box] of this.readouts) {
      const text = status.readouts?.[name];
      const lines = Array.isArray(text) ? text.map(String) : [String(text ?? '')];
      if (box.dataset.text !== lines.join('\n')) {
        box.dataset.text = lines.join('\n');
        box.replaceChildren(...lines.map((line) => el('div', { text: line })));
      }
    }
  }

  say(text) {
    if (this.message) this.message.textContent = text;
    else if (text) console.warn(`sgdlab: ${text}`);
  }

  describe(json) {
    const errors = parse(json, []);
    if (!Array.isArray(errors) || !errors.length) return '';
    return `Link problems: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
  }

  /** Runs wasm-facing code; a trap (a Rust bug) stops this widget and says so. */
  guard(fn) {
    if (!this.handle || this.broken) return;
    try {
      fn();
    } catch (error) {
      const message = error && error.message ? error.message : error;
      this.fail(`sgdlab hit an internal error and stopped: ${message}`);
    }
  }

  fail(text) {
    this.broken = true;
    this.setPlaying(false);
    const box = el('p', { class: 'failure', role: 'alert', text });
    if (this.frame) this.frame.prepend(box);
    else this.shadowRoot.replaceChildren(box);
  }
}

if (!customElements.get('sgdlab-widget')) customElements.define('sgdlab-widget', SgdlabWidget);

/** The registry (`[{name, title, summary, page}]`) and embed snippets, for pages. */
export async function sgdlab() {
  return loadWasm();
}
