// The training lab's WebGPU backend in headless Chromium: on SwiftShader's
// software WebGPU (Chromium started with --enable-unsafe-webgpu; the other
// flags pin the adapter to SwiftShader, though the first one alone exposes
// it on this kind of machine), and the CPU fallback in a browser without
// the flag, where navigator.gpu gives no adapter. Software WebGPU is slow:
// these tests check behaviour and agreement, never speed, on small runs.
// Build first: `trunk build --release --offline`.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic, launchBrowser, distIsBuilt, watchedPage, waitReady, canvasStats } from './harness.mjs';

const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
];

// moons, 2-16-16-2, batch 32: 5 steps an epoch.
const RUN = '#d=moons&n=200&h=16,16&b=32&epochs=6&o=adam,lr:0.01&o=sgd,lr:0.1,momentum:0.9';

let server;

before(async () => {
  assert.ok(distIsBuilt(), 'dist/ has no build: run `trunk build --release --offline` first');
  server = await serveStatic();
});

after(async () => {
  if (server) await server.close();
});

function assertClean(log) {
  assert.deepEqual(log.pageErrors, [], 'uncaught page errors');
  assert.deepEqual(log.consoleErrors, [], 'console errors');
  assert.deepEqual(log.dialogs, [], 'dialogs');
}

async function open(browser, hash) {
  const watched = await watchedPage(browser);
  await watched.page.goto(`${server.url}/training.html${hash}`);
  await waitReady(watched.page);
  return watched;
}

async function backend(page) {
  return page.evaluate(() => JSON.parse(window.sgdlab.lab.backend_json()));
}

/** Presses Train and waits until every run has finished (GPU readbacks included). */
async function trainToEnd(page) {
  await page.click('#play');
  await page.waitForFunction(() => window.sgdlab.lab.finished() && document.getElementById('play').dataset.playing === 'false', null, { timeout: 60_000 });
}

async function curves(page) {
  const json = JSON.parse(await page.evaluate(() => window.sgdlab.lab.export_json()));
  return json.runs;
}

describe('with WebGPU (SwiftShader)', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser({ args: WEBGPU_ARGS });
  });
  after(async () => {
    if (browser) await browser.close();
  });

  test('auto picks the GPU, names it on the badge, trains and draws the curves', async () => {
    const { page, context, log } = await open(browser, RUN);
    await page.waitForFunction(() => document.getElementById('backend-badge').textContent.startsWith('GPU: '), null, { timeout: 20_000 });
    assert.equal(await page.getAttribute('#backend-badge', 'data-backend'), 'gpu');
    assert.equal(await page.inputValue('#backend'), 'auto');
    assert.equal(await page.isVisible('#backend-notice'), false, 'no notice when every optimizer runs on the GPU');
    const info = await backend(page);
    assert.equal(info.running, 'gpu');
    const before = (await canvasStats(page, 'losses')).hash;

    await trainToEnd(page);
    const status = JSON.parse(await page.evaluate(() => window.sgdlab.lab.status()));
    assert.deepEqual(status.runs.map((r) => r.backend), ['gpu', 'gpu']);
    assert.equal(status.step, 30, 'six epochs of five steps');
    assert.equal(Number(await page.textContent('#step-count')), 30);
    for (const run of await curves(page)) {
      assert.equal(run.backend, 'gpu');
      // Step 0 and every half epoch (2 steps) up to step 30.
      assert.equal(run.curves.length, 16, `${run.label}: ${run.curves.length} points`);
      assert.ok(run.curves.every((c) => Number.isFinite(c.train_loss) && Number.isFinite(c.test_loss)));
      assert.ok(run.curves.at(-1).train_loss < run.curves[0].train_loss, `${run.label} learned`);
    }
    const losses = await canvasStats(page, 'losses');
    assert.ok(losses.colours > 2 && losses.hash !== before, 'the curves were drawn');
    assert.ok((await canvasStats(page, 'boundary')).colours > 20, 'the boundary shows the GPU weights');
    assertClean(log);
    await context.close();
  });

  test('the GPU and the CPU give the same curves for the same link', async () => {
    const { page, context, log } = await open(browser, `${RUN}&backend=gpu`);
    await page.waitForFunction(() => document.getElementById('backend-badge').dataset.backend === 'gpu', null, { timeout: 20_000 });
    await trainToEnd(page);
    const gpu = await curves(page);
    assert.ok(gpu.every((r) => r.backend === 'gpu'));

    await page.selectOption('#backend', 'cpu');
    await page.waitForFunction(() => location.hash.includes('backend=cpu'));
    assert.equal(await page.textContent('#backend-badge'), 'CPU (wasm)');
    assert.equal(await page.isVisible('#backend-notice'), false, 'choosing the CPU is no fallback');
    assert.equal(Number(await page.textContent('#step-count')), 0, 'switching restarts the runs');
    await trainToEnd(page);
    const cpu = await curves(page);
    assert.ok(cpu.every((r) => r.backend === 'cpu'));

    for (const [g, c] of gpu.map((run, i) => [run, cpu[i]])) {
      assert.deepEqual(g.curves.map((p) => p.step), c.curves.map((p) => p.step), `${g.label}: same record steps`);
      g.curves.forEach((p, k) => {
        const q = c.curves[k];
        const relative = Math.abs(p.train_loss - q.train_loss) / Math.abs(q.train_loss);
        assert.ok(relative < 1e-3, `${g.label} step ${p.step}: GPU ${p.train_loss} vs CPU ${q.train_loss}`);
        assert.ok(Math.abs(p.train_acc - q.train_acc) <= 0.01, `${g.label} step ${p.step}: accuracy`);
      });
    }

    // And back to the GPU without reloading.
    await page.selectOption('#backend', 'gpu');
    await page.waitForFunction(() => document.getElementById('backend-badge').dataset.backend === 'gpu', null, { timeout: 20_000 });
    assertClean(log);
    await context.close();
  });

  test('optimizers without a GPU kernel stay on the CPU, with a notice', async () => {
    const { page, context, log } = await open(browser, '#d=moons&n=200&h=16,16&b=32&epochs=2&o=adam,lr:0.01&o=lars');
    await page.waitForFunction(() => document.getElementById('backend-badge').dataset.backend === 'gpu', null, { timeout: 20_000 });
    assert.match(await page.textContent('#backend-badge'), /^GPU: .* \+ CPU \(wasm\)$/);
    assert.ok(await page.isVisible('#backend-notice'));
    assert.match(await page.textContent('#backend-notice'), /lars trains on the CPU: the GPU has kernels for sgd, adam, adamw, rmsprop, adagrad only/);
    await trainToEnd(page);
    const runs = await curves(page);
    assert.deepEqual(runs.map((r) => r.backend), ['gpu', 'cpu']);
    assert.ok(runs.every((r) => r.curves.length > 2));
    assertClean(log);
    await context.close();
  });

  test('a lost device falls back to the CPU, says so, and training goes on', async () => {
    const { page, context, log } = await open(browser, RUN);
    await page.waitForFunction(() => document.getElementById('backend-badge').dataset.backend === 'gpu', null, { timeout: 20_000 });
    await page.evaluate(() => window.sgdlab.lab.step(3));
    assert.equal(await page.evaluate(() => window.sgdlab.lab.lose_gpu_for_tests()), true);
    await page.waitForFunction(() => document.getElementById('backend-badge').textContent === 'CPU (wasm)', null, { timeout: 20_000 });
    assert.ok(await page.isVisible('#backend-notice'));
    // The device-lost report usually arrives first; on a loaded machine the
    // failed readback may be noticed before it. Either way the page says so.
    assert.match(await page.textContent('#backend-notice'), /(the GPU device was lost|the GPU failed): switched to the CPU/);
    assert.equal(await page.getAttribute('#backend-notice', 'aria-live'), 'polite');
    await trainToEnd(page);
    const runs = await curves(page);
    assert.ok(runs.every((r) => r.backend === 'cpu' && r.curves.at(-1).step === 30));
    assertClean(log);
    await context.close();
  });
});

describe('without WebGPU', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
  });

  test('the lab falls back to the CPU with a visible notice and trains', async () => {
    const { page, context, log } = await open(browser, RUN);
    await page.waitForFunction(() => !document.getElementById('backend-notice').hidden, null, { timeout: 20_000 });
    assert.equal(await page.textContent('#backend-badge'), 'CPU (wasm)');
    assert.equal(await page.getAttribute('#backend-badge', 'data-backend'), 'cpu');
    assert.equal(await page.textContent('#backend-notice'), 'WebGPU is not available in this browser: training on the CPU.');
    await trainToEnd(page);
    const runs = await curves(page);
    assert.ok(runs.every((r) => r.backend === 'cpu' && r.curves.at(-1).step === 30));
    assert.ok((await canvasStats(page, 'losses')).colours > 2);

    // Asking for the GPU explicitly cannot hang either; choosing the CPU
    // clears the notice.
    await page.selectOption('#backend', 'gpu');
    await page.waitForFunction(() => location.hash.includes('backend=gpu'));
    await page.waitForFunction(() => !document.getElementById('backend-notice').hidden && document.getElementById('backend-badge').textContent === 'CPU (wasm)', null, { timeout: 20_000 });
    await page.selectOption('#backend', 'cpu');
    await page.waitForFunction(() => document.getElementById('backend-notice').hidden);
    assert.equal(await page.textContent('#backend-badge'), 'CPU (wasm)');
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.dialogs, []);
    // Chromium warns "No available adapters." (a warning, not an error).
    assert.deepEqual(log.consoleErrors, []);
    await context.close();
  });
});
