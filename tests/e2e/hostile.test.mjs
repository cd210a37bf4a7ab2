// Hostile links on every page: whatever is pasted after '#', the page must
// not run it, not crash, not hang and not go blank; it shows what it
// ignored and carries on. (The element's own `link` attribute is tried in
// widgets.test.mjs.)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  setUp,
  tearDown,
  watchedPage,
  waitReady,
  canvasStats,
  status,
  waitStep,
  widgetMessage,
  nextFrame,
  injectedElements,
} from './harness.mjs';

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await tearDown(env);
});

/** Deterministic pseudo-random bytes, percent-encoded where a URL needs it. */
function randomBytesHash(seed, length) {
  let state = seed >>> 0;
  let out = '#';
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const byte = state >>> 24;
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9=&,:;._~!*'()-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// [name, hash, what to expect]; every one must show a message unless it says not.
const COMMON = [
  ['script tag', '#<script>alert(1)</script>'],
  ['img onerror, encoded', '#s=%3Cimg%20src=x%20onerror=alert(1)%3E&m=%3Cimg%20src=x%20onerror=alert(1)%3E&d=%3Cimg%20src=x%20onerror=alert(1)%3E'],
  ['img onerror, raw', '#"><img src=x onerror=alert(1)>&f=<svg onload=alert(2)>'],
  ['100 kB value', `#seed=${'9'.repeat(100_000)}`],
  ['100 kB of pairs', `#${'x=1&'.repeat(25_000)}`],
  ['broken percent escape', '#%E0%A4%A'],
  ['broken escape in a value', '#seed=%E0%A4%A&speed=%ZZ'],
  ['javascript URL', '#f=javascript:alert(1)&m=javascript:alert(1)&d=javascript:alert(1)'],
  ['another view', '#view=<img src=x onerror=alert(1)>'],
];

const BY_PAGE = {
  'index.html': [
    ...COMMON,
    ['10000 open parentheses', `#f=${'('.repeat(10_000)}`],
    ['deep but closed nesting', `#f=${'('.repeat(5_000)}x${')'.repeat(5_000)}`],
    ['negative learning rate', '#o=adam,lr:-1'],
    ['"o=" 1000 times', `#${'o='.repeat(1000)}`],
    ['1000 racers', `#${Array.from({ length: 1000 }, () => 'o=adam').join('&')}`],
    ['start NaN / Infinity', '#start=NaN,Infinity'],
    // Finite, so allowed: the run must diverge and say so, not show NaN.
    ['huge numbers', '#start=1e308,-1e308&o=sgd,lr:1e308', { message: false, diverges: true }],
    ['random bytes 1', randomBytesHash(1, 300)],
    ['random bytes 2', randomBytesHash(2, 3000)],
  ],
  'stochastic.html': [
    ...COMMON,
    ['bad numbers', '#n=abc&b=99999&lr=NaN&start=1e309,0&k=-1'],
    ['huge data', `#n=${'9'.repeat(20_000)}`],
    // Finite, so allowed: the losses grow huge but are never shown as NaN.
    ['huge steps', '#lr=90&start=900,900', { message: false }],
  ],
  'training.html': [
    ...COMMON,
    ['too big a network', '#n=10000&h=1024,1024,1024&b=-1&o=newton'],
    ['h=1024,1024&n=10000', '#h=1024,1024&n=10000'],
    ['10000 widths', `#h=${'9,'.repeat(5000)}`],
    ['bad optimizers', '#o=sgd,lr:1e388&o=adam,lr:NaN&o=a&o=b&o=c'],
  ],
  'embed.html': COMMON.filter(([name]) => name !== 'another view').map(([name, hash]) => [name, hash.replace('#', '#view=training&')]),
};

const MAIN = { 'index.html': 'heatmap', 'stochastic.html': 'heatmap', 'training.html': 'boundary', 'embed.html': 'boundary' };

/** Text the page shows as numbers: the legend, readouts and counter, and the fields' values. */
function shownNumbers(page) {
  return page.evaluate(() => {
    const root = document.querySelector('sgdlab-widget').shadowRoot;
    return [
      ...[...root.querySelectorAll('ul.legend, .readout, .counter')].map((e) => e.textContent),
      ...[...root.querySelectorAll('input[type="text"]')].map((e) => e.value),
    ].join(' ');
  });
}

async function assertHarmless(page, log, name, layer) {
  assert.deepEqual(log.dialogs, [], `${name}: no dialog`);
  assert.deepEqual(log.pageErrors, [], `${name}: no uncaught error`);
  assert.equal(await page.locator('#bug-banner').isVisible(), false, `${name}: no internal error`);
  assert.equal(await page.locator('sgdlab-widget .failure').count(), 0, `${name}: the widget did not stop`);
  assert.deepEqual(await injectedElements(page), [], `${name}: nothing from the link became markup`);
  await nextFrame(page);
  const main = await canvasStats(page, layer);
  assert.ok(main && main.colours > 10, `${name}: ${layer} still drawn`);
  const shown = await shownNumbers(page);
  assert.doesNotMatch(shown, /\bNaN\b/, `${name}: no NaN in the numbers shown (${shown.slice(0, 200)})`);
}

/** The page's message line and the widget's: what the page says it ignored. */
async function messages(page) {
  return `${(await page.textContent('#messages')) ?? ''} ${await widgetMessage(page)}`.trim();
}

for (const [file, cases] of Object.entries(BY_PAGE)) {
  test(`hostile links on ${file} are harmless, reported, and the page still works`, async () => {
    for (const [name, hash, expect = { message: true }] of cases) {
      const what = `${file} ${name}`;
      const { page, context, log } = await watchedPage(env.browser, { viewport: { width: 1280, height: 900 } });
      await page.goto(`${env.server.url}/${file}${hash}`);
      await waitReady(page);
      await assertHarmless(page, log, what, MAIN[file]);
      if (expect.message) {
        const said = await messages(page);
        assert.ok(said.length > 0, `${what}: the page says what it ignored`);
        assert.ok(said.length < 5000, `${what}: in a few words (${said.length} characters)`);
      }
      // Still usable afterwards, and a run from there shows no NaN either.
      const before = (await status(page)).step;
      await page.evaluate(() => document.querySelector('sgdlab-widget').step(5));
      if (expect.diverges) {
        await page.waitForFunction(() => document.querySelector('sgdlab-widget').shadowRoot.querySelector('ul.legend').textContent.includes('diverged'));
      } else {
        await waitStep(page, `step === ${before + 5}`);
      }
      await assertHarmless(page, log, `${what}, after steps`, MAIN[file]);
      assert.deepEqual(log.consoleErrors, [], `${what}: no console errors`);
      await context.close();
    }
  });
}

test('hostile links pasted into a running page (hashchange) are harmless too', async () => {
  const { page, context, log } = await watchedPage(env.browser);
  await page.goto(`${env.server.url}/index.html`);
  await waitReady(page);
  for (const [name, hash] of BY_PAGE['index.html'].filter(([, , expect]) => !expect)) {
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
    await page.waitForFunction(() => `${document.getElementById('messages').textContent}${document.querySelector('sgdlab-widget').shadowRoot.querySelector('.message').textContent}`.length > 0);
    await assertHarmless(page, log, `hashchange ${name}`, 'heatmap');
    await page.evaluate(() => {
      location.hash = 's=booth';
    });
    await page.waitForFunction(() => `${document.getElementById('messages').textContent}${document.querySelector('sgdlab-widget').shadowRoot.querySelector('.message').textContent}` === '');
  }
  const before = (await status(page)).step;
  await page.evaluate(() => document.querySelector('sgdlab-widget').step(1));
  assert.equal((await status(page)).step, before + 1, 'still usable after all that');
  assert.deepEqual(log.consoleErrors, []);
  await context.close();
});
