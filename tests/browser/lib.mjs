// Shared helpers for screenshot.mjs and check.mjs.
//
// Always drives the system Chromium (Debian package `chromium`, installed by
// install.sh); playwright-core never downloads a browser of its own here.
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const NGINX = process.env.NGINX_PATH || '/usr/sbin/nginx';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// chromium.launch() gives Chromium a fresh temporary --user-data-dir of its
// own (playwright_chromiumdev_profile-*) and deletes it on browser.close();
// Playwright refuses an explicit --user-data-dir in args for launch().
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run tests/browser/install.sh first`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

// Desktop and phone settings used by both scripts.
export const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
export const PHONE = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

// A command-line page argument: http(s):// URL, file:// URL, or a path on disk.
export function toUrl(page) {
  if (/^(https?|file):\/\//i.test(page)) return page;
  const abs = path.resolve(page);
  if (!fs.existsSync(abs)) throw new Error(`no such file: ${page}`);
  return pathToFileURL(abs).href;
}

// Wait until web fonts (if any) are ready, so CJK text is laid out before a
// screenshot or a width measurement.
export async function settle(page) {
  await page.evaluate(async () => {
    if (document.fonts && document.fonts.ready) await document.fonts.ready;
  });
}

// Make lazy images load now and wait (bounded) until every <img> has either
// loaded or failed. Returns the images that did not load, as
// [{ src, reason }]. An <img> counts as failed when it finished with no
// decodable picture (naturalWidth 0 and decode() rejects) or is still
// loading after timeoutMs.
export async function waitForImages(page, timeoutMs = 5000) {
  return page.evaluate(async (timeoutMs) => {
    const imgs = [...document.images];
    for (const img of imgs) if (img.loading === 'lazy') img.loading = 'eager';
    const deadline = new Promise((r) => setTimeout(r, timeoutMs, 'timeout'));
    const settled = (img) =>
      img.complete
        ? Promise.resolve()
        : new Promise((r) => {
            img.addEventListener('load', r, { once: true });
            img.addEventListener('error', r, { once: true });
          });
    await Promise.race([Promise.all(imgs.map(settled)), deadline]);
    const bad = [];
    for (const img of imgs) {
      const src = img.currentSrc || img.getAttribute('src') || '(no src)';
      if (!img.complete) { bad.push({ src, reason: 'still loading' }); continue; }
      if (img.naturalWidth > 0) continue;
      // naturalWidth 0 is also what an SVG without intrinsic size reports;
      // decode() tells a real failure apart.
      const ok = await img.decode().then(() => true, () => false);
      if (!ok) bad.push({ src, reason: 'failed to load' });
    }
    return bad;
  }, timeoutMs);
}

// Only local things may be fetched: file:, data:, blob:, and http(s) on the
// loopback host. Anything else is aborted at once instead of waiting on a
// network this machine does not have.
export function isLocalUrl(u) {
  let url;
  try { url = new URL(u); } catch { return false; }
  if (['file:', 'data:', 'blob:', 'about:'].includes(url.protocol)) return true;
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const h = url.hostname;
    return h === 'localhost' || h === '[::1]' || /^127\./.test(h);
  }
  return false;
}

// Every *.html under dir (recursively), as paths, sorted.
export function htmlFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if ((e.isFile() || e.isSymbolicLink()) && /\.html$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

// nginx on loopback, config in a temporary folder.

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Serves `root` under the sub-path `prefix` (e.g. /zwgk/ndbg/); `base` is the site's address.
export async function startNginx(root, prefix) {
  const PREFIX = prefix;
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nianbao-nginx-'));
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, t));
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const conf = `${asRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css application/json text/csv application/atom+xml application/xml;
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
    location ${PREFIX} {
      alias ${root}/;
      index index.html;
      error_page 404 ${PREFIX}404.html;
    }
  }
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.on('exit', stop);
  // Wait (bounded) until the port accepts connections.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr.trim()}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) { stop(); throw new Error('nginx did not start within 10 s'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base: `http://127.0.0.1:${port}${PREFIX}`,
    errorLog: () => (fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''),
    stop: async () => {
      stop();
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
