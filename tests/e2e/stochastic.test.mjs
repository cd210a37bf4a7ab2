// End-to-end tests of the stochastic-landscapes page (dist/stochastic.html)
// and its embed, in headless Chromium. Build first: `trunk build --release --offline`.

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

async function open(hash = '', options = {}, page = 'stochastic.html') {
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

/** The noise panel's measured variance, once it shows a number. */
async function measuredVariance(page) {
  await page.waitForFunction(() => Number.isFinite(Number(document.getElementById('noise-measured').textContent)));
  return Number(await page.textContent('#noise-measured'));
}

test('the page loads cleanly and draws the map, the curves and the noise panel', async () => {
  const { page, context, log } = await open();
  const heat = await canvasStats(page, 'heatmap');
  assert.ok(heat.colours > 20, `map should not be uniform (distinct colours: ${heat.colours})`);
  assert.ok(heat.opaqueShare > 0.9, 'map covers the canvas');
  assert.ok((await canvasStats(page, 'overlay')).opaqueShare > 0, 'overlay draws the paths');
  for (const id of ['losses', 'cloud', 'variance', 'angles']) {
    assert.ok((await canvasStats(page, id)).colours > 2, `${id} is drawn`);
  }
  assert.equal(await page.locator('#legend li').count(), 3, 'three paths in the legend');
  assert.ok((await measuredVariance(page)) > 0);
  assert.match(await page.textContent('#noise-share'), /%/);
  assert.equal(await page.getAttribute('nav.views a[aria-current="page"]', 'href'), 'stochastic.html');
  assert.equal(await page.locator('#bug-banner').isVisible(), false);
  assertClean(log);
  await context.close();
});

test('Space plays: steps advance and the paths and minibatch contours move', async () => {
  const { page, context, log } = await open();
  const before = await canvasStats(page, 'overlay');
  await focusPage(page);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) > 10);
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'false');
  assert.notEqual((await canvasStats(page, 'overlay')).hash, before.hash);
  const paused = await stepCount(page);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => Number(document.getElementById('step-count').textContent) === n + 1, paused);
  await page.keyboard.press('r');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '0');
  assertClean(log);
  await context.close();
});

test('the batch-size slider works from the keyboard and the noise falls as B grows', async () => {
  const { page, context, log } = await open('#n=200&b=1&k=1000');
  const slider = page.locator('#batch');
  await slider.focus();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.getElementById('batch-out').textContent === '1');
  const atOne = await measuredVariance(page);
  const predictedAtOne = Number(await page.textContent('#noise-predicted'));
  for (let i = 0; i < 15; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('batch-out').textContent === '16');
  await page.waitForFunction((v) => Number(document.getElementById('noise-measured').textContent) !== v, atOne);
  const atSixteen = await measuredVariance(page);
  assert.ok(atSixteen < atOne / 8, `variance should fall ~16×: B=1 ${atOne}, B=16 ${atSixteen}`);
  assert.ok(Math.abs(atOne / predictedAtOne - 1) < 0.2, `B=1 measured ${atOne} vs predicted ${predictedAtOne}`);
  await page.waitForFunction(() => location.hash.includes('&b=16&'));
  assertClean(log);
  await context.close();
});

test('bad input shows an error beside its control and keeps the run', async () => {
  const { page, context, log } = await open();
  const hash = new URL(page.url()).hash;
  await page.fill('#lr', '-3');
  await page.press('#lr', 'Enter');
  assert.match(await page.textContent('#lr-error'), /learning rate/);
  assert.equal(await page.getAttribute('#lr', 'aria-invalid'), 'true');
  await page.fill('#samples', 'lots');
  await page.press('#samples', 'Enter');
  assert.match(await page.textContent('#samples-error'), /whole number/);
  await page.fill('#start-x', 'abc');
  await page.press('#start-x', 'Enter');
  assert.ok((await page.textContent('#start-error')).length > 0);
  assert.equal(new URL(page.url()).hash, hash, 'the link keeps the last good state');
  await page.fill('#lr', '0.1');
  await page.press('#lr', 'Enter');
  assert.equal(await page.textContent('#lr-error'), '');
  assert.equal(await page.getAttribute('#lr', 'aria-invalid'), null);
  await page.waitForFunction(() => location.hash.includes('&lr=0.1&'));
  // Class-balanced sampling only exists for the logistic model.
  assert.equal(await page.locator('#order option[value="class_balanced"]').count(), 0);
  await page.selectOption('#model', 'logistic');
  assert.equal(await page.locator('#order option[value="class_balanced"]').count(), 1);
  assertClean(log);
  await context.close();
});

test('a link reproduces the view exactly', async () => {
  const hash = '#m=logistic&n=250&b=12&order=replacement&lr=0.5&mom=0.3&start=-2,2&seed=4';
  const first = await open(hash);
  for (let i = 0; i < 25; i += 1) await first.page.keyboard.press('ArrowRight');
  await first.page.waitForFunction(() => document.getElementById('step-count').textContent === '25');
  const link = first.page.url();
  const a = {
    overlay: (await canvasStats(first.page, 'overlay')).hash,
    heat: (await canvasStats(first.page, 'heatmap')).hash,
    legend: await first.page.textContent('#legend'),
    noise: await first.page.textContent('#noise-measured'),
  };
  const second = await watchedPage(browser);
  await second.page.goto(link);
  await waitReady(second.page);
  for (let i = 0; i < 25; i += 1) await second.page.keyboard.press('ArrowRight');
  await second.page.waitForFunction(() => document.getElementById('step-count').textContent === '25');
  await second.page.waitForFunction((v) => document.getElementById('noise-measured').textContent === v, a.noise);
  assert.equal((await canvasStats(second.page, 'heatmap')).hash, a.heat);
  assert.equal((await canvasStats(second.page, 'overlay')).hash, a.overlay);
  assert.equal(await second.page.textContent('#legend'), a.legend);
  assertClean(first.log);
  assertClean(second.log);
  await first.context.close();
  await second.context.close();
});

test('hostile links are reported, never run, and the page still works', async () => {
  for (const hash of [
    '#m=<img src=x onerror=alert(1)>&order=<script>alert(2)</script>',
    '#n=abc&b=99999&lr=NaN&start=1e309,0&k=-1&view=evil',
    `#n=${'9'.repeat(20_000)}`,
    '#%E0%A4%A&b=%ZZ',
    '#lr=90&start=900,900',
  ]) {
    const { page, context, log } = await open(hash);
    assert.ok((await canvasStats(page, 'heatmap')).colours > 20, `${hash.slice(0, 40)}: map drawn`);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.getElementById('step-count').textContent !== '0' || document.getElementById('legend').textContent.includes('diverged'));
    assert.equal(await page.locator('img').count(), 0, 'no markup from the link');
    assert.equal(await page.locator('#bug-banner').isVisible(), false);
    assert.doesNotMatch(await page.textContent('#legend'), /NaN/);
    assertClean(log);
    await context.close();
  }
});

test('embed.html#view=stochastic shows the widget, hides controls and takes keys', async () => {
  const { page, context, log } = await open('#view=stochastic&b=5&hide=speed&autoplay=0', { viewport: { width: 800, height: 450 } }, 'embed.html');
  assert.ok((await canvasStats(page, 'heatmap')).colours > 20);
  assert.equal(await page.locator('#speed').isVisible(), false, 'speed hidden');
  assert.equal(await page.textContent('#batch-out'), '5');
  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '1');
  assert.match(await page.getAttribute('#open-full', 'href'), /stochastic\.html#m=linear/);
  assert.equal(await page.textContent('#messages'), '');
  assertClean(log);
  await context.close();

  // An unknown view falls back to the landscape widget and says why.
  const other = await open('#view=nonsense', { viewport: { width: 800, height: 450 } }, 'embed.html');
  assert.match(await other.page.textContent('#messages'), /view/);
  assertClean(other.log);
  await other.context.close();
});

test('screenshot: docs/screenshots/stochastic.png', async () => {
  ensureScreenshotDir();
  const { page, context, log } = await open('#m=linear&n=120&noise=0.8&b=8&lr=0.35&start=-1.5,2.5&seed=3&k=600', { viewport: { width: 1280, height: 900 } });
  for (let i = 0; i < 30; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '30');
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'stochastic.png'), fullPage: true });
  assertClean(log);
  await context.close();
});
