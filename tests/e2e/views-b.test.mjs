// End-to-end tests of the experiment views of lessons 10–12
// (dist/implicit-reg.html, bias-variance.html, mode-connectivity.html) in
// headless Chromium. Build first: `trunk build --release --offline`.
//
// Each page must load with no console error, draw every canvas layer its
// widget asks for, play, keep its link in the URL hash (and reopen from
// it), take a control edit into the hash, and survive hostile links.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  serveStatic,
  launchBrowser,
  distIsBuilt,
  watchedPage,
  waitReady,
  ensureScreenshotDir,
  SCREENSHOTS,
} from './harness.mjs';

/** Each page, the canvas layers it draws, a link that is not its default,
 *  and a control edit (key, value) that changes the run. */
const VIEWS = [
  {
    page: 'implicit-reg.html',
    view: 'implicit-reg',
    layers: ['heatmap', 'paths', 'zoom', 'gaps'],
    link: 'seed=3&replicas=200&map=difference&speed=4',
    edit: ['lr', '0.1'],
  },
  {
    page: 'bias-variance.html',
    view: 'bias-variance',
    layers: ['decomposition', 'fits'],
    link: 'model=poly&sets=40&seed=2&pick=3&speed=200',
    edit: ['noise', '0.5'],
  },
  {
    page: 'mode-connectivity.html',
    view: 'mode-connectivity',
    layers: ['plane', 'path', 'progress'],
    link: 'n=200&epochs=20&bend=200&points=11&seed=5',
    edit: ['seed', '7'],
  },
];

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

function assertClean(log, where) {
  assert.deepEqual(log.pageErrors, [], `${where}: uncaught page errors`);
  assert.deepEqual(log.consoleErrors, [], `${where}: console errors`);
  assert.deepEqual(log.dialogs, [], `${where}: dialogs`);
}

async function open(view, hash = '') {
  const watched = await watchedPage(browser);
  await watched.page.goto(`${server.url}/${view.page}${hash}`);
  await waitReady(watched.page);
  return watched;
}

/** Pixel summary of each layer's canvas inside the widget's shadow root. */
function layerStats(page, layers) {
  return page.evaluate((names) => {
    const root = document.querySelector('sgdlab-widget').shadowRoot;
    return Object.fromEntries(names.map((name) => {
      const canvas = root.querySelector(`canvas[data-layer=${name}]`);
      if (!canvas || !canvas.width || !canvas.height) return [name, null];
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set();
      let painted = 0;
      let hash = 2166136261;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] !== 0) painted += 1;
        if (i % 64 === 0) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        hash = Math.imul(hash ^ data[i] ^ (data[i + 1] << 8) ^ (data[i + 2] << 16), 16777619) >>> 0;
      }
      return [name, { colours: colours.size, painted: painted / (canvas.width * canvas.height), hash }];
    }));
  }, layers);
}

const widgetStatus = (page) => page.evaluate(() => document.querySelector('sgdlab-widget').status);
const widgetLink = (page) => page.evaluate(() => document.querySelector('sgdlab-widget').link);

/** Plays until the widget's run is finished and nothing is left to draw. */
async function playToEnd(page) {
  await page.evaluate(() => document.querySelector('sgdlab-widget').play());
  await page.waitForFunction(() => {
    const el = document.querySelector('sgdlab-widget');
    return el.status.finished && !el.handle.frame(false);
  }, null, { timeout: 60_000, polling: 100 });
}

for (const view of VIEWS) {
  test(`${view.page} loads cleanly and draws every layer`, async () => {
    const { page, context, log } = await open(view);
    const link = await widgetLink(page);
    assert.equal(new URL(page.url()).hash, `#${link}`, 'the hash holds the link');
    const stats = await layerStats(page, view.layers);
    for (const name of view.layers) {
      assert.ok(stats[name], `${name} has a canvas`);
      assert.ok(stats[name].colours > 2, `${name} is drawn (${stats[name].colours} colours)`);
    }
    assert.equal(
      await page.getAttribute('nav.views a[aria-current="page"]', 'href'),
      view.page,
      'the tab of this view is current',
    );
    assertClean(log, view.page);
    await context.close();
  });

  test(`${view.page} plays to the end and the plots change`, async () => {
    const { page, context, log } = await open(view, `#${view.link}`);
    const before = await layerStats(page, view.layers);
    assert.equal((await widgetStatus(page)).step, 0);
    await playToEnd(page);
    const status = await widgetStatus(page);
    assert.ok(status.step > 0 && status.finished, `played: ${JSON.stringify(status.step)}`);
    const after = await layerStats(page, view.layers);
    const changed = view.layers.filter((name) => after[name].hash !== before[name].hash);
    assert.ok(changed.length >= 2, `plots redrawn while playing: ${changed}`);
    const exported = JSON.parse(await page.evaluate(() => document.querySelector('sgdlab-widget').handle.export_json()));
    assert.equal(exported.view, view.view);
    assert.equal(exported.link, await widgetLink(page));
    if (view.view === 'mode-connectivity') {
      assert.ok(exported.curve.max_train_loss < exported.line.max_train_loss, 'the curve lowers the barrier');
      ensureScreenshotDir();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'mode-connectivity.png') });
    }
    assertClean(log, view.page);
    await context.close();
  });

  test(`${view.page} round-trips its link through the hash`, async () => {
    const { page, context, log } = await open(view, `#${view.link}`);
    const link = await widgetLink(page);
    for (const part of view.link.split('&')) assert.ok(link.split('&').includes(part), `${part} kept in ${link}`);
    assert.equal(new URL(page.url()).hash, `#${link}`);
    // An edit in the control panel goes into the hash…
    const [key, value] = view.edit;
    const input = page.locator(`sgdlab-widget .field[data-key="${key}"] input[type="text"]`).first();
    await input.fill(value);
    await input.press('Enter');
    await page.waitForFunction(([k, v]) => document.querySelector('sgdlab-widget').link.split('&').includes(`${k}=${v}`), [key, value]);
    const edited = await widgetLink(page);
    assert.ok(edited.split('&').includes(`${key}=${value}`), edited);
    await page.waitForFunction((l) => location.hash === `#${l}`, edited);
    // …and the copied address reopens the same state.
    const reopened = await open(view, new URL(page.url()).hash);
    assert.equal(await widgetLink(reopened.page), edited);
    // A hash typed afterwards loads too.
    await reopened.page.evaluate((l) => { location.hash = l; }, view.link);
    await reopened.page.waitForFunction((l) => document.querySelector('sgdlab-widget').link === l, link);
    assertClean(reopened.log, `${view.page} reopened`);
    await reopened.context.close();
    assertClean(log, view.page);
    await context.close();
  });

  test(`${view.page} survives hostile links`, async () => {
    const hostile = [
      '#hide=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&theme=%3Cscript%3E',
      `#${'x'.repeat(5000)}`,
      '#seed=-1&speed=0&%zz&=&&&view=landscape',
      `#${view.edit[0]}=1e999&${view.edit[0]}=NaN`,
      '#replicas=999999999999999999999&sets=0&hidden=0,0&n=1&b=100000&points=2',
    ];
    for (const hash of hostile) {
      const { page, context, log } = await open(view, hash);
      const state = await page.evaluate(() => {
        const el = document.querySelector('sgdlab-widget');
        const root = el.shadowRoot;
        return {
          images: document.querySelectorAll('img').length + root.querySelectorAll('img').length,
          scripts: root.querySelectorAll('script').length,
          message: root.querySelector('.message')?.textContent ?? '',
          failure: Boolean(root.querySelector('.failure')),
          step: el.status.step,
        };
      });
      assert.equal(state.images, 0, `${hash}: no markup from the link`);
      assert.equal(state.scripts, 0);
      assert.equal(state.failure, false, `${hash}: the widget still runs`);
      assert.equal(state.step, 0);
      // It still plays from whatever state the link left.
      await page.evaluate(() => document.querySelector('sgdlab-widget').step(3));
      assert.ok((await widgetStatus(page)).step > 0, `${hash}: steps`);
      assertClean(log, `${view.page}${hash.slice(0, 40)}`);
      await context.close();
    }
  });
}
