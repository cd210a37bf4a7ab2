// Hostile links: whatever is pasted after '#', the page must not run it, not
// crash, not hang and not go blank; it shows what it ignored and carries on.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveStatic,
  launchBrowser,
  distIsBuilt,
  watchedPage,
  waitReady,
  canvasStats,
  focusPage,
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

const HOSTILE = [
  ['script tag', '#<script>alert(1)</script>'],
  ['img onerror as surface', '#s=%3Cimg%20src=x%20onerror=alert(1)%3E'],
  ['img onerror raw', '#s=<img src=x onerror=alert(1)>&f=<svg onload=alert(2)>'],
  ['100 KB hash', `#s=${'A'.repeat(100_000)}`],
  ['100 KB of pairs', `#${'x=1&'.repeat(25_000)}`],
  ['10000 open parentheses', `#f=${'('.repeat(10_000)}`],
  ['deep but closed nesting', `#f=${'('.repeat(5_000)}x${')'.repeat(5_000)}`],
  ['broken percent escape', '#%E0%A4%A'],
  ['broken escape in a value', '#s=%E0%A4%A&f=%ZZ'],
  ['negative learning rate', '#o=adam,lr:-1'],
  ['"#o=" 1000 times', `#${'o='.repeat(1000)}`],
  ['1000 racers', `#${Array.from({ length: 1000 }, () => 'o=adam').join('&')}`],
  ['start NaN / Infinity', '#start=NaN,Infinity'],
  // Finite, so allowed: the run must diverge and say so, not show NaN.
  ['huge numbers', '#start=1e308,-1e308&o=sgd,lr:1e308', { message: false, diverges: true }],
  ['random bytes 1', randomBytesHash(1, 300)],
  ['random bytes 2', randomBytesHash(2, 3000)],
  ['javascript URL', '#f=javascript:alert(1)'],
];

async function assertHarmless(page, log, name) {
  assert.deepEqual(log.dialogs, [], `${name}: no dialog`);
  assert.deepEqual(log.pageErrors, [], `${name}: no uncaught error`);
  assert.equal(await page.locator('#bug-banner').isVisible(), false, `${name}: no internal error`);
  const injected = await page.evaluate(() => document.querySelectorAll('img, svg, iframe, [onerror], [onload]').length);
  assert.equal(injected, 0, `${name}: nothing from the link became markup`);
  const heat = await canvasStats(page, 'heatmap');
  assert.ok(heat && heat.colours > 20, `${name}: heatmap still drawn`);
  // Numbers on show (the messages may quote the bad text, e.g. `NaN`).
  const shown = await page.evaluate(() => [
    ...[...document.querySelectorAll('#legend, .hessian dd, #readout, #step-count')].map((e) => e.textContent),
    ...[...document.querySelectorAll('input[type="text"]')].map((e) => e.value),
  ].join(' '));
  assert.ok(!/\bNaN\b/.test(shown), `${name}: no NaN in the numbers shown (${shown.slice(0, 200)})`);
}

for (const [name, hash, expect = { message: true }] of HOSTILE) {
  test(`hostile link is harmless: ${name}`, async () => {
    const { page, context, log } = await watchedPage(browser);
    await page.goto(`${server.url}/index.html${hash}`);
    await waitReady(page);
    await assertHarmless(page, log, name);
    if (expect.message) {
      const message = (await page.textContent('#messages')).trim();
      assert.ok(message.length > 0, `${name}: the page says what it ignored`);
    }
    // Still usable afterwards, and a run from there shows no NaN either.
    await focusPage(page);
    for (let i = 0; i < 5; i += 1) await page.keyboard.press('ArrowRight');
    if (expect.diverges) {
      await page.waitForFunction(() => /diverged/.test(document.getElementById('legend').textContent));
    } else {
      await page.waitForFunction(() => document.getElementById('step-count').textContent === '5');
    }
    await assertHarmless(page, log, `${name} after steps`);
    assert.deepEqual(log.consoleErrors, [], `${name}: no console errors`);
    await context.close();
  });
}

test('hostile links pasted into a running page (hashchange) are harmless too', async () => {
  const { page, context, log } = await watchedPage(browser);
  await page.goto(`${server.url}/index.html`);
  await waitReady(page);
  for (const [name, hash] of HOSTILE.slice(0, 12)) {
    await page.evaluate((h) => {
      document.getElementById('messages').textContent = '';
      location.hash = h;
    }, hash);
    await page.waitForFunction(() => document.getElementById('messages').textContent.trim().length > 0);
    await assertHarmless(page, log, `hashchange ${name}`);
  }
  // Still usable after all that.
  await focusPage(page);
  const before = Number(await page.textContent('#step-count'));
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => Number(document.getElementById('step-count').textContent) === n + 1, before);
  assert.deepEqual(log.consoleErrors, []);
  await context.close();
});

test('the embed page shrugs off hostile links as well', async () => {
  for (const [name, hash] of HOSTILE.slice(0, 6)) {
    const { page, context, log } = await watchedPage(browser, { viewport: { width: 800, height: 450 } });
    await page.goto(`${server.url}/embed.html${hash}`);
    await waitReady(page);
    await assertHarmless(page, log, `embed ${name}`);
    assert.deepEqual(log.consoleErrors, [], `embed ${name}: no console errors`);
    await context.close();
  }
});
