// Shared pieces of the browser tests: a small static server for dist/ (with
// the test pages and reveal.js beside it, and CORS when asked), the
// headless Chromium launch (Debian's /usr/bin/chromium driven by
// playwright-core; never a downloaded browser), and probes into a
// <sgdlab-widget>: its canvases, status and controls, all inside its open
// shadow root. Playwright's CSS locators pierce open shadow roots, so
// `sgdlab-widget .field[data-key="lr"] input` finds a panel field.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// SGDLAB_DIST points the tests at another build folder (default: dist/).
export const DIST = process.env.SGDLAB_DIST ? path.resolve(process.env.SGDLAB_DIST) : path.join(ROOT, 'dist');
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
/** The test pages, served at /e2e/ beside the site (another path of it). */
export const PAGES = path.join(ROOT, 'tests', 'e2e', 'pages');
/** reveal.js from npm, served at /vendor/reveal/. */
export const REVEAL = path.join(ROOT, 'node_modules', 'reveal.js', 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` on 127.0.0.1 at a free port; resolves to { url, close, requests }.
 * - `mounts`: { '/prefix/': folder } served beside it (default: the test
 *   pages at /e2e/ and reveal.js at /vendor/reveal/);
 * - `cors`: send `Access-Control-Allow-Origin: *`, as static hosts do;
 * - `pages`: { '/path': () => html } generated on request.
 * Only files inside the folders are served; anything else is a 404.
 * `requests` lists every path asked for, in order.
 */
export function serveStatic(dir = DIST, { cors = false, mounts = { '/e2e/': PAGES, '/vendor/reveal/': REVEAL }, pages = {} } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    requests.push(pathname);
    const headers = { 'cache-control': 'no-store' };
    if (cors) headers['access-control-allow-origin'] = '*';
    if (pages[pathname]) {
      res.writeHead(200, { ...headers, 'content-type': TYPES['.html'] }).end(pages[pathname]());
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    let root = path.resolve(dir);
    for (const [prefix, folder] of Object.entries(mounts)) {
      if (pathname.startsWith(prefix)) {
        root = path.resolve(folder);
        pathname = pathname.slice(prefix.length - 1);
        break;
      }
    }
    const file = path.resolve(root, `.${pathname}`);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

export const CHROMIUM = process.env.SGDLAB_CHROMIUM || '/usr/bin/chromium';

/** Flags that give headless Chromium WebGPU on SwiftShader (a CPU). */
export const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
];

/**
 * Headless Chromium. `args` are added to the usual flags, e.g.
 * WEBGPU_ARGS to expose WebGPU on SwiftShader.
 */
export function launchBrowser({ args = [] } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--headless=new',
      ...args,
    ],
  });
}

/** True when dist/ holds a trunk build the tests can run against. */
export function distIsBuilt() {
  return ['index.html', 'embed.html', 'sgdlab-widget.js', 'sgdlab-web.js', 'sgdlab-web_bg.wasm']
    .every((f) => fs.existsSync(path.join(DIST, f)));
}

/** Checks the build, starts the server and a browser; returns { server, browser }. */
export async function setUp({ args = [], serve = {} } = {}) {
  assert.ok(distIsBuilt(), 'dist/ has no build: run `trunk build --release --offline` first');
  const server = await serveStatic(DIST, serve);
  const browser = await launchBrowser({ args });
  return { server, browser };
}

export async function tearDown({ server, browser } = {}) {
  if (browser) await browser.close();
  if (server) await server.close();
}

/**
 * A new page that records console errors, uncaught page errors and dialogs
 * (dialogs are dismissed so a stray alert() cannot hang the test).
 */
export async function watchedPage(browser, { viewport = { width: 1280, height: 900 }, reducedMotion = 'no-preference', deviceScaleFactor = 1, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion, deviceScaleFactor, colorScheme });
  const page = await context.newPage();
  const log = { consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err && err.message ? err.message : err)));
  page.on('dialog', async (dialog) => {
    log.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  return { page, context, log };
}

export function assertClean(log, what = '') {
  const where = what ? `${what}: ` : '';
  assert.deepEqual(log.pageErrors, [], `${where}uncaught page errors`);
  assert.deepEqual(log.consoleErrors, [], `${where}console errors`);
  assert.deepEqual(log.dialogs, [], `${where}dialogs`);
}

/** Wait until a site page's widget is mounted (body[data-ready="true"]). */
export async function waitReady(page, timeout = 20_000) {
  await page.waitForFunction(() => document.body && document.body.dataset.ready === 'true', null, { timeout });
}

/** Wait until every <sgdlab-widget> matching `selector` has mounted. */
export async function waitWidgets(page, selector = 'sgdlab-widget', timeout = 20_000) {
  await page.waitForFunction((sel) => {
    const all = [...document.querySelectorAll(sel)];
    return all.length > 0 && all.every((el) => el.handle && el.shadowRoot.querySelector('.sgdlab'));
  }, selector, { timeout });
  await nextFrame(page);
}

/** Opens `url` in a watched page and waits for the site page's widget and its first frame. */
export async function openPage(browser, url, options = {}) {
  const watched = await watchedPage(browser, options);
  await watched.page.goto(url);
  await waitReady(watched.page);
  await nextFrame(watched.page);
  return watched;
}

/**
 * Pixel summary of the canvas of layer `layer` in the widget `selector`:
 * size, distinct colours (sampled on a grid), the share of non-transparent
 * pixels and a hash of every pixel byte. null when there is no such canvas.
 */
export function canvasStats(page, layer, selector = 'sgdlab-widget') {
  return page.evaluate(([sel, name]) => {
    const host = document.querySelector(sel);
    const canvas = host && host.shadowRoot.querySelector(`canvas[data-layer="${name}"]`);
    if (!canvas || !canvas.width || !canvas.height) return null;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 1) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    const colours = new Set();
    const stride = Math.max(1, Math.floor(canvas.width / 40));
    for (let y = 0; y < canvas.height; y += stride) {
      for (let x = 0; x < canvas.width; x += stride) {
        const k = 4 * (y * canvas.width + x);
        colours.add((data[k] << 24) ^ (data[k + 1] << 16) ^ (data[k + 2] << 8) ^ data[k + 3]);
      }
    }
    let opaque = 0;
    for (let k = 3; k < data.length; k += 4) if (data[k] !== 0) opaque += 1;
    return { width: canvas.width, height: canvas.height, colours: colours.size, opaqueShare: opaque / (canvas.width * canvas.height), hash };
  }, [selector, layer]);
}

/** The widget's status (`el.status`). */
export function status(page, selector = 'sgdlab-widget') {
  return page.evaluate((sel) => document.querySelector(sel).status, selector);
}

export async function stepCount(page, selector = 'sgdlab-widget') {
  return (await status(page, selector)).step;
}

/** Waits until the widget's step counter satisfies `test` (a function source of `step`). */
export async function waitStep(page, test, selector = 'sgdlab-widget', timeout = 20_000) {
  await page.waitForFunction(([sel, source]) => {
    const el = document.querySelector(sel);
    const s = el && el.status;
    // eslint-disable-next-line no-new-func
    return Boolean(s) && new Function('step', `return (${source});`)(s.step);
  }, [selector, String(test)], { timeout });
}

/** The text of the widget's message line (link problems, notices). */
export function widgetMessage(page, selector = 'sgdlab-widget') {
  return page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('.message')?.textContent ?? '', selector);
}

/** Resolves after the page drew two more animation frames. */
export function nextFrame(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Gives the widget keyboard focus (its root), away from any control. */
export async function focusWidget(page, selector = 'sgdlab-widget') {
  await page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('.sgdlab').focus(), selector);
}

/** Whether the play button says it is playing. */
export function playing(page, selector = 'sgdlab-widget') {
  return page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('.transport button')?.dataset.playing === 'true', selector);
}

/**
 * Elements that markup in a link could have made, in the page and in every
 * widget's shadow root.
 */
export function injectedElements(page) {
  return page.evaluate(() => {
    const risky = 'img, svg, iframe, object, embed, script:not([type="module"]):not([src]), [onerror], [onload], [onclick]';
    const roots = [document, ...[...document.querySelectorAll('sgdlab-widget')].map((el) => el.shadowRoot)];
    return roots.flatMap((root) => [...root.querySelectorAll(risky)].map((e) => e.outerHTML.slice(0, 80)));
  });
}

/**
 * Records the text every canvas draws (plotters draws through fillText):
 * canvas layer, text, position, width, alignment, transform and the
 * glyphs' top and bottom (canvas pixels), and `{ layer, cleared: true }`
 * where a drawing starts by filling the whole canvas. Install before the
 * page loads; read with `drawnText(page)`.
 */
export async function recordCanvasText(page) {
  await page.addInitScript(() => {
    const original = CanvasRenderingContext2D.prototype.fillText;
    window.sgdlabDrawnText = [];
    CanvasRenderingContext2D.prototype.fillText = function fillText(text, x, y, ...rest) {
      const m = this.getTransform();
      const metrics = this.measureText(text);
      const at = m.b * x + m.d * y + m.f;
      window.sgdlabDrawnText.push({
        layer: this.canvas.dataset ? this.canvas.dataset.layer : undefined,
        text: String(text),
        x: m.a * x + m.c * y + m.e,
        y: at,
        top: at - metrics.actualBoundingBoxAscent * m.d,
        bottom: at + metrics.actualBoundingBoxDescent * m.d,
        rotated: m.b !== 0 || m.c !== 0,
        width: metrics.width * Math.hypot(m.a, m.b),
        align: this.textAlign,
        canvasWidth: this.canvas.width,
        canvasHeight: this.canvas.height,
      });
      return original.call(this, text, x, y, ...rest);
    };
    const fillRect = CanvasRenderingContext2D.prototype.fillRect;
    CanvasRenderingContext2D.prototype.fillRect = function fillWhole(x, y, w, h) {
      if (x <= 0 && y <= 0 && w >= this.canvas.width - 1 && h >= this.canvas.height - 1) {
        window.sgdlabDrawnText.push({ layer: this.canvas.dataset ? this.canvas.dataset.layer : undefined, cleared: true });
      }
      return fillRect.call(this, x, y, w, h);
    };
  });
}

export function drawnText(page) {
  return page.evaluate(() => window.sgdlabDrawnText.splice(0));
}

/** The texts of the last drawing of `layer` (since it last filled its canvas). */
function lastDrawing(texts, layer) {
  const own = texts.filter((t) => t.layer === layer);
  const start = own.findLastIndex((t) => t.cleared);
  return own.slice(start + 1);
}

/** The row of x-axis tick labels of the last drawing of `layer`: the
 * unrotated texts in the lower half of the canvas that share the most
 * common y. */
function tickRow(texts, layer) {
  const drawn = lastDrawing(texts, layer).filter((t) => !t.rotated && t.y > t.canvasHeight / 2);
  const rows = new Map();
  for (const t of drawn) {
    const key = Math.round(t.y);
    rows.set(key, [...(rows.get(key) ?? []), t]);
  }
  return [...rows.values()].sort((a, b) => b.length - a.length)[0] ?? [];
}

/**
 * The x-axis tick labels of the last drawing of `layer`, each as { text,
 * left, right, top, bottom } in canvas pixels.
 */
export function xAxisLabels(texts, layer) {
  // One label per position (a layer that never fills its whole canvas
  // keeps the text of every drawing).
  const last = new Map();
  for (const t of tickRow(texts, layer)) last.set(`${Math.round(t.x)}`, t);
  return [...last.values()]
    .map((t) => {
      const shift = t.align === 'center' ? 0.5 : t.align === 'right' || t.align === 'end' ? 1 : 0;
      return { text: t.text, left: t.x - shift * t.width, right: t.x + (1 - shift) * t.width, top: t.top, bottom: t.bottom };
    })
    .sort((a, b) => a.left - b.left);
}

/**
 * The x-axis description of the last drawing of `layer` (the last
 * unrotated text drawn below its tick labels), as { text, top, bottom }, or
 * null when there is none.
 */
export function xAxisDescription(texts, layer) {
  const row = tickRow(texts, layer);
  if (!row.length) return null;
  const below = lastDrawing(texts, layer).filter((t) => !t.rotated && t.y > row[0].y);
  const last = below[below.length - 1];
  return last ? { text: last.text, top: last.top, bottom: last.bottom } : null;
}

export function ensureScreenshotDir() {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}

let cliBinary = null;
/**
 * Runs `sgdlab ARGS…` and returns its standard output: the binary named by
 * SGDLAB_CLI, or the workspace's debug build (built once, with cargo).
 */
export function sgdlab(args) {
  if (!cliBinary) {
    if (process.env.SGDLAB_CLI) {
      cliBinary = process.env.SGDLAB_CLI;
    } else {
      const out = execFileSync('cargo', ['build', '-q', '-p', 'sgdlab-cli', '--message-format=json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
      const artifact = out.split('\n').filter((l) => l.includes('"executable"')).map((l) => JSON.parse(l)).find((m) => m.executable && m.target && m.target.name === 'sgdlab');
      assert.ok(artifact, 'cargo built no sgdlab binary');
      cliBinary = artifact.executable;
    }
  }
  return execFileSync(cliBinary, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
}
