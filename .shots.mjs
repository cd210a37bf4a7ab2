import { serveStatic, launchBrowser } from './tests/e2e/harness.mjs';
const pages = process.argv.slice(2);
const server = await serveStatic();
const browser = await launchBrowser();
for (const spec of pages) {
  const [name, width, steps] = spec.split(':');
  const context = await browser.newContext({ viewport: { width: Number(width), height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/lessons/${name}.html`);
  await page.waitForTimeout(2500);
  if (steps) {
    await page.evaluate(async (n) => {
      for (const el of document.querySelectorAll('sgdlab-widget')) { await el.ready; el.step(Number(n)); }
    }, steps);
    await page.waitForTimeout(800);
  }
  const status = await page.evaluate(() => [...document.querySelectorAll('sgdlab-widget')].map((el) => el.status && el.status.step));
  await page.screenshot({ path: `/tmp/le/shots/${name}-${width}-top.png` });
  const widgets = await page.$$('figure.lesson-widget, sgdlab-widget');
  let i = 0;
  for (const w of await page.$$('sgdlab-widget')) {
    await w.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await w.screenshot({ path: `/tmp/le/shots/${name}-${width}-w${i++}.png` });
  }
  console.log(name, width, 'errors:', JSON.stringify(errors), 'steps:', JSON.stringify(status));
  await context.close();
}
await browser.close();
await server.close();
