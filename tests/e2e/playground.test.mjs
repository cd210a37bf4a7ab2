// The landscape page (dist/index.html): a thin shell over one
// <sgdlab-widget view="landscape" controls="full">, in headless Chromium.
// Build first: `trunk build --release --offline`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  setUp,
  tearDown,
  openPage,
  watchedPage,
  waitReady,
  assertClean,
  canvasStats,
  status,
  stepCount,
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
const button = (text) => `${W} button:text-is("${text}")`;

function open(hash = '', options = {}) {
  return openPage(env.browser, `${env.server.url}/index.html${hash}`, options);
}

/** The page's hash follows the widget's link. */
async function hashFollows(page) {
  await page.waitForFunction(() => location.hash === `#${document.querySelector('sgdlab-widget').link}`);
}

/** Everything the widget shows as text, and the values of its inputs. */
function shownText(page) {
  return page.evaluate(() => {
    const root = document.querySelector('sgdlab-widget').shadowRoot;
    return `${root.textContent} ${[...root.querySelectorAll('input')].map((i) => i.value).join(' ')}`;
  });
}

test('the page loads cleanly and draws the heatmap, the paths and the loss curve', async () => {
  const { page, context, log } = await open();
  const heat = await canvasStats(page, 'heatmap');
  assert.ok(heat.width >= 300 && heat.height === heat.width, `square heatmap, got ${heat.width}x${heat.height}`);
  assert.ok(heat.colours > 20, `heatmap should not be uniform (distinct colours: ${heat.colours})`);
  assert.ok(heat.opaqueShare > 0.9, 'heatmap covers the canvas');
  assert.ok((await canvasStats(page, 'overlay')).opaqueShare > 0, 'overlay draws at least the start point');
  assert.ok((await canvasStats(page, 'losses')).colours > 1, 'loss curve canvas is drawn');

  assert.ok((await page.locator(field('s', 'option')).count()) > 5, 'surface list comes from the schema');
  const runs = (await status(page)).runs.length;
  assert.ok(runs >= 1);
  assert.equal(await page.locator(`${W} .racers fieldset.racer`).count(), runs, 'one card per racer');
  assert.ok((await page.locator(`${W} .racers pre.rule`).first().textContent()).trim().length > 0, 'update rule shown');
  assert.equal(await page.locator(`${W} ul.legend li`).count(), runs, 'one legend entry per racer');
  assert.match(await page.textContent(`${W} [data-readout="hessian"]`), /condition number/);
  assert.equal(await page.locator('#bug-banner').isVisible(), false);
  await hashFollows(page);
  const nav = await page.$$eval('nav.views a', (links) => links.map((a) => a.getAttribute('href')));
  for (const href of ['index.html', 'stochastic.html', 'training.html']) assert.ok(nav.includes(href), `navigation links ${href}`);
  assertClean(log);
  await context.close();
});

test('Space plays and pauses: the counter grows and the overlay changes', async () => {
  const { page, context, log } = await open();
  const before = await canvasStats(page, 'overlay');
  assert.equal(await stepCount(page), 0);
  await focusWidget(page);
  await page.keyboard.press('Space');
  await waitStep(page, 'step > 5');
  assert.equal(await playing(page), true);
  await page.keyboard.press('Space');
  assert.equal(await playing(page), false);
  await nextFrame(page);
  assert.notEqual((await canvasStats(page, 'overlay')).hash, before.hash, 'overlay pixels change as the optimizers move');
  const paused = await stepCount(page);
  assert.equal(await page.textContent(`${W} .counter`), `step ${paused}`);
  await page.waitForTimeout(300);
  assert.equal(await stepCount(page), paused, 'pause stops the run');
  // The buttons do the same.
  await page.click(button('Step'));
  assert.equal(await stepCount(page), paused + 1);
  await page.click(button('Reset'));
  assert.equal(await stepCount(page), 0);
  await page.click(button('Play'));
  await waitStep(page, 'step > 2');
  await page.click(button('Pause'));
  assert.equal(await playing(page), false);
  assertClean(log);
  await context.close();
});

test('a click on the landscape sets the start point; the field and the link follow', async () => {
  const { page, context, log } = await open();
  const x0 = await page.inputValue(field('start'));
  const overlay = page.locator(`${W} canvas[data-layer="overlay"]`);
  await overlay.scrollIntoViewIfNeeded();
  const box = await overlay.boundingBox();
  await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.8);
  await page.waitForFunction(([sel, x]) => document.querySelector('sgdlab-widget').shadowRoot.querySelector(sel).value !== x, ['.field[data-key="start"] input', x0]);
  await hashFollows(page);
  const afterClick = await page.evaluate(() => location.hash);
  assert.match(afterClick, /start=/, 'the hash carries the start point');

  // Dragging moves it further.
  const x1 = await page.inputValue(field('start'));
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.8);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  assert.notEqual(await page.inputValue(field('start')), x1);
  await page.waitForFunction((h) => location.hash !== h, afterClick);
  await hashFollows(page);

  // Hovering reads out the surface.
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForFunction(() => document.querySelector('sgdlab-widget').shadowRoot.querySelector('[data-readout="readout"]').textContent.includes('f ='));
  assertClean(log);
  await context.close();
});

test('the link reproduces the run: same pixels and the same status after N steps', async () => {
  const first = await open();
  const { page } = first;
  await page.selectOption(field('s', 'select'), 'himmelblau');
  const box = await page.locator(`${W} canvas[data-layer="overlay"]`).boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.35);
  await page.selectOption(`${W} select[aria-label="Optimizer to add"]`, 'rmsprop');
  await page.click(button('Add'));
  await page.mouse.move(0, 0);
  await focusWidget(page);
  for (let i = 0; i < 7; i += 1) await page.keyboard.press('ArrowRight');
  await waitStep(page, 'step === 7');
  await hashFollows(page);
  await nextFrame(page);
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /s=himmelblau/);
  assert.match(hash, /o=rmsprop/);
  const snapshot = async (p) => ({
    status: await status(p),
    heatmap: (await canvasStats(p, 'heatmap')).hash,
    overlay: (await canvasStats(p, 'overlay')).hash,
    losses: (await canvasStats(p, 'losses')).hash,
    link: await p.$eval(W, (el) => el.link),
  });
  const a = await snapshot(page);

  const second = await open(hash);
  assert.equal(await second.page.inputValue(field('s', 'select')), 'himmelblau');
  await second.page.mouse.move(0, 0);
  await focusWidget(second.page);
  for (let i = 0; i < 7; i += 1) await second.page.keyboard.press('ArrowRight');
  await waitStep(second.page, 'step === 7');
  await nextFrame(second.page);
  const b = await snapshot(second.page);
  assert.deepEqual(b.status, a.status, 'same positions and losses after 7 steps');
  assert.equal(b.link, a.link, 'the state round-trips through the link');
  assert.equal(b.heatmap, a.heatmap, 'same heatmap pixels');
  assert.equal(b.overlay, a.overlay, 'same overlay pixels');
  assert.equal(b.losses, a.losses, 'same loss-curve pixels');
  assertClean(first.log);
  assertClean(second.log);
  await first.context.close();
  await second.context.close();
});

test('bad input gets a message next to its control and keeps the last good state', async () => {
  const { page, context, log } = await open();
  const link0 = await page.$eval(W, (el) => el.link);
  const error = (key) => page.textContent(`${W} .field[data-key="${key}"] .field-error`);

  await page.fill(field('o.0.lr'), '-1');
  await page.press(field('o.0.lr'), 'Enter');
  assert.match(await error('o.0.lr'), /lr|learning rate/i);
  assert.equal(await page.getAttribute(field('o.0.lr'), 'aria-invalid'), 'true');
  assert.equal(await page.$eval(W, (el) => el.link), link0, 'a bad value leaves the state alone');
  await page.fill(field('start'), 'abc');
  await page.press(field('start'), 'Enter');
  assert.ok((await error('start')).length > 0);
  assert.equal(await page.$eval(W, (el) => el.link), link0);

  // A custom formula: a bad one is refused with the parser's message.
  await page.selectOption(field('s', 'select'), 'custom');
  await page.fill(field('f'), 'foo(x) + ');
  await page.press(field('f'), 'Enter');
  assert.match(await error('f'), /unknown function|foo/);
  const custom = await page.$eval(W, (el) => el.link);
  await page.fill(field('f'), 'x^2 + 3*y^2');
  await page.press(field('f'), 'Enter');
  assert.equal(await error('f'), '');
  assert.notEqual(await page.$eval(W, (el) => el.link), custom);
  assert.match(await page.$eval(W, (el) => el.link), /f=x%5E2/);
  assert.equal(await page.inputValue(field('s', 'select')), 'custom');
  await hashFollows(page);

  assert.doesNotMatch(await shownText(page), /\bNaN\b/, 'no NaN shown');
  assertClean(log);
  await context.close();
});

test('keyboard only: Tab reaches the landscape and the controls with a visible focus ring; Space, → and R work', async () => {
  const { page, context, log } = await open();
  const seen = [];
  const focused = () => page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    const style = getComputedStyle(el);
    const labels = el.labels && el.labels[0] ? el.labels[0].textContent : '';
    return {
      tag: el.tagName,
      text: (el.textContent || '').trim().slice(0, 30),
      layer: el.dataset ? el.dataset.layer : undefined,
      outline: style.outlineStyle,
      width: parseFloat(style.outlineWidth),
      name: el.getAttribute('aria-label') || labels || el.textContent || el.title,
    };
  });
  let reachedPlay = false;
  for (let i = 0; i < 40 && !reachedPlay; i += 1) {
    await page.keyboard.press('Tab');
    const info = await focused();
    seen.push(info);
    const what = `${info.tag} ${info.text || info.layer || ''}`;
    assert.notEqual(info.outline, 'none', `focus ring on ${what}`);
    assert.ok(info.width >= 2, `focus ring on ${what} is at least 2px`);
    assert.ok(String(info.name).trim().length > 0, `${what} has a name for screen readers`);
    if (info.tag === 'BUTTON' && info.text === 'Play') reachedPlay = true;
  }
  assert.ok(reachedPlay, `Tab reaches the play button (went through: ${seen.map((s) => s.text || s.tag).join(', ')})`);

  await page.keyboard.press('Enter');
  assert.equal(await playing(page), true);
  await waitStep(page, 'step > 0');
  await page.keyboard.press('Enter');
  assert.equal(await playing(page), false);

  // The landscape itself takes focus and the keys.
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    const info = await focused();
    if (info.layer === 'overlay') break;
  }
  assert.equal((await focused()).layer, 'overlay', 'Tab reaches the landscape');
  await page.keyboard.press('r');
  await waitStep(page, 'step === 0');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await waitStep(page, 'step === 2');
  await page.keyboard.press('R');
  await waitStep(page, 'step === 0');
  await page.keyboard.press('Space');
  await waitStep(page, 'step > 0');
  await page.keyboard.press('Space');
  assert.equal(await playing(page), false);

  // Shortcuts stay out of text fields.
  await page.focus(field('start'));
  await page.keyboard.type('r ');
  assert.match(await page.inputValue(field('start')), /r $/);
  assertClean(log);
  await context.close();
});

test('copy link and copy embed code give working snippets', async () => {
  const { page, context, log } = await open();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url });
  await page.selectOption(field('s', 'select'), 'booth');
  await hashFollows(page);
  await page.click('#copy-link');
  await page.waitForFunction(() => /copied/i.test(document.getElementById('messages').textContent));
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, await page.evaluate(() => location.href));
  assert.match(link, /s=booth/);

  await page.click('.embed-options summary');
  await page.check('#embed-hide input[value="speed"]');
  await page.click('#copy-embed');
  await page.waitForFunction(() => /copied/i.test(document.getElementById('messages').textContent));
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const element = snippet.match(/<script type="module" src="([^"]+)"><\/script>\n<sgdlab-widget view="landscape" link="([^"]+)" controls="minimal"><\/sgdlab-widget>/);
  assert.ok(element, `an element snippet: ${snippet}`);
  assert.equal(element[1], `${env.server.url}/sgdlab-widget.js`);
  const iframe = snippet.match(/<iframe src="([^"]+)"[^>]*><\/iframe>/);
  assert.ok(iframe, `an iframe snippet: ${snippet}`);
  const src = iframe[1].replaceAll('&amp;', '&');
  assert.match(src, /\/embed\.html#view=landscape&.*autoplay=1/);
  assert.match(src, /hide=speed/);
  assert.match(src, /s=booth/);

  // The iframe's URL opens a running widget without the speed control.
  const embed = await watchedPage(env.browser, { viewport: { width: 800, height: 450 } });
  await embed.page.goto(src);
  await waitReady(embed.page);
  await waitStep(embed.page, 'step > 3');
  assert.equal(await embed.page.locator(field('speed')).count(), 0);
  assertClean(embed.log);
  await embed.context.close();
  // The element snippet works as pasted into a page of the site.
  const pasted = await watchedPage(env.browser);
  await pasted.page.goto(`${env.server.url}/e2e/one.html`);
  await pasted.page.evaluate((html) => {
    document.body.innerHTML = '';
    const box = document.createElement('div');
    box.innerHTML = html; // the snippet a teacher pastes (this page already loaded the script)
    document.body.append(...box.children);
  }, `${element[0]}`);
  await pasted.page.waitForFunction(() => document.querySelector('sgdlab-widget')?.handle);
  assert.match(await pasted.page.$eval(W, (el) => el.link), /s=booth/);
  assertClean(pasted.log);
  await pasted.context.close();
  assertClean(log);
  await context.close();
});

test('exports: PNG of each plot, CSV and JSON of the paths', async () => {
  const { page, context, log } = await open();
  await page.click(button('Step'));
  await page.click(button('Step'));
  await page.click(button('Step'));
  await waitStep(page, 'step === 3');
  const grab = async (text) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button(text))]);
    return { name: download.suggestedFilename(), body: fs.readFileSync(await download.path()) };
  };
  const png = await grab('landscape PNG');
  assert.equal(png.name, 'sgdlab-landscape-landscape.png');
  assert.deepEqual([...png.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  const lossPng = await grab('losses PNG');
  assert.deepEqual([...lossPng.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const csv = await grab('CSV');
  assert.equal(csv.name, 'sgdlab-landscape.csv');
  const rows = csv.body.toString('utf8').trim().split('\n');
  assert.equal(rows[0], 'racer,optimizer,step,x,y,loss');
  const racers = (await status(page)).runs.length;
  assert.equal(rows.length - 1, racers * 4, 'steps 0..3 for every racer');
  const json = JSON.parse((await grab('JSON')).body.toString('utf8'));
  assert.equal(json.view, 'landscape');
  assert.equal(json.link, await page.$eval(W, (el) => el.link));
  assert.equal(json.racers.length, racers);
  assertClean(log);
  await context.close();
});

test('pasting a new link (hashchange) rebuilds the controls and reports bad parts', async () => {
  const { page, context, log } = await open();
  await page.evaluate(() => {
    location.hash = 's=himmelblau&o=adam,lr:0.1';
  });
  await page.waitForFunction(() => document.querySelector('sgdlab-widget').link.startsWith('s=himmelblau'));
  assert.equal(await page.inputValue(field('s', 'select')), 'himmelblau');
  assert.equal(await page.locator(`${W} .racers fieldset.racer`).count(), 1);
  assert.equal(await page.inputValue(field('o.0.lr')), '0.1');
  assert.equal(await widgetMessage(page), '');
  await page.evaluate(() => {
    location.hash = 's=nope&o=adam,lr:0.2';
  });
  await page.waitForFunction(() => /s: unknown surface `nope`/.test(document.querySelector('sgdlab-widget').shadowRoot.querySelector('.message').textContent));
  assert.equal(await page.inputValue(field('o.0.lr')), '0.2', 'the good parts are read');
  assertClean(log);
  await context.close();
});

test('a hyperparameter changed mid-run keeps the run going; adding a racer restarts it', async () => {
  const { page, context, log } = await open();
  await page.evaluate(() => document.querySelector('sgdlab-widget').step(4));
  await page.fill(field('o.0.lr'), '0.0002');
  await page.press(field('o.0.lr'), 'Enter');
  assert.equal(await stepCount(page), 4, 'a new learning rate keeps the paths');
  await page.click(button('Step'));
  assert.equal(await stepCount(page), 5);
  // After Enter in a field the counter and legend still follow the run.
  await nextFrame(page);
  assert.equal(await page.textContent(`${W} .counter`), 'step 5');
  const details = (await status(page)).runs.map((r) => r.detail);
  assert.deepEqual(await page.$$eval(`${W} ul.legend .value`, (all) => all.map((v) => v.textContent)), details);
  const cards = await page.locator(`${W} .racers fieldset.racer`).count();
  await page.locator(`${W} .racers fieldset.racer`).first().locator('button:text-is("Copy")').click();
  assert.equal(await page.locator(`${W} .racers fieldset.racer`).count(), cards + 1);
  assert.equal(await stepCount(page), 0, 'a new racer restarts the race');
  await page.locator(`${W} .racers fieldset.racer`).first().locator('button:text-is("Remove")').click();
  assert.equal(await page.locator(`${W} .racers fieldset.racer`).count(), cards);
  assertClean(log);
  await context.close();
});

test('a reported bug shows the page banner as text; a trap stops the widget and says so', async () => {
  const { page, context, log } = await open();
  await page.evaluate(() => window.sgdlabReportBug('sgdlab hit a bug: <b>test</b>'));
  assert.equal(await page.locator('#bug-banner').isVisible(), true);
  assert.match(await page.textContent('#bug-text'), /<b>test<\/b>/, 'shown as text, not markup');
  assert.equal(await page.locator('#bug-text b').count(), 0);

  await page.click(button('Play'));
  await waitStep(page, 'step > 0');
  await page.evaluate(() => document.querySelector('sgdlab-widget').guard(() => {
    throw new Error('<i>trap</i>');
  }));
  const failure = await page.textContent(`${W} .failure`);
  assert.match(failure, /internal error and stopped: <i>trap<\/i>/);
  const stopped = await stepCount(page);
  await page.waitForTimeout(300);
  assert.equal(await stepCount(page), stopped, 'the loop stopped');
  assert.equal(await playing(page), false);
  assertClean(log);
  await context.close();
});

test('narrow screens get one column, no sideways scrolling, and touch sets the start', async () => {
  const { page, context, log } = await open('', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const layout = await page.evaluate(() => {
    const root = document.querySelector('sgdlab-widget').shadowRoot;
    return {
      scrollWidth: document.documentElement.scrollWidth,
      landscape: root.querySelector('figure[data-plot="landscape"]').getBoundingClientRect().toJSON(),
      losses: root.querySelector('figure[data-plot="losses"]').getBoundingClientRect().toJSON(),
      panel: root.querySelector('.panel').getBoundingClientRect().toJSON(),
      heatmapWidth: root.querySelector('canvas[data-layer="heatmap"]').width,
    };
  });
  assert.ok(layout.scrollWidth <= 391, `no horizontal overflow (scrollWidth ${layout.scrollWidth})`);
  assert.ok(layout.losses.top >= layout.landscape.bottom - 1, 'the loss chart stacks below the landscape');
  assert.ok(layout.panel.top >= layout.landscape.bottom - 1, 'the settings stack below the landscape');
  assert.ok(layout.landscape.width >= 300, `the landscape uses the width (${layout.landscape.width})`);
  assert.ok(layout.heatmapWidth >= Math.round(layout.landscape.width * 2) - 4, 'canvas backing store follows devicePixelRatio');
  const x0 = await page.inputValue(field('start'));
  const box = await page.locator(`${W} canvas[data-layer="overlay"]`).boundingBox();
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.25);
  assert.notEqual(await page.inputValue(field('start')), x0);
  assertClean(log);
  await context.close();
});

test('screenshot of the landscape page for the docs', async () => {
  ensureScreenshotDir();
  const { page, context, log } = await open('', { viewport: { width: 1280, height: 1100 } });
  await page.evaluate(() => document.querySelector('sgdlab-widget').step(150));
  const box = await page.locator(`${W} canvas[data-layer="overlay"]`).boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
  await nextFrame(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'playground.png') });
  assertClean(log);
  await context.close();
});
