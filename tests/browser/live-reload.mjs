// The preview server in a real browser: `node live-reload.mjs <page-url> <data.yaml> [<screenshot-dir>]`.
//
// Opens a year page served by `nianbao serve`, scrolls down, breaks data.yaml and waits for the
// error overlay (file and line shown, page still in place), then restores the file and waits for
// the page to reload without the overlay. Prints "N passed, M failed" last.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './lib.mjs';

const [url, dataFile, shots] = process.argv.slice(2);
if (!url || !dataFile) {
  console.error('usage: node live-reload.mjs <page-url> <data.yaml> [<screenshot-dir>]');
  process.exit(2);
}
const results = [];
function check(name, ok, detail = '') {
  results.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
}

const good = fs.readFileSync(dataFile, 'utf8');
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load' });
  // Wait for the reload endpoint to be connected.
  await page.waitForTimeout(500);
  await page.evaluate(() => window.scrollTo(0, 1200));
  const before = await page.evaluate(() => window.scrollY);

  const broken = good.replace(/received: \[(\d+), (\d+)/, (m, a, b) => `received: [${Number(a) + 7}, ${b}`);
  fs.writeFileSync(dataFile, broken);
  let overlay = null;
  try {
    overlay = await page.waitForSelector('#nianbao-overlay', { timeout: 20_000 });
  } catch {}
  check('a failed rebuild shows the overlay', overlay !== null);
  if (overlay) {
    const text = await overlay.textContent();
    check('the overlay names the file and line', /data\.yaml:\d+/.test(text), text.slice(0, 120));
    check('the overlay names the cell', text.includes('单元格：「'));
    check('the overlay is in Chinese', text.includes('构建失败'));
    const after = await page.evaluate(() => window.scrollY);
    check('the page keeps its place', after === before, `${before} → ${after}`);
    if (shots) {
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, 'serve-overlay.png') });
    }
  }

  const reloaded = page.waitForEvent('load', { timeout: 20_000 }).then(() => true, () => false);
  fs.writeFileSync(dataFile, good);
  check('fixing the file reloads the page', await reloaded);
  await page.waitForTimeout(300);
  check('the overlay is gone after the fix', (await page.$('#nianbao-overlay')) === null);
  check('no script errors', errors.length === 0, errors.join('; '));
} finally {
  fs.writeFileSync(dataFile, good);
  await browser.close();
}
const failed = results.filter((r) => !r).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
