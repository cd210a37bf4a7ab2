// The training lab's WebGPU backend in headless Chromium: on SwiftShader's
// software WebGPU (Chromium started with --enable-unsafe-webgpu; the other
// flags pin the adapter to SwiftShader), and the CPU fallback in a browser
// without the flag. Software WebGPU is slow: these tests check behaviour and
// agreement, never speed, on small runs. Build first:
// `trunk build --release --offline`.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic, launchBrowser, distIsBuilt, openPage, assertClean, canvasStats, status, nextFrame, WEBGPU_ARGS } from './harness.mjs';

// moons, 2-16-16-2, 160 training examples in batches of 32: 5 steps an epoch.
const RUN = '#d=moons&n=200&h=16,16&b=32&epochs=6&o=adam,lr:0.01&o=sgd,lr:0.1,momentum:0.9';
const W = 'sgdlab-widget';

let server;

before(async () => {
  assert.ok(distIsBuilt(), 'dist/ has no build: run `trunk build --release --offline` first');
  server = await serveStatic();
});

after(async () => {
  if (server) await server.close();
});

function open(browser, hash) {
  return openPage(browser, `${server.url}/training.html${hash}`);
}

/** The backend part of the status, once `test(backend)` holds. */
async function backendWhen(page, test) {
  await page.waitForFunction((source) => {
    const backend = document.querySelector('sgdlab-widget').status.backend;
    // eslint-disable-next-line no-new-func
    return new Function('backend', `return (${source});`)(backend);
  }, String(test), { timeout: 20_000 });
  return (await status(page)).backend;
}

/** Presses Play and waits until every run has finished (GPU readbacks included). */
async function trainToEnd(page) {
  await page.click(`${W} button:text-is("Play")`);
  await page.waitForFunction(() => {
    const el = document.querySelector('sgdlab-widget');
    const s = el.status;
    return s.finished && !s.backend.busy && !el.playing;
  }, null, { timeout: 60_000 });
}

async function runs(page) {
  return JSON.parse(await page.evaluate(() => document.querySelector('sgdlab-widget').handle.export_json())).runs;
}

function readout(page) {
  return page.textContent(`${W} [data-readout="backend"]`);
}

describe('with WebGPU (SwiftShader)', () => {
  let browser;
  before(async () => {
    browser = await launchBrowser({ args: WEBGPU_ARGS });
  });
  after(async () => {
    if (browser) await browser.close();
  });

  test('auto picks the GPU, names it, trains and draws the curves', async () => {
    const { page, context, log } = await open(browser, RUN);
    const backend = await backendWhen(page, 'backend.running === "gpu"');
    assert.equal(backend.choice, 'auto');
    assert.match(backend.label, /^GPU: /);
    assert.equal(backend.notice, '', 'no notice when every optimizer runs on the GPU');
    await nextFrame(page);
    assert.match(await readout(page), /^Backend: GPU: /);
    const before = (await canvasStats(page, 'losses')).hash;

    await trainToEnd(page);
    const s = await status(page);
    assert.deepEqual(s.runs.map((r) => r.backend), ['gpu', 'gpu']);
    assert.equal(s.step, 30, 'six epochs of five steps');
    assert.equal(await page.textContent(`${W} .counter`), 'step 30');
    for (const run of await runs(page)) {
      assert.equal(run.backend, 'gpu');
      // Step 0, every half epoch (2 steps) up to step 30, and the epoch
      // ends between them (5, 15, 25).
      assert.equal(run.curves.length, 19, `${run.label}: ${run.curves.length} points`);
      assert.ok(run.curves.every((c) => Number.isFinite(c.train_loss) && Number.isFinite(c.test_loss)));
      assert.ok(run.curves.at(-1).train_loss < run.curves[0].train_loss, `${run.label} learned`);
    }
    await nextFrame(page);
    const losses = await canvasStats(page, 'losses');
    assert.ok(losses.colours > 2 && losses.hash !== before, 'the curves were drawn');
    assert.ok((await canvasStats(page, 'boundary')).colours > 20, 'the boundary shows the GPU weights');
    assertClean(log);
    await context.close();
  });

  test('the GPU and the CPU give the same curves for the same link', async () => {
    const { page, context, log } = await open(browser, `${RUN}&backend=gpu`);
    await backendWhen(page, 'backend.running === "gpu"');
    await trainToEnd(page);
    const gpu = await runs(page);
    assert.ok(gpu.every((r) => r.backend === 'gpu'));

    await page.selectOption(`${W} .field[data-key="backend"] select`, 'cpu');
    await page.waitForFunction(() => location.hash.includes('backend=cpu'));
    const backend = await backendWhen(page, 'backend.running === "cpu"');
    assert.equal(backend.label, 'CPU (wasm)');
    assert.equal(backend.notice, '', 'choosing the CPU is no fallback');
    assert.equal((await status(page)).step, 0, 'switching restarts the runs');
    await trainToEnd(page);
    const cpu = await runs(page);
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
    await page.selectOption(`${W} .field[data-key="backend"] select`, 'gpu');
    await backendWhen(page, 'backend.running === "gpu"');
    assertClean(log);
    await context.close();
  });

  test('optimizers without a GPU kernel stay on the CPU, with a notice', async () => {
    const { page, context, log } = await open(browser, '#d=moons&n=200&h=16,16&b=32&epochs=2&o=adam,lr:0.01&o=lars');
    const backend = await backendWhen(page, 'backend.running === "gpu"');
    assert.match(backend.label, /^GPU: .* \+ CPU \(wasm\)$/);
    assert.match(backend.notice, /lars trains on the CPU: the GPU has kernels for sgd, adam, adamw, rmsprop, adagrad only/);
    await nextFrame(page);
    assert.match(await readout(page), /lars trains on the CPU/);
    await trainToEnd(page);
    const all = await runs(page);
    assert.deepEqual(all.map((r) => r.backend), ['gpu', 'cpu']);
    assert.ok(all.every((r) => r.curves.length > 2));
    assertClean(log);
    await context.close();
  });

  test('a lost device falls back to the CPU, says so, and training goes on', async () => {
    const { page, context, log } = await open(browser, RUN);
    await backendWhen(page, 'backend.running === "gpu"');
    await page.evaluate(() => document.querySelector('sgdlab-widget').step(3));
    assert.equal(await page.evaluate(() => document.querySelector('sgdlab-widget').handle.lose_gpu_for_tests()), true);
    const backend = await backendWhen(page, 'backend.running === "cpu"');
    assert.equal(backend.label, 'CPU (wasm)');
    // The device-lost report usually arrives first; on a loaded machine the
    // failed readback may be noticed before it. Either way the page says so.
    assert.match(backend.notice, /(the GPU device was lost|the GPU failed): switched to the CPU/);
    await nextFrame(page);
    assert.match(await readout(page), /switched to the CPU/);
    assert.equal(await page.getAttribute(`${W} [data-readout="backend"]`, 'aria-label'), 'Backend');
    await trainToEnd(page);
    assert.ok((await runs(page)).every((r) => r.backend === 'cpu' && r.curves.at(-1).step === 30));
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
    const backend = await backendWhen(page, '!backend.requesting && backend.notice !== ""');
    assert.equal(backend.running, 'cpu');
    assert.equal(backend.label, 'CPU (wasm)');
    assert.match(backend.notice, /^WebGPU is not available here \(.*\): training on the CPU\.$/);
    await nextFrame(page);
    assert.match(await readout(page), /^Backend: CPU \(wasm\)\. WebGPU is not available here/);
    await trainToEnd(page);
    assert.ok((await runs(page)).every((r) => r.backend === 'cpu' && r.curves.at(-1).step === 30));
    assert.ok((await canvasStats(page, 'losses')).colours > 2);

    // Asking for the GPU explicitly cannot hang either; choosing the CPU
    // clears the notice.
    await page.selectOption(`${W} .field[data-key="backend"] select`, 'gpu');
    await page.waitForFunction(() => location.hash.includes('backend=gpu'));
    await backendWhen(page, '!backend.requesting && backend.notice !== "" && backend.running === "cpu"');
    await page.selectOption(`${W} .field[data-key="backend"] select`, 'cpu');
    await backendWhen(page, 'backend.notice === ""');
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.dialogs, []);
    // Chromium warns "No available adapters." (a warning, not an error).
    assert.deepEqual(log.consoleErrors, []);
    await context.close();
  });
});
