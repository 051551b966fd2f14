#!/usr/bin/env node
// The reader's side of a built site, proven in a real web server and a real browser.
//
//   node suite.mjs <site-dir> <screenshot-dir>
//
// 1. Serves <site-dir> with nginx on a free loopback port under the sub-path /zwgk/ndbg/ (config in a
//    temporary folder, nginx stopped at the end) and crawls every page from the front page in
//    Chromium: every link, anchor and asset must resolve, no console errors, no link may leave the
//    sub-path, every HTML file must be reached, and a missing page gets the site's 404 page.
// 2. axe-core (WCAG 2.1 A and AA) on every page: no violations. Every data cell of the part 三 and
//    part 四 tables (and of the comparison tables) names, in its `headers`, exactly the header cells
//    above it and to its left in the table's grid.
// 3. The Nu Html Checker (vnu.jar) on every HTML file: no errors.
// 4. At 375 px: no page scrolls sideways; in a wide table scrolled sideways and down, the row label and
//    the column header of the cell in the middle of the box are both on screen and not covered.
// 5. Print emulation of every year page on A4: no table wider than the printed line, rows of the part
//    三 and 四 tables kept whole (break-inside: avoid, each shorter than a page); a PDF is written.
// 6. The pages opened from disk (file://): every link points to a file that exists, anchors resolve.
// Screenshots of each kind of page (desktop and phone) go to <screenshot-dir>.
// Prints "ok …" or "FAIL …" per check (details indented) and last "N passed, M failed".
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, DESKTOP, PHONE, settle, isLocalUrl, htmlFiles, startNginx } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const PREFIX = '/zwgk/ndbg/';

const [siteArg, shotsArg] = process.argv.slice(2);
if (!siteArg || !shotsArg) {
  console.error('usage: node suite.mjs <site-dir> <screenshot-dir>');
  process.exit(2);
}
const siteDir = path.resolve(siteArg);
const shotsDir = path.resolve(shotsArg);
fs.mkdirSync(shotsDir, { recursive: true });

let passed = 0;
let failed = 0;
function check(name, problems) {
  const list = [...new Set(problems)];
  if (list.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const p of list.slice(0, 40)) console.log(`       ${p}`);
    if (list.length > 40) console.log(`       … and ${list.length - 40} more`);
  }
}

// The kind of a page, from its path inside the site.
function kindOf(rel) {
  if (rel === '' || rel === 'index.html') return 'front';
  if (rel === '404.html') return '404';
  if (/^[^/]+\/(index\.html)?$/.test(rel)) return 'agency';
  if (/^[^/]+\/\d{4}\/(index\.html)?$/.test(rel)) return 'year';
  if (/^[^/]+\/\d{4}\/compare\.html$/.test(rel)) return 'compare';
  if (/^[^/]+\/metrics\/[^/]+\.html$/.test(rel)) return 'metric';
  if (/^[^/]+\/\d{4}\/cms\.html$/.test(rel)) return 'cms';
  if (/^overview\/\d{4}\.html$/.test(rel)) return 'overview';
  if (/^totals\/\d{4}\.html$/.test(rel)) return 'totals';
  if (/^across\/[^/]+\.html$/.test(rel)) return 'across';
  if (rel === 'search.html') return 'search';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// In-page probes (run with page.evaluate).

// Every link, asset and id of the page.
function probeLinks() {
  const refs = [];
  for (const a of document.querySelectorAll('a[href]')) refs.push({ kind: 'link', url: a.href, raw: a.getAttribute('href') });
  for (const l of document.querySelectorAll('link[href]')) {
    if (l.rel === 'canonical') continue;
    refs.push({ kind: 'asset', url: l.href, raw: l.getAttribute('href') });
  }
  for (const e of document.querySelectorAll('img[src], script[src], source[src]')) {
    refs.push({ kind: 'asset', url: e.src, raw: e.getAttribute('src') });
  }
  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
  const names = [...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name'));
  return { refs, ids: ids.concat(names), h1: document.querySelectorAll('h1').length, lang: document.documentElement.lang };
}

// Header associations: every data cell of the statistical tables lists, in `headers`, the header
// cells to its left in its row and above it in its column (the HTML table grid, with spans).
function probeHeaders() {
  const problems = [];
  const tables = document.querySelectorAll('table.part3, table.part4, table.compare-table');
  for (const table of tables) {
    const name = table.id || table.className;
    const grid = [];
    const pos = new Map();
    [...table.rows].forEach((tr, r) => {
      grid[r] ??= [];
      let c = 0;
      for (const cell of tr.cells) {
        while (grid[r][c]) c++;
        const rs = Math.max(1, cell.rowSpan), cs = Math.max(1, cell.colSpan);
        for (let i = 0; i < rs; i++) for (let j = 0; j < cs; j++) (grid[r + i] ??= [])[c + j] = cell;
        pos.set(cell, { r, c });
        c += cs;
      }
    });
    const headRows = table.tHead ? table.tHead.rows.length : 0;
    if (headRows === 0) problems.push(`${name}: no <thead>`);
    let cells = 0;
    for (const td of table.querySelectorAll('tbody td')) {
      cells++;
      const where = `${name} row ${pos.get(td).r + 1 - headRows}, column ${pos.get(td).c + 1}`;
      const ids = (td.getAttribute('headers') || '').split(/\s+/).filter(Boolean);
      const named = new Set();
      for (const id of ids) {
        const h = document.getElementById(id);
        if (!h) { problems.push(`${where}: headers names "${id}", which is not on the page`); continue; }
        if (h.tagName !== 'TH' || h.closest('table') !== table) {
          problems.push(`${where}: headers names "${id}", which is not a header cell of this table`);
          continue;
        }
        named.add(h);
      }
      const { r, c } = pos.get(td);
      const want = new Set();
      for (let i = 0; i < headRows; i++) if (grid[i][c]?.tagName === 'TH') want.add(grid[i][c]);
      const colCount = want.size;
      for (let j = 0; j < c; j++) if (grid[r][j]?.tagName === 'TH') want.add(grid[r][j]);
      const rowCount = want.size - colCount;
      if (colCount === 0) problems.push(`${where}: no column header above the cell`);
      if (rowCount === 0 && table.querySelector('tbody th')) problems.push(`${where}: no row header left of the cell`);
      for (const h of want) {
        if (!named.has(h)) problems.push(`${where}: not associated with its header 「${h.textContent.trim()}」`);
        if (!h.textContent.trim()) problems.push(`${where}: its header cell is empty`);
      }
      for (const h of named) {
        if (!want.has(h)) problems.push(`${where}: associated with 「${h.textContent.trim()}」, which is not above or left of it`);
      }
    }
    if (cells === 0) problems.push(`${name}: no data cells`);
  }
  return { tables: tables.length, problems };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(path.join(siteDir, 'index.html'))) {
    console.error(`suite.mjs: no index.html in ${siteDir}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const files = htmlFiles(siteDir).map((f) => path.relative(siteDir, f).split(path.sep).join('/'));
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const nginx = await startNginx(siteDir, PREFIX);
  const browser = await launchBrowser();
  const firstOfKind = new Map();
  try {
    // ---------------- 1. crawl over http under the sub-path, 2. axe + headers on every page
    const ctx = await browser.newContext(DESKTOP);
    await ctx.route((u) => !isLocalUrl(u.href), (r) => r.abort('blockedbyclient'));
    const page = await ctx.newPage();
    let log = [];
    page.on('console', (m) => { if (m.type() === 'error') log.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => log.push(`uncaught exception: ${String(e.message || e).split('\n')[0]}`));
    page.on('requestfailed', (r) => log.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => { if (r.status() >= 400) log.push(`HTTP ${r.status()} for ${r.url()}`); });

    const crawl = [];
    const queued = new Set();
    const pageIds = new Map();
    const anchors = [];
    const resources = new Map();
    const crawlProblems = [];
    const axeProblems = [];
    const headerProblems = [];
    let headerTables = 0;
    const enqueue = (u) => {
      const url = new URL(u);
      url.hash = '';
      const key = url.href;
      if (!queued.has(key)) { queued.add(key); crawl.push(key); }
      return key;
    };
    enqueue(nginx.base);
    enqueue(`${nginx.base}404.html`);
    const relOf = (u) => decodeURIComponent(new URL(u).pathname.slice(PREFIX.length));
    for (let i = 0; i < crawl.length; i++) {
      const url = crawl[i];
      const rel = relOf(url);
      log = [];
      let resp;
      try {
        resp = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
      } catch (e) {
        crawlProblems.push(`${url}: could not load: ${String(e.message || e).split('\n')[0]}`);
        continue;
      }
      if (!resp || resp.status() !== 200) { crawlProblems.push(`${url}: HTTP ${resp ? resp.status() : 'no response'}`); continue; }
      await settle(page);
      const facts = await page.evaluate(probeLinks);
      const kind = kindOf(rel);
      if (!firstOfKind.has(kind)) firstOfKind.set(kind, rel);
      pageIds.set(url, new Set(facts.ids));
      if (facts.lang !== 'zh-CN') crawlProblems.push(`${rel}: <html lang> is "${facts.lang}"`);
      if (facts.h1 !== 1) crawlProblems.push(`${rel}: ${facts.h1} <h1> elements`);
      for (const ref of facts.refs) {
        let target;
        try { target = new URL(ref.url); } catch { crawlProblems.push(`${rel}: bad URL ${ref.raw}`); continue; }
        if (target.protocol === 'mailto:' || target.protocol === 'tel:') continue;
        if (target.origin !== new URL(nginx.base).origin || !target.pathname.startsWith(PREFIX)) {
          crawlProblems.push(`${rel}: ${ref.kind} "${ref.raw}" leaves the site (${target.href})`);
          continue;
        }
        const p = target.pathname;
        const isPage = p.endsWith('/') || /\.html$/i.test(p);
        if (isPage && ref.kind === 'link') {
          const key = enqueue(target.href);
          if (target.hash.length > 1) anchors.push({ from: rel, key, frag: decodeURIComponent(target.hash.slice(1)), raw: ref.raw });
        } else {
          const key = new URL(target.href); key.hash = '';
          if (!resources.has(key.href)) resources.set(key.href, rel);
        }
      }
      // 2. axe-core, WCAG 2.1 A and AA.
      await page.addScriptTag({ content: axeSource });
      const axe = await page.evaluate(async () => {
        const r = await window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
          resultTypes: ['violations'],
        });
        return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), count: v.nodes.length }));
      });
      for (const v of axe) axeProblems.push(`${rel}: axe ${v.id} (${v.help}) on ${v.count} element(s): ${v.nodes.join(', ')}`);
      if (kind === 'year' || kind === 'compare') {
        const h = await page.evaluate(probeHeaders);
        headerTables += h.tables;
        for (const p of h.problems) headerProblems.push(`${rel}: ${p}`);
        if (kind === 'year' && h.tables === 0) headerProblems.push(`${rel}: no part 三 or 四 table found`);
      }
      for (const l of log) crawlProblems.push(`${rel}: ${l}`);
    }
    for (const a of anchors) {
      const ids = pageIds.get(a.key);
      if (ids && !ids.has(a.frag)) crawlProblems.push(`${a.from}: link "${a.raw}" points to an anchor that is not on ${relOf(a.key) || 'index.html'}`);
    }
    for (const [res, from] of resources) {
      const r = await ctx.request.get(res, { failOnStatusCode: false, maxRedirects: 0 });
      if (r.status() !== 200) crawlProblems.push(`${from}: ${res} gives HTTP ${r.status()}`);
    }
    const reached = new Set([...pageIds.keys()].map((u) => {
      const rel = relOf(u);
      return rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
    }));
    for (const f of files) if (!reached.has(f)) crawlProblems.push(`${f}: not reachable by links from the front page`);
    // A page that does not exist: the site's 404 page, with status 404.
    const missing = await ctx.request.get(`${nginx.base}no-such-year/index.html`, { failOnStatusCode: false });
    if (missing.status() !== 404 || !(await missing.text()).includes('<h1>页面不存在</h1>')) {
      crawlProblems.push(`a missing page gives HTTP ${missing.status()} without the site's 404 page`);
    }
    const errors = nginx.errorLog().split('\n').filter((l) => /\[(error|crit|alert|emerg)\]/.test(l) && !/No such file|not found/.test(l));
    for (const e of errors) crawlProblems.push(`nginx: ${e}`);
    check(`nginx under ${PREFIX}: ${pageIds.size} pages and ${resources.size} files crawled from the front page, links, anchors and assets resolve, no console errors`, crawlProblems);
    check(`axe-core WCAG 2.1 A+AA: no violations on ${pageIds.size} pages`, axeProblems);
    check(`every data cell of ${headerTables} part 三/四 and comparison tables is associated with its row and column headers`, headerProblems);

    // ---------------- screenshots of each kind of page, desktop and phone
    const phoneCtx = await browser.newContext(PHONE);
    await phoneCtx.route((u) => !isLocalUrl(u.href), (r) => r.abort('blockedbyclient'));
    const phone = await phoneCtx.newPage();
    const shotProblems = [];
    for (const [kind, rel] of firstOfKind) {
      for (const [label, tab] of [['desktop', page], ['phone', phone]]) {
        try {
          await tab.goto(nginx.base + rel, { waitUntil: 'load', timeout: 30_000 });
          await settle(tab);
          await tab.screenshot({ path: path.join(shotsDir, `${kind}.${label}.png`), fullPage: true, timeout: 60_000 });
        } catch (e) {
          shotProblems.push(`${kind} (${rel}) ${label}: ${String(e.message || e).split('\n')[0]}`);
        }
      }
    }
    check(`screenshots of ${firstOfKind.size} kinds of page (${[...firstOfKind.keys()].join(', ')}) in ${shotsDir}`, shotProblems);

    // ---------------- 4. at 375 px: no sideways scrolling; sticky labels in scrolled tables
    const narrowCtx = await browser.newContext({ viewport: { width: 375, height: 812 } });
    await narrowCtx.route((u) => !isLocalUrl(u.href), (r) => r.abort('blockedbyclient'));
    const narrow = await narrowCtx.newPage();
    const sideways = [];
    const sticky = [];
    let scrolledTables = 0;
    const scrolledShots = new Set();
    for (const url of pageIds.keys()) {
      const rel = relOf(url) || 'index.html';
      await narrow.goto(url, { waitUntil: 'load', timeout: 30_000 });
      await settle(narrow);
      const w = await narrow.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      if (w[0] > w[1] + 1) sideways.push(`${rel}: scrollWidth ${w[0]} > ${w[1]}`);
      const kind = kindOf(relOf(url));
      if (kind !== 'year' && kind !== 'compare') continue;
      const boxes = await narrow.$$('.table-scroll');
      for (const [b, box] of boxes.entries()) {
        const wide = await box.evaluate((el) => el.scrollWidth > el.clientWidth + 1 && !!el.querySelector('tbody td[headers]'));
        if (!wide) continue;
        scrolledTables++;
        const r = await box.evaluate((el) => {
          el.scrollIntoView({ block: 'start' });
          el.scrollLeft = el.scrollWidth;
          el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
          const box = el.getBoundingClientRect();
          const view = {
            left: Math.max(box.left + el.clientLeft, 0),
            top: Math.max(box.top + el.clientTop, 0),
            right: Math.min(box.left + el.clientLeft + el.clientWidth, window.innerWidth),
            bottom: Math.min(box.top + el.clientTop + el.clientHeight, window.innerHeight),
          };
          const x = (view.left + view.right) / 2 + (view.right - view.left) / 4;
          // The middle of the body rows that are in view (a one-row table is mostly header).
          const body = el.querySelector('tbody').getBoundingClientRect();
          const y = (Math.max(view.top, body.top) + Math.min(view.bottom, body.bottom)) / 2;
          const td = document.elementFromPoint(x, y)?.closest('td');
          if (!td || !el.contains(td)) return { error: `no data cell in the middle of the scrolled box at (${Math.round(x)}, ${Math.round(y)})` };
          const hs = (td.getAttribute('headers') || '').split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean);
          const row = hs.filter((h) => h.closest('tbody')).pop();
          const col = hs.filter((h) => h.closest('thead')).pop();
          const seen = (h) => {
            if (!h) return 'missing';
            const r = h.getBoundingClientRect();
            const left = Math.max(r.left, view.left), right = Math.min(r.right, view.right);
            const top = Math.max(r.top, view.top), bottom = Math.min(r.bottom, view.bottom);
            if (right - left < 8 || bottom - top < 8) return `off screen (${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)})`;
            const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
            if (!hit || !(h === hit || h.contains(hit))) return `covered by ${hit ? hit.tagName.toLowerCase() + (hit.className ? '.' + hit.className : '') : 'nothing'}`;
            return '';
          };
          const needRow = !!el.querySelector('tbody th');
          return {
            cell: td.textContent.trim().slice(0, 20),
            row: needRow ? seen(row) : '',
            rowLabel: row ? row.textContent.trim() : '',
            col: seen(col),
            colLabel: col ? col.textContent.trim() : '',
          };
        });
        const where = `${rel} table ${b + 1}`;
        if (r.error) sticky.push(`${where}: ${r.error}`);
        else {
          if (r.row) sticky.push(`${where}: cell "${r.cell}" scrolled into view, its row label 「${r.rowLabel}」 is ${r.row}`);
          if (r.col) sticky.push(`${where}: cell "${r.cell}" scrolled into view, its column header 「${r.colLabel}」 is ${r.col}`);
        }
        // The part 三 table scrolled, as a phone reader sees it, once per kind of page.
        const shot = `${kind}.phone-table-scrolled.png`;
        if (!scrolledShots.has(shot) && await box.evaluate((el) => !!el.querySelector('.part3, #t-requests-table'))) {
          scrolledShots.add(shot);
          await narrow.screenshot({ path: path.join(shotsDir, shot) });
        }
      }
    }
    check(`375 px: no page scrolls sideways (${pageIds.size} pages)`, sideways);
    check(`375 px: in ${scrolledTables} wide tables scrolled sideways, the row label and column header of a visible cell are on screen`, sticky.concat(scrolledTables ? [] : ['no wide table found to scroll']));

    // ---------------- 5. print
    // A4 with the stylesheet's @page margins (18 mm left and right, 22 + 20 mm top and bottom) at 96 px/in.
    const mm = 96 / 25.4;
    const printWidth = Math.floor((210 - 36) * mm);
    const pageHeight = Math.floor((297 - 42) * mm);
    const printCtx = await browser.newContext({ viewport: { width: printWidth, height: pageHeight } });
    await printCtx.route((u) => !isLocalUrl(u.href), (r) => r.abort('blockedbyclient'));
    const printer = await printCtx.newPage();
    await printer.emulateMedia({ media: 'print' });
    const printProblems = [];
    let printed = 0;
    for (const url of pageIds.keys()) {
      const rel = relOf(url);
      if (kindOf(rel) !== 'year') continue;
      printed++;
      await printer.goto(url, { waitUntil: 'load', timeout: 30_000 });
      await settle(printer);
      const r = await printer.evaluate((pageHeight) => {
        const out = [];
        const width = document.documentElement.clientWidth;
        for (const t of document.querySelectorAll('table')) {
          const name = t.id || t.className;
          const b = t.getBoundingClientRect();
          if (b.right > width + 1) out.push(`${name}: right edge at ${Math.round(b.right)} px, the printed line ends at ${width} px`);
          for (let el = t.parentElement; el && el !== document.body; el = el.parentElement) {
            const cs = getComputedStyle(el);
            if (cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) out.push(`${name}: cut by ${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth} > ${el.clientWidth})`);
          }
        }
        for (const t of document.querySelectorAll('table.part3, table.part4')) {
          for (const tr of t.rows) {
            const cs = getComputedStyle(tr);
            if (cs.breakInside !== 'avoid' && cs.breakInside !== 'avoid-page') { out.push(`${t.id}: rows may be split across pages (break-inside: ${cs.breakInside})`); break; }
            const h = tr.getBoundingClientRect().height;
            if (h > pageHeight) out.push(`${t.id}: a row is ${Math.round(h)} px high, more than a page`);
          }
          if (t.tHead && getComputedStyle(t.tHead).display !== 'table-header-group') out.push(`${t.id}: the header is not repeated on each page`);
        }
        const sw = document.documentElement.scrollWidth;
        if (sw > width + 1) out.push(`the page is ${sw} px wide, the printed line ${width} px`);
        return out;
      }, pageHeight);
      for (const p of r) printProblems.push(`${rel}: ${p}`);
      if (printed === 1) {
        const pdf = path.join(shotsDir, 'year.print.pdf');
        await printer.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
        if (!fs.existsSync(pdf) || fs.statSync(pdf).size < 1000) printProblems.push(`${rel}: no PDF written`);
      }
    }
    check(`print on A4: ${printed} year pages, no table cut at the right edge, part 三/四 rows kept whole`, printProblems.concat(printed ? [] : ['no year page to print']));

    // ---------------- 6. file://
    const fileCtx = await browser.newContext(DESKTOP);
    await fileCtx.route((u) => !isLocalUrl(u.href), (r) => r.abort('blockedbyclient'));
    const fpage = await fileCtx.newPage();
    let flog = [];
    fpage.on('console', (m) => { if (m.type() === 'error') flog.push(`console error: ${m.text()}`); });
    fpage.on('pageerror', (e) => flog.push(`uncaught exception: ${String(e.message || e).split('\n')[0]}`));
    const fileProblems = [];
    const fqueue = [pathToFileURL(path.join(siteDir, 'index.html')).href];
    const fseen = new Set(fqueue);
    const fids = new Map();
    const fanchors = [];
    for (let i = 0; i < fqueue.length; i++) {
      const url = fqueue[i];
      const rel = path.relative(siteDir, fileURLToPath(url));
      flog = [];
      try {
        await fpage.goto(url, { waitUntil: 'load', timeout: 30_000 });
      } catch (e) {
        fileProblems.push(`${rel}: could not open: ${String(e.message || e).split('\n')[0]}`);
        continue;
      }
      const facts = await fpage.evaluate(probeLinks);
      fids.set(url, new Set(facts.ids));
      for (const ref of facts.refs) {
        const t = new URL(ref.url);
        if (t.protocol === 'mailto:' || t.protocol === 'tel:') continue;
        if (t.protocol !== 'file:') { fileProblems.push(`${rel}: "${ref.raw}" is not a file on disk`); continue; }
        const target = fileURLToPath(t);
        const inside = path.relative(siteDir, target);
        if (inside.startsWith('..') || path.isAbsolute(inside)) { fileProblems.push(`${rel}: "${ref.raw}" leaves the site folder`); continue; }
        if (!fs.existsSync(target) || !fs.statSync(target).isFile()) { fileProblems.push(`${rel}: "${ref.raw}" does not open a file (${inside || '.'})`); continue; }
        t.hash = '';
        if (ref.kind === 'link' && /\.html$/i.test(target)) {
          if (!fseen.has(t.href)) { fseen.add(t.href); fqueue.push(t.href); }
          const frag = new URL(ref.url).hash;
          if (frag.length > 1) fanchors.push({ from: rel, key: t.href, frag: decodeURIComponent(frag.slice(1)), raw: ref.raw });
        }
      }
      for (const l of flog) fileProblems.push(`${rel}: ${l}`);
    }
    for (const a of fanchors) {
      const ids = fids.get(a.key);
      if (ids && !ids.has(a.frag)) fileProblems.push(`${a.from}: "${a.raw}" points to an anchor that is not there`);
    }
    check(`file://: ${fids.size} pages opened from disk, every link opens a file`, fileProblems);
  } finally {
    await browser.close();
    await nginx.stop();
  }

  // ---------------- 3. Nu Html Checker
  const vnu = require.resolve('vnu-jar/build/dist/vnu.jar');
  const nu = spawnSync('java', ['-Xss4m', '-jar', vnu, '--errors-only', '--format', 'json', '--exit-zero-always', ...files.map((f) => path.join(siteDir, f))], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000,
  });
  const nuProblems = [];
  if (nu.error || nu.status !== 0) nuProblems.push(`vnu.jar did not run: ${nu.error || nu.stderr.slice(0, 300)}`);
  else {
    let messages = [];
    try { messages = JSON.parse(nu.stderr || nu.stdout).messages; } catch (e) { nuProblems.push(`vnu.jar output unreadable: ${e}`); }
    for (const m of messages) {
      if (m.type !== 'error' && m.subType !== 'fatal') continue;
      const file = m.url ? path.relative(siteDir, fileURLToPath(m.url)) : '?';
      nuProblems.push(`${file}:${m.lastLine ?? '?'}: ${m.message}`);
    }
  }
  check(`Nu Html Checker: no errors in ${files.length} HTML files`, nuProblems);

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
