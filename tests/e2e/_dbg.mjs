import { serveStatic, launchBrowser, watchedPage, waitReady } from './harness.mjs';
const s = await serveStatic(); const b = await launchBrowser();
const { page } = await watchedPage(b, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
await page.goto(`${s.url}/index.html`); await waitReady(page);
console.log(await page.evaluate(() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(0, 15).map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)} ${Math.round(e.getBoundingClientRect().width)}`).join('\n')));
await page.screenshot({ path: '/tmp/narrow.png', fullPage: true });
await b.close(); await s.close();
