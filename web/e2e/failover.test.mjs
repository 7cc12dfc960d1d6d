// Failover as the people in the room live it (issue 23 item 4, "the projector resumes by
// itself"), in headless Chromium (Debian's /usr/bin/chromium via playwright-core) against three
// real `polyphony serve` processes on one fresh PostgreSQL database (`--advertise`, `--lease-ms
// 2000`, each on its own port). The facilitator creates the room through instance 1, which owns
// it. The projector (1920 × 1080) is opened through instance 2 (its page, requests and socket
// forwarded to the owner); two phones (390 × 844, in English) open the projector's QR code
// through instance 3 and vote, and three more (in 繁體中文, 日本語 and 한국어) join the same way;
// ten more people vote over the HTTP API until the room has groups. Then instance 1 is killed
// with SIGKILL, and the test checks, in the browser:
// - during the outage, the projector keeps its screen and says it is reconnecting; every phone
//   says, in its reader's language, that it is reconnecting to the room (the server closed its
//   socket with 1012 and answers 503 meanwhile: the phone's own network is fine, so it does not
//   say "Offline"); a vote tapped on a phone shows as waiting to be sent (not refused, not
//   lost); no error notice; the phone's notice, coming and going, does not move the statement
//   and its buttons under the participant's thumb;
// - once another instance took the room over, the phone's queued vote is acknowledged (its
//   saved queue empties, the server's count and the phone's own votes have it), and the
//   projector, never reloaded, shows counts that include the votes cast after the takeover;
// - no error or offline notice stays on any screen.
// Prints how long after the kill the projector was back and showed the new counts.
// Screenshots in target/screenshots/failover-*.png (before the kill, during the outage, after).
//
// Needs PostgreSQL: POLYPHONY_TEST_POSTGRES, a server URL whose role may create databases (the
// test makes its own and drops it); fails, never skips, without it. `cargo xtask test` runs it
// with its throw-away server; alone:
//   cargo xtask with-postgres sh -c 'POLYPHONY_BIN=target/release/polyphony node --test web/e2e/failover.test.mjs'
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  admissionCode, campVote, client, holdKey, joinApiPath, joinPath, launchBrowser, newPage, root, shots, tables, waitFor,
} from './helpers.mjs';

const PG = process.env.POLYPHONY_TEST_POSTGRES;
const BIN = process.env.POLYPHONY_BIN || path.join(root, 'target/release/polyphony');
const LEASE_MS = 2000;
/** Statements in the room; the API people vote on the first nine (three camps), the phones on
 * the first three before the kill, and everyone has some left for after. */
const STATEMENTS = 12;
const API_PEOPLE = 10;
/** API people who vote again as soon as the room is served after the kill. */
const AFTER_VOTERS = 3;
/** The most the test waits, from the kill, for the projector to show every vote. */
const BOUND_MS = 15000;

const instances = [];
let browser;
let dbName;
/** The instances' log lines, printed when the test fails (the outage fills them with 503s). */
const logs = [];
let passed = false;

after(async () => {
  await browser?.close();
  for (const i of instances) i.stop();
  if (dbName) psql(PG, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  if (!passed && logs.length) process.stderr.write(`the instances' logs:\n${logs.join('\n')}\n`);
});

/** One SQL command through Debian's `psql`; its output, trimmed. */
function psql(url, sql) {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `psql ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}

/** `url` with its database name replaced by `name`. */
function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts instance `n` of the cluster on database `db`: `{ n, base, child, stop }`; its log
 * lines are kept in `logs`, marked with its number. */
async function startInstance(n, db) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`, '--db', db, '--advertise', base,
    '--lease-ms', String(LEASE_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stderr }).on('line', (l) => logs.push(`[instance ${n}] ${l}`));
  const lines = createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${n} did not start`)), 15000);
    child.on('exit', (code) => reject(new Error(`instance ${n} exited (${code})`)));
    lines.on('line', (line) => {
      if (line.startsWith('Polyphony is listening on ')) { clearTimeout(timer); resolve(); }
    });
  });
  const instance = {
    n,
    base,
    child,
    stop() { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); },
  };
  instances.push(instance);
  return instance;
}

/** The app's notices that something is wrong, in language `lang`: every server error's
 * wording, the generic "Something went wrong:", "Offline…", "Reconnecting…" and "Reconnecting to
 * the room…". */
const noticesIn = (lang) => Object.entries(tables[lang])
  .filter(([k]) => /^Err[A-Z]/.test(k) || ['ErrorPrefix', 'NoSuchRoom', 'Offline', 'Reconnecting', 'RoomReconnecting'].includes(k))
  .map(([, v]) => v);

/** The notices in `lang` a page shows now (its visible text; one inside a longer one shown,
 * as 한국어's "다시 연결하는 중…" in "방에 다시 연결하는 중…", is that one), and its visible alerts. */
async function noticesOn(page, lang = 'en') {
  return page.evaluate((notices) => {
    const text = document.body.innerText;
    const alerts = [...document.querySelectorAll('[role=alert], .error, #refused')]
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => e.innerText.trim());
    const found = notices.filter((n) => text.includes(n));
    return { shown: found.filter((n) => !found.some((m) => m !== n && m.includes(n))), alerts };
  }, noticesIn(lang));
}

/** Where the phone's vote card starts, in px from the top of the page. */
const cardTop = (page) => page.locator('#vote-card').evaluate((e) => Math.round(e.getBoundingClientRect().top + window.scrollY));

/** A phone's saved queue of requests the server has not answered. */
const savedQueue = (page, code) => page.evaluate((c) => JSON.parse(localStorage.getItem(`polyphony.queue.${c}`) || '[]'), code);

/** Notes every change of the page's `data-online` and of the counts, with the machine's clock. */
async function watch(page) {
  await page.evaluate(() => {
    window.changes = [];
    const read = () => ({
      online: document.querySelector('main')?.dataset.online ?? null,
      votes: document.querySelector('#vote-count')?.textContent.trim() ?? null,
      people: document.querySelector('#participant-count')?.textContent.trim() ?? null,
    });
    let last = JSON.stringify(read());
    new MutationObserver(() => {
      const now = read();
      const s = JSON.stringify(now);
      if (s !== last) {
        last = s;
        window.changes.push({ ...now, at: Date.now() });
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    // Set once: still here at the end means the page was never loaded again.
    window.notReloaded = true;
  });
}

const shot = (page, name) => page.screenshot({ path: path.join(shots, `failover-${name}.png`) });

test('the owner killed mid-workshop: phones keep their votes, the projector resumes by itself', async () => {
  assert.ok(PG, 'failover.test.mjs needs PostgreSQL: set POLYPHONY_TEST_POSTGRES to a server URL whose role may '
    + 'create databases, or run it with a throw-away server: cargo xtask with-postgres sh -c '
    + '\'POLYPHONY_BIN=target/release/polyphony node --test web/e2e/failover.test.mjs\' (cargo xtask test does)');
  mkdirSync(shots, { recursive: true });
  dbName = `failover_e2e_${process.pid}`;
  psql(PG, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  psql(PG, `CREATE DATABASE ${dbName}`);
  const db = withDatabase(PG, dbName);
  // One at a time: the first creates the schema.
  const i1 = await startInstance(1, db);
  const i2 = await startInstance(2, db);
  const i3 = await startInstance(3, db);
  const [c1, c2, c3] = [i1, i2, i3].map((i) => client(i.base));
  browser = await launchBrowser();
  const pageErrors = [];

  // The facilitator creates the room through instance 1: it owns the room.
  const statements = Array.from({ length: STATEMENTS }, (_, i) => `Statement ${i + 1}: ride-hailing drivers and the rules they follow (${i + 1})`);
  const created = await c1.api('POST', '/api/rooms', { body: { topic: 'Ride-hailing in Taipei', statements, seed: 7 } });
  const code = created.room.code;
  const key = created.facilitator_key;
  const owner = () => psql(db, `SELECT l.address FROM room_leases l JOIN rooms r ON r.id = l.room_id WHERE r.code = '${code}'`);
  assert.equal(owner(), i1.base, 'instance 1 holds the room\'s lease');

  // The projector through instance 2, in a browser that holds the key (as one opened from the
  // console): its page, its admission reading and its socket are forwarded to instance 1.
  const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  await holdKey(screenCtx, i2.base, code, key);
  const screen = await newPage(screenCtx, 'projector', pageErrors);
  await screen.goto(`${i2.base}/r/${code}/screen`);
  await screen.locator('#room-code').filter({ hasText: code }).waitFor();
  const qr = screen.locator('.qr[data-join]');
  await qr.locator('svg').waitFor();

  // Two phones scan the projector's QR code, through instance 3; three readers of the other
  // languages too (they join and wait on the first statement).
  const phones = [];
  const readers = [];
  for (const [name, locale, lang] of [['A', 'en-US', 'en'], ['B', 'en-US', 'en'], ['C', 'zh-TW', 'zh-TW'], ['D', 'ja-JP', 'ja'], ['E', 'ko-KR', 'ko']]) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale });
    const page = await newPage(ctx, `phone ${name}`, pageErrors);
    await page.goto(`${i3.base}${joinPath(code, await qr.getAttribute('data-join'))}`);
    await page.locator('#consent').waitFor();
    await page.click('#consent-agree');
    await page.locator('#vote-card').waitFor();
    const token = await waitFor(() => page.evaluate((c) => localStorage.getItem(`polyphony.token.${c}`), code), `phone ${name} joined`);
    (lang === 'en' ? phones : readers).push({ name, page, token, lang });
  }
  const [phoneA, phoneB] = phones;

  // The people without the app join with the projector's code (read through instance 2) and
  // vote through instances 2 and 3 in three camps, until the room has groups.
  const people = [];
  for (let p = 0; p < API_PEOPLE; p += 1) {
    const via = p % 2 ? c3 : c2;
    const joined = await via.api('POST', joinApiPath(code, await admissionCode(i2.base, code, key)));
    people.push({ token: joined.participant_token, via });
  }
  for (const [p, person] of people.entries()) {
    for (let s = 0; s < 9; s += 1) {
      await person.via.api('POST', `/api/rooms/${code}/votes`, {
        token: person.token, body: { id: `v${s}`, statement: s, vote: campVote(p, p % 3, s) },
      });
    }
  }
  // Each phone taps three votes on the screen.
  for (const { page } of phones) {
    for (let i = 0; i < 3; i += 1) {
      const before = await page.locator('#vote-card').getAttribute('data-statement');
      await page.click(i % 2 ? '#disagree' : '#agree');
      await waitFor(async () => (await page.locator('#vote-card').getAttribute('data-statement')) !== before, 'the next statement');
    }
  }
  const view = () => c2.api('GET', `/api/rooms/${code}/view`);
  const voted = API_PEOPLE * 9 + 2 * 3;
  await waitFor(async () => {
    const v = await view();
    return v.votes === voted && (v.groups?.length ?? 0) >= 2;
  }, `${voted} votes and groups`, 30000);
  for (const p of phones) await waitFor(async () => (await savedQueue(p.page, code)).length === 0, `phone ${p.name}'s votes acknowledged`);
  const groupsBefore = (await view()).groups.map((g) => `${g.label}:${g.size}`).sort();
  await screen.locator('#vote-count').filter({ hasText: new RegExp(`^\\s*${voted}\\s*$`) }).waitFor();
  assert.equal((await screen.locator('#participant-count').textContent()).trim(), String(API_PEOPLE + phones.length + readers.length));
  await watch(screen);
  await watch(phoneA.page);
  await shot(screen, 'projector-before');
  await shot(phoneA.page, 'phone-before');
  const topBefore = await cardTop(phoneA.page);
  assert.deepEqual(await noticesOn(screen), { shown: [], alerts: [] }, 'projector before the kill');
  assert.deepEqual(await noticesOn(phoneA.page), { shown: [], alerts: [] }, 'phone before the kill');

  // The owner dies.
  const killedAt = Date.now();
  i1.child.kill('SIGKILL');

  // People without the app keep trying to vote through instance 3 (as a phone resends): each
  // vote counts once the room is served again, so every one of them is cast after the takeover.
  const afterVotes = people.slice(0, AFTER_VOTERS).map(async (person, p) => {
    const body = { id: 'after', statement: 9, vote: campVote(p, p % 3, 9) };
    for (;;) {
      const r = await c3.call('POST', `/api/rooms/${code}/votes`, { token: person.token, body });
      if (r.status >= 200 && r.status < 300) return Date.now();
      assert.equal(r.status, 503, `a vote during the outage: ${r.status} ${JSON.stringify(r.body)}`);
      assert.ok(Date.now() - killedAt < BOUND_MS, 'the room is served again');
      await new Promise((done) => setTimeout(done, 200));
    }
  });

  // During the outage: phone A's socket has closed; a vote tapped now waits in its queue.
  await phoneA.page.locator('main[data-online=false]').waitFor({ timeout: 5000 });
  // Every reader's phone says, in its language, that it is reconnecting to the room, not that
  // it is offline: its own network is fine.
  const readersDuring = await Promise.all(readers.map(async ({ name, page, lang }) => {
    const notice = page.locator('#offline[data-outage=reconnecting] [data-i18n=RoomReconnecting]');
    await notice.waitFor({ timeout: 5000 });
    const read = { name, lang, text: (await notice.textContent()).trim(), notices: await noticesOn(page, lang) };
    await shot(page, `phone-${lang}-outage`);
    return { ...read, online: await page.locator('main').getAttribute('data-online') };
  }));
  const outageId = Number(await phoneA.page.locator('#vote-card').getAttribute('data-statement'));
  await phoneA.page.click('#agree');
  const tappedAt = Date.now();
  const offline = phoneA.page.locator('#offline');
  await offline.filter({ hasText: tables.en.QueuedVote }).waitFor({ timeout: 2000 });
  const queued = await savedQueue(phoneA.page, code);
  assert.equal(queued.length, 1, 'the vote tapped in the outage is kept in the phone\'s queue');
  assert.equal(await phoneA.page.locator('main').getAttribute('data-online'), 'false', 'still in the outage (the check above was not too late)');
  await screen.locator('main[data-online=false]').waitFor({ timeout: 5000 });
  await shot(phoneA.page, 'phone-outage');
  await shot(screen, 'projector-outage');
  const outageNotices = { phone: await noticesOn(phoneA.page), projector: await noticesOn(screen) };
  assert.equal(await phoneA.page.locator('main').getAttribute('data-online'), 'false', 'the outage screenshots were taken in the outage');
  console.log(`during the outage: phone A shows ${JSON.stringify(outageNotices.phone.shown)}, projector ${JSON.stringify(outageNotices.projector.shown)}`);
  // The phone says it is reconnecting to the room and that the vote waits; nothing refused, no
  // error. The notice does not push the statement and its buttons down under the thumb (nor up
  // when it goes).
  assert.equal(await cardTop(phoneA.page), topBefore, 'the vote card stays where it was when the notice shows');
  assert.deepEqual(outageNotices.phone.alerts, [], 'no alert on the phone in the outage');
  assert.deepEqual(outageNotices.phone.shown, [tables.en.RoomReconnecting],
    'the phone says it is reconnecting to the room (not "Offline": its network is fine), and nothing else');
  assert.equal(await offline.getAttribute('data-outage'), 'reconnecting');
  for (const r of readersDuring) {
    console.log(`during the outage: phone ${r.name} (${r.lang}) says ${JSON.stringify(r.text)}`);
    assert.equal(r.online, 'false', `phone ${r.name} was read in the outage`);
    assert.equal(r.text, tables[r.lang].RoomReconnecting, `phone ${r.name} says it in ${r.lang}`);
    assert.deepEqual(r.notices, { shown: [tables[r.lang].RoomReconnecting], alerts: [] }, `phone ${r.name}: that notice only`);
  }
  assert.deepEqual(outageNotices.projector, { shown: [tables.en.Reconnecting], alerts: [] }, 'the projector shows only "Reconnecting…"');
  // The projector keeps the room on screen, with the counts it had.
  assert.equal((await screen.locator('#vote-count').textContent()).trim(), String(voted));
  assert.equal(await screen.locator('#room-code').textContent(), code);

  // Another instance takes the room over.
  const takenOver = await waitFor(() => {
    const o = owner();
    return o !== i1.base ? o : null;
  }, 'another instance holds the lease', BOUND_MS);
  assert.ok([i2.base, i3.base].includes(takenOver), `the new owner ${takenOver} is instance 2 or 3`);
  const servedAt = Math.min(...await Promise.all(afterVotes));

  // Phone A resends its queued vote; it is acknowledged (its queue empties, the banner goes).
  await phoneA.page.locator('main[data-online=true]').waitFor({ timeout: BOUND_MS });
  await waitFor(async () => (await savedQueue(phoneA.page, code)).length === 0, 'phone A\'s queued vote acknowledged', BOUND_MS);
  const ackedAt = Date.now();
  await offline.waitFor({ state: 'detached', timeout: 2000 });
  assert.equal(await cardTop(phoneA.page), topBefore, 'the vote card stays where it was when the notice goes');
  const mine = await c3.api('GET', `/api/rooms/${code}/me`, { token: phoneA.token });
  assert.ok(mine.votes.some((v) => v.statement === outageId && v.vote === 'agree'), 'the server has phone A\'s outage vote');

  // Phone B, back too, votes after the takeover.
  await phoneB.page.locator('main[data-online=true]').waitFor({ timeout: BOUND_MS });
  await phoneB.page.click('#agree');
  await waitFor(async () => (await savedQueue(phoneB.page, code)).length === 0, 'phone B\'s vote acknowledged', BOUND_MS);

  // The projector, never reloaded, shows every vote: before, the outage's, and after.
  const total = voted + 1 + AFTER_VOTERS + 1;
  await waitFor(async () => (await view()).votes === total, `${total} votes on the server`, BOUND_MS);
  await screen.locator('#vote-count').filter({ hasText: new RegExp(`^\\s*${total}\\s*$`) }).waitFor({ timeout: BOUND_MS });
  assert.equal(await screen.evaluate(() => window.notReloaded), true, 'the projector was not loaded again');
  const changes = await screen.evaluate(() => window.changes);
  const back = changes.find((c) => c.online === 'true');
  const firstNew = changes.find((c) => Number(c.votes) > voted);
  const all = changes.find((c) => Number(c.votes) === total);
  const phoneChanges = await phoneA.page.evaluate(() => window.changes);
  const phoneBack = phoneChanges.filter((c) => c.online === 'true').pop();
  const ms = (t) => (t === undefined ? 'never' : `${t - killedAt} ms`);
  console.log(`failover: lease ${LEASE_MS} ms; room served again (first vote through instance 3 accepted) ${ms(servedAt)} after the kill; `
    + `new owner ${takenOver === i2.base ? 'instance 2' : 'instance 3'}`);
  console.log(`failover: phone A back online ${ms(phoneBack?.at)}, its outage vote (tapped ${ms(tappedAt)}) acknowledged by ${ms(ackedAt)}`);
  console.log(`failover: projector back online ${ms(back?.at)}, first count with votes cast after the takeover ${ms(firstNew?.at)} `
    + `(${firstNew?.votes}), every vote (${total}) ${ms(all?.at)}`);
  assert.ok(back && firstNew && all, 'the projector came back and showed the new counts');
  assert.ok(all.at - killedAt < BOUND_MS, `the projector showed every vote within ${BOUND_MS} ms of the kill`);
  // The groups are those of before the kill (rebuilt from the database) with the new votes.
  assert.ok((await view()).groups.length >= 2, 'the room still has groups');
  console.log(`groups before the kill ${groupsBefore.join(', ')}; after ${(await view()).groups.map((g) => `${g.label}:${g.size}`).sort().join(', ')}`);

  // No error or offline notice stays on either screen.
  await shot(screen, 'projector-after');
  await shot(phoneA.page, 'phone-after');
  await shot(phoneB.page, 'phone-b-after');
  await new Promise((done) => setTimeout(done, 2000));
  const everyScreen = [['projector', screen, 'en'], ...[...phones, ...readers].map((p) => [`phone ${p.name}`, p.page, p.lang])];
  for (const [what, page, lang] of everyScreen) {
    await page.locator('main[data-online=true]').waitFor({ timeout: BOUND_MS });
    assert.deepEqual(await noticesOn(page, lang), { shown: [], alerts: [] }, `${what} after the takeover`);
    assert.equal(await page.locator('main').getAttribute('data-online'), 'true', `${what} online`);
  }
  // The projector's QR code still lets people in (its admission code read again through
  // instance 2, now from the new owner).
  await waitFor(async () => (await qr.getAttribute('data-join')) === await admissionCode(i2.base, code, key), 'the QR code carries the current joining code');
  // The browser logs each socket refused and each 503 of the outage; nothing else.
  const outageLog = / console: (WebSocket connection to .* failed|Failed to load resource: the server responded with a status of 503)/;
  assert.deepEqual(pageErrors.filter((e) => !outageLog.test(e)), [], 'no script errors, no console errors but the outage\'s');
  passed = true;
});
