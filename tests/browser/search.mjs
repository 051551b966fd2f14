#!/usr/bin/env node
// Offline search of a built site, in Chromium, served by nginx under the sub-path /zwgk/ndbg/.
//
//   node search.mjs <site-dir> <query>=<year page that must be found> ... [year:<query>=<year>] ...
//
// For each query: types it into the search page (search.html, Pagefind's UI) and waits for the
// results; the expected year page must be among them, linked under the sub-path, and its page must
// contain the query in its text (so the hit is running text, not chance). For each year:… pair
// (a query found in several report years): the results come from more than one year, and once
// the year is ticked in the 年度 filter, only from that year. Then the search page opened from
// disk (file://) must say in words that search needs the site to be served.
// Prints "ok …" or "FAIL …" per check and last "N passed, M failed".
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, DESKTOP, isLocalUrl, startNginx } from './lib.mjs';

const PREFIX = '/zwgk/ndbg/';
const [siteArg, ...queries] = process.argv.slice(2);
if (!siteArg || queries.length === 0) {
  console.error('usage: node search.mjs <site-dir> <query>=<page> ...');
  process.exit(2);
}
const siteDir = path.resolve(siteArg);

let passed = 0;
let failed = 0;
function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const p of problems) console.log(`       ${p}`);
  }
}

// Opens the search page served under `base` and types `query` into Pagefind's box; the page and the
// errors its scripts report from then on.
async function searchFor(ctx, base, query) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}search.html`, { waitUntil: 'load', timeout: 30_000 });
  const input = page.locator('.pagefind-ui__search-input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(query);
  return { page, errors };
}

async function main() {
  const nginx = await startNginx(siteDir, PREFIX);
  const browser = await launchBrowser();
  try {
    const ctx = await browser.newContext(DESKTOP);
    await ctx.route('**/*', (route) => (isLocalUrl(route.request().url()) ? route.continue() : route.abort()));
    const external = [];
    ctx.on('request', (r) => { if (!isLocalUrl(r.url())) external.push(r.url()); });
    for (const pair of queries.filter((q) => q.startsWith('year:'))) {
      const [query, year] = pair.slice('year:'.length).split('=');
      const problems = [];
      const { page, errors } = await searchFor(ctx, nginx.base, query);
      const yearsShown = async () => {
        const hrefs = await page.$$eval('.pagefind-ui__result-link', (as) => as.map((a) => a.href));
        return [...new Set(hrefs.map((h) => (h.match(/\/(\d{4})\/index\.html$/) || [])[1]))].sort();
      };
      const until = async (done) => {
        const deadline = Date.now() + 15_000;
        let shown = [];
        while (Date.now() < deadline) {
          shown = await yearsShown();
          if (done(shown)) return shown;
          await page.waitForTimeout(100);
        }
        return shown;
      };
      const before = await until((shown) => shown.length > 1);
      if (before.length < 2) problems.push(`「${query}」 found in the years ${JSON.stringify(before)}, not several`);
      try {
        const block = page.locator('details.pagefind-ui__filter-block', { hasText: '年度' }).first();
        await block.waitFor({ timeout: 15_000 });
        if (!(await block.evaluate((d) => d.open))) await block.locator('summary').click();
        // Pagefind draws its own box over the checkbox: the label is what a reader clicks.
        await page.locator(`label.pagefind-ui__filter-label[for="年度-${year}"]`).click({ timeout: 15_000 });
      } catch (e) {
        problems.push(`no 年度 filter with ${year}: ${e.message.split('\n')[0]}`);
      }
      const after = await until((shown) => shown.length === 1 && shown[0] === year);
      if (!(after.length === 1 && after[0] === year)) problems.push(`filtered to ${year}, results from ${JSON.stringify(after)}`);
      problems.push(...errors.map((e) => `console: ${e}`));
      check(`the year filter narrows 「${query}」 from the years ${before.join(', ')} to ${year}`, problems);
      await page.close();
    }
    for (const pair of queries.filter((q) => !q.startsWith('year:'))) {
      const [query, expected] = pair.split('=');
      const problems = [];
      const { page, errors } = await searchFor(ctx, nginx.base, query);
      let links = [];
      try {
        await page.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 15_000 });
        links = await page.$$eval('.pagefind-ui__result-link', (as) => as.map((a) => ({ href: a.href, text: a.textContent.trim() })));
      } catch {
        problems.push(`no result for 「${query}」 within 15 s`);
      }
      const want = `${nginx.base}${expected}`;
      if (links.length > 0 && !links.some((l) => l.href === want)) {
        problems.push(`「${query}」: ${want} not among ${JSON.stringify(links)}`);
      }
      for (const l of links) {
        if (!l.href.startsWith(nginx.base)) problems.push(`result outside the sub-path: ${l.href}`);
      }
      const file = path.join(siteDir, expected);
      if (!fs.existsSync(file) || !fs.readFileSync(file, 'utf8').includes(query)) {
        problems.push(`${expected} does not contain 「${query}」`);
      }
      problems.push(...errors.map((e) => `console: ${e}`));
      check(`search for 「${query}」 under ${PREFIX} finds ${expected} (${links.length} results)`, problems);
      await page.close();
    }
    check('search loads nothing from outside the site', external);
    // From disk: the page says that search needs the site to be served.
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(path.join(siteDir, 'search.html')).href, { waitUntil: 'load' });
    const problem = page.locator('#search-problem');
    const shown = await problem.isVisible().catch(() => false);
    const text = shown ? await problem.textContent() : '';
    check('search.html opened from disk (file://) says search needs the site served', shown && text.includes('需要通过网站访问') ? [] : [`message shown: ${shown}, text: ${text}`]);
    await ctx.close();
  } finally {
    await browser.close();
    await nginx.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
