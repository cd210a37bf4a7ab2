// The stochastic-landscapes page (dist/stochastic.html) and its embed, in
// headless Chromium. Build first: `trunk build --release --offline`.

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
  widgetMessage,
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

function open(hash = '', options = {}, page = 'stochastic.html') {
  return openPage(env.browser, `${env.server.url}/${page}${hash}`, options);
}

/** The gradient noise the JSON export measures at the minibatch path's point. */
function noise(page) {
  return page.evaluate(() => JSON.parse(document.querySelector('sgdlab-widget').handle.export_json()).noise);
}

/** Types a value into a panel field and commits it. */
async function enter(page, key, value) {
  await page.fill(field(key), value);
  await page.press(field(key), 'Enter');
}

test('the page loads cleanly and draws the map, the curves and the noise panel', async () => {
  const { page, context, log } = await open();
  const heat = await canvasStats(page, 'heatmap');
  assert.ok(heat.colours > 20, `map should not be uniform (distinct colours: ${heat.colours})`);
  assert.ok(heat.opaqueShare > 0.9, 'map covers the canvas');
  assert.ok((await canvasStats(page, 'overlay')).opaqueShare > 0, 'overlay draws the paths');
  for (const layer of ['losses', 'cloud', 'variance', 'angles']) {
    assert.ok((await canvasStats(page, layer)).colours > 2, `${layer} is drawn`);
  }
  assert.equal(await page.locator(`${W} ul.legend li`).count(), 3, 'three paths in the legend');
  assert.match(await page.textContent(`${W} [data-readout="noise"]`), /measured variance [\d.]+ vs predicted/);
  assert.match(await page.textContent(`${W} [data-readout="formula"]`), /^L\(θ\) = /);
  assert.equal(await page.locator('#bug-banner').isVisible(), false);
  assertClean(log);
  await context.close();
});

test('Space plays: steps advance and the paths and minibatch contours move; → and R', async () => {
  const { page, context, log } = await open();
  const before = await canvasStats(page, 'overlay');
  await focusWidget(page);
  await page.keyboard.press('Space');
  await waitStep(page, 'step > 10');
  await page.keyboard.press('Space');
  assert.equal(await playing(page), false);
  await nextFrame(page);
  assert.notEqual((await canvasStats(page, 'overlay')).hash, before.hash);
  const paused = (await status(page)).step;
  await page.keyboard.press('ArrowRight');
  await waitStep(page, `step === ${paused + 1}`);
  await page.keyboard.press('r');
  await waitStep(page, 'step === 0');
  assertClean(log);
  await context.close();
});

test('the noise falls as the batch grows, as σ²/B·(n−B)/(n−1) predicts', async () => {
  const { page, context, log } = await open('#n=200&b=1&k=1000');
  const atOne = await noise(page);
  assert.ok(Math.abs(atOne.total_variance / atOne.predicted_variance - 1) < 0.2, `B=1 measured ${atOne.total_variance} vs predicted ${atOne.predicted_variance}`);
  await enter(page, 'b', '16');
  await page.waitForFunction(() => location.hash.includes('&b=16&'));
  const atSixteen = await noise(page);
  assert.equal(atSixteen.batch_size, 16);
  assert.ok(atSixteen.total_variance < atOne.total_variance / 8, `variance should fall ~16×: B=1 ${atOne.total_variance}, B=16 ${atSixteen.total_variance}`);
  await page.waitForFunction(() => document.querySelector('sgdlab-widget').shadowRoot.querySelector('[data-readout="noise"]').textContent.includes('B = 16'));
  assertClean(log);
  await context.close();
});

test('bad input shows an error beside its control and keeps the run', async () => {
  const { page, context, log } = await open();
  const hash = await page.evaluate(() => location.hash);
  const error = (key) => page.textContent(`${W} .field[data-key="${key}"] .field-error`);
  await enter(page, 'lr', '-3');
  assert.match(await error('lr'), /must be a number from 0 to/);
  assert.equal(await page.getAttribute(field('lr'), 'aria-invalid'), 'true');
  await enter(page, 'n', 'lots');
  assert.match(await error('n'), /whole number/);
  await enter(page, 'start', 'abc');
  assert.ok((await error('start')).length > 0);
  assert.equal(await page.evaluate(() => location.hash), hash, 'the link keeps the last good state');
  await enter(page, 'lr', '0.1');
  assert.equal(await error('lr'), '');
  await page.waitForFunction(() => location.hash.includes('&lr=0.1&'));
  // Class-balanced sampling only exists for the logistic model.
  assert.equal(await page.locator(field('order', 'option[value="class_balanced"]')).count(), 0);
  await page.selectOption(field('m', 'select'), 'logistic');
  assert.equal(await page.locator(field('order', 'option[value="class_balanced"]')).count(), 1);
  assertClean(log);
  await context.close();
});

test('a link reproduces the view exactly', async () => {
  const hash = '#m=logistic&n=250&b=12&order=replacement&lr=0.5&mom=0.3&start=-2,2&seed=4';
  const runTo25 = async () => {
    const watched = await open(hash);
    await focusWidget(watched.page);
    for (let i = 0; i < 25; i += 1) await watched.page.keyboard.press('ArrowRight');
    await waitStep(watched.page, 'step === 25');
    await nextFrame(watched.page);
    return {
      watched,
      link: await watched.page.evaluate(() => location.hash),
      overlay: (await canvasStats(watched.page, 'overlay')).hash,
      heat: (await canvasStats(watched.page, 'heatmap')).hash,
      legend: await watched.page.textContent(`${W} ul.legend`),
      json: await watched.page.evaluate(() => document.querySelector('sgdlab-widget').handle.export_json()),
    };
  };
  const a = await runTo25();
  const b = await runTo25();
  assert.equal(b.link, a.link);
  assert.equal(b.heat, a.heat);
  assert.equal(b.overlay, a.overlay);
  assert.equal(b.legend, a.legend);
  assert.equal(b.json, a.json, 'the same paths and the same gradient noise');
  for (const { watched } of [a, b]) {
    assertClean(watched.log);
    await watched.context.close();
  }
});

test('embed.html#view=stochastic shows the widget, hides controls and takes keys', async () => {
  const { page, context, log } = await open('#view=stochastic&b=5&hide=speed&autoplay=0', { viewport: { width: 800, height: 450 } }, 'embed.html');
  assert.ok((await canvasStats(page, 'heatmap')).colours > 20);
  assert.equal(await page.locator(field('speed')).count(), 0, 'speed hidden');
  assert.match(await page.$eval(W, (el) => el.link), /&b=5&/);
  await focusWidget(page);
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 'step === 1');
  assert.match(await page.getAttribute('#open-full', 'href'), /^stochastic\.html#m=linear/);
  assert.equal(await page.textContent('#messages'), '');
  assert.equal(await widgetMessage(page), '');
  assertClean(log);
  await context.close();
});

test('screenshot: docs/screenshots/stochastic.png', async () => {
  ensureScreenshotDir();
  const { page, context, log } = await open('#m=linear&n=120&noise=0.8&b=8&lr=0.35&start=-1.5,2.5&seed=3&k=600', { viewport: { width: 1280, height: 900 } });
  await page.evaluate(() => document.querySelector('sgdlab-widget').step(30));
  await waitStep(page, 'step === 30');
  // The noise panel catches up with the new point within 250 ms.
  await page.waitForTimeout(400);
  await nextFrame(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'stochastic.png'), fullPage: true });
  assertClean(log);
  await context.close();
});
