// Shared set-up for the browser tests: the real `polyphony serve` on 127.0.0.1 (POLYPHONY_BIN
// runs another build), Debian's Chromium through playwright-core, and the checks every screen
// gets (axe, UI strings against the i18n tables, the projector's one-screen rule and sizes).
// Used by every browser test; admission.test.mjs walks how phones get into a room.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const shots = path.join(root, 'target/screenshots');
/** The UI strings of the built app (`POLYPHONY_WEB_DIST` when the app was built elsewhere). */
export const tables = JSON.parse(readFileSync(path.join(process.env.POLYPHONY_WEB_DIST || path.join(root, 'target/web-dist'), 'i18n.json'), 'utf8'));
const axePath = path.join(here, 'node_modules/axe-core/axe.min.js');

/** Starts the server on a free port with a fresh database; `{ base, stop }`. */
export async function startServer(extraArgs = []) {
  mkdirSync(shots, { recursive: true });
  const dbDir = mkdtempSync(path.join(tmpdir(), 'polyphony-e2e-'));
  const server = spawn(process.env.POLYPHONY_BIN || path.join(root, 'target/release/polyphony'),
    ['serve', '--addr', '127.0.0.1:0', '--db', path.join(dbDir, 'e2e.db'), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: server.stdout });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 15000);
    lines.on('line', (line) => {
      const m = line.match(/^Polyphony is listening on ([^;]+);/);
      if (m) { clearTimeout(timer); resolve(`http://${m[1]}`); }
    });
  });
  return {
    base,
    ...client(base),
    stop() {
      server.kill('SIGTERM');
      rmSync(dbDir, { recursive: true, force: true });
    },
  };
}

/**
 * JSON requests to the server at `base`: `call` answers `{ status, body }` (no assertion:
 * callers check), `api` asserts a 2xx and answers the body. `key` and `token` go in the
 * facilitator's and the participant's headers. A 429 (votes per second, joins per minute) is
 * waited out and resent, as the phones do.
 */
export function client(base) {
  async function call(method, url, { key, token, body } = {}) {
    const headers = { 'content-type': 'application/json' };
    if (key) headers['x-facilitator-key'] = key;
    if (token) headers['x-participant-token'] = token;
    let r;
    for (let attempt = 0; ; attempt += 1) {
      r = await fetch(`${base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (r.status !== 429 || attempt >= 100) break;
      await r.text();
      await new Promise((done) => setTimeout(done, 200));
    }
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: r.status, body: json };
  }
  async function api(method, url, options) {
    const r = await call(method, url, options);
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  /** A participant joins as a phone that scanned the projector's QR code now: `{ participant_token }`. */
  async function join(code, key) {
    return api('POST', joinApiPath(code, await admissionCode(base, code, key)));
  }
  return { call, api, join };
}

/**
 * The room's joining code now, read as the projector reads it (`GET /api/rooms/{code}/admission`
 * with the facilitator key); null for a room with open admission. It changes every minute (the
 * previous minute's is still accepted): read it again for each join rather than keep it.
 */
export async function admissionCode(base, code, key) {
  const r = await fetch(`${base}/api/rooms/${code}/admission`, { headers: { 'x-facilitator-key': key } });
  const text = await r.text();
  assert.equal(r.status, 200, `GET /api/rooms/${code}/admission: ${r.status} ${text}`);
  return JSON.parse(text).code;
}

/** The phone's address in the projector's QR code: `/r/{code}#join={digits}` (no digits: open admission). */
export function joinPath(code, digits) {
  return digits ? `/r/${code}#join=${digits}` : `/r/${code}`;
}

/** The join request of a phone that brought `digits`: `/api/rooms/{code}/join?admission={digits}`. */
export function joinApiPath(code, digits) {
  return digits ? `/api/rooms/${code}/join?admission=${digits}` : `/api/rooms/${code}/join`;
}

/** The whole address a phone opens when it scans the projector's QR code now. */
export async function scanUrl(base, code, key) {
  return `${base}${joinPath(code, await admissionCode(base, code, key))}`;
}

/**
 * Makes browser context `ctx` hold the room's facilitator key as a facilitator's browser does:
 * the console opened with `#key=` saves it in localStorage (web/src/storage.rs,
 * `polyphony.key.{CODE}`), and a projector opened later in the same browser reads the joining
 * code with it (without it the projector shows no QR code).
 */
export async function holdKey(ctx, base, code, key) {
  const page = await ctx.newPage();
  await page.goto(`${base}/r/${code}/host#key=${key}`);
  await page.waitForFunction(([c, k]) => localStorage.getItem(`polyphony.key.${c}`) === k, [code, key]);
  await page.close();
}

/** Headless Debian Chromium. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new page that records script errors into `errors`. */
export async function newPage(ctx, name, errors) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${name} console: ${m.text()}`); });
  return page;
}

/** Polls `fn` until it returns something truthy. */
export async function waitFor(fn, what, timeout = 15000) {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Serious and critical axe-core findings on the page. */
export async function axeSerious(page) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => (await window.axe.run()).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The English templates' plural phrases after a count and their singular after one
 * (crates/polyphony-types/src/english.rs `AFTER_ONE`). */
const ENGLISH_AFTER_ONE = [
  ['people now vote', 'person now votes'], ['people have voted', 'person has voted'], ['people get', 'person gets'],
  ['people', 'person'], ['participants', 'participant'], ['statements', 'statement'], ['characters', 'character'],
  ['positions', 'position'], ['minutes', 'minute'], ['rounds', 'round'], ['tables', 'table'], ['groups', 'group'],
  ['votes', 'vote'], ['notes', 'note'], ['cards', 'card'],
];

/** Every marked UI string on the page equals its table entry for `tag` (and there are more than
 * `atLeast` of them: a page that shows no strings must not pass). */
export async function checkStrings(page, tag, atLeast = 3) {
  const found = await page.evaluate(() => ({
    plain: [...document.querySelectorAll('[data-i18n]')].map((e) => [e.dataset.i18n, e.textContent]),
    templated: [...document.querySelectorAll('[data-i18n-template]')].map((e) => [e.dataset.i18nTemplate, e.textContent]),
  }));
  assert.ok(found.plain.length > atLeast, 'the page has translated strings');
  for (const [key, text] of found.plain) {
    assert.equal(text, tables[tag][key], `${tag} ${key}`);
    if (tag !== 'en') assert.notEqual(text, tables.en[key], `${tag} ${key} is still English`);
  }
  for (const [key, text] of found.templated) {
    const escaped = tables[tag][key].replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    // A Korean particle written for either ending ("은(는)", "(으)로") shows as the one the word
    // before it takes (web/src/korean.rs).
    const particles = escaped
      .replace(/(은|는|이|가|을|를|와|과)\\\((은|는|이|가|을|를|와|과)\\\)/g, '(?:$1|$2|$1\\($2\\))')
      .replace(/\\\(으\\\)로/g, '(?:으로|로|\\(으\\)로)');
    // An English noun after a count of one is singular ("1 note waiting"; polyphony-types
    // english.rs): either form matches.
    const counted = ENGLISH_AFTER_ONE.reduce(
      (acc, [plural, singular]) => acc.replace(new RegExp(`(\\\\?\\{[a-z]+\\\\?\\} )${plural}\\b`, 'g'), `$1(?:${plural}|${singular})`),
      particles,
    );
    const pattern = new RegExp(`^${counted.replace(/\\?\{[a-z]+\\?\}/g, '.+')}$`, 's');
    assert.match(text, pattern, `${tag} ${key}`);
  }
}

export async function switchLanguage(page, tag) {
  await page.selectOption('#lang', tag);
  await page.waitForFunction((t) => document.documentElement.lang === t, tag);
}

/** Body text, the join code and the statement under discussion at 1920 × 1080, in px. */
export const MIN_PX = { body: 36, code: 96, statement: 56 };

/**
 * The projector fits its screen: the page scrolls neither way, every text box lies inside the
 * viewport, every text is at least `MIN_PX` (scaled by the viewport's height against 1080), the
 * statement under discussion (spectrum or spotlight) at least `MIN_PX.statement`, no
 * statement leaves one character alone on its last line (as workshop.test.mjs), the room's
 * code and joining code (with their labels) are each on one line, the spectrum's walls and the
 * table tiles' titles break only between words, and a topic on two lines leaves more than two
 * characters on the second.
 */
export async function checkProjector(page, what) {
  const r = await page.evaluate(() => {
    const px = (el) => (el ? parseFloat(getComputedStyle(el).fontSize) : null);
    const main = document.querySelector('main.screen');
    const texts = [];
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || el.closest('svg')) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      texts.push({ text: n.textContent.trim().slice(0, 24), tag: el.tagName, cls: el.className, size: px(el),
        bottom: Math.round(box.bottom), right: Math.round(box.right) });
    }
    const orphans = [];
    for (const el of main.querySelectorAll('.statement-text, .spot-text, .group-card li, .consensus li')) {
      if (el.scrollHeight > el.clientHeight + 1) continue;
      const chars = [];
      const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = w.nextNode(); n; n = w.nextNode()) {
        for (let i = 0; i < n.length; i += 1) if (n.data[i].trim()) chars.push([n, i]);
      }
      if (chars.length < 3) continue;
      const top = ([n, i]) => {
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + 1);
        return range.getClientRects()[0]?.top ?? 0;
      };
      const [a, b] = [top(chars[chars.length - 2]), top(chars[chars.length - 1])];
      if (b - a > 4) orphans.push(el.textContent.slice(-12));
    }
    // The room's code, the joining code and their labels are read (and typed) whole: one line each.
    const broken = [];
    for (const el of main.querySelectorAll('.code, .code-line [data-i18n], .mini-join strong, .mini-join [data-i18n]')) {
      const n = el.firstChild;
      if (!n || n.nodeType !== Node.TEXT_NODE || n.length < 2) continue;
      const top = (i) => {
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + 1);
        return range.getClientRects()[0]?.top ?? 0;
      };
      if (Math.abs(top(n.length - 1) - top(0)) > 4) broken.push(n.data);
    }
    // The spectrum's walls and a table tile's title break only between words, where the
    // translation allows (a space or a zero-width space): "這面牆：非 / 常同意" read wrong.
    const midWord = [];
    for (const el of main.querySelectorAll('.wall, .title-part')) {
      const chars = [];
      const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = w.nextNode(); n; n = w.nextNode()) {
        for (let i = 0; i < n.length; i += 1) {
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          // (a zero-width space or a collapsed space has no box of its own: it stands where the
          // character before it ended)
          const rect = range.getClientRects()[0];
          chars.push([n.data[i], rect ? rect.top : (chars[chars.length - 1]?.[1] ?? 0)]);
        }
      }
      for (let i = 1; i < chars.length; i += 1) {
        const [before, top0] = chars[i - 1];
        const [after, top1] = chars[i];
        if (top1 - top0 > 4 && !/[\s\u200B]/.test(before) && !/\s/.test(after)) midWord.push(el.textContent);
      }
    }
    // The topic in the heading line, when it takes two lines, leaves more than a word's tail
    // on the second ("…認めるべき / か？" was read from the back of the hall as a stray "か？").
    let topicTail = null;
    const topic = document.querySelector('.screen-head .topic');
    if (topic) {
      const tops = [];
      const w = document.createTreeWalker(topic, NodeFilter.SHOW_TEXT);
      for (let n = w.nextNode(); n; n = w.nextNode()) {
        for (let i = 0; i < n.length; i += 1) {
          if (!n.data[i].trim()) continue;
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          tops.push(Math.round(range.getClientRects()[0]?.top ?? 0));
        }
      }
      const lines = [...new Set(tops)];
      if (lines.length === 2) {
        const last = tops.filter((t) => t === lines[1]).length;
        if (last < 3) topicTail = topic.textContent.slice(-last);
      }
    }
    const se = document.scrollingElement;
    return { sh: se.scrollHeight, sw: se.scrollWidth, h: innerHeight, w: innerWidth, texts, orphans, broken, topicTail, midWord,
      code: px(document.querySelector('#room-code')),
      statement: px(document.querySelector('#spectrum-view > .statement-text, #spotlight .spot-text')) };
  });
  const scale = r.h / 1080;
  const at = `${what} at ${r.w} × ${r.h}`;
  assert.ok(r.sh <= r.h, `${at}: ${r.sh} px tall`);
  assert.ok(r.sw <= r.w, `${at}: ${r.sw} px wide`);
  assert.ok(r.texts.length > 3, `${at}: text on the screen`);
  assert.deepEqual(r.texts.filter((t) => t.bottom > r.h || t.right > r.w), [], `${at}: text outside the screen`);
  assert.deepEqual(r.texts.filter((t) => t.size < MIN_PX.body * scale - 0.01), [], `${at}: text under ${MIN_PX.body} px`);
  if (r.code !== null) assert.ok(r.code >= MIN_PX.code * scale, `${at}: join code ${r.code} px`);
  if (r.statement !== null) assert.ok(r.statement >= MIN_PX.statement * scale, `${at}: statement ${r.statement} px`);
  assert.deepEqual(r.orphans, [], `${at}: one character alone on a line`);
  assert.deepEqual(r.broken, [], `${at}: a code or its label broken over lines`);
  assert.deepEqual(r.midWord, [], `${at}: a wall or a table's title broken inside a word`);
  assert.equal(r.topicTail, null, `${at}: the topic's second line is only "${r.topicTail}"`);
}

/**
 * Korean words (runs of Hangul syllables, a particle included) that the page breaks over two
 * lines inside `selector`: Korean breaks between words (`word-break: keep-all`), and a line
 * starting with a word's last syllable or its particle reads wrong.
 */
export async function brokenKoreanWords(page, selector) {
  return page.evaluate((sel) => {
    const broken = [];
    for (const el of document.querySelectorAll(sel)) {
      const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = w.nextNode(); n; n = w.nextNode()) {
        for (const m of n.data.matchAll(/[\uAC00-\uD7A3]{2,}/g)) {
          const range = document.createRange();
          range.setStart(n, m.index);
          range.setEnd(n, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  }, selector);
}

/**
 * Layout failures kept for the end of a test instead of stopping it, when the environment sets
 * PROJECTOR_SOFT=1 (to see every stage's problems in one run); the test must still assert that
 * this list is empty.
 */
export const softFailures = [];

/** `checkProjector` in zh-TW and en, with a screenshot of each; the page is left in `end`. */
export async function checkProjectorLanguages(page, what, shot, end = 'en') {
  for (const tag of ['zh-TW', 'en']) {
    await switchLanguage(page, tag);
    if (shot) await page.screenshot({ path: path.join(shots, `${shot}-${tag}.png`) });
    try {
      await checkProjector(page, `${what} (${tag})`);
    } catch (e) {
      if (!process.env.PROJECTOR_SOFT) throw e;
      softFailures.push(e.message);
    }
  }
  await switchLanguage(page, end);
}

/**
 * Three camps on nine statements, as the groups and lead tests vote: person `p` of camp `camp`
 * agrees where s % 3 == camp, passes on statement p % 9 (people differ a little), else disagrees.
 */
export function campVote(p, camp, s) {
  if (s === p % 9) return 'pass';
  return s % 3 === camp ? 'agree' : 'disagree';
}

/** A new 390 × 844 phone in `locale`, its script errors recorded into `errors`. */
export async function phonePageIn(browser, locale, errors) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale });
  return newPage(ctx, `phone ${locale}`, errors);
}
