// The phone at the edges of a workshop, in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core) against the real `polyphony serve` on 127.0.0.1, on a small phone (360 px
// wide) in 繁體中文 and 한국어. The facilitator's controls are set over the HTTP API
// (`POST /api/rooms/{code}/controls` with the key): voting paused (the phone says so, and a vote
// made meanwhile reaches the server only after voting resumes), the timer, the spotlight, a
// second vote (statements asked again, with the earlier vote), results hidden, a spectrum's
// later round with the earlier place as a reminder; at the report stage no round buttons and no
// statement form, and the report link once published; a closed room's closing screen; a late
// arrival at a closed room (by the QR code or a typed address) and a wrong join code (with a way
// to try again, then the projector's joining code typed), worded in the reader's language without
// the server's English; a statement the facilitator rejected, shown to its author as not shown
// to the room; a refusal worded from its code. Phones come in as by the projector's QR code
// (with its joining code, read with the facilitator key as the projector reads it). axe-core
// finds nothing serious or critical; every marked string matches its table; screenshots in
// target/screenshots/.
// POLYPHONY_BIN runs another server build (the web app is embedded in the binary at build time).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  admissionCode, axeSerious, brokenKoreanWords, checkStrings as checkStringsAtLeast, launchBrowser, newPage, scanUrl,
  shots, startServer, switchLanguage, tables, waitFor,
} from './helpers.mjs';

let server;
let base;
let browser;

before(async () => {
  server = await startServer();
  base = server.base;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const pageErrors = [];

/** A small phone (360 × 740) in `locale`, recording script errors. */
async function phonePage(locale, name) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale });
  return newPage(ctx, name, pageErrors);
}

/** Every marked UI string equals its table entry (a phone screen may show only a few). */
const checkStrings = (page, tag) => checkStringsAtLeast(page, tag, 1);

/** Requests to the test's server (helpers.mjs `client`). */
const api = (...args) => server.api(...args);

/** Nothing is wider than the phone's screen. */
async function fits(page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(wide, false, `${what}: nothing wider than 360 px`);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** The room's text as the page shows it, for "no English sentence" checks. */
const bodyText = (page) => page.evaluate(() => document.querySelector('main').innerText);

/** The server's English sentences a participant must never see. */
const ENGLISH = /room is closed|not found|no room|voting is paused|already has|something went wrong/i;

const SEEDS = [
  '夜間搭車時，安全比車資更重要。',
  '網路叫車司機應該和計程車司機一樣取得職業駕照。',
  '平台應該公開車資的計算方式。',
  '偏鄉居民也應該叫得到車。',
  '尖峰時段不應該任意加價。',
];

async function createRoom(topic, language = 'zh-TW') {
  const created = await api('POST', '/api/rooms', { body: { topic, language, statements: SEEDS, seed: 5 } });
  return { code: created.room.code, key: created.facilitator_key };
}

/** Taps "I agree" on the consent screen. */
async function agree(page) {
  await page.locator('#consent').waitFor();
  await page.click('#consent-agree');
  await page.locator('#consent').waitFor({ state: 'detached' });
}

/** Taps `button` on the statement on screen; returns its id once the card has moved on. */
async function voteOnce(page, button = 'agree') {
  const card = page.locator('#vote-card');
  await card.waitFor();
  const id = Number(await card.getAttribute('data-statement'));
  await page.click(`#${button}`);
  await page.waitForFunction((prev) => {
    const c = document.querySelector('#vote-card');
    return !c || c.getAttribute('data-statement') !== String(prev);
  }, id);
  return id;
}

test('the phone follows the facilitator: pause, timer, spotlight, second vote, report, close', async () => {
  const { code, key } = await createRoom('網路叫車在台北');
  const control = (body) => api('POST', `/api/rooms/${code}/controls`, { key, body });
  const stage = (name) => api('POST', `/api/rooms/${code}/stage`, { key, body: { stage: name } });
  const view = () => api('GET', `/api/rooms/${code}/view`);

  const phone = await phonePage('zh-TW', 'phone zh-TW');
  await phone.goto(await scanUrl(base, code, key));
  await agree(phone);
  await phone.locator('#stage-line[data-stage=collect]').waitFor();
  const token = await phone.evaluate((c) => localStorage.getItem(`polyphony.token.${c}`), code);
  assert.ok(token, 'the phone joined');

  // Voting paused: the phone says so; a vote made meanwhile waits on the phone.
  await control({ action: 'pause_voting' });
  await phone.locator('#paused').waitFor();
  assert.match(await phone.locator('#paused').innerText(), /投票暫停中，請看投影幕。/);
  const pausedVote = await voteOnce(phone, 'disagree');
  await phone.locator('#paused').filter({ hasText: '有 1\u00a0票等待送出' }).waitFor();
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await view()).votes, 0, 'no vote reaches the server while voting is paused');
  await fits(phone, 'paused');
  await shot(phone, 'phone-paused-zh-TW');
  assert.deepEqual(await axeSerious(phone), [], 'paused phone');
  await checkStrings(phone, 'zh-TW');
  // Resumed: the held vote goes out by itself, and the banner leaves.
  await control({ action: 'resume_voting' });
  await phone.locator('#paused').waitFor({ state: 'detached' });
  await waitFor(async () => (await view()).votes === 1, 'the held vote reaches the server');
  const me = await api('GET', `/api/rooms/${code}/me`, { token });
  assert.deepEqual(me.votes, [{ statement: pausedVote, vote: 'disagree' }], 'the vote made while paused, as made');

  // A refusal, worded from its code: a statement the room already has.
  await phone.fill('#new-statement', SEEDS[0]);
  await phone.click('#add-statement button[type=submit]');
  await phone.locator('#refused').filter({ hasText: tables['zh-TW'].ErrDuplicateStatement }).waitFor();
  assert.doesNotMatch(await bodyText(phone), ENGLISH);
  // A statement of the phone's own, which the facilitator rejects: shown kindly to its author.
  const mine = '司機的休息時間應該要有上限。';
  await phone.fill('#new-statement', mine);
  await phone.click('#add-statement button[type=submit]');
  await phone.locator('#my-statements li', { hasText: mine }).waitFor();
  const items = await api('GET', `/api/rooms/${code}/statements`, { key });
  const mineId = items.find((i) => i.statement.text === mine).statement.id;
  await api('POST', `/api/rooms/${code}/statements/${mineId}/moderation`, { key, body: { state: 'rejected' } });
  const rejected = phone.locator(`#my-statements li[data-statement="${mineId}"][data-moderation=rejected]`);
  await rejected.locator('.not-shown').filter({ hasText: tables['zh-TW'].PhoneNotShown }).waitFor();
  await phone.locator('#not-shown-why').waitFor();
  await fits(phone, 'rejected statement');
  await shot(phone, 'phone-rejected-zh-TW');

  // Every seed voted on; the timer and the spotlight (a statement voted on before).
  while (await phone.locator('#vote-card').count()) await voteOnce(phone, 'agree');
  await phone.locator('#all-voted').waitFor();
  await control({ action: 'start_timer', minutes: 2 });
  const timer = phone.locator('#phone-timer');
  await timer.waitFor();
  assert.match(await timer.innerText(), /^剩下 0[12]:\d\d$/);
  const left = Number(await timer.getAttribute('data-left'));
  assert.ok(left > 100 && left <= 120, `${left} s left`);
  await phone.waitForFunction((before) => Number(document.querySelector('#phone-timer').dataset.left) < before, left,
    { timeout: 5000 });
  await control({ action: 'spotlight', statement: pausedVote });
  const spot = phone.locator(`#spotlight[data-statement="${pausedVote}"]`);
  await spot.locator('.statement-text').filter({ hasText: SEEDS[pausedVote] }).waitFor();
  assert.match(await spot.innerText(), /你的投票：不同意/);
  await fits(phone, 'spotlight');
  await shot(phone, 'phone-spotlight-zh-TW');
  assert.deepEqual(await axeSerious(phone), [], 'phone with the spotlight and the timer');
  // After a reload the phone no longer holds that text: it reads it from the room view.
  await phone.reload();
  await spot.locator('.statement-text').filter({ hasText: SEEDS[pausedVote] }).waitFor();
  await checkStrings(phone, 'zh-TW');
  await control({ action: 'spotlight', statement: null });
  await spot.waitFor({ state: 'detached' });

  // A second vote on two statements: asked again, with the earlier vote as a reminder.
  const again = [pausedVote, (pausedVote + 1) % SEEDS.length];
  await control({ action: 'open_revote', statements: again });
  const card = phone.locator('#vote-card[data-again=true]');
  await card.waitFor();
  const first = Number(await card.getAttribute('data-statement'));
  assert.ok(again.includes(first), `statement ${first} is asked again`);
  const before = first === pausedVote ? '不同意' : '同意';
  assert.equal(await phone.locator('#asked-again').innerText(), `再問一次 · 第 1\u00a0則，共 2\u00a0則 · 上次你選了：${before}`);
  await fits(phone, 'asked again');
  await shot(phone, 'phone-revote-zh-TW');
  assert.deepEqual(await axeSerious(phone), [], 'phone asked again');
  await voteOnce(phone, 'pass');
  await phone.locator('#vote-card[data-again=true]').waitFor();
  await phone.locator('#asked-again .revote-place').filter({ hasText: '第 2\u00a0則，共 2\u00a0則' }).waitFor();
  await voteOnce(phone, 'pass');
  await phone.locator('#all-voted').waitFor();
  await waitFor(async () => {
    const v = (await api('GET', `/api/rooms/${code}/me`, { token })).votes;
    return again.every((s) => v.some((x) => x.statement === s && x.vote === 'pass'));
  }, 'the second votes on the server');
  await control({ action: 'close_revote' });

  // Results hidden: the phone says so rather than "no group yet".
  await control({ action: 'hide_results' });
  await stage('groups');
  await phone.locator('#results-hidden').waitFor();
  await phone.locator('#stage-line[data-stage=groups]').filter({ hasText: '請看投影幕。' }).waitFor();
  await control({ action: 'reveal_results' });
  await phone.locator('#results-hidden').waitFor({ state: 'detached' });

  // A spectrum of three rounds: from round 2 on, the place in the round before as a reminder.
  const spectrum = await api('POST', `/api/rooms/${code}/spectrums`, { key, body: { statement: 0 } });
  await phone.locator('#spectrum[data-round="1"]').waitFor();
  await phone.click('#spectrum button[data-position="1"]');
  await phone.locator('#spectrum button[data-position="1"][aria-pressed=true]').waitFor();
  await api('POST', `/api/rooms/${code}/spectrums/${spectrum.id}/round`, { key, body: { open: 2 } });
  await phone.locator('#spectrum[data-round="2"] #previous-position').filter({ hasText: '第 1\u00a0輪你選了：有點同意' }).waitFor();
  await phone.click('#spectrum button[data-position="-2"]');
  await phone.locator('#spectrum button[data-position="-2"][aria-pressed=true]').waitFor();
  await api('POST', `/api/rooms/${code}/spectrums/${spectrum.id}/round`, { key, body: { open: 3 } });
  await phone.locator('#spectrum[data-round="3"] #previous-position').filter({ hasText: '第 2\u00a0輪你選了：非常不同意' }).waitFor();
  await shot(phone, 'phone-spectrum-round3-zh-TW');

  // The report stage: no round buttons, no statement form; the report once published.
  await stage('report');
  await phone.locator('#stage-line[data-stage=report]').waitFor();
  await phone.locator('#spectrum').waitFor({ state: 'detached' });
  assert.equal(await phone.locator('#add-statement').count(), 0, 'no statement form at the report stage');
  assert.equal(await phone.locator('#report-link').count(), 0, 'no report link before it is published');
  await control({ action: 'publish_report' });
  const link = phone.locator('#report-link');
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `/r/${code}/report?lang=zh-TW`, "the report in the phone's language");
  assert.equal((await fetch(`${base}/r/${code}/report?lang=zh-TW`)).status, 200, 'the link leads to the report');
  await fits(phone, 'report stage');
  await shot(phone, 'phone-report-zh-TW');
  assert.deepEqual(await axeSerious(phone), [], 'phone at the report stage');

  // Closed: thanks and the report; nothing left to tap.
  await api('POST', `/api/rooms/${code}/close`, { key });
  await phone.locator('#closing').waitFor();
  await phone.locator('#closing #report-link').waitFor();
  for (const gone of ['#vote-card', '#all-voted', '#spectrum', '#add-statement', '#paused']) {
    assert.equal(await phone.locator(gone).count(), 0, `${gone} on a closed room`);
  }
  await fits(phone, 'closing screen');
  await shot(phone, 'phone-closing-zh-TW');
  assert.deepEqual(await axeSerious(phone), [], 'closing screen');
  await checkStrings(phone, 'zh-TW');
  await switchLanguage(phone, 'ko');
  await checkStrings(phone, 'ko');
  await shot(phone, 'phone-closing-ko');

  // A late arrival at the closed room, in Korean (scanning the code the projector still shows):
  // told so, with the report, without English.
  const late = await phonePage('ko-KR', 'late phone ko');
  await late.goto(await scanUrl(base, code, key));
  await late.locator('#join-failed[data-reason=closed] #closing').waitFor();
  assert.match(await late.locator('#closing h2').innerText(), new RegExp(tables.ko.ErrRoomClosed));
  await late.locator('#closing #report-link').waitFor();
  assert.doesNotMatch(await bodyText(late), ENGLISH);
  await checkStrings(late, 'ko');
  await fits(late, 'late arrival');
  await shot(late, 'phone-late-ko');
  assert.deepEqual(await axeSerious(late), [], 'late arrival');
  // One who typed the address is told the same: a closed room asks for no joining code.
  const typed = await phonePage('ko-KR', 'late phone ko, typed address');
  await typed.goto(`${base}/r/${code}`);
  await typed.locator('#join-failed[data-reason=closed] #closing').waitFor();
  assert.equal(await typed.locator('#admission-form').count(), 0, 'no joining code asked at a closed room');
  const unexpected = pageErrors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|40[349]/.test(e));
  assert.deepEqual(unexpected, []);
});

test('a wrong join code leads to a page where one can try again', async () => {
  const { code, key } = await createRoom('다시 시도', 'ko');
  const page = await phonePage('ko-KR', 'wrong code ko');
  await page.goto(`${base}/`);
  await page.fill('#join-code', 'zzzzzz');
  await page.click('#join-form button[type=submit]');
  await page.waitForURL(`${base}/r/ZZZZZZ`);
  await page.locator('#join-failed[data-reason=no_such_room] #join-error').filter({ hasText: tables.ko.NoSuchRoom }).waitFor();
  assert.equal(await page.inputValue('#join-code'), 'ZZZZZZ', 'the wrong code, ready to correct');
  assert.doesNotMatch(await bodyText(page), ENGLISH);
  await checkStrings(page, 'ko');
  await fits(page, 'wrong code');
  await shot(page, 'phone-wrong-code-ko');
  assert.deepEqual(await axeSerious(page), [], 'wrong code page');
  // Trying again with the right code finds the room, which asks for the joining code on the
  // projector (a typed address carries none); with it the phone joins.
  await page.fill('#join-code', code.toLowerCase());
  await page.click('#join-form button[type=submit]');
  await page.waitForURL(`${base}/r/${code}`);
  await page.locator('#join-failed[data-reason=admission] #join-ask').filter({ hasText: tables.ko.AdmissionAsk }).waitFor();
  assert.doesNotMatch(await bodyText(page), ENGLISH);
  await checkStrings(page, 'ko');
  await fits(page, 'joining code');
  await page.fill('#admission-code', await admissionCode(base, code, key));
  await Promise.all([page.waitForEvent('load'), page.click('#admission-form button[type=submit]')]);
  await agree(page);
  await page.locator('#vote-card').waitFor();
  await checkStrings(page, 'ko');
  await shot(page, 'phone-joined-ko');
  const unexpected = pageErrors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|40[349]/.test(e));
  assert.deepEqual(unexpected, []);
});

test('the phone shows its group by the name the facilitator gave it, and hides it with the results', async () => {
  // Ten statements, eight people over the API in two camps and the phone in camp 0: two groups.
  const statements = Array.from({ length: 10 }, (_, i) => `第 ${i + 1} 則：關於叫車的看法 ${i + 1}`);
  const created = await api('POST', '/api/rooms', { body: { topic: '群組名稱', language: 'zh-TW', statements, seed: 3 } });
  const { code } = created.room;
  const key = created.facilitator_key;
  const control = (body) => api('POST', `/api/rooms/${code}/controls`, { key, body });
  const campVote = (camp, s) => (s < 5 && (camp === 0) !== (s % 2 === 0) ? 'disagree' : 'agree');
  // One request at a time: the server limits connections per address.
  for (let p = 0; p < 8; p += 1) {
    const { participant_token: token } = await server.join(code, key);
    for (let s = 0; s < statements.length; s += 1) {
      await api('POST', `/api/rooms/${code}/votes`, { token, body: { id: `v${s}`, statement: s, vote: campVote(p % 2, s) } });
    }
  }
  const phone = await phonePage('ko-KR', 'group phone ko');
  await phone.goto(await scanUrl(base, code, key));
  await agree(phone);
  for (;;) {
    const card = phone.locator('#vote-card');
    await card.or(phone.locator('#all-voted')).first().waitFor();
    if (!(await card.count())) break;
    const id = Number(await card.getAttribute('data-statement'));
    await voteOnce(phone, campVote(0, id));
  }
  await api('POST', `/api/rooms/${code}/stage`, { key, body: { stage: 'groups' } });
  const badge = phone.locator('#group-badge');
  await badge.waitFor({ timeout: 20000 });
  const token = await phone.evaluate((c) => localStorage.getItem(`polyphony.token.${c}`), code);
  const { group } = await api('GET', `/api/rooms/${code}/me`, { token });
  assert.ok(group, 'the phone is in a group');
  await control({ action: 'name_group', group: group.id, name: 'Safety first' });
  await badge.locator('#group-name').filter({ hasText: 'Safety first' }).waitFor();
  assert.match(await badge.innerText(), new RegExp(`${group.label} 그룹입니다 · Safety first`));
  // Same-group tables: the table card names the group too.
  await api('POST', `/api/rooms/${code}/tables`, { key, body: { mode: 'same_group', size: 8 } });
  await phone.locator('#table-card .table-meta').filter({ hasText: `${group.label} 그룹 · Safety first` }).waitFor();
  await phone.locator('#stage-line[data-stage=tables]').filter({ hasText: tables.ko.PhoneHintTables }).waitFor();
  await fits(phone, 'named group and table');
  await shot(phone, 'phone-group-name-ko');
  assert.deepEqual(await axeSerious(phone), [], 'phone with a named group');
  await checkStrings(phone, 'ko');
  // Results hidden: no group on the phone, and it says why.
  await control({ action: 'hide_results' });
  await badge.waitFor({ state: 'detached' });
  // At the tables stage the group (and why it is not shown) is folded under "my room".
  await phone.locator('#my-room #results-hidden').filter({ hasText: tables.ko.PhoneResultsHidden }).waitFor({ state: 'attached' });
  await shot(phone, 'phone-results-hidden-ko');
  await control({ action: 'reveal_results' });
  // At the tables stage the table is the phone's task: the group is folded under "my room".
  await badge.waitFor({ state: 'attached' });
  assert.equal(await phone.locator('#task').getAttribute('data-task'), 'table');
  const unexpected = pageErrors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|40[349]/.test(e));
  assert.deepEqual(unexpected, []);
});

// The longest statements a room takes (280 characters), in Latin and in CJK script, and a long
// Korean one, on a 390 × 844 phone: the statement and its three buttons, asked first or again, and
// the spectrum's five steps (under the Latin one), stay on the first screen (the walk-through's
// 244-character statement pushed the buttons below it); a Korean statement keeps its words whole
// on a phone in Korean and on one in English.
test('a long statement keeps its buttons on the phone\'s first screen', async () => {
  const en = `I believe that around metro stations, bus stops and schools ${'scooters should be slowed down and parked in marked bays, '.repeat(5)}`.slice(0, 280).trim();
  const zh = '我認為在捷運站、公車站與學校周邊，滑板車應該一律限速並設置明顯的停車區，而且業者要負責每天巡查與移走擋住無障礙通道的車輛。'.repeat(5).slice(0, 280);
  const ko = '지하철역과 버스 정류장, 학교 주변에서는 킥보드 속도를 항상 낮추고 눈에 잘 띄는 주차 구역을 마련해야 하며, 업체는 매일 순찰하면서 휠체어 통로를 막는 킥보드를 치워야 한다고 생각한다.';
  assert.equal(en.length, 280);
  assert.equal([...zh].length, 280);
  const created = await api('POST', '/api/rooms', { body: { topic: '共享電動滑板車該不該上人行道？', language: 'zh-TW', statements: [en, zh, ko], seed: 3 } });
  const { code } = created.room;
  const key = created.facilitator_key;
  const onScreen = async (page, what, selectors) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const sel of selectors) {
      const box = await page.locator(sel).boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= 844, `${what}: ${sel} on the first screen (${box && Math.round(box.y + box.height)})`);
    }
  };
  const phones = [];
  for (const locale of ['en', 'ko']) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale });
    const phone = await newPage(ctx, `long-statement phone ${locale}`, pageErrors);
    await phone.goto(await scanUrl(base, code, key));
    await agree(phone);
    phones.push({ locale, phone });
  }
  for (const { locale, phone } of phones) {
    for (let i = 0; i < 3; i += 1) {
      const card = phone.locator('#vote-card');
      await card.waitFor();
      const id = Number(await card.getAttribute('data-statement'));
      await onScreen(phone, `${locale} statement ${id}`, ['#statement', '#agree', '#disagree', '#pass']);
      if (id === 2) assert.deepEqual(await brokenKoreanWords(phone, '#vote-card'), [], `${locale}: Korean words whole`);
      await shot(phone, `phone-long-${locale}-${id}`);
      await voteOnce(phone, 'pass');
    }
  }
  const phone = phones[0].phone;
  // Asked again: the earlier vote's line above the statement.
  await api('POST', `/api/rooms/${code}/controls`, { key, body: { action: 'open_revote', statements: [0, 1] } });
  for (let i = 0; i < 2; i += 1) {
    await phone.locator('main[data-task=revote] #asked-again').waitFor();
    await onScreen(phone, `second vote ${i}`, ['#asked-again', '#statement', '#pass']);
    await voteOnce(phone, 'agree');
  }
  await api('POST', `/api/rooms/${code}/controls`, { key, body: { action: 'close_revote' } });
  // The spectrum's five steps under the longest statement in Latin script (280 CJK characters fit
  // above the three vote buttons only: the five steps need more room).
  await api('POST', `/api/rooms/${code}/spectrums`, { key, body: { statement: 0 } });
  await phone.locator('#spectrum').waitFor();
  await onScreen(phone, 'spectrum', ['#spectrum .statement-text', ...[-2, -1, 0, 1, 2].map((x) => `#spectrum button[data-position="${x}"]`)]);
  await shot(phone, 'phone-long-spectrum');
  // "Round 1" is said whole: its number never alone on the heading's next line.
  const roundLines = await phone.locator('#spectrum h2 [data-i18n-template=Round]').evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });
  assert.equal(roundLines, 1, 'the round on one line');
  const unexpected = pageErrors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|40[349]/.test(e));
  assert.deepEqual(unexpected, []);
});
