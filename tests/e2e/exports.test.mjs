// The page's CSV and JSON exports are exactly what `sgdlab link` prints for
// the same link and step count: a link copied from a page reproduces in a
// terminal. The CLI is the workspace's debug build (or SGDLAB_CLI).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setUp, tearDown, openPage, assertClean, waitStep, sgdlab } from './harness.mjs';

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await tearDown(env);
});

const W = 'sgdlab-widget';

/** Clicks an export button and returns the saved text. */
async function download(page, text) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`${W} .exports button:text-is("${text}")`)]);
  return fs.readFileSync(await file.path(), 'utf8');
}

const CASES = [
  ['index.html', 's=himmelblau&o=adam,lr:0.1&o=sgd,lr:0.01,momentum:0.9&start=-1,3', 60],
  ['stochastic.html', 'm=logistic&n=150&b=7&order=replacement&lr=0.8&seed=9', 40],
  ['training.html', 'd=moons&n=200&h=8,8&b=20&epochs=30&o=adam,lr:0.02&o=sgd,lr:0.1,momentum:0.9', 25],
];

for (const [file, link, steps] of CASES) {
  test(`${file}: the CSV and JSON exports equal \`sgdlab link\` for the copied link`, async () => {
    const { page, context, log } = await openPage(env.browser, `${env.server.url}/${file}#${link}`);
    await page.evaluate((n) => document.querySelector('sgdlab-widget').step(n), steps);
    await waitStep(page, `step === ${steps}`);
    const csv = await download(page, 'CSV');
    const json = await download(page, 'JSON');
    // The whole address, as "copy link" gives it.
    const url = await page.evaluate(() => location.href);
    assert.equal(sgdlab(['link', url, '--steps', String(steps)]), csv, 'CSV');
    assert.equal(sgdlab(['link', url, '--steps', String(steps), '--format', 'json']), json, 'JSON');
    const exported = JSON.parse(json);
    assert.equal(exported.link, await page.$eval(W, (el) => el.link));
    if (file !== 'training.html') assert.ok(csv.split('\n').length > steps, 'every step is exported');
    assertClean(log);
    await context.close();
  });
}

test('a bad link is refused by the CLI with one line', async () => {
  assert.throws(() => sgdlab(['link', 'view=training&h=1024,1024&n=10000']), (error) => {
    assert.equal(error.status, 2);
    const lines = String(error.stderr).trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${error.stderr}`);
    assert.match(lines[0], /bad link/);
    return true;
  });
});
