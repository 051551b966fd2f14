#!/usr/bin/env node
// Full-page screenshots of pages, at desktop and phone width.
//
//   node screenshot.mjs <out-dir> <page> [<page>...]
//
// <page> is an HTML file on disk (opened as file://) or an http:// URL
// (use localhost; other hosts are blocked). For each page two PNGs are
// written, named from the page path:
//   jiahe/2020/index.html -> jiahe_2020_index.desktop.png  (1280 wide)
//                            jiahe_2020_index.phone.png    (375 wide, DPR 2, mobile)
// A disk path is named relative to the current directory when it lies inside
// it (so run from the site's root for short names); a URL by its path, "/"
// meaning index. One line is printed per page.
import fs from 'node:fs';
import path from 'node:path';
import {
  launchBrowser, DESKTOP, PHONE, toUrl, settle, waitForImages, isLocalUrl,
} from './lib.mjs';

function usage(msg) {
  if (msg) console.error(`screenshot.mjs: ${msg}`);
  console.error('usage: node screenshot.mjs <out-dir> <page> [<page>...]');
  process.exit(2);
}

function nameFor(page) {
  let p;
  if (/^https?:\/\//i.test(page)) {
    p = decodeURIComponent(new URL(page).pathname);
    if (p.endsWith('/')) p += 'index';
  } else {
    if (/^file:\/\//i.test(page)) p = decodeURIComponent(new URL(page).pathname);
    else p = page;
    const abs = path.resolve(p);
    const rel = path.relative(process.cwd(), abs);
    p = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  }
  p = p.replace(/\\/g, '/').replace(/\.x?html?$/i, '');
  const name = p
    .split('/')
    .filter((s) => s && s !== '.' && s !== '..')
    .join('_')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_');
  return name || 'index';
}

async function main() {
  const [outDir, ...pages] = process.argv.slice(2);
  if (!outDir || pages.length === 0) usage();
  fs.mkdirSync(outDir, { recursive: true });

  const jobs = pages.map((p) => ({ page: p, name: nameFor(p) }));
  const seen = new Map();
  for (const j of jobs) {
    const n = seen.get(j.name) || 0;
    seen.set(j.name, n + 1);
    if (n) j.name += `_${n + 1}`;
  }

  const browser = await launchBrowser();
  let failed = 0;
  try {
    const sizes = [['desktop', DESKTOP], ['phone', PHONE]];
    const tabs = [];
    for (const [label, opts] of sizes) {
      const ctx = await browser.newContext(opts);
      await ctx.route((u) => !isLocalUrl(u.href), (r) => r.abort('blockedbyclient'));
      tabs.push([label, await ctx.newPage()]);
    }
    for (const j of jobs) {
      const files = [];
      try {
        const url = toUrl(j.page);
        for (const [label, tab] of tabs) {
          await tab.goto(url, { waitUntil: 'load', timeout: 30_000 });
          await waitForImages(tab);
          await settle(tab);
          const file = path.join(outDir, `${j.name}.${label}.png`);
          await tab.screenshot({ path: file, fullPage: true });
          files.push(file);
        }
        console.log(`${j.page} -> ${files.join(' ')}`);
      } catch (e) {
        failed++;
        console.log(`${j.page} -> FAILED: ${String(e.message || e).split('\n')[0]}`);
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
