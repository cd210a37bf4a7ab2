// End-to-end tests of the lesson pages (dist/lessons/, written by the
// sgdlab-site post_build hook of trunk). The maths must be in the served
// HTML, the pages must work without JavaScript and at 390 px, and the
// wiring of lesson.js (try buttons, the lesson hash, reset, snippets) must
// hold. The parts that need live widgets run once dist/sgdlab-widget.js
// (the <sgdlab-widget> element) is built, and are skipped before.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT,
  DIST,
  serveStatic,
  launchBrowser,
  watchedPage,
  ensureScreenshotDir,
  SCREENSHOTS,
} from './harness.mjs';

/** The lesson files, in course order: [{ number, file, page }]. */
const LESSONS = fs
  .readdirSync(path.join(ROOT, 'www', 'lessons'))
  .map((file) => /^(\d{2,})-([a-z][a-z0-9-]*)\.md$/.exec(file))
  .filter(Boolean)
  .map((m) => ({ number: Number(m[1]), file: m[0], page: m[0].replace(/\.md$/, '.html') }))
  .sort((a, b) => a.number - b.number);

const ELEMENT = fs.existsSync(path.join(DIST, 'sgdlab-widget.js'));
const needsElement = ELEMENT ? false : 'needs dist/sgdlab-widget.js (the <sgdlab-widget> element)';

let server;
let browser;

before(async () => {
  assert.ok(
    fs.existsSync(path.join(DIST, 'lessons', 'index.html')),
    'dist/ has no lessons: run `trunk build` (its post_build hook writes them) or `cargo run -p sgdlab-site -- --out dist`',
  );
  assert.ok(LESSONS.length > 0, 'www/lessons holds no NN-slug.md file');
  server = await serveStatic();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

const lessonUrl = (lesson) => `${server.url}/lessons/${lesson.page}`;

/** A page with scripts switched off: what a reader sees before any script runs. */
async function staticPage(options = {}) {
  const context = await browser.newContext({ javaScriptEnabled: false, ...options });
  return { page: await context.newPage(), context };
}

test('the index lists every lesson in course order with its summary', async () => {
  const { page, context } = await staticPage();
  await page.goto(`${server.url}/lessons/index.html`);
  const items = await page.$$eval('.lesson-list li', (lis) =>
    lis.map((li) => ({ href: li.querySelector('a').getAttribute('href'), summary: li.querySelector('p').textContent })));
  assert.deepEqual(items.map((i) => i.href), LESSONS.map((l) => l.page));
  for (const item of items) assert.ok(item.summary.trim().length > 10, `summary of ${item.href}`);
  const tab = await page.$eval('nav.views a[aria-current]', (a) => [a.textContent, a.getAttribute('href')]);
  assert.deepEqual(tab, ['Lessons', '../lessons/index.html']);
  await context.close();
});

test('every lesson is served with its maths as MathML, read without JavaScript', async () => {
  for (const lesson of LESSONS) {
    const response = await fetch(lessonUrl(lesson));
    assert.equal(response.status, 200, lesson.page);
    const html = await response.text();
    assert.match(html, /<math[ >]/, `${lesson.page} holds <math> as served`);
    assert.doesNotMatch(html, /\$\$|katex|mathjax/i, `${lesson.page} needs no maths script`);

    const { page, context } = await staticPage();
    await page.goto(lessonUrl(lesson));
    const maths = await page.$$eval('math', (all) => all.map((m) => m.getBoundingClientRect().height));
    assert.ok(maths.length > 0 && maths.every((h) => h > 0), `${lesson.page}: every equation is laid out`);
    const widgets = await page.$$eval('figure.lesson-widget sgdlab-widget', (all) => all.map((w) => w.id));
    assert.ok(widgets.length >= 2, `${lesson.page}: at least two widgets`);
    await context.close();
  }
});

test('previous and next lead through the course, and back to the index', async () => {
  const { page, context } = await staticPage();
  for (const [index, lesson] of LESSONS.entries()) {
    await page.goto(lessonUrl(lesson));
    const next = LESSONS[index + 1];
    const prev = LESSONS[index - 1];
    assert.equal(await page.$('a[rel="next"]') !== null, Boolean(next), `${lesson.page}: next`);
    assert.equal(await page.$('a[rel="prev"]') !== null, Boolean(prev), `${lesson.page}: previous`);
    if (next) {
      await Promise.all([page.waitForURL(lessonUrl(next)), page.click('a[rel="next"]')]);
      await Promise.all([page.waitForURL(lessonUrl(lesson)), page.click('a[rel="prev"]')]);
    }
    await Promise.all([page.waitForURL(`${server.url}/lessons/index.html`), page.click('a.pager-index')]);
  }
  await context.close();
});

test('lessons fit a 390 px screen without scrolling sideways', async () => {
  for (const lesson of LESSONS) {
    const { page, context } = await watchedPage(browser, { viewport: { width: 390, height: 844 } });
    await page.goto(lessonUrl(lesson));
    await page.waitForLoadState('load');
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: innerWidth }));
    assert.ok(widths.scroll <= widths.view, `${lesson.page}: ${widths.scroll} px wide in a ${widths.view} px window`);
    await context.close();
  }
});

test('the printed page keeps prose and maths and shows each widget as its caption', async () => {
  const { page, context } = await staticPage();
  await page.emulateMedia({ media: 'print' });
  await page.goto(lessonUrl(LESSONS[0]));
  const shown = await page.evaluate(() => {
    const visible = (el) => el && getComputedStyle(el).display !== 'none';
    return {
      widgets: [...document.querySelectorAll('sgdlab-widget')].some(visible),
      toolbars: [...document.querySelectorAll('.widget-toolbar')].some(visible),
      notes: [...document.querySelectorAll('.widget-print-note')].every(visible),
      captions: [...document.querySelectorAll('figure.lesson-widget figcaption')].every(visible),
      maths: [...document.querySelectorAll('math')].every(visible),
    };
  });
  assert.deepEqual(shown, { widgets: false, toolbars: false, notes: true, captions: true, maths: true });
  await context.close();
});

test('try buttons and widget changes write the lesson hash; reset clears it; snippets follow', async () => {
  const lesson = LESSONS[0];
  const { page, context } = await watchedPage(browser);
  await page.goto(lessonUrl(lesson));
  await page.waitForFunction(() => window.sgdlabLesson !== undefined);
  const button = await page.$('button.try[data-try]');
  const { id, link } = await button.evaluate((b) => ({ id: b.dataset.try, link: b.dataset.link }));
  await button.click();
  assert.equal(await page.evaluate(() => location.hash), `#${id}=${encodeURIComponent(link)}`);
  const snippet = await page.$eval(`figure[data-widget="${id}"] textarea`, (t) => t.value);
  assert.ok(snippet.includes(`${server.url}/sgdlab-widget.js`), snippet);
  assert.ok(snippet.includes(`link="${link.replaceAll('&', '&amp;')}"`), snippet);

  // A change the reader makes in a widget arrives as sgdlab-change.
  const other = await page.$$eval('figure.lesson-widget', (f) => f.map((x) => x.dataset.widget));
  const second = other.find((w) => w !== id);
  await page.evaluate((w) => {
    document.getElementById(w).dispatchEvent(
      new CustomEvent('sgdlab-change', { bubbles: true, detail: { link: 's=booth&speed=3' } }),
    );
  }, second);
  const hash = await page.evaluate(() => location.hash);
  assert.ok(hash.includes(`${second}=${encodeURIComponent('s=booth&speed=3')}`), hash);

  await page.click(`button.widget-reset[data-reset="${id}"]`);
  assert.equal(await page.evaluate(() => location.hash), `#${second}=${encodeURIComponent('s=booth&speed=3')}`);
  await page.click(`button.widget-reset[data-reset="${second}"]`);
  assert.equal(await page.evaluate(() => location.hash), '');
  await context.close();
});

test('a hash naming no widget and text in the hash never become markup', async () => {
  const lesson = LESSONS[0];
  const { page, context } = await watchedPage(browser);
  const hostile = encodeURIComponent('"><img src=x onerror=alert(1)>');
  await page.goto(`${lessonUrl(lesson)}#nowidget=${hostile}&%3Cb%3E=1`);
  await page.waitForFunction(() => window.sgdlabLesson !== undefined);
  assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0);
  assert.equal(await page.evaluate(() => window.sgdlabLesson.changed.size), 0);
  await context.close();
});

test('every widget mounts and draws, with no console error', { skip: needsElement }, async () => {
  for (const lesson of LESSONS) {
    const { page, context, log } = await watchedPage(browser);
    await page.goto(lessonUrl(lesson));
    const drawn = await page.evaluate(async () => {
      const widgets = [...document.querySelectorAll('figure.lesson-widget sgdlab-widget')];
      await Promise.all(widgets.map((w) => w.ready));
      const probe = () => widgets.map((w) => {
        const root = w.shadowRoot || w;
        const canvases = [...root.querySelectorAll('canvas')].filter((c) => c.width && c.height);
        const painted = canvases.some((c) => {
          const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
          for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
          return false;
        });
        return { id: w.id, painted, status: typeof w.status.step === 'number' };
      });
      // `ready` means mounted; the first drawing comes with a later animation
      // frame (sooner for a cheap landscape than for a data-built map).
      for (let frame = 0; frame < 120; frame += 1) {
        if (probe().every((w) => w.painted)) break;
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      return probe();
    });
    for (const widget of drawn) assert.deepEqual(widget, { id: widget.id, painted: true, status: true }, lesson.page);
    assert.deepEqual(log.pageErrors, [], `${lesson.page}: page errors`);
    assert.deepEqual(log.consoleErrors, [], `${lesson.page}: console errors`);
    if (lesson === LESSONS[0]) {
      ensureScreenshotDir();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'lesson.png') });
    }
    await context.close();
  }
});

test('every try button changes its widget\'s link', { skip: needsElement }, async () => {
  for (const lesson of LESSONS) {
    const { page, context } = await watchedPage(browser);
    await page.goto(lessonUrl(lesson));
    await page.evaluate(() => window.sgdlabLesson.ready);
    const count = await page.$$eval('button.try[data-try]', (b) => b.length);
    for (let i = 0; i < count; i += 1) {
      const result = await page.evaluate(async (index) => {
        const button = document.querySelectorAll('button.try[data-try]')[index];
        const el = document.getElementById(button.dataset.try);
        const figure = el.closest('figure.lesson-widget');
        document.querySelector(`button.widget-reset[data-reset="${el.id}"]`).click();
        await el.ready;
        await new Promise((r) => setTimeout(r, 50));
        const before = el.link;
        button.click();
        await new Promise((r) => setTimeout(r, 50));
        return { label: button.textContent, same: button.dataset.link === figure.dataset.link, before, after: el.link };
      }, i);
      if (!result.same) assert.notEqual(result.after, result.before, `${lesson.page}: "${result.label}"`);
    }
    await context.close();
  }
});

test('the lesson hash round-trips: a copied link reopens the same widget states', { skip: needsElement }, async () => {
  const lesson = LESSONS[0];
  const { page, context } = await watchedPage(browser);
  await page.goto(lessonUrl(lesson));
  await page.evaluate(() => window.sgdlabLesson.ready);
  const button = await page.$('button.try[data-try]');
  const id = await button.evaluate((b) => b.dataset.try);
  await button.click();
  await page.waitForTimeout(100);
  const { url, link, others } = await page.evaluate((w) => ({
    url: location.href,
    link: document.getElementById(w).link,
    others: [...document.querySelectorAll('figure.lesson-widget sgdlab-widget')].filter((e) => e.id !== w).map((e) => [e.id, e.link]),
  }), id);
  const reopened = await watchedPage(browser);
  await reopened.page.goto(url);
  await reopened.page.evaluate(() => window.sgdlabLesson.ready);
  const again = await reopened.page.evaluate((w) => ({
    link: document.getElementById(w).link,
    others: [...document.querySelectorAll('figure.lesson-widget sgdlab-widget')].filter((e) => e.id !== w).map((e) => [e.id, e.link]),
  }), id);
  assert.deepEqual(again, { link, others });
  await reopened.context.close();
  await context.close();
});
