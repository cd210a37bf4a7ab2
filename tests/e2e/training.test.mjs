// End-to-end tests of the network training lab (dist/training.html) and its
// embed, in headless Chromium. Build first: `trunk build --release --offline`.

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

async function open(hash = '', options = {}, page = 'training.html') {
  const watched = await watchedPage(browser, options);
  await watched.page.goto(`${server.url}/${page}${hash}`);
  await waitReady(watched.page);
  return watched;
}

function assertClean(log) {
  assert.deepEqual(log.pageErrors, [], 'uncaught page errors');
  assert.deepEqual(log.consoleErrors, [], 'console errors');
  assert.deepEqual(log.dialogs, [], 'dialogs');
}

const SMALL = '#d=moons&n=300&h=12,12&b=16&epochs=40&o=adam,lr:0.02&o=sgd,lr:0.1,momentum:0.9';

test('the lab loads cleanly and draws the boundary, thumbnails, curves and norms', async () => {
  const { page, context, log } = await open();
  const boundary = await canvasStats(page, 'boundary');
  assert.ok(boundary.colours > 20, `boundary not blank (colours: ${boundary.colours})`);
  assert.ok((await canvasStats(page, 'losses')).colours > 2);
  assert.ok((await canvasStats(page, 'accuracy')).colours > 2);
  assert.equal(await page.locator('#runs li').count(), 2, 'two optimizers by default');
  assert.equal(await page.locator('#runs canvas.thumb').count(), 2, 'one thumbnail each');
  assert.equal(await page.locator('#norms-body tr').count(), 6, 'three layers: W and b each');
  assert.equal(await page.locator('#dataset option').count(), 6);
  assert.equal(await page.getAttribute('nav.views a[aria-current="page"]', 'href'), 'training.html');
  assertClean(log);
  await context.close();
});

test('training advances in budgeted frames and the page stays responsive', async () => {
  const { page, context, log } = await open('#n=2000&h=64,64&b=32&epochs=500&speed=500');
  await focusPage(page);
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'true');
  // Frame gaps while training: the loop must keep yielding to the browser.
  const gaps = await page.evaluate(async () => {
    const out = [];
    let last = performance.now();
    for (let i = 0; i < 40; i += 1) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      out.push(now - last);
      last = now;
    }
    return out.sort((a, b) => a - b);
  });
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'false');
  const median = gaps[gaps.length >> 1];
  assert.ok(median < 60, `median frame gap ${median.toFixed(1)} ms while training`);
  assert.ok(Number(await page.textContent('#step-count')) > 20, 'steps were taken');
  assertClean(log);
  await context.close();
});

test('controls validate, show errors beside themselves and keep the run', async () => {
  const { page, context, log } = await open(SMALL);
  await page.waitForFunction(() => location.hash.includes('d=moons'));
  const hash = await page.evaluate(() => location.hash);
  await page.fill('#hidden', '16,abc');
  await page.press('#hidden', 'Enter');
  assert.match(await page.textContent('#hidden-error'), /whole number/);
  assert.equal(await page.getAttribute('#hidden', 'aria-invalid'), 'true');
  await page.fill('#batch', '100000');
  await page.press('#batch', 'Enter');
  assert.ok((await page.textContent('#batch-error')).length > 0);
  await page.fill('#racer-0-param-lr', '-1');
  await page.press('#racer-0-param-lr', 'Enter');
  assert.match(await page.textContent('#racer-0-error'), /lr|learning rate/i);
  assert.equal(await page.evaluate(() => location.hash), hash, 'the link keeps the last good state');

  await page.fill('#hidden', '8,8,8');
  await page.press('#hidden', 'Enter');
  assert.equal(await page.textContent('#hidden-error'), '');
  await page.waitForFunction(() => location.hash.includes('h=8,8,8'));
  assert.equal(await page.locator('#norms-body tr').count(), 8);
  await page.selectOption('#sched-kind', 'cosine_annealing');
  await page.waitForFunction(() => location.hash.includes('sched=cosine_annealing'));
  await page.selectOption('#add-optimizer', 'rmsprop');
  await page.click('#add-racer');
  assert.equal(await page.locator('#runs li').count(), 3);
  await page.click('#run-2');
  await page.waitForFunction(() => document.getElementById('run-2').getAttribute('aria-pressed') === 'true');
  assert.match(await page.textContent('#norms-who'), /rmsprop/);
  assertClean(log);
  await context.close();
});

test('a link reproduces the curves and the boundary', async () => {
  const first = await open(SMALL);
  await focusPage(first.page);
  for (let i = 0; i < 30; i += 1) await first.page.keyboard.press('ArrowRight');
  await first.page.waitForFunction(() => document.getElementById('step-count').textContent === '30');
  const link = first.page.url();
  const a = {
    runs: await first.page.textContent('#runs'),
    boundary: (await canvasStats(first.page, 'boundary')).hash,
    losses: (await canvasStats(first.page, 'losses')).hash,
  };
  const second = await watchedPage(browser);
  await second.page.goto(link);
  await waitReady(second.page);
  await focusPage(second.page);
  for (let i = 0; i < 30; i += 1) await second.page.keyboard.press('ArrowRight');
  await second.page.waitForFunction(() => document.getElementById('step-count').textContent === '30');
  assert.equal(await second.page.textContent('#runs'), a.runs);
  assert.equal((await canvasStats(second.page, 'boundary')).hash, a.boundary);
  assert.equal((await canvasStats(second.page, 'losses')).hash, a.losses);
  assertClean(first.log);
  assertClean(second.log);
  await first.context.close();
  await second.context.close();
});

test('a diverging optimizer stops and says so; the other keeps going', async () => {
  const { page, context, log } = await open('#d=xor&n=200&h=16&act=tanh&b=10&epochs=20&o=sgd,lr:1e38&o=adam,lr:0.01');
  await focusPage(page);
  for (let i = 0; i < 10; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('runs').textContent.includes('diverged at step'));
  assert.doesNotMatch(await page.textContent('#runs'), /NaN/);
  assert.ok(Number(await page.textContent('#step-count')) >= 10);
  assertClean(log);
  await context.close();
});

test('hostile links are reported, never run, and the lab still works', async () => {
  for (const hash of [
    '#d=<img src=x onerror=alert(1)>&h=<script>alert(2)</script>',
    '#n=10000&h=1024,1024,1024&b=-1&o=newton&view=evil',
    `#h=${'9,'.repeat(5000)}`,
    '#%E0%A4%A&sched=%ZZ',
    '#o=sgd,lr:1e388&o=adam,lr:NaN&o=a&o=b&o=c',
  ]) {
    const { page, context, log } = await open(hash);
    assert.ok((await canvasStats(page, 'boundary')).colours > 10, `${hash.slice(0, 40)}: boundary drawn`);
    assert.ok((await page.textContent('#messages')).length > 0, 'the problems are listed');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('#bug-banner').isVisible(), false);
    assertClean(log);
    await context.close();
  }
});

test('embed.html#view=training trains from the keyboard and hides controls', async () => {
  const { page, context, log } = await open(`${SMALL.replace('#', '#view=training&')}&hide=speed`, { viewport: { width: 800, height: 450 } }, 'embed.html');
  assert.ok((await canvasStats(page, 'boundary')).colours > 20);
  assert.equal(await page.locator('#speed').isVisible(), false);
  assert.equal(await page.locator('#legend li').count(), 2);
  await focusPage(page);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.getElementById('epoch-count').textContent) >= 2);
  await page.keyboard.press('Space');
  assert.match(await page.getAttribute('#open-full', 'href'), /training\.html#d=moons/);
  assertClean(log);
  await context.close();
});

test('screenshot: docs/screenshots/training.png', async () => {
  ensureScreenshotDir();
  const { page, context, log } = await open('#d=spirals&n=400&noise=0.1&h=32,32&b=16&epochs=150&o=adam,lr:0.01&o=sgd,lr:0.1,momentum:0.9&o=rmsprop,lr:0.003', { viewport: { width: 1280, height: 900 } });
  await focusPage(page);
  await page.evaluate(() => {
    window.sgdlab.lab.step(2000);
  });
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) >= 2001);
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'training.png'), fullPage: true });
  assertClean(log);
  await context.close();
});
