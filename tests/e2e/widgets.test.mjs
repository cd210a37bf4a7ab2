// <sgdlab-widget> on pages that are not the site's own: four widgets on one
// page driven through the script API, the element loaded from another
// origin over CORS and from another path of the site, a reveal.js slide,
// and hostile values for the element's attributes.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  setUp,
  tearDown,
  serveStatic,
  watchedPage,
  assertClean,
  waitWidgets,
  canvasStats,
  status,
  waitStep,
  widgetMessage,
  focusWidget,
  nextFrame,
  injectedElements,
  recordCanvasText,
  drawnText,
  xAxisLabels,
  ensureScreenshotDir,
  SCREENSHOTS,
  DIST,
} from './harness.mjs';

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await tearDown(env);
});

// Tall enough to show all four widgets of four.html at once.
const TALL = { viewport: { width: 1280, height: 2400 } };
const MAIN = { landscape: 'heatmap', stochastic: 'heatmap', training: 'boundary' };

/** Opens a test page (served at /e2e/) and waits for all its widgets. */
async function openTestPage(name, options = {}) {
  const watched = await watchedPage(env.browser, options);
  await watched.page.goto(`${env.server.url}/e2e/${name}`);
  await waitWidgets(watched.page);
  return watched;
}

/** Every widget's link, step and main canvas hash, by id. */
function snapshot(page) {
  return page.evaluate((main) => Object.fromEntries([...document.querySelectorAll('sgdlab-widget')].map((el) => {
    const canvas = el.shadowRoot.querySelector(`canvas[data-layer="${main[el.getAttribute('view')]}"]`);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 1) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    return [el.id, { link: el.link, step: el.status.step, hash }];
  })), MAIN);
}

describe('four widgets on one page (/e2e/four.html)', () => {
  test('they mount once each, draw, and load the wasm once', async () => {
    const requestsBefore = env.server.requests.length;
    const { page, context, log } = await openTestPage('four.html', TALL);
    const asked = env.server.requests.slice(requestsBefore);
    const count = (file) => asked.filter((p) => p === file).length;
    assert.equal(count('/sgdlab-web_bg.wasm'), 1, `the wasm loads once: ${asked.join(' ')}`);
    assert.equal(count('/sgdlab-web.js'), 1, 'its bindings load once');
    assert.equal(count('/css/widget.css'), 1, 'the widget stylesheet loads once');

    const views = await page.$$eval('sgdlab-widget', (all) => all.map((el) => [el.id, el.getAttribute('view')]));
    assert.deepEqual(views, [['a', 'landscape'], ['b', 'stochastic'], ['c', 'training'], ['d', 'landscape']]);
    for (const [id, view] of views) {
      const stats = await canvasStats(page, MAIN[view], `#${id}`);
      assert.ok(stats && stats.colours > 20, `#${id} (${view}) draws its ${MAIN[view]}`);
      // The page's own `canvas { display: none }` cannot reach inside.
      const box = await page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('canvas').getBoundingClientRect().width, `#${id}`);
      assert.ok(box > 100, `#${id}: its canvases are shown (${box} px)`);
    }
    // No element ids leak out of the widgets, and each holds its own canvases.
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    assert.deepEqual(ids.sort(), ['a', 'b', 'c', 'd']);
    const a = await status(page, '#a');
    const d = await status(page, '#d');
    assert.notEqual(await page.$eval('#a', (el) => el.link), await page.$eval('#d', (el) => el.link));
    assert.match(await page.$eval('#a', (el) => el.link), /s=rosenbrock/);
    assert.match(await page.$eval('#d', (el) => el.link), /s=himmelblau/);
    assert.notDeepEqual(a.runs.map((r) => r.label), d.runs.map((r) => r.label));
    assertClean(log);
    await context.close();
  });

  test('stepping, playing, setting a link and resetting one leaves the others alone', async () => {
    const { page, context, log } = await openTestPage('four.html', TALL);
    await page.evaluate(() => {
      document.querySelector('#a').step(5);
      document.querySelector('#b').step(3);
      document.querySelector('#c').step(2);
    });
    await page.waitForTimeout(100);
    let s = await snapshot(page);
    assert.deepEqual([s.a.step, s.b.step, s.c.step, s.d.step], [5, 3, 2, 0]);

    // Two play while two wait.
    await page.evaluate(() => {
      document.querySelector('#a').play();
      document.querySelector('#b').play();
    });
    await waitStep(page, 'step > 30', '#a');
    await waitStep(page, 'step > 20', '#b');
    await page.evaluate(() => {
      document.querySelector('#a').pause();
      document.querySelector('#b').pause();
    });
    s = await snapshot(page);
    assert.deepEqual([s.c.step, s.d.step], [2, 0], 'the widgets not playing did not move');
    await page.waitForTimeout(200);
    const paused = await snapshot(page);
    assert.deepEqual([paused.a.step, paused.b.step], [s.a.step, s.b.step], 'pause stops them');

    // Setting one's link changes that one only.
    await page.evaluate(() => {
      document.querySelector('#a').link = 's=booth&o=adam,lr:0.1';
    });
    await page.waitForTimeout(150);
    const set = await snapshot(page);
    assert.match(set.a.link, /^s=booth&/);
    assert.equal(set.a.step, 0, 'a new link restarts');
    assert.notEqual(set.a.hash, paused.a.hash, 'and redraws the landscape');
    for (const id of ['b', 'c', 'd']) assert.deepEqual(set[id], paused[id], `#${id} is untouched`);
    assert.equal(await widgetMessage(page, '#a'), '', 'a good link leaves no message');

    // Reset of one.
    await page.evaluate(() => document.querySelector('#c').reset());
    await page.waitForTimeout(100);
    const reset = await snapshot(page);
    assert.equal(reset.c.step, 0);
    for (const id of ['a', 'b', 'd']) assert.deepEqual(reset[id], set[id], `#${id} is untouched by #c's reset`);

    // The status of each names its own runs.
    const b = await status(page, '#b');
    assert.equal(b.runs.length, 3, 'the stochastic view races three paths');
    const c = await status(page, '#c');
    assert.equal(c.runs.length, 1);
    assert.match(c.runs[0].label, /^adam/);
    assertClean(log);
    await context.close();
  });

  test('sgdlab-change fires on a user edit, with the new link, and not on script calls', async () => {
    const { page, context, log } = await openTestPage('four.html', TALL);
    await page.evaluate(() => {
      window.changes = [];
      document.addEventListener('sgdlab-change', (event) => window.changes.push({ id: event.target.id, link: event.detail.link }));
      document.querySelector('#a').link = 's=booth';
      document.querySelector('#a').step(3);
    });
    assert.deepEqual(await page.evaluate(() => window.changes), [], 'script calls are not user changes');

    const lr = page.locator('#d .field[data-key="o.0.lr"] input');
    await lr.fill('0.02');
    await lr.press('Enter');
    await page.waitForFunction(() => window.changes.length > 0);
    const [first] = await page.evaluate(() => window.changes);
    assert.equal(first.id, 'd');
    assert.match(first.link, /o=sgd,lr:0\.02/);
    assert.equal(first.link, await page.$eval('#d', (el) => el.link));

    // A click on the landscape moves the start: a change too.
    await page.evaluate(() => { window.changes = []; });
    const box = await page.locator('#d canvas[data-layer="overlay"]').boundingBox();
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await page.waitForFunction(() => window.changes.length > 0);
    const clicked = await page.evaluate(() => window.changes);
    assert.ok(clicked.every((c) => c.id === 'd'));
    assert.match(clicked.at(-1).link, /start=/);
    // A refused edit is no change, and says why beside the field.
    await page.evaluate(() => { window.changes = []; });
    await lr.fill('-1');
    await lr.press('Enter');
    await page.waitForFunction(() => document.querySelector('#d').shadowRoot.querySelector('.field[data-key="o.0.lr"] .field-error').textContent.length > 0);
    assert.deepEqual(await page.evaluate(() => window.changes), []);
    assertClean(log);
    await context.close();
  });

  test('removing an element frees its widget; putting it back mounts it again', async () => {
    const { page, context, log } = await openTestPage('four.html', TALL);
    const freed = await page.evaluate(async () => {
      const el = document.querySelector('#c');
      const handle = el.handle;
      const pointerBefore = handle.__wbg_ptr;
      el.remove();
      await new Promise((resolve) => setTimeout(resolve, 0));
      let error = '';
      try {
        handle.link();
      } catch (e) {
        error = String(e && e.message ? e.message : e);
      }
      return { pointerBefore, pointerAfter: handle.__wbg_ptr, error, elementHandle: el.handle, children: el.shadowRoot.childElementCount };
    });
    assert.ok(freed.pointerBefore > 0);
    assert.equal(freed.pointerAfter, 0, 'wasm-bindgen released the handle');
    assert.match(freed.error, /null pointer passed to rust/);
    assert.equal(freed.elementHandle, null);
    assert.equal(freed.children, 0, 'its shadow root is emptied');
    // The others keep working.
    await page.evaluate(() => document.querySelector('#a').step(4));
    assert.equal((await status(page, '#a')).step, 4);

    // Moving an element within the page keeps its widget.
    const moved = await page.evaluate(async () => {
      const el = document.querySelector('#b');
      el.step(2);
      const handle = el.handle;
      document.body.append(el);
      await new Promise((resolve) => setTimeout(resolve, 0));
      return { same: el.handle === handle, pointer: handle.__wbg_ptr, step: el.status.step };
    });
    assert.ok(moved.same && moved.pointer > 0 && moved.step === 2, `moved: ${JSON.stringify(moved)}`);

    // Put back, the removed one mounts afresh from its attributes.
    await page.evaluate(() => document.querySelector('.grid').append(Object.assign(document.createElement('div'), { id: 'slot' })));
    await page.evaluate(() => {
      const el = document.createElement('sgdlab-widget');
      el.id = 'e';
      el.setAttribute('view', 'training');
      el.setAttribute('link', 'd=xor&n=100&h=4&b=10&backend=cpu');
      document.querySelector('#slot').append(el);
    });
    await waitWidgets(page, '#e');
    assert.ok((await canvasStats(page, 'boundary', '#e')).colours > 10);
    // Many mounts and removals do not leak handles or fail.
    const churn = await page.evaluate(async () => {
      const pointers = [];
      for (let i = 0; i < 10; i += 1) {
        const el = document.createElement('sgdlab-widget');
        el.setAttribute('view', i % 2 ? 'stochastic' : 'landscape');
        document.body.append(el);
        await el.ready;
        pointers.push(el.handle);
        el.remove();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return pointers.filter((h) => h.__wbg_ptr !== 0).length;
    });
    assert.equal(churn, 0, 'every removed widget was freed');
    assertClean(log);
    await context.close();
  });

  test('a widget scrolled out of view stops stepping while playing, and goes on when back', async () => {
    const { page, context, log } = await openTestPage('four.html', TALL);
    await page.evaluate(() => document.querySelectorAll('sgdlab-widget').forEach((el) => el.play()));
    for (const id of ['a', 'b', 'c', 'd']) await waitStep(page, 'step > 2', `#${id}`);
    // The second row to the top: the first row leaves the view.
    await page.evaluate(() => window.scrollTo(0, document.querySelector('#c').getBoundingClientRect().top + window.scrollY));
    const layout = await page.evaluate(() => ['a', 'b', 'c', 'd'].map((id) => document.querySelector(`#${id}`).getBoundingClientRect().bottom));
    assert.ok(layout[0] <= 0 && layout[1] <= 0, `the first row is out of view (${layout})`);
    await page.waitForTimeout(300);
    const hidden = await snapshot(page);
    await page.waitForTimeout(700);
    const later = await snapshot(page);
    assert.equal(later.a.step, hidden.a.step, 'the landscape out of view stands still');
    assert.equal(later.b.step, hidden.b.step, 'the stochastic widget out of view stands still');
    assert.ok(later.c.step > hidden.c.step, 'the training lab in view goes on');
    assert.ok(later.d.step > hidden.d.step, 'the landscape in view goes on');
    assert.equal(await page.$eval('#a', (el) => el.playing), true, 'it is paused by the page, not stopped');
    // Back in view, it goes on.
    await page.evaluate(() => window.scrollTo(0, 0));
    await waitStep(page, `step > ${later.a.step}`, '#a');
    await page.evaluate(() => document.querySelectorAll('sgdlab-widget').forEach((el) => el.pause()));
    assertClean(log);
    await context.close();
  });
});

describe('the element from elsewhere', () => {
  test('from another origin over CORS, into a plain page', async () => {
    const site = await serveStatic(DIST, { cors: true, mounts: {} });
    const plain = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A plain page</title><link rel="icon" href="data:,">
<script type="module" src="${site.url}/sgdlab-widget.js"></script></head>
<body><h1>Somebody else's page</h1>
<div style="display: flex; gap: 8px">
<sgdlab-widget id="x" view="landscape" link="s=himmelblau&o=adam,lr:0.1&o=sgd,lr:0.01" controls="minimal" style="flex: 1"></sgdlab-widget>
<sgdlab-widget id="y" view="stochastic" controls="none" autoplay style="flex: 1"></sgdlab-widget>
</div>
</body></html>`;
    const host = await serveStatic(DIST, { mounts: {}, pages: { '/plain.html': () => plain } });
    assert.notEqual(new URL(site.url).origin, new URL(host.url).origin);
    const { page, context, log } = await watchedPage(env.browser);
    await page.goto(`${host.url}/plain.html`);
    await waitWidgets(page);
    const fromSite = site.requests.filter((p) => p.endsWith('.wasm'));
    assert.deepEqual(fromSite, ['/sgdlab-web_bg.wasm'], 'the wasm came once, from the other origin');
    assert.deepEqual(host.requests, ['/plain.html'], 'nothing of sgdlab came from the page\'s own origin');
    assert.ok((await canvasStats(page, 'heatmap', '#x')).colours > 20);
    assert.ok((await canvasStats(page, 'heatmap', '#y')).colours > 20);
    await page.evaluate(() => document.querySelector('#x').step(3));
    assert.equal((await status(page, '#x')).step, 3);
    await waitStep(page, 'step > 3', '#y');
    assert.equal(await page.$eval('#y', (el) => el.shadowRoot.querySelector('.transport')), null, 'controls="none" shows no bar');
    assertClean(log);
    await context.close();
    await site.close();
    await host.close();
  });

  test('from another path of the site, with hostile attributes that never become markup', async () => {
    const { page, context, log } = await openTestPage('one.html', TALL);
    const HOSTILE = [
      '"><img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      `s=${'Z'.repeat(100_000)}`,
      '%E0%A4%A',
      'view=training&h=1024,1024&n=10000',
      's=<svg onload=alert(1)>&f=javascript:alert(1)',
    ];
    for (const id of ['landscape', 'training']) {
      for (const value of HOSTILE) {
        const what = `#${id} link="${value.slice(0, 30)}"`;
        await page.evaluate(([sel, v]) => document.querySelector(sel).setAttribute('link', v), [`#${id}`, value]);
        const message = await widgetMessage(page, `#${id}`);
        assert.match(message, /^Link problems: /, `${what}: the widget says what it ignored`);
        assert.ok(message.length < 5000, `${what}: a short message (${message.length})`);
        assert.deepEqual(await injectedElements(page), [], `${what}: nothing from the link became markup`);
        const before = (await status(page, `#${id}`)).step;
        await page.evaluate((sel) => document.querySelector(sel).step(1), `#${id}`);
        await nextFrame(page);
        assert.equal((await status(page, `#${id}`)).step, before + 1, `${what}: it still steps`);
        assert.ok((await canvasStats(page, MAIN[id], `#${id}`)).colours > 10, `${what}: it still draws`);
      }
    }
    // The other attributes are checked the same way.
    await page.evaluate(() => {
      const el = document.querySelector('#landscape');
      el.setAttribute('hide', '"><img src=x onerror=alert(2)>');
      el.setAttribute('theme', '<b>dark</b>');
    });
    assert.match(await widgetMessage(page, '#landscape'), /theme: .*unknown theme/);
    await page.evaluate(() => document.querySelector('#landscape').setAttribute('theme', 'dark'));
    assert.match(await widgetMessage(page, '#landscape'), /^hide: /);
    assert.equal(await page.$eval('#landscape', (el) => el.shadowRoot.querySelector('.sgdlab').dataset.theme), 'dark');
    assert.deepEqual(await injectedElements(page), []);
    // An unknown view says so in place of the widget, as text.
    await page.evaluate(() => document.querySelector('#landscape').setAttribute('view', '<img src=x onerror=alert(3)>'));
    await page.waitForFunction(() => document.querySelector('#landscape').shadowRoot.querySelector('.failure'));
    assert.match(await page.$eval('#landscape', (el) => el.shadowRoot.querySelector('.failure').textContent), /could not start: unknown view `<img/);
    assert.deepEqual(await injectedElements(page), []);
    await page.evaluate(() => document.querySelector('#landscape').setAttribute('view', 'stochastic'));
    await waitWidgets(page, '#landscape');
    await nextFrame(page);
    assert.ok((await canvasStats(page, 'heatmap', '#landscape')).colours > 20, 'a good view mounts again');
    // A new element with an unknown view fails in place, and its `ready` rejects.
    const rejected = await page.evaluate(async () => {
      const el = document.createElement('sgdlab-widget');
      el.id = 'bad';
      el.setAttribute('view', 'nonsense');
      document.body.append(el);
      return el.ready.then(() => 'resolved', (error) => String(error));
    });
    assert.match(rejected, /unknown view `nonsense`/);
    assert.match(await page.$eval('#bad', (el) => el.shadowRoot.textContent), /could not start: unknown view `nonsense`; allowed: landscape, stochastic, training/);
    assertClean(log);
    await context.close();
  });
});

test('a reveal.js slide at 960×540: the widget draws and steps, its loss chart\'s labels stay apart, Space stays in the widget', async () => {
  ensureScreenshotDir();
  const { page, context, log } = await watchedPage(env.browser, { viewport: { width: 960, height: 540 } });
  await recordCanvasText(page);
  await page.goto(`${env.server.url}/e2e/slide.html`);
  await page.waitForFunction(() => document.body.dataset.deck === 'ready');
  await waitWidgets(page);
  const scale = await page.evaluate(() => Reveal.getScale());
  assert.ok(scale > 0 && scale !== 1, `reveal scales the slide (${scale})`);
  assert.equal(await page.$eval('sgdlab-widget', (el) => el.shadowRoot.querySelector('.sgdlab').dataset.theme), 'dark');
  assert.ok((await canvasStats(page, 'heatmap')).colours > 20);

  await focusWidget(page);
  await page.keyboard.press('Space');
  await waitStep(page, 'step > 5');
  await page.keyboard.press('Space');
  assert.equal(await page.evaluate(() => Reveal.getIndices().h), 0, 'Space played the widget, not the deck');
  await page.keyboard.press('r');
  await waitStep(page, 'step === 0');

  // 500 steps: the x axis reads 0 … 500.
  await drawnText(page);
  await page.evaluate(() => document.querySelector('sgdlab-widget').step(500));
  await waitStep(page, 'step === 500');
  await page.waitForTimeout(100);
  const labels = xAxisLabels(await drawnText(page), 'losses');
  assert.ok(labels.length >= 2, `the loss chart has x labels: ${JSON.stringify(labels)}`);
  for (let i = 1; i < labels.length; i += 1) {
    const gap = labels[i].left - labels[i - 1].right;
    assert.ok(gap >= 4, `x labels "${labels[i - 1].text}" and "${labels[i].text}" ${gap < 0 ? 'overlap' : 'touch'} (gap ${gap.toFixed(1)} px): ${labels.map((l) => l.text).join(' ')}`);
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, 'slide.png') });
  assertClean(log);
  await context.close();
});
