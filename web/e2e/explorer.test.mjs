// The explorer, in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against the real `polyphony serve` on 127.0.0.1. The engine runs in a Web Worker
// (`/explorer-worker.js` over the polyphony-wasm bindings), never on the page's main thread:
// - the two-camp fixture is analysed without sending anything to the server, in 한국어, with
//   both methods (the second without reading the files again), axe-clean;
// - a synthetic export of 100,000 participants (written by this test into a temporary folder:
//   40 statements, three planted camps, 12 votes each, 1.2 million votes) shows a progress bar
//   (reading with a percentage, then the engine's steps), the page keeps painting frames while
//   the worker works, and the result shows 100,000 participants in at least two groups with the
//   map thinned to an even sample (and says so). The time to the result and the page's longest
//   frame gap are printed (README, "The explorer"), not asserted (speed targets live in
//   benchmarks);
// - a file that is not an export gets the engine's error, worded on the page; an engine that
//   cannot load is said in the page's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { axeSerious, checkStrings, launchBrowser, newPage, root, shots, startServer } from './helpers.mjs';

let server;
let browser;
let dataDir;
const errors = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  dataDir = mkdtempSync(path.join(tmpdir(), 'polyphony-explorer-'));
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The explorer in `locale`, counting every request that is not a GET (an upload). */
async function explorer(locale) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
  const page = await newPage(ctx, `explorer-${locale}`, errors);
  const uploads = [];
  page.on('request', (r) => { if (r.method() !== 'GET') uploads.push(r.url()); });
  await page.goto(`${server.base}/explore`);
  return { ctx, page, uploads };
}

test('the explorer analyses an export in a worker, without uploading it', async () => {
  const { ctx, page, uploads } = await explorer('ko-KR');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  const fixture = path.join(root, 'fixtures/two-camps');
  await page.setInputFiles('#files', [path.join(fixture, 'votes.json'), path.join(fixture, 'comments.json')]);
  await page.locator('#explore-result .group-card').first().waitFor();
  assert.ok((await page.locator('#explore-result .group-card').count()) >= 2);
  assert.deepEqual(workers.map((u) => new URL(u).pathname), ['/explorer-worker.js'], 'the engine runs in one worker');
  assert.equal(await page.locator('#explore-result').getAttribute('data-method'), 'workshop');
  // The other method: the export already read is analysed again.
  await page.selectOption('#preset', 'polis');
  await page.locator('#explore-result[data-method=polis]').waitFor();
  assert.equal(await page.locator('#explore-progress').count(), 0, 'no progress left behind');
  assert.ok((await page.locator('#explore-result .group-card').count()) >= 2);
  await checkStrings(page, 'ko');
  assert.deepEqual(uploads, [], 'nothing was sent to the server');
  assert.deepEqual(await axeSerious(page), [], 'explorer');
  await page.screenshot({ path: path.join(shots, 'explore-ko.png') });
  await ctx.close();
});

test('a file that is not an export is refused with the engine\'s words', async () => {
  const { ctx, page } = await explorer('en-US');
  const notes = path.join(dataDir, 'notes.txt');
  writeFileSync(notes, 'hello');
  await page.setInputFiles('#files', [notes]);
  const alert = page.locator('.explore .error[role=alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /comments\.csv/);
  assert.equal(await page.locator('#explore-progress').count(), 0, 'no progress left behind');
  await ctx.close();
});

test('an engine that cannot load is said in the page\'s language', async () => {
  const { ctx, page } = await explorer('zh-TW');
  await page.route(/explorer-worker\.js$/, (route) => route.abort());
  const fixture = path.join(root, 'fixtures/two-camps');
  await page.setInputFiles('#files', [path.join(fixture, 'votes.json'), path.join(fixture, 'comments.json')]);
  const alert = page.locator('.explore .error[role=alert]');
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), '無法載入分析引擎。請確認網路連線，再重新整理頁面。');
  assert.equal(await page.locator('#explore-progress').count(), 0, 'no progress left behind');
  await checkStrings(page, 'zh-TW');
  await ctx.close();
  // The script error the failed load logged is expected here.
  errors.splice(0, errors.length, ...errors.filter((e) => !e.startsWith('explorer-zh-TW')));
});

/** A small, seeded generator (mulberry32), so the export is the same on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE = 100000;
const STATEMENTS = 40;
const VOTES_EACH = 12;

/**
 * Writes comments.csv and votes.csv (Polis openData columns; `vote` 1 = agree, -1 = disagree)
 * for three camps: on statements 0–29 camp c agrees where s % 3 = c and disagrees elsewhere; all
 * agree on 30–39; one vote in ten is a pass.
 */
function writeSyntheticExport(dir) {
  const comments = ['timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body'];
  for (let s = 0; s < STATEMENTS; s += 1) {
    comments.push(`${1700000000000 + s},x,${s},0,0,0,1,Statement ${s} of the synthetic conversation`);
  }
  writeFileSync(path.join(dir, 'comments.csv'), `${comments.join('\n')}\n`);
  const next = random(7);
  const lines = ['timestamp,datetime,comment-id,voter-id,vote'];
  let time = 1700000100000;
  for (let p = 0; p < PEOPLE; p += 1) {
    const camp = p % 3;
    const seen = new Set();
    while (seen.size < VOTES_EACH) {
      const s = Math.floor(next() * STATEMENTS);
      if (seen.has(s)) continue;
      seen.add(s);
      let vote;
      if (next() < 0.1) vote = 0;
      else if (s >= 30) vote = 1;
      else vote = s % 3 === camp ? 1 : -1;
      time += 7;
      lines.push(`${time},x,${s},${p},${vote}`);
    }
  }
  writeFileSync(path.join(dir, 'votes.csv'), `${lines.join('\n')}\n`);
  return [path.join(dir, 'comments.csv'), path.join(dir, 'votes.csv')];
}

test('a 100,000-participant export: a progress bar, a page that keeps painting, and the groups', async () => {
  const files = writeSyntheticExport(dataDir);
  const { ctx, page, uploads } = await explorer('en-US');
  // The page's own frames while the worker works: how many, and the longest gap between two.
  await page.evaluate(() => {
    const frames = { count: 0, longest: 0, last: null, progressSeen: 0 };
    window.explorerFrames = frames;
    const tick = (now) => {
      if (document.querySelector('#explore-progress')) {
        frames.progressSeen += 1;
        if (frames.last !== null) frames.longest = Math.max(frames.longest, now - frames.last);
      }
      frames.last = now;
      frames.count += 1;
      if (!document.querySelector('#explore-result')) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    // Every line the progress bar shows, as it changes.
    window.explorerLines = new Set();
    new MutationObserver(() => {
      const line = document.querySelector('#explore-progress [role=status]')?.textContent;
      if (line) window.explorerLines.add(line.replace(/\d+%/, 'N%'));
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const t0 = Date.now();
  await page.setInputFiles('#files', files);
  // The bar: first the files being read, with a percentage, then the engine's steps.
  const bar = page.locator('#explore-progress progress');
  await bar.waitFor({ timeout: 30000 });
  // The main thread answers while the worker works.
  const answered = await page.evaluate(() => ({ busy: !!document.querySelector('#explore-progress'), sum: 1 + 1 }));
  assert.equal(answered.sum, 2);
  await page.locator('#explore-result .group-card').first().waitFor({ timeout: 300000 });
  const resultMs = Date.now() - t0;
  const frames = await page.evaluate(() => window.explorerFrames);
  const lines = new Set(await page.evaluate(() => [...window.explorerLines]));
  console.log(`explorer, ${PEOPLE} participants / ${PEOPLE * VOTES_EACH} votes: result after ${resultMs} ms; `
    + `${frames.progressSeen} frames painted while the progress bar showed, the longest gap ${Math.round(frames.longest)} ms; `
    + `progress lines seen: ${[...lines].join(' | ')}`);
  assert.ok(answered.busy, 'the page answered while the progress bar showed');
  assert.ok(frames.progressSeen >= 10, `the page kept painting while the worker worked (${frames.progressSeen} frames)`);
  assert.ok(lines.has('Reading the files: N%'), [...lines].join(' | '));
  assert.ok(lines.has('Finding the opinion groups…') || lines.has('Reading the votes…'), [...lines].join(' | '));
  const counts = await page.locator('#explore-result .counts-line').textContent();
  assert.match(counts, new RegExp(`${PEOPLE}`), counts);
  assert.ok((await page.locator('#explore-result .group-card').count()) >= 2);
  const dots = await page.locator('#opinion-map circle.dot').count();
  assert.ok(dots > 0 && dots <= 2000, `${dots} dots`);
  assert.match(await page.locator('#map-sample').textContent(), new RegExp(`${dots} of ${PEOPLE}`));
  assert.deepEqual(uploads, [], 'nothing was sent to the server');
  await page.screenshot({ path: path.join(shots, 'explore-100k.png') });
  await ctx.close();
  assert.deepEqual(errors, []);
});
