// A phone's first visit on a slow venue network, in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) against the real `polyphony serve` on 127.0.0.1. Chrome DevTools
// Protocol throttling (1.6 Mbps down, 750 kbps up, 150 ms latency: a slow phone connection)
// and the bytes each request really moved (`Network.loadingFinished`'s encodedDataLength:
// headers and the compressed body), plus the live socket's messages:
// - the first visit to /r/{code} (as the projector's QR code opens it, `#join=` and the joining
//   code) moves under 500 KB, shows "loading…" (not an empty page) until
//   the app mounts, and the vote buttons work within 3 s of the tap on the link (the median of
//   three phones, one after another, timed by the page's own clock: to the consent screen, plus
//   the tap on it to the buttons; the per-request timeline is printed); the phone joins and
//   its socket is answered while the app downloads (index.html starts both, the app takes them
//   over: one join, one socket);
// - a second visit (a reload) fetches only index.html: the wasm, JS and CSS come from the
//   browser's cache (their content-hashed names are served `immutable`);
// - the loading state and a failed load speak the phone's language (繁體中文, English, 日本語,
//   한국어), and a failed load says so.
// The measured numbers are printed (README, "The web app"). POLYPHONY_BIN runs another server
// build (the web app is embedded in the binary at build time).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const shots = path.join(root, 'target/screenshots');
const axePath = path.join(here, 'node_modules/axe-core/axe.min.js');

/** A slow phone connection, as Lighthouse's mobile profile: 1.6 Mbps down, 150 ms. */
const SLOW = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
};
const FIRST_VISIT_BYTES = 500 * 1000;
const VOTE_READY_MS = 3000;

let server;
let base;
let browser;
let dbDir;

before(async () => {
  mkdirSync(shots, { recursive: true });
  dbDir = mkdtempSync(path.join(tmpdir(), 'polyphony-first-visit-'));
  server = spawn(process.env.POLYPHONY_BIN || path.join(root, 'target/release/polyphony'),
    ['serve', '--addr', '127.0.0.1:0', '--db', path.join(dbDir, 'e2e.db')],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: server.stdout });
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 15000);
    lines.on('line', (line) => {
      const m = line.match(/^Polyphony is listening on ([^;]+);/);
      if (m) { clearTimeout(timer); resolve(`http://${m[1]}`); }
    });
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(dbDir, { recursive: true, force: true });
});

const phoneOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function createRoom() {
  const r = await fetch(`${base}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      topic: 'Ride-hailing in Taipei',
      statements: Array.from({ length: 5 }, (_, i) => `Drivers should hold a taxi licence (${i})`),
    }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  const created = await r.json();
  return { code: created.room.code, key: created.facilitator_key };
}

/**
 * The address a phone opens by scanning the projector's QR code now: `/r/{code}#join=123456`,
 * the joining code read as the projector reads it (with the facilitator key; not part of the
 * phone's visit). The fragment never reaches the server; the page's join carries the code.
 */
async function scanUrl({ code, key }) {
  const r = await fetch(`${base}/api/rooms/${code}/admission`, { headers: { 'x-facilitator-key': key } });
  assert.equal(r.status, 200, await r.clone().text());
  return `${base}/r/${code}#join=${(await r.json()).code}`;
}

/**
 * Records every request of a page over CDP: its URL, whether it came from the browser's cache,
 * and the bytes it moved on the network (`encodedDataLength` at `loadingFinished`).
 */
async function networkLog(ctx, page) {
  const cdp = await ctx.newCDPSession(page);
  const requests = new Map();
  const entry = (id) => {
    if (!requests.has(id)) requests.set(id, { id, url: '', bytes: 0, cached: false, done: false });
    return requests.get(id);
  };
  let origin = null;
  const at = (timestamp) => {
    origin ??= timestamp;
    return Math.round((timestamp - origin) * 1000);
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    const r = entry(e.requestId);
    r.url = e.request.url;
    r.type = e.type;
    r.start = at(e.timestamp);
  });
  cdp.on('Network.requestServedFromCache', (e) => { entry(e.requestId).cached = true; });
  cdp.on('Network.responseReceived', (e) => {
    const r = entry(e.requestId);
    r.status = e.response.status;
    r.encoding = e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'];
    if (e.response.fromDiskCache || e.response.fromPrefetchCache) r.cached = true;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = entry(e.requestId);
    r.bytes = e.encodedDataLength;
    r.end = at(e.timestamp);
    r.done = true;
  });
  cdp.on('Network.loadingFailed', (e) => { entry(e.requestId).done = true; });
  // The live socket's messages are not requests: counted apart, as their payload bytes.
  let socketBytes = 0;
  let socketFrames = [];
  const frame = (e) => {
    socketBytes += Buffer.byteLength(e.response.payloadData ?? '');
    socketFrames.push(at(e.timestamp));
  };
  cdp.on('Network.webSocketCreated', () => { socketFrames.push('open'); });
  cdp.on('Network.webSocketFrameReceived', frame);
  cdp.on('Network.webSocketFrameSent', frame);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW);
  return {
    requests,
    clear: () => { requests.clear(); socketBytes = 0; socketFrames = []; origin = null; },
    socketFrames: () => socketFrames,
    socketBytes: () => socketBytes,
    /** Waits until every request that was started has finished (sockets aside). */
    async settled() {
      const start = Date.now();
      while ([...requests.values()].some((r) => !r.done && r.type !== 'WebSocket' && r.url)) {
        if (Date.now() - start > 15000) throw new Error('requests still open');
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    total: () => [...requests.values()].reduce((sum, r) => sum + r.bytes, 0),
    table: () => [...requests.values()].filter((r) => r.url).map((r) =>
      `${String(r.bytes).padStart(8)} B ${r.cached ? '(cache)' : `(${r.encoding ?? 'identity'})`} ${r.status ?? ''} `
      + `${r.url.replace(base, '')} ${r.start}–${r.end} ms`).concat([`socket: ${socketFrames.join(', ')} ms`]),
  };
}

const isAsset = (url) => {
  const p = new URL(url).pathname;
  return !p.startsWith('/api/');
};

/**
 * One phone's first visit to /r/{code} (by the projector's QR code: with `#join=`) in a fresh
 * browser context, throttled: the page shows "loading…" until the app mounts, the phone consents
 * and votes once. Returns the context, page and network log (still throttled) and what was
 * measured.
 */
async function firstVisit(room) {
  const url = await scanUrl(room);
  const ctx = await browser.newContext({ ...phoneOptions, locale: 'en-US' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const net = await networkLog(ctx, page);
  // The page's own clock (from the tap on the link, navigation start): when the consent screen
  // and a working agree button appear, and when the consent button is tapped. The test's own
  // waits see each about 0.4 s late (Playwright polls the page over the throttled session),
  // which is the harness's time, not the phone's.
  await page.addInitScript(() => {
    const seen = { consent: null, tap: null, agree: null };
    window.polyphonyFirstVisit = seen;
    document.addEventListener('click', (e) => {
      if (seen.tap === null && e.target.closest?.('#consent-agree')) seen.tap = performance.now();
    }, true);
    new MutationObserver(() => {
      if (seen.consent === null && document.querySelector('#consent-agree')) seen.consent = performance.now();
      const agree = document.querySelector('#agree');
      if (seen.agree === null && agree && !agree.disabled) seen.agree = performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  // Not an empty page while the app downloads: the name and "loading…".
  await page.locator('#boot-message').filter({ hasText: 'loading…' }).waitFor({ timeout: 5000 });
  const loadingMs = Date.now() - t0;
  assert.equal((await page.locator('#boot h1').textContent()).trim(), 'Polyphony');
  // The app mounts (the loading state goes) and asks for consent; one tap later the vote
  // buttons work.
  await page.locator('#consent-agree').waitFor({ timeout: 10000 });
  const consentMs = Date.now() - t0;
  assert.equal(await page.locator('#boot').count(), 0, 'the loading state is gone once the app mounts');
  await page.click('#consent-agree');
  await page.locator('#agree').waitFor({ timeout: 10000 });
  assert.ok(await page.locator('#agree').isEnabled(), 'the agree button is enabled');
  const harnessMs = Date.now() - t0;
  const seen = await page.evaluate(() => window.polyphonyFirstVisit);
  assert.ok(seen.consent !== null && seen.tap !== null && seen.agree !== null, JSON.stringify(seen));
  assert.ok(seen.tap >= seen.consent && seen.agree >= seen.tap, JSON.stringify(seen));
  // The phone's time to a working vote button: to the consent screen, plus from the tap on it
  // to the buttons (the test's own reaction time left out).
  const voteMs = Math.round(seen.consent + (seen.agree - seen.tap));
  const statement = await page.locator('#vote-card').getAttribute('data-statement');
  await page.click('#agree');
  await page.waitForFunction((prev) => document.querySelector('#vote-card')?.getAttribute('data-statement') !== prev,
    statement, { timeout: 10000 });
  await net.settled();
  const bytes = net.total() + net.socketBytes();
  const appBytes = [...net.requests.values()].filter((r) => isAsset(r.url)).reduce((s, r) => s + r.bytes, 0);
  console.log(`first visit at 1.6 Mbps / 150 ms: ${bytes} bytes (${net.total()} in ${net.requests.size} requests, `
    + `${appBytes} of them the app itself, and ${net.socketBytes()} of socket messages); "loading…" at ${loadingMs} ms, `
    + `consent at ${Math.round(seen.consent)} ms, vote buttons at ${voteMs} ms (page clock; the test saw consent at `
    + `${consentMs} ms and the buttons at ${harnessMs} ms)\n  ${net.table().join('\n  ')}`);
  // The phone joins and its socket is answered while the app still downloads (index.html
  // starts both), and the app takes them over: one join, one socket.
  const reqs = [...net.requests.values()].filter((r) => r.url);
  const wasm = reqs.find((r) => r.url.endsWith('.wasm'));
  const joins = reqs.filter((r) => new URL(r.url).pathname.endsWith('/join'));
  assert.equal(joins.length, 1, `one join:\n${net.table().join('\n')}`);
  assert.match(joins[0].url, /\/join\?admission=[0-9]{6}$/, 'the join carries the QR code\'s joining code');
  assert.equal(joins[0].status, 201, `the join is admitted:\n${net.table().join('\n')}`);
  assert.ok(joins[0].start < wasm.end, `the join starts before the wasm has arrived:\n${net.table().join('\n')}`);
  const frames = net.socketFrames();
  assert.equal(frames.filter((f) => f === 'open').length, 1, `one socket: ${frames.join(', ')}`);
  assert.ok(typeof frames[1] === 'number' && frames[1] < wasm.end,
    `the socket's first message comes before the wasm has arrived: ${frames.join(', ')}`);
  // The explorer's engine (its worker and wasm) is never part of a phone's visit.
  assert.deepEqual(reqs.filter((r) => /explorer-worker|polyphony_wasm/.test(r.url)).map((r) => r.url), []);
  for (const r of net.requests.values()) {
    if (/\.(wasm|js|css)$/.test(new URL(r.url).pathname)) {
      assert.equal(r.encoding, 'br', `${r.url} is sent brotli-compressed`);
    }
  }
  return { ctx, page, net, errors, bytes, voteMs, table: net.table() };
}

test('a phone\'s first visit is small and quick on a slow network; the second fetches only index.html', async () => {
  const room = await createRoom();
  const { code } = room;
  // Three phones, one after another; their median time is reported.
  const visits = [];
  for (let i = 0; i < 3; i += 1) visits.push(await firstVisit(room));
  for (const v of visits) {
    assert.ok(v.bytes < FIRST_VISIT_BYTES, `a first visit moved ${v.bytes} bytes:\n${v.table.join('\n')}`);
  }
  const times = visits.map((v) => v.voteMs).sort((a, b) => a - b);
  console.log(`vote buttons working after ${times.join(', ')} ms (median ${times[1]} ms)`);
  const votes = async () => (await (await fetch(`${base}/api/rooms/${code}/view`)).json()).votes;
  for (let i = 0; i < 50 && (await votes()) !== visits.length; i += 1) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await votes(), visits.length, 'every phone\'s vote reached the server');

  // The second visit: a phone reloads. Only index.html comes over the network.
  const { ctx, page, net, errors } = visits[0];
  net.clear();
  const t1 = Date.now();
  await page.reload({ waitUntil: 'commit' });
  await page.locator('#agree').waitFor({ timeout: 10000 });
  const secondMs = Date.now() - t1;
  await net.settled();
  const second = [...net.requests.values()].filter((r) => r.url && isAsset(r.url));
  const fetched = second.filter((r) => !r.cached && r.bytes > 0);
  console.log(`second visit: ${net.total()} bytes in requests (${fetched.reduce((s, r) => s + r.bytes, 0)} of them the app), `
    + `${net.socketBytes()} of socket messages; vote buttons at ${secondMs} ms\n  ${net.table().join('\n  ')}`);
  assert.deepEqual(fetched.map((r) => new URL(r.url).pathname), [`/r/${code}`],
    `only index.html is fetched again:\n${net.table().join('\n')}`);
  for (const ext of ['wasm', 'js', 'css']) {
    assert.ok(second.some((r) => r.cached && r.url.endsWith(`.${ext}`)), `the ${ext} comes from the cache`);
  }
  for (const v of visits) {
    assert.deepEqual(v.errors, []);
    await v.ctx.close();
  }
  assert.deepEqual(errors, []);
  // The time is a measurement, not an assertion (house rule: speed targets live in benchmarks, and
  // this 2-core machine is noisy); it is printed against the goal for the README.
  console.log(`first visit: vote buttons working after a median of ${times[1]} ms `
    + `(goal ${VOTE_READY_MS} ms: ${times[1] < VOTE_READY_MS ? 'met' : 'NOT met'})`);
});

/** What index.html says in each language while loading and when loading fails. */
const BOOT = {
  'zh-TW': ['載入中…', '無法載入 Polyphony。請確認網路連線，再重新整理頁面。', '重新整理'],
  en: ['loading…', 'Polyphony could not load. Check your connection, then reload the page.', 'Reload'],
  ja: ['読み込み中…', 'Polyphony を読み込めませんでした。接続を確認して、ページを再読み込みしてください。', '再読み込み'],
  ko: ['불러오는 중…', 'Polyphony를 불러오지 못했습니다. 연결을 확인한 뒤 페이지를 새로 고침하세요.', '새로 고침'],
};

test('the loading state and a failed load speak the phone\'s language', async () => {
  const room = await createRoom();
  for (const [locale, tag] of [['zh-TW', 'zh-TW'], ['zh-HK', 'zh-TW'], ['en-GB', 'en'], ['ja-JP', 'ja'], ['ko-KR', 'ko'], ['fr-FR', 'en']]) {
    const ctx = await browser.newContext({ ...phoneOptions, locale });
    const page = await ctx.newPage();
    // The wasm is held back until the loading state is checked, then refused.
    let release;
    const gate = new Promise((r) => { release = r; });
    await page.route(/\.wasm$/, async (route) => { await gate; await route.abort(); });
    await page.goto(await scanUrl(room), { waitUntil: 'domcontentloaded' });
    const [loading, failed, reload] = BOOT[tag];
    await page.locator('#boot-message').filter({ hasText: loading }).waitFor({ timeout: 5000 });
    assert.equal(await page.evaluate(() => document.documentElement.lang), tag, locale);
    if (locale === 'zh-TW') await page.screenshot({ path: path.join(shots, 'phone-loading-zh-TW.png') });
    release();
    const alert = page.locator('#boot.failed #boot-message[role=alert]');
    await alert.waitFor({ timeout: 10000 });
    assert.equal((await alert.textContent()).trim(), failed, locale);
    assert.equal((await page.locator('#boot-reload').textContent()).trim(), reload, locale);
    if (locale === 'en-GB') {
      await page.screenshot({ path: path.join(shots, 'phone-load-failed.png') });
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => (await window.axe.run()).violations);
      assert.deepEqual(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help}`), [], 'axe on the failed-load page');
    }
    await ctx.close();
  }
});
