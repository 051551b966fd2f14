#!/usr/bin/env node
// Checks every page of a built site in headless Chromium.
//
//   node check.mjs <site-dir>
//
// Opens every *.html under <site-dir> (recursively, as file://) at 375 px and
// at 1280 px wide. A page fails when:
//   - at 375 px the document scrolls sideways
//     (document.documentElement.scrollWidth > window.innerWidth + 1);
//   - it requests anything that is not file: or data: (blob: is in-memory and
//     allowed); such requests are recorded and then aborted, never sent;
//   - the console shows an error (console.error, a failed resource, or an
//     uncaught exception);
//   - an <img> did not load (lazy images are made eager first);
//   - the root element is not <html lang="zh-CN">;
//   - it does not have exactly one <h1>.
// Prints one line per page (problems indented below failing ones) and, as the
// last line, "N passed, M failed". Exits 0 only if M is 0.
//
// The 375 px context is a plain 375 px viewport (isMobile false): with mobile
// emulation Chromium zooms out to fit overflowing content, window.innerWidth
// grows with it, and the sideways-scroll test would see nothing. Phone
// rendering with mobile emulation is what screenshot.mjs shows.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, settle, waitForImages, htmlFiles } from './lib.mjs';

const WIDTHS = [
  { label: '375', opts: { viewport: { width: 375, height: 812 } }, overflow: true },
  { label: '1280', opts: { viewport: { width: 1280, height: 800 } }, overflow: false },
];

const allowed = (u) => /^(file|data|blob):/i.test(u);

// One reusable tab per width. Listeners are attached once and report into
// `tab.log`, which is replaced before each navigation.
async function makeTab(browser, width) {
  const ctx = await browser.newContext(width.opts);
  const tab = { width, ctx, page: null, log: null, blocked: new Set() };
  await ctx.route((u) => !allowed(u.href), (route) => {
    tab.blocked.add(route.request().url());
    return route.abort('blockedbyclient');
  });
  tab.open = async () => {
    tab.page = await ctx.newPage();
    tab.page.on('request', (req) => {
      if (tab.log && !allowed(req.url())) tab.log.add(`request to ${req.url()}`);
    });
    tab.page.on('console', (msg) => {
      if (!tab.log || msg.type() !== 'error') return;
      const where = msg.location()?.url || '';
      // The "Failed to load resource: net::ERR_BLOCKED_BY_CLIENT" that our own
      // abort causes: the request itself is already reported.
      if (tab.blocked.has(where) && /ERR_BLOCKED_BY_CLIENT/.test(msg.text())) return;
      tab.log.add(`console error: ${msg.text()}${where ? ` (${where})` : ''}`);
    });
    tab.page.on('pageerror', (err) => {
      if (tab.log) tab.log.add(`uncaught exception: ${String(err.message || err).split('\n')[0]}`);
    });
  };
  await tab.open();
  return tab;
}

async function checkAt(tab, url) {
  const problems = new Set();
  tab.log = problems;
  const w = tab.width.label;
  try {
    await tab.page.goto(url, { waitUntil: 'load', timeout: 20_000 });
    // A page that redirects (the front page of a one-agency site) navigates on its own:
    // measure the page the browser ends up on.
    let facts = null;
    for (let attempt = 0; facts === null && attempt < 5; attempt++) {
      try {
        await tab.page.waitForLoadState('load');
        const images = await waitForImages(tab.page);
        for (const img of images) problems.add(`<img> ${img.reason}: ${img.src}`);
        await settle(tab.page);
        facts = await tab.page.evaluate(() => ({
          lang: document.documentElement.getAttribute('lang'),
          h1: document.querySelectorAll('h1').length,
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
      } catch (e) {
        if (!/context was destroyed|navigat/i.test(String(e.message || e))) throw e;
        await tab.page.waitForTimeout(200);
      }
    }
    if (facts === null) throw new Error('the page kept navigating');
    if (facts.lang !== 'zh-CN') {
      problems.add(`<html lang> is ${facts.lang === null ? 'missing' : JSON.stringify(facts.lang)}, want "zh-CN"`);
    }
    if (facts.h1 !== 1) problems.add(`${facts.h1} <h1> elements, want exactly 1`);
    if (tab.width.overflow && facts.scrollWidth > facts.innerWidth + 1) {
      problems.add(`scrolls sideways at ${w} px: scrollWidth ${facts.scrollWidth} > innerWidth ${facts.innerWidth}`);
    }
  } catch (e) {
    problems.add(`[${w} px] could not load: ${String(e.message || e).split('\n')[0]}`);
    if (process.env.CHECK_DEBUG) console.error(e);
    // Start the next page from a fresh tab.
    await tab.page.close().catch(() => {});
    await tab.open();
  }
  tab.log = null;
  return problems;
}

async function main() {
  const siteDir = process.argv[2];
  if (!siteDir || process.argv.length > 3) {
    console.error('usage: node check.mjs <site-dir>');
    process.exit(2);
  }
  if (!fs.existsSync(siteDir) || !fs.statSync(siteDir).isDirectory()) {
    console.error(`check.mjs: not a directory: ${siteDir}`);
    console.log('0 passed, 0 failed');
    process.exit(1);
  }
  const files = htmlFiles(siteDir);
  if (files.length === 0) {
    console.error(`check.mjs: no .html files under ${siteDir}`);
    console.log('0 passed, 0 failed');
    process.exit(1);
  }

  const browser = await launchBrowser();
  let passed = 0;
  let failed = 0;
  try {
    const tabs = [];
    for (const w of WIDTHS) tabs.push(await makeTab(browser, w));
    for (const file of files) {
      const url = pathToFileURL(path.resolve(file)).href;
      // Both widths at once: two tabs in two contexts of one browser.
      const results = await Promise.all(tabs.map((t) => checkAt(t, url)));
      const problems = [...new Set(results.flatMap((s) => [...s]))];
      const rel = path.relative(siteDir, file);
      if (problems.length === 0) {
        passed++;
        console.log(`ok   ${rel}`);
      } else {
        failed++;
        console.log(`FAIL ${rel}`);
        for (const p of problems) console.log(`       ${p}`);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
