// End-to-end tests of the playground page (dist/index.html) in headless
// Chromium. Build first: `trunk build --release --offline`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
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

async function openPlayground(hash = '', options = {}) {
  const watched = await watchedPage(browser, options);
  await watched.page.goto(`${server.url}/index.html${hash}`);
  await waitReady(watched.page);
  return watched;
}

function assertClean(log) {
  assert.deepEqual(log.pageErrors, [], 'uncaught page errors');
  assert.deepEqual(log.consoleErrors, [], 'console errors');
  assert.deepEqual(log.dialogs, [], 'dialogs');
}

test('the page loads cleanly and draws the heatmap, the paths and the loss curve', async () => {
  const { page, context, log } = await openPlayground();
  const heat = await canvasStats(page, 'heatmap');
  assert.ok(heat.width >= 300 && heat.height === heat.width, `square heatmap, got ${heat.width}x${heat.height}`);
  assert.ok(heat.colours > 20, `heatmap should not be uniform (distinct colours: ${heat.colours})`);
  assert.ok(heat.opaqueShare > 0.9, 'heatmap covers the canvas');
  const overlay = await canvasStats(page, 'overlay');
  assert.ok(overlay.opaqueShare > 0, 'overlay draws at least the start point');
  const losses = await canvasStats(page, 'losses');
  assert.ok(losses.colours > 1, 'loss curve canvas is drawn');

  assert.ok((await page.locator('#surface option').count()) > 5, 'surface list is filled from the UI model');
  assert.ok((await page.locator('#racers > li').count()) >= 1, 'at least one optimizer card');
  assert.ok((await page.locator('#racers pre').first().textContent()).trim().length > 0, 'update rule shown');
  assert.equal(await page.locator('#bug-banner').isVisible(), false);
  assertClean(log);
  await context.close();
});

test('Space animates: the step counter grows and the overlay changes', async () => {
  const { page, context, log } = await openPlayground();
  const before = await canvasStats(page, 'overlay');
  assert.equal(await stepCount(page), 0);
  await focusPage(page);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) > 5);
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'true');
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'false');
  const after = await canvasStats(page, 'overlay');
  assert.notEqual(after.hash, before.hash, 'overlay pixels change as the optimizers move');
  const paused = await stepCount(page);
  await page.waitForTimeout(300);
  assert.equal(await stepCount(page), paused, 'pause stops the run');
  assertClean(log);
  await context.close();
});

test('a click on the landscape sets the start point (inputs and link follow)', async () => {
  const { page, context, log } = await openPlayground();
  const x0 = await page.inputValue('#start-x');
  const y0 = await page.inputValue('#start-y');
  const box = await page.locator('#overlay').boundingBox();
  await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.8);
  await page.waitForFunction(
    ([x, y]) => document.getElementById('start-x').value !== x || document.getElementById('start-y').value !== y,
    [x0, y0],
  );
  await page.waitForFunction(() => location.hash === `#${window.sgdlab.pg.hash()}`);
  const hashAfterClick = await page.evaluate(() => location.hash);
  assert.match(hashAfterClick, /start=/, 'the hash carries the start point');

  // Dragging moves it further.
  const x1 = await page.inputValue('#start-x');
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.8);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((x) => document.getElementById('start-x').value !== x, x1);
  await page.waitForFunction((h) => location.hash !== h && location.hash === `#${window.sgdlab.pg.hash()}`, hashAfterClick);

  // Hovering reads out the surface.
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForFunction(() => document.getElementById('readout').textContent.includes('f ='));
  assertClean(log);
  await context.close();
});

test('the link reproduces the run: same pixels and the same status after N steps', async () => {
  const first = await openPlayground();
  const { page } = first;
  // Change a few things through the UI.
  const names = await page.$$eval('#surface option', (opts) => opts.map((o) => o.value));
  const target = names.includes('himmelblau') ? 'himmelblau' : names[1];
  await page.selectOption('#surface', target);
  const box = await page.locator('#overlay').boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.35);
  await page.click('#add-racer');
  await page.mouse.move(0, 0);
  await focusPage(page);
  for (let i = 0; i < 7; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) === 7);
  await page.waitForFunction(() => location.hash === `#${window.sgdlab.pg.hash()}`);
  const hash = await page.evaluate(() => location.hash);
  const snapshot = async (p) => ({
    status: await p.evaluate(() => JSON.parse(window.sgdlab.pg.status())),
    heatmap: (await canvasStats(p, 'heatmap')).hash,
    overlay: (await canvasStats(p, 'overlay')).hash,
    losses: (await canvasStats(p, 'losses')).hash,
    hash: await p.evaluate(() => window.sgdlab.pg.hash()),
  });
  const a = await snapshot(page);

  const second = await openPlayground(hash);
  assert.equal(await second.page.inputValue('#surface'), target);
  const heat0 = await canvasStats(second.page, 'heatmap');
  assert.equal(heat0.hash, a.heatmap, 'same heatmap pixels from the link');
  await second.page.mouse.move(0, 0);
  await focusPage(second.page);
  for (let i = 0; i < 7; i += 1) await second.page.keyboard.press('ArrowRight');
  await second.page.waitForFunction(() => Number(document.getElementById('step-count').textContent) === 7);
  const b = await snapshot(second.page);
  assert.deepEqual(b.status, a.status, 'same positions and losses after 7 steps');
  assert.equal(b.hash, a.hash, 'the state round-trips through the link');
  assert.equal(b.overlay, a.overlay, 'same overlay pixels');
  assert.equal(b.losses, a.losses, 'same loss-curve pixels');
  assertClean(first.log);
  assertClean(second.log);
  await first.context.close();
  await second.context.close();
});

test('bad input gets a message next to the control and keeps the last good state', async () => {
  const { page, context, log } = await openPlayground();
  const state0 = await page.evaluate(() => window.sgdlab.pg.hash());

  await page.fill('#expr', 'foo(x) + ');
  await page.click('#expr-apply');
  await page.waitForFunction(() => document.getElementById('expr-error').textContent.trim().length > 0);
  assert.equal(await page.getAttribute('#expr', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => window.sgdlab.pg.hash()), state0, 'a bad formula leaves the state alone');

  await page.fill('#expr', 'x^2 + 3*y^2');
  await page.click('#expr-apply');
  await page.waitForFunction(() => document.getElementById('expr-error').textContent === '');
  assert.equal(await page.inputValue('#surface'), 'custom');

  const lr = page.locator('#racers input[id$="-param-lr"]').first();
  await lr.fill('-1');
  const errorId = await lr.getAttribute('aria-describedby');
  await page.waitForFunction((id) => document.getElementById(id).textContent.trim().length > 0, errorId);
  await lr.fill('0.01');
  await page.waitForFunction((id) => document.getElementById(id).textContent === '', errorId);

  await page.fill('#start-x', 'abc');
  await page.waitForFunction(() => document.getElementById('start-error').textContent.trim().length > 0);

  // Nothing is NaN on screen.
  const text = await page.textContent('body');
  assert.ok(!/\bNaN\b/.test(text), 'no NaN shown');
  assertClean(log);
  await context.close();
});

test('keyboard only: Tab reaches the controls with a visible focus ring; Space, → and R work', async () => {
  const { page, context, log } = await openPlayground();
  const seen = [];
  let reachedPlay = false;
  for (let i = 0; i < 40 && !reachedPlay; i += 1) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {
        id: el.id,
        tag: el.tagName,
        outline: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        label: el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].textContent : '') || el.textContent,
      };
    });
    seen.push(info);
    assert.notEqual(info.outline, 'none', `focus ring on ${info.tag}#${info.id}`);
    assert.ok(info.width >= 2, `focus ring on ${info.tag}#${info.id} is at least 2px`);
    assert.ok(String(info.label).trim().length > 0, `${info.tag}#${info.id} has a name for screen readers`);
    if (info.id === 'play') reachedPlay = true;
  }
  assert.ok(reachedPlay, `Tab reaches the play button (went through: ${seen.map((s) => s.id || s.tag).join(', ')})`);
  assert.ok(seen.some((s) => s.id === 'overlay'), 'the landscape itself is focusable');

  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'true');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) > 0);
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#play', 'data-playing'), 'false');

  await page.keyboard.press('r');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '0');
  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '2');
  await page.keyboard.press('R');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '0');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) > 0);
  await page.keyboard.press('Space');

  // Shortcuts stay out of text fields.
  await page.focus('#expr');
  await page.keyboard.type('r ');
  assert.equal(await page.inputValue('#expr'), 'r ');
  assertClean(log);
  await context.close();
});

test('copy link and copy embed code put working links on the clipboard', async () => {
  const { page, context, log } = await openPlayground();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.selectOption('#surface', 'booth');
  await page.click('#copy-link');
  await page.waitForFunction(() => /copied/i.test(document.getElementById('messages').textContent));
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, await page.evaluate(() => location.href));
  assert.match(link, /s=booth/);

  await page.click('.embed-options summary');
  await page.check('#embed-hide-speed');
  await page.click('#copy-embed');
  await page.waitForFunction(() => /embed code copied/i.test(document.getElementById('messages').textContent));
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const match = snippet.match(/^<iframe src="([^"]+)"[^>]*><\/iframe>$/);
  assert.ok(match, `an iframe snippet: ${snippet}`);
  const src = match[1].replaceAll('&amp;', '&');
  assert.match(src, /\/embed\.html#.*autoplay=1/);
  assert.match(src, /hide=speed/);

  // The snippet's URL opens a running widget with the speed slider hidden.
  const embed = await watchedPage(browser, { viewport: { width: 800, height: 450 } });
  await embed.page.goto(src);
  await waitReady(embed.page);
  await embed.page.waitForFunction(() => Number(document.getElementById('step-count').textContent) > 3);
  assert.equal(await embed.page.locator('#speed').isVisible(), false);
  assertClean(embed.log);
  await embed.context.close();
  assertClean(log);
  await context.close();
});

test('exports: PNG of each canvas, CSV and JSON of the paths', async () => {
  const { page, context, log } = await openPlayground();
  await focusPage(page);
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '3');
  const grab = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
    const file = await download.path();
    return { name: download.suggestedFilename(), body: fs.readFileSync(file) };
  };
  const png = await grab('#export-landscape');
  assert.equal(png.name, 'sgdlab-landscape.png');
  assert.deepEqual([...png.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  const lossPng = await grab('#export-losses');
  assert.deepEqual([...lossPng.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const csv = (await grab('#export-csv')).body.toString('utf8');
  const rows = csv.trim().split('\n');
  assert.equal(rows[0], 'racer,optimizer,step,x,y,loss');
  const racers = await page.locator('#racers > li').count();
  assert.equal(rows.length - 1, racers * 4, 'steps 0..3 for every racer');
  const json = JSON.parse((await grab('#export-json')).body.toString('utf8'));
  assert.ok(json && typeof json === 'object');
  assertClean(log);
  await context.close();
});

test('pasting a new link (hashchange) rebuilds the controls and reports bad parts', async () => {
  const { page, context, log } = await openPlayground();
  await page.evaluate(() => {
    location.hash = 's=himmelblau&o=adam,lr:0.1';
  });
  await page.waitForFunction(() => document.getElementById('surface').value === 'himmelblau');
  assert.equal(await page.locator('#racers > li').count(), 1);
  assert.equal(await page.inputValue('#racers input[id$="-param-lr"]'), '0.1');
  await page.evaluate(() => {
    location.hash = 's=nope&o=adam,lr:0.2';
  });
  await page.waitForFunction(() => /surface/.test(document.getElementById('messages').textContent));
  assert.equal(await page.inputValue('#surface'), 'himmelblau', 'a bad surface keeps the current one');
  assertClean(log);
  await context.close();
});

test('a hyperparameter changed mid-run keeps the run going; structural changes restart it', async () => {
  const { page, context, log } = await openPlayground();
  await focusPage(page);
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '4');
  await page.locator('#racers input[id$="-param-lr"]').first().fill('0.0002');
  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '5');
  const cards = await page.locator('#racers > li').count();
  await page.click('#racer-0-duplicate');
  await page.waitForFunction((n) => document.querySelectorAll('#racers > li').length === n + 1, cards);
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '0');
  await page.click('#racer-0-remove');
  await page.waitForFunction((n) => document.querySelectorAll('#racers > li').length === n, cards);
  assertClean(log);
  await context.close();
});

test('a reported bug shows a visible banner and stops the animation', async () => {
  const { page, context, log } = await openPlayground();
  await focusPage(page);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) > 0);
  await page.evaluate(() => window.sgdlabReportBug('sgdlab hit a bug: <b>test</b>'));
  assert.equal(await page.locator('#bug-banner').isVisible(), true);
  assert.match(await page.textContent('#bug-text'), /<b>test<\/b>/, 'shown as text, not markup');
  const stopped = await page.textContent('#step-count');
  await page.waitForTimeout(300);
  assert.equal(await page.textContent('#step-count'), stopped, 'the loop stopped');
  await page.click('#bug-dismiss');
  assert.equal(await page.locator('#bug-banner').isVisible(), false);
  assertClean(log);
  await context.close();
});

test('narrow screens get one column and no sideways scrolling', async () => {
  const { page, context, log } = await openPlayground('', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const layout = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    landscape: document.getElementById('landscape').getBoundingClientRect().toJSON(),
    controls: document.getElementById('controls').getBoundingClientRect().toJSON(),
    heatmapWidth: document.getElementById('heatmap').width,
  }));
  assert.ok(layout.scrollWidth <= 391, `no horizontal overflow (scrollWidth ${layout.scrollWidth})`);
  assert.ok(layout.controls.top >= layout.landscape.bottom - 1, 'settings stack below the landscape');
  assert.ok(layout.heatmapWidth >= Math.round(layout.landscape.width * 2) - 4, 'canvas backing store follows devicePixelRatio');
  // Touch: a tap sets the start point.
  const x0 = await page.inputValue('#start-x');
  const box = await page.locator('#overlay').boundingBox();
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.25);
  await page.waitForFunction((x) => document.getElementById('start-x').value !== x, x0);
  assertClean(log);
  await context.close();
});

test('screenshot of the playground for the docs', async () => {
  ensureScreenshotDir();
  const { page, context, log } = await openPlayground('', { viewport: { width: 1280, height: 1100 } });
  await page.evaluate(() => window.sgdlab.pg.step(149));
  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) === 150);
  const box = await page.locator('#overlay').boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'playground.png') });
  assertClean(log);
  await context.close();
});
