// The network training lab (dist/training.html) and its embed, in headless
// Chromium (no WebGPU flag: the lab trains on the CPU; webgpu.test.mjs
// covers the GPU). Build first: `trunk build --release --offline`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  setUp,
  tearDown,
  openPage,
  assertClean,
  canvasStats,
  status,
  waitStep,
  focusWidget,
  nextFrame,
  playing,
  ensureScreenshotDir,
  SCREENSHOTS,
} from './harness.mjs';

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await tearDown(env);
});

const W = 'sgdlab-widget';
const field = (key, inner = 'input') => `${W} .field[data-key="${key}"] ${inner}`;
const SMALL = '#d=moons&n=300&h=12,12&b=16&epochs=40&o=adam,lr:0.02&o=sgd,lr:0.1,momentum:0.9';

function open(hash = '', options = {}, page = 'training.html') {
  return openPage(env.browser, `${env.server.url}/${page}${hash}`, options);
}

async function enter(page, key, value) {
  await page.fill(field(key), value);
  await page.press(field(key), 'Enter');
}

/** The lines of the layer-norms readout. */
function normRows(page) {
  return page.$$eval(`${W} [data-readout="norms"] div`, (rows) => rows.map((r) => r.textContent));
}

test('the lab loads cleanly and draws the boundary, thumbnails, curves and norms', async () => {
  const { page, context, log } = await open();
  assert.ok((await canvasStats(page, 'boundary')).colours > 20, 'the boundary is drawn');
  assert.ok((await canvasStats(page, 'losses')).colours > 2);
  assert.ok((await canvasStats(page, 'accuracy')).colours > 2);
  assert.equal((await status(page)).runs.length, 2, 'two optimizers by default');
  assert.equal(await page.locator(`${W} ul.legend li`).count(), 2);
  for (const layer of ['run1', 'run2']) assert.ok((await canvasStats(page, layer)).colours > 5, `thumbnail ${layer}`);
  const rows = await normRows(page);
  assert.equal(rows.length, 1 + 6, 'a heading, then W and b of three layers');
  assert.match(rows[1], /^W1: ‖w‖ = /);
  assert.equal(await page.locator(field('d', 'option')).count(), 6);
  await page.waitForFunction(() => document.querySelector('sgdlab-widget').shadowRoot.querySelector('[data-readout="backend"]').textContent.includes('CPU (wasm)'));
  assertClean(log);
  await context.close();
});

test('training advances in budgeted frames and the page stays responsive', async () => {
  const { page, context, log } = await open('#n=2000&h=64,64&b=32&epochs=500&speed=500');
  await focusWidget(page);
  await page.keyboard.press('Space');
  assert.equal(await playing(page), true);
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
  assert.equal(await playing(page), false);
  const median = gaps[gaps.length >> 1];
  assert.ok(median < 60, `median frame gap ${median.toFixed(1)} ms while training`);
  assert.ok((await status(page)).step > 20, 'steps were taken');
  assertClean(log);
  await context.close();
});

test('controls validate, show errors beside themselves and keep the run', async () => {
  const { page, context, log } = await open(SMALL);
  const hash = await page.evaluate(() => location.hash);
  const error = (key) => page.textContent(`${W} .field[data-key="${key}"] .field-error`);
  await enter(page, 'h', '16,abc');
  assert.match(await error('h'), /whole number/);
  assert.equal(await page.getAttribute(field('h'), 'aria-invalid'), 'true');
  await enter(page, 'b', '100000');
  assert.ok((await error('b')).length > 0);
  await enter(page, 'o.0.lr', '-1');
  assert.match(await error('o.0.lr'), /lr|learning rate/i);
  assert.equal(await page.evaluate(() => location.hash), hash, 'the link keeps the last good state');

  await enter(page, 'h', '8,8,8');
  assert.equal(await error('h'), '');
  await page.waitForFunction(() => location.hash.includes('h=8,8,8'));
  assert.equal((await normRows(page)).length, 1 + 8);
  await enter(page, 'sched', 'cosine_annealing');
  await page.waitForFunction(() => location.hash.includes('sched=cosine_annealing'));
  await page.selectOption(`${W} select[aria-label="Optimizer to add"]`, 'rmsprop');
  await page.click(`${W} button:text-is("Add")`);
  assert.equal((await status(page)).runs.length, 3);
  await nextFrame(page);
  // A press on a thumbnail selects its run for the big boundary and the norms.
  await page.locator(`${W} canvas[data-layer="run3"]`).click();
  assert.equal((await status(page)).selected, 2);
  await page.waitForFunction(() => document.querySelector('sgdlab-widget').shadowRoot.querySelector('[data-readout="norms"]').textContent.startsWith('rmsprop'));
  assertClean(log);
  await context.close();
});

test('a link reproduces the curves and the boundary', async () => {
  const runTo30 = async () => {
    const watched = await open(SMALL);
    await focusWidget(watched.page);
    for (let i = 0; i < 30; i += 1) await watched.page.keyboard.press('ArrowRight');
    await waitStep(watched.page, 'step === 30');
    // The boundary catches up within 250 ms of the last step.
    await watched.page.waitForTimeout(400);
    await nextFrame(watched.page);
    return {
      watched,
      link: await watched.page.evaluate(() => location.hash),
      legend: await watched.page.textContent(`${W} ul.legend`),
      boundary: (await canvasStats(watched.page, 'boundary')).hash,
      losses: (await canvasStats(watched.page, 'losses')).hash,
      csv: await watched.page.evaluate(() => document.querySelector('sgdlab-widget').handle.export_csv()),
    };
  };
  const a = await runTo30();
  const b = await runTo30();
  assert.equal(b.link, a.link);
  assert.equal(b.legend, a.legend);
  assert.equal(b.csv, a.csv);
  assert.equal(b.losses, a.losses);
  assert.equal(b.boundary, a.boundary);
  for (const { watched } of [a, b]) {
    assertClean(watched.log);
    await watched.context.close();
  }
});

test('a diverging optimizer stops and says so; the other keeps going', async () => {
  const { page, context, log } = await open('#d=xor&n=200&h=16&act=tanh&b=10&epochs=20&o=sgd,lr:1e38&o=adam,lr:0.01');
  await page.evaluate(() => document.querySelector('sgdlab-widget').step(10));
  await page.waitForFunction(() => document.querySelector('sgdlab-widget').shadowRoot.querySelector('ul.legend').textContent.includes('diverged at step'));
  assert.doesNotMatch(await page.textContent(`${W} ul.legend`), /NaN/);
  const runs = (await status(page)).runs;
  assert.ok(runs[0].stopped && !runs[1].stopped);
  assert.ok(runs[1].step >= 10);
  assertClean(log);
  await context.close();
});

test('embed.html#view=training trains from the keyboard and hides controls', async () => {
  const { page, context, log } = await open(`${SMALL.replace('#', '#view=training&')}&hide=speed`, { viewport: { width: 800, height: 450 } }, 'embed.html');
  assert.ok((await canvasStats(page, 'boundary')).colours > 20);
  assert.equal(await page.locator(field('speed')).count(), 0);
  assert.equal(await page.locator(`${W} ul.legend li`).count(), 2);
  await focusWidget(page);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('sgdlab-widget').status.epoch >= 2);
  await page.keyboard.press('Space');
  assert.match(await page.getAttribute('#open-full', 'href'), /^training\.html#d=moons/);
  assertClean(log);
  await context.close();
});

test('screenshot: docs/screenshots/training.png', async () => {
  ensureScreenshotDir();
  const { page, context, log } = await open('#d=spirals&n=400&noise=0.1&h=32,32&b=16&epochs=150&o=adam,lr:0.01&o=sgd,lr:0.1,momentum:0.9&o=rmsprop,lr:0.003', { viewport: { width: 1280, height: 900 } });
  await page.evaluate(() => document.querySelector('sgdlab-widget').step(2000));
  await waitStep(page, 'step === 2000');
  await page.waitForTimeout(400);
  await nextFrame(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'training.png'), fullPage: true });
  assertClean(log);
  await context.close();
});
