// The embed page (dist/embed.html#view=NAME&<link>): one widget with
// minimal chrome that fills its frame at any aspect ratio, for slides.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  setUp,
  tearDown,
  openPage,
  watchedPage,
  assertClean,
  canvasStats,
  waitStep,
  stepCount,
  widgetMessage,
  focusWidget,
  nextFrame,
  playing,
  recordCanvasText,
  drawnText,
  xAxisLabels,
  xAxisDescription,
  waitReady,
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

/** An embed hash made by the widget itself (state + options), as "copy embed code" does. */
async function embedHash(autoplay, hide, view = 'landscape', link = '') {
  const { page, context } = await watchedPage(env.browser);
  await page.goto(`${env.server.url}/e2e/one.html`);
  await page.waitForFunction(() => document.querySelector('#landscape')?.handle);
  const answer = await page.evaluate(([v, l, a, h]) => {
    const handle = new (document.querySelector('#landscape').wasm.WidgetHandle)(v, l);
    const out = JSON.parse(handle.embed('', a, h, 'minimal'));
    handle.free();
    return out;
  }, [view, link, autoplay, hide]);
  await context.close();
  assert.ok(answer.link, JSON.stringify(answer));
  return `#view=${view}&${answer.link}`;
}

function openEmbed(hash, options = {}) {
  return openPage(env.browser, `${env.server.url}/embed.html${hash}`, options);
}

async function geometry(page) {
  return page.evaluate(() => {
    const root = document.querySelector('sgdlab-widget').shadowRoot;
    const box = (sel) => root.querySelector(sel)?.getBoundingClientRect().toJSON() ?? null;
    return {
      viewport: { width: innerWidth, height: innerHeight },
      main: box('figure.main'),
      side: box('.side figure'),
      scroll: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
    };
  });
}

test('embed with autoplay renders and runs by itself at 16:9', async () => {
  ensureScreenshotDir();
  const hash = await embedHash(true, '');
  const { page, context, log } = await openEmbed(hash, { viewport: { width: 960, height: 540 } });
  assert.ok((await canvasStats(page, 'heatmap')).colours > 20, 'heatmap drawn');
  await waitStep(page, 'step > 10', W, 10_000);
  assert.equal(await playing(page), true);

  const g = await geometry(page);
  assert.ok(Math.abs(g.main.width - g.main.height) <= 1, `landscape stays square (${g.main.width}×${g.main.height})`);
  assert.ok(g.main.bottom <= g.viewport.height + 0.5 && g.main.right <= g.viewport.width + 0.5, 'landscape fits the frame');
  assert.ok(g.main.height >= 0.75 * g.viewport.height, `landscape uses the height of a 16:9 frame (${g.main.height})`);
  assert.ok(g.side && g.side.width > 100 && g.side.height > 80, 'loss curve shown beside the landscape');
  assert.ok(g.side.left >= g.main.right - 1, 'beside, not below');
  assert.ok(g.scroll.height <= g.viewport.height + 1 && g.scroll.width <= g.viewport.width + 1, `no scrollbars (${g.scroll.width}×${g.scroll.height})`);
  assert.match(await page.getAttribute('#open-full', 'href'), /^index\.html#./, 'open in sgdlab links to the full page with the state');

  // Pause, then show a fixed moment of the run (step 120) for the docs.
  await focusWidget(page);
  await page.keyboard.press('Space');
  assert.equal(await playing(page), false);
  await page.evaluate(() => {
    const el = document.querySelector('sgdlab-widget');
    el.reset();
    el.step(120);
  });
  await waitStep(page, 'step === 120');
  await nextFrame(page);
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
    assert.ok(Math.abs(g.main.width - g.main.height) <= 1, `square at ${where}`);
    assert.ok(g.main.width >= 0.5 * Math.min(viewport.width, viewport.height), `landscape not tiny at ${where} (${g.main.width})`);
    assert.ok(g.main.bottom <= viewport.height + 0.5 && g.main.right <= viewport.width + 0.5, `fits at ${where}`);
    assert.ok(g.scroll.height <= viewport.height + 1 && g.scroll.width <= viewport.width + 1, `no scrollbars at ${where} (${g.scroll.width}×${g.scroll.height})`);
    assert.ok((await canvasStats(page, 'heatmap')).colours > 20, `heatmap drawn at ${where}`);
    assertClean(log, where);
    await context.close();
  }
});

test('at 960×540 every view\'s chart labels stay apart on the x axis and clear its description', async () => {
  for (const [view, link, steps, layer] of [
    ['landscape', '', 500, 'losses'],
    ['stochastic', 'n=100', 500, 'losses'],
    ['training', 'd=moons&n=200&h=8&b=20&epochs=300', 1000, 'losses'],
    ['online-convex', '', 1000, 'regret'],
    ['generalisation', '', 100, 'loss'],
    ['data-parallel', '', 50, 'loss'],
    ['implicit-reg', '', 20, 'gaps'],
    ['bias-variance', '', 100, 'decomposition'],
    ['mode-connectivity', '', 100, 'progress'],
  ]) {
    const { page, context, log } = await watchedPage(env.browser, { viewport: { width: 960, height: 540 } });
    await recordCanvasText(page);
    await page.goto(`${env.server.url}/embed.html#view=${view}&${link}`);
    await waitReady(page);
    await drawnText(page);
    await page.evaluate((n) => document.querySelector('sgdlab-widget').step(n), steps);
    await waitStep(page, `step === ${steps}`);
    // Mode connectivity redraws its charts at most every 100 ms.
    await page.waitForTimeout(150);
    await page.evaluate(() => document.querySelector('sgdlab-widget').redraw());
    await page.waitForFunction((l) => window.sgdlabDrawnText.some((t) => t.layer === l && t.cleared), layer);
    await nextFrame(page);
    const texts = await drawnText(page);
    const labels = xAxisLabels(texts, layer);
    assert.ok(labels.length >= 2, `${view}: x labels drawn (${JSON.stringify(labels)})`);
    for (let i = 1; i < labels.length; i += 1) {
      const gap = labels[i].left - labels[i - 1].right;
      assert.ok(gap >= 4, `${view}: "${labels[i - 1].text}" and "${labels[i].text}" are ${gap.toFixed(1)} px apart: ${labels.map((l) => l.text).join(' ')}`);
    }
    const description = xAxisDescription(texts, layer);
    assert.ok(description, `${view}: the x axis is described`);
    const lowest = Math.max(...labels.map((l) => l.bottom));
    assert.ok(description.top - lowest >= 2, `${view}: "${description.text}" starts ${(description.top - lowest).toFixed(1)} px below the tick labels`);
    assertClean(log, view);
    await context.close();
  }
});

test('embed inside an iframe on a slide-like page runs by itself', async () => {
  const hash = await embedHash(true, '');
  const { page, context, log } = await watchedPage(env.browser, { viewport: { width: 1280, height: 800 } });
  await page.setContent('<!doctype html><title>slide</title><h1>A slide</h1><div id="slot"></div>');
  await page.evaluate((url) => {
    const frame = document.createElement('iframe');
    frame.src = url;
    frame.title = 'sgdlab widget';
    frame.style.cssText = 'width:800px;height:450px;border:0';
    frame.id = 'widget';
    document.getElementById('slot').append(frame);
  }, `${env.server.url}/embed.html${hash}`);
  const frame = await (await page.$('#widget')).contentFrame();
  await frame.waitForFunction(() => document.body.dataset.ready === 'true');
  await frame.waitForFunction(() => document.querySelector('sgdlab-widget').status.step > 5);
  const box = await page.frameLocator('#widget').locator(`${W} figure.main`).boundingBox();
  assert.ok(Math.abs(box.width - box.height) <= 1 && box.height >= 300, `square landscape filling the 16:9 frame (${box.width}×${box.height})`);
  assertClean(log);
  await context.close();
});

test('embed without autoplay waits; hidden controls and panels are hidden; keys work', async () => {
  const hash = await embedHash(false, 'speed,losses');
  assert.match(hash, /hide=speed,losses/);
  const { page, context, log } = await openEmbed(hash, { viewport: { width: 800, height: 450 } });
  await page.waitForTimeout(300);
  assert.equal(await stepCount(page), 0, 'no autoplay');
  assert.equal(await page.locator(`${W} .field[data-key="speed"]`).count(), 0, 'speed hidden');
  assert.equal(await page.locator(`${W} figure[data-plot="losses"]`).count(), 0, 'loss curve hidden');
  assert.equal(await page.locator(`${W} button:text-is("Play")`).isVisible(), true, 'play stays');

  await focusWidget(page);
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 'step === 1');
  await page.keyboard.press('Space');
  await waitStep(page, 'step > 3');
  await page.keyboard.press('Space');
  await page.keyboard.press('r');
  await waitStep(page, 'step === 0');

  // Tab reaches the bar with a visible focus ring.
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return [el.tagName, getComputedStyle(el).outlineStyle];
  });
  assert.notEqual(ring[1], 'none', `focus ring on ${ring[0]}`);
  assertClean(log);
  await context.close();
});

test('reduced motion: autoplay does not start and says why; a step on request still works', async () => {
  const hash = await embedHash(true, '');
  const { page, context, log } = await openEmbed(hash, { viewport: { width: 800, height: 450 }, reducedMotion: 'reduce' });
  await page.waitForTimeout(300);
  assert.equal(await stepCount(page), 0);
  assert.match(await widgetMessage(page), /Reduced motion/);
  await focusWidget(page);
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 'step === 1');
  assertClean(log);
  await context.close();
});
