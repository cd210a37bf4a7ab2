// End-to-end tests of the embeddable widget (dist/embed.html#<state>).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  serveStatic,
  launchBrowser,
  distIsBuilt,
  watchedPage,
  waitReady,
  canvasStats,
  stepCount,
  focusPage,
  ensureScreenshotDir,
  SCREENSHOTS,
} from './harness.mjs';

let server;
let browser;

before(async () => {
  assert.ok(distIsBuilt(), 'dist/ has no build: run `trunk build --release --offline` first');
  server = await serveStatic();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

function assertClean(log) {
  assert.deepEqual(log.pageErrors, [], 'uncaught page errors');
  assert.deepEqual(log.consoleErrors, [], 'console errors');
  assert.deepEqual(log.dialogs, [], 'dialogs');
}

/** Ask the playground page for an embed hash (state + options). */
async function embedHash(autoplay, hide) {
  const { page, context } = await watchedPage(browser);
  await page.goto(`${server.url}/index.html`);
  await waitReady(page);
  const hash = await page.evaluate(([a, h]) => window.sgdlab.pg.embed_hash(a, h), [autoplay, hide]);
  await context.close();
  return hash.startsWith('#') ? hash : `#${hash}`;
}

async function openEmbed(hash, options = {}) {
  const watched = await watchedPage(browser, options);
  await watched.page.goto(`${server.url}/embed.html${hash}`);
  await waitReady(watched.page);
  return watched;
}

async function geometry(page) {
  return page.evaluate(() => ({
    viewport: { width: innerWidth, height: innerHeight },
    landscape: document.getElementById('landscape').getBoundingClientRect().toJSON(),
    losses: document.getElementById('losses').getBoundingClientRect().toJSON(),
    scroll: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
  }));
}

test('embed with autoplay renders and runs by itself (16:9)', async () => {
  ensureScreenshotDir();
  const hash = await embedHash(true, '');
  const { page, context, log } = await openEmbed(hash, { viewport: { width: 960, height: 540 } });
  const heat = await canvasStats(page, 'heatmap');
  assert.ok(heat.colours > 20, 'heatmap drawn');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) > 10, null, { timeout: 10_000 });
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'true');

  const g = await geometry(page);
  assert.ok(Math.abs(g.landscape.width - g.landscape.height) <= 1, 'landscape stays square');
  assert.ok(g.landscape.bottom <= g.viewport.height + 0.5 && g.landscape.right <= g.viewport.width + 0.5, 'landscape fits the frame');
  assert.ok(g.landscape.height >= 0.75 * g.viewport.height, 'landscape uses the height of a 16:9 frame');
  assert.ok(g.losses.width > 100 && g.losses.height > 100, 'loss curve shown beside the landscape on a wide frame');
  assert.ok(g.scroll.height <= g.viewport.height + 1 && g.scroll.width <= g.viewport.width + 1, 'no scrollbars');

  const href = await page.getAttribute('#open-full', 'href');
  assert.match(href, /index\.html#./, 'open in sgdlab links to the playground with the state');

  // Pause, then show a fixed moment of the run (step 120) for the docs.
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'false');
  await page.evaluate(() => {
    window.sgdlab.pg.reset();
    window.sgdlab.pg.step(119);
  });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '120');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'embed.png') });
  assertClean(log);
  await context.close();
});

test('embed fits any aspect ratio', async () => {
  const hash = await embedHash(false, '');
  for (const viewport of [
    { width: 640, height: 360 },
    { width: 1920, height: 1080 },
    { width: 360, height: 640 },
    { width: 300, height: 300 },
  ]) {
    const { page, context, log } = await openEmbed(hash, { viewport });
    const g = await geometry(page);
    const where = `${viewport.width}x${viewport.height}`;
    assert.ok(Math.abs(g.landscape.width - g.landscape.height) <= 1, `square at ${where}`);
    assert.ok(g.landscape.width >= 0.5 * Math.min(viewport.width, viewport.height), `landscape not tiny at ${where}`);
    assert.ok(g.landscape.bottom <= viewport.height + 0.5 && g.landscape.right <= viewport.width + 0.5, `fits at ${where}`);
    assert.ok(g.scroll.height <= viewport.height + 1 && g.scroll.width <= viewport.width + 1, `no scrollbars at ${where}`);
    assert.ok((await canvasStats(page, 'heatmap')).colours > 20, `heatmap drawn at ${where}`);
    assertClean(log);
    await context.close();
  }
});

test('embed inside an iframe on a slide-like page', async () => {
  const hash = await embedHash(true, '');
  const { page, context, log } = await watchedPage(browser, { viewport: { width: 1280, height: 800 } });
  const src = `${server.url}/embed.html${hash}`;
  await page.setContent('<!doctype html><title>slide</title><h1>A slide</h1><div id="slot"></div>');
  await page.evaluate((url) => {
    const frame = document.createElement('iframe');
    frame.src = url;
    frame.title = 'sgdlab widget';
    frame.style.cssText = 'width:800px;height:450px;border:0';
    frame.id = 'widget';
    document.getElementById('slot').append(frame);
  }, src);
  const frame = page.frameLocator('#widget');
  await frame.locator('body[data-ready="true"]').waitFor();
  let steps = 0;
  for (let i = 0; i < 50 && steps <= 5; i += 1) {
    await page.waitForTimeout(100);
    steps = Number(await frame.locator('#step-count').textContent());
  }
  assert.ok(steps > 5, 'autoplay runs inside the iframe');
  const box = await frame.locator('#landscape').boundingBox();
  assert.ok(Math.abs(box.width - box.height) <= 1 && box.height >= 300, 'square landscape filling the 16:9 frame');
  assertClean(log);
  await context.close();
});

test('embed without autoplay waits; hidden controls are hidden; keys work', async () => {
  const hash = await embedHash(false, 'speed,losses');
  const { page, context, log } = await openEmbed(hash, { viewport: { width: 800, height: 450 } });
  await page.waitForTimeout(400);
  assert.equal(await stepCount(page), 0, 'no autoplay');
  assert.equal(await page.locator('#speed').isVisible(), false, 'speed slider hidden');
  assert.equal(await page.locator('#losses').isVisible(), false, 'loss curve hidden');
  assert.equal(await page.locator('#play').isVisible(), true, 'play stays');

  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '1');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) > 3);
  await page.keyboard.press('Space');
  await page.keyboard.press('r');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '0');

  // Tab reaches the bar with a visible focus ring.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, 'none');
  assertClean(log);
  await context.close();
});

test('reduced motion: autoplay does not start, a step on request still works', async () => {
  const hash = await embedHash(true, '');
  const { page, context, log } = await openEmbed(hash, { viewport: { width: 800, height: 450 }, reducedMotion: 'reduce' });
  await page.waitForTimeout(400);
  assert.equal(await stepCount(page), 0);
  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '1');
  assertClean(log);
  await context.close();
});
