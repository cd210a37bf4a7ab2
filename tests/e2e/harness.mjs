// Shared pieces of the browser tests: a tiny static server for dist/, the
// headless Chromium launch (Debian's /usr/bin/chromium driven by
// playwright-core; never a downloaded browser), and canvas pixel probes.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// SGDLAB_DIST points the tests at another build folder (default: dist/).
export const DIST = process.env.SGDLAB_DIST ? path.resolve(process.env.SGDLAB_DIST) : path.join(ROOT, 'dist');
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve `dir` on 127.0.0.1 at a free port. Resolves to { url, close }.
 * Only files inside `dir` are served; anything else is a 404.
 */
export function serveStatic(dir = DIST, port = 0) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = path.resolve(root, `.${pathname}`);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

export const CHROMIUM = process.env.SGDLAB_CHROMIUM || '/usr/bin/chromium';

/**
 * Headless Chromium. `args` are added to the usual flags, e.g.
 * ['--enable-unsafe-webgpu'] to expose WebGPU on SwiftShader.
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
  return ['index.html', 'embed.html', 'sgdlab-web.js', 'sgdlab-web_bg.wasm']
    .every((f) => fs.existsSync(path.join(DIST, f)));
}

/**
 * A new page that records console errors, uncaught page errors and dialogs
 * (dialogs are dismissed so a stray alert() cannot hang the test).
 */
export async function watchedPage(browser, { viewport = { width: 1280, height: 900 }, reducedMotion = 'no-preference', deviceScaleFactor = 1 } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion, deviceScaleFactor });
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

/** Wait until the page's first frame is drawn (body[data-ready="true"]). */
export async function waitReady(page, timeout = 20_000) {
  await page.waitForFunction(() => document.body && document.body.dataset.ready === 'true', null, { timeout });
}

/**
 * Pixel summary of a canvas: size, number of distinct colours (sampled on a
 * grid), the share of non-transparent pixels and a hash of all pixel bytes.
 */
export function canvasStats(page, id) {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId);
    if (!canvas || !canvas.width || !canvas.height) return null;
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let hash = 2166136261;
    let opaque = 0;
    for (let i = 0; i < data.length; i += 1) {
      hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    }
    const colours = new Set();
    const stride = Math.max(1, Math.floor(canvas.width / 40));
    for (let y = 0; y < canvas.height; y += stride) {
      for (let x = 0; x < canvas.width; x += stride) {
        const k = 4 * (y * canvas.width + x);
        colours.add((data[k] << 24) ^ (data[k + 1] << 16) ^ (data[k + 2] << 8) ^ data[k + 3]);
      }
    }
    for (let k = 3; k < data.length; k += 4) if (data[k] !== 0) opaque += 1;
    return {
      width: canvas.width,
      height: canvas.height,
      colours: colours.size,
      opaqueShare: opaque / (canvas.width * canvas.height),
      hash,
    };
  }, id);
}

export async function stepCount(page) {
  return Number(await page.textContent('#step-count'));
}

/** Make sure keyboard shortcuts go to the page, not to a focused control. */
export async function focusPage(page) {
  await page.evaluate(() => {
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  });
}

export function ensureScreenshotDir() {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}
