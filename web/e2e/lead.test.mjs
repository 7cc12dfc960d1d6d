// One task at a time: the whole workshop walked as a first-time facilitator would, in headless
// Chromium (Debian's /usr/bin/chromium via playwright-core) against the real `polyphony serve`.
// A 繁體中文 room with a briefing, 16 participants in three camps — four real phones (zh-TW, en,
// ja, ko; 390 × 844) and twelve over the API — every stage from the briefing to a closed room, a
// second vote. At every stage each phone's current task is on its first screen (statement and
// buttons, the five spectrum steps, the table number) and nothing from a stage the room has left
// is asked; the console is a run sheet (stage, next step, the projector's page, counts) that asks
// before changing every screen, on the screen wherever the console is scrolled, and makes a
// stage's own step (reveal, publish) the primary one; the projector says what is happening (paused, closed, the spectrum's counts);
// the report says which way each shared statement goes, opens in the phone's language and
// prints short. axe finds nothing serious. Screenshots of every stage in target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  axeSerious, brokenKoreanWords, checkProjector, holdKey, launchBrowser, newPage, scanUrl, shots, startServer, tables, waitFor,
  campVote, phonePageIn,
} from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const api = (...args) => server.api(...args);
const pageErrors = [];
const N = 9;
const LOCALES = ['zh-TW', 'en', 'ja', 'ko'];


/** A 390 × 844 phone in `locale`. */
const phonePage = (locale) => phonePageIn(browser, locale, pageErrors);

/** Every element of `selectors` is on the phone's first screen (top ≥ 0, bottom ≤ 844). */
async function onFirstScreen(page, what, selectors) {
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const sel of selectors) {
    const box = await page.locator(sel).first().boundingBox();
    assert.ok(box, `${what}: ${sel} is shown`);
    assert.ok(box.y >= 0 && box.y + box.height <= 844, `${what}: ${sel} within the first 390 × 844 (${Math.round(box.y)}–${Math.round(box.y + box.height)})`);
  }
}

/** The phone's task, once it is `task`. */
async function task(page, name) {
  await page.locator(`main[data-task="${name}"]`).waitFor({ timeout: 15000 });
}

/** A screenshot of the phone, and (for the zh-TW phone) axe: nothing serious or critical; (for
 * the Korean phone) no Korean word broken over two lines ("투표하 / 세요" before keep-all). */
async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `lead-${name}.png`) });
  if (name.endsWith('zh-TW')) assert.deepEqual(await axeSerious(page), [], name);
  if (name.endsWith('-ko')) assert.deepEqual(await brokenKoreanWords(page, 'main'), [], `${name}: Korean words whole`);
}

test('the room is led one task at a time, from the briefing to a closed room', async () => {
  const statements = Array.from({ length: N }, (_, i) => `第 ${i + 1} 則：網路叫車司機應該遵守第 ${i + 1} 項規定。`);
  const created = await api('POST', '/api/rooms', {
    body: {
      topic: '網路叫車的未來', language: 'zh-TW', statements, seed: 7,
      description: '台北市正在討論網路叫車平台的管理方式。',
      brief: [
        { title: '兩種駕照', text: '計程車司機須考取職業駕照；網路叫車司機目前不需要。',
          positions: [{ side: '計程車業者', text: '應該一視同仁。', source: '公會聲明' }, { side: '平台', text: '應該另訂規則。', source: '平台說明' }] },
        { title: '誰來保險', text: '營業用保險比自用保險貴。' },
      ],
    },
  });
  const code = created.room.code;
  const key = created.facilitator_key;
  const control = (body) => api('POST', `/api/rooms/${code}/controls`, { key, body });
  const hostView = () => api('GET', `/api/rooms/${code}/view`, { key });

  // The console, as a first-time facilitator opens it: the projector's page is its first step,
  // in the run sheet at the top (it was 2,000 px down, under the briefing's editor).
  const hostCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-TW' });
  const host = await newPage(hostCtx, 'console', pageErrors);
  await host.goto(`${server.base}/r/${code}/host#key=${key}`);
  await host.locator('#run-sheet').waitFor();
  const projectorLink = await host.locator('#run-sheet #open-screen').boundingBox();
  assert.ok(projectorLink && projectorLink.y + projectorLink.height < 450, `the projector's link at the top: ${JSON.stringify(projectorLink)}`);
  assert.equal(await host.locator('#open-screen').getAttribute('href'), `/r/${code}/screen`);
  // The projector, on the same computer as the console (it reads the joining code with the key).
  const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-TW' });
  await holdKey(screenCtx, server.base, code, key);
  const screen = await newPage(screenCtx, 'projector', pageErrors);
  await screen.goto(`${server.base}/r/${code}/screen`);

  // Four phones (opening the projector's QR code) and twelve people over the API (with its joining
  // code): 16 in three camps (camp = person % 3).
  const phones = [];
  const tokens = [];
  for (let person = 0; person < 16; person += 1) {
    const locale = person < 4 ? LOCALES[person] : null;
    if (!locale) {
      tokens.push((await server.join(code, key)).participant_token);
      continue;
    }
    const page = await phonePage(locale);
    await page.goto(await scanUrl(server.base, code, key));
    await page.locator('#consent').waitFor();
    // The anonymity line is always there; the room's description reaches the phone.
    await page.locator('#rule-anonymous').waitFor();
    await page.locator('#description').filter({ hasText: '台北市正在討論' }).waitFor();
    await page.click('#consent-agree');
    await page.locator('#consent').waitFor({ state: 'detached' });
    const token = await waitFor(() => page.evaluate((c) => localStorage.getItem(`polyphony.token.${c}`), code), 'joined');
    tokens.push(token);
    phones.push({ locale, person, page });
  }
  // Every page says what it is and which room.
  assert.equal(await phones[0].page.title(), '網路叫車的未來 · Polyphony');
  assert.equal(await screen.title(), `網路叫車的未來 · ${tables['zh-TW'].TitleScreen}`);
  assert.equal(await host.title(), `網路叫車的未來 · ${tables['zh-TW'].HostTitle}`);

  // The briefing: one card at a time on the projector, paged from the console; the phones read
  // them all at their own pace.
  assert.equal((await api('GET', `/api/rooms/${code}`)).stage, 'brief', 'a room with cards opens on its briefing');
  await screen.locator('#brief-card[data-card="0"]').filter({ hasText: '兩種駕照' }).waitFor();
  // Before collecting, the phones that come now can join: under the card, the address to type
  // (the one the collect stage writes under its QR code) and the joining code, in large type,
  // read from the back of the room by whoever cannot scan.
  await screen.locator('#brief-join-code').waitFor({ timeout: 10000 });
  assert.match((await screen.locator('#brief-join-code').textContent()).trim(), /^\d{6}$/, 'the joining code');
  assert.equal((await screen.locator('#brief-join-url').textContent()).trim(), `${server.base}/r/${code}`);
  for (const el of ['#brief-join-url', '#brief-join-code']) {
    const px = await screen.locator(el).evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(px >= 50, `${el} in large type: ${px} px`);
    assert.ok(await screen.locator(el).isVisible(), `${el} on the screen`);
  }
  await checkProjector(screen, 'briefing');
  await screen.screenshot({ path: path.join(shots, 'lead-projector-brief.png') });
  for (const p of phones) {
    await task(p.page, 'brief');
    await onFirstScreen(p.page, `brief ${p.locale}`, ['#brief-list h2']);
    await p.page.locator('#brief-list').filter({ hasText: '誰來保險' }).waitFor();
    await shot(p.page, `brief-${p.locale}`);
  }
  await host.click('#page-next');
  await screen.locator('#brief-card[data-card="1"]').filter({ hasText: '誰來保險' }).waitFor();
  // Moving the room on is asked first; "not yet" leaves every screen as it was. Asked from the
  // sticky run sheet with the console scrolled to its end, the question is on the screen too
  // (it was above the sticky run sheet, out of sight, and nothing seemed to happen).
  await host.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await host.click('#go-next-stage');
  await host.locator('#confirm-stage').waitFor();
  const question = await host.locator('#confirm-stage-yes').boundingBox();
  assert.ok(question && question.y >= 0 && question.y + question.height <= 900, `the question on the screen: ${JSON.stringify(question)}`);
  await host.screenshot({ path: path.join(shots, 'lead-console-confirm-scrolled.png') });
  await host.click('#confirm-stage-no');
  await host.locator('#confirm-stage').waitFor({ state: 'detached' });
  assert.equal((await api('GET', `/api/rooms/${code}`)).stage, 'brief', 'nothing changed');
  await host.click('#go-next-stage');
  await host.click('#confirm-stage-yes');
  await waitFor(async () => (await api('GET', `/api/rooms/${code}`)).stage === 'collect', 'collect stage');

  // Collect: the statement and its three buttons on the first screen; no group yet.
  for (const p of phones) {
    await task(p.page, 'vote');
    await onFirstScreen(p.page, `collect ${p.locale}`, ['#statement', '#agree', '#disagree', '#pass']);
    assert.equal(await p.page.locator('#group-badge').count(), 0, 'no group badge while collecting');
    await shot(p.page, `collect-${p.locale}`);
  }
  // Everyone votes (camps interleaved, as people arrive), then a few spread-out votes let the
  // smoothed number of groups settle.
  for (let s = 0; s < N; s += 1) {
    for (let person = 0; person < 16; person += 1) {
      await api('POST', `/api/rooms/${code}/votes`, { token: tokens[person], body: { id: `a${s}`, statement: s, vote: campVote(person, person % 3, s) } });
    }
  }
  for (let k = 0; k < 6; k += 1) {
    await api('POST', `/api/rooms/${code}/votes`, { token: tokens[k], body: { id: `z${k}`, statement: 0, vote: campVote(k, k % 3, 0) } });
    await new Promise((r) => setTimeout(r, 300));
  }
  await waitFor(async () => (await hostView()).groups?.length >= 2, 'groups');

  // The run sheet: the stage, the next step and the counts, at the top.
  const sheet = host.locator('#run-sheet');
  await sheet.locator('#count-voted').filter({ hasText: '16' }).waitFor();
  // The join figures further down agree with it at once: they are read again as people join and
  // vote (read every 15 s only, they said "3 taking part" beside "16 voted").
  await host.locator('#join-watch[data-active="16"]').waitFor({ state: 'attached', timeout: 3000 });
  const sheetBox = await sheet.boundingBox();
  assert.ok(sheetBox.y < 300, 'the run sheet is at the top of the console');
  await host.screenshot({ path: path.join(shots, 'lead-console-collect.png') });
  assert.deepEqual(await axeSerious(host), [], 'console');

  // Paused: the projector says so.
  await control({ action: 'pause_voting' });
  await screen.locator('#voting-paused').waitFor();
  await checkProjector(screen, 'paused');
  await screen.screenshot({ path: path.join(shots, 'lead-projector-paused.png') });
  await control({ action: 'resume_voting' });
  await screen.locator('#voting-paused').waitFor({ state: 'detached' });

  await host.click('#go-next-stage');
  await host.click('#confirm-stage-yes');
  await waitFor(async () => (await api('GET', `/api/rooms/${code}`)).stage === 'groups', 'groups stage');

  // Groups: each phone's group first.
  for (const p of phones) {
    await task(p.page, 'groups');
    await p.page.locator('#task #group-badge').waitFor();
    await onFirstScreen(p.page, `groups ${p.locale}`, ['#group-badge']);
    await shot(p.page, `groups-${p.locale}`);
  }

  // A spectrum: started from the console's list, asked first.
  await host.click('#stage-divisive');
  await host.click('#confirm-stage-yes');
  const first = host.locator('#statements-panel tbody tr[data-statement]').first();
  const statement = Number(await first.getAttribute('data-statement'));
  // Started with the list scrolled under the sticky run sheet, the round's controls (reveal,
  // next round) then show below it, not under it.
  const rowTop = await first.evaluate((row) => row.getBoundingClientRect().top + window.scrollY);
  const sheetHeight = (await host.locator('#run-sheet').boundingBox()).height;
  await host.evaluate((y) => window.scrollTo(0, y), rowTop - sheetHeight - 40);
  await first.locator('.start-spectrum').click();
  await host.locator('#confirm-spectrum').waitFor();
  await host.click('#confirm-spectrum-yes');
  await host.locator('#spectrum-controls').waitFor();
  await waitFor(async () => {
    const sheet = await host.locator('#run-sheet').boundingBox();
    const round = await host.locator('#spectrum-controls').boundingBox();
    return round.y >= sheet.y + sheet.height - 1 && round.y + round.height <= 900;
  }, 'the round\'s controls below the run sheet', 3000);
  for (const p of phones) {
    await task(p.page, 'spectrum');
    await onFirstScreen(p.page, `spectrum ${p.locale}`, ['#spectrum .statement-text', ...[-2, -1, 0, 1, 2].map((x) => `#spectrum button[data-position="${x}"]`)]);
    await shot(p.page, `spectrum-${p.locale}`);
  }
  const spectrums = (await hostView()).spectrums;
  const sp = spectrums[spectrums.length - 1];
  assert.equal(sp.statement.id, statement);
  // The room places itself: the phones by tapping, everyone else over the API.
  for (const [i, p] of phones.entries()) {
    await p.page.click(`#spectrum button[data-position="${(i % 5) - 2}"]`);
  }
  for (let person = 4; person < 16; person += 1) {
    await api('POST', `/api/rooms/${code}/spectrum-positions`, { token: tokens[person], body: { id: 'r1', spectrum: sp.id, round: 1, position: (person % 5) - 2 } });
  }
  await host.locator('#count-placed').filter({ hasText: '16' }).waitFor();
  // While the round's counts are hidden the stage's own step (reveal) is the primary button, not
  // "Next: Tables" (the console sees every count, so it read them as never hidden).
  assert.ok(await host.locator('#reveal-spectrum.primary').isVisible(), 'reveal is the step');
  assert.equal(await host.locator('#go-next-stage.primary').count(), 0, 'moving on is not the step before the reveal');
  // Revealed, every column says how many people stand there, as a count.
  await control({ action: 'reveal_spectrum' });
  await host.locator('#go-next-stage.primary').waitFor();
  const expected = [0, 0, 0, 0, 0];
  for (let person = 0; person < 16; person += 1) expected[(person % 5)] += 1;
  for (let i = 0; i < 5; i += 1) {
    await screen.locator(`#step-count-${i}[data-count="${expected[i]}"]`).waitFor();
  }
  await checkProjector(screen, 'spectrum');
  await screen.screenshot({ path: path.join(shots, 'lead-projector-spectrum.png') });

  // Tables: the table, large, first; the spectrum the room has left asks nothing any more.
  await host.click('#stage-tables');
  await host.click('#confirm-stage-yes');
  await host.click('#form-tables');
  for (const p of phones) {
    await task(p.page, 'table');
    await onFirstScreen(p.page, `table ${p.locale}`, ['#table-card .table-big']);
    // A phone drawn to report (chance decides which) has its form whole on the first screen.
    if (await p.page.locator('#reporter-prompt').count()) await onFirstScreen(p.page, `reporter ${p.locale}`, ['#reporter-prompt', '#add-note']);
    assert.equal(await p.page.locator('#spectrum').count(), 0, 'no spectrum buttons after the room moved on');
    await shot(p.page, `table-${p.locale}`);
  }
  // The round left open counts nobody on the run sheet any more: the phones left it.
  assert.equal(await host.locator('#count-placed').count(), 0, 'no "16 placed in round 1" at the tables');
  // Forming again is asked first.
  await host.click('#form-tables');
  await host.locator('#confirm-form-again').filter({ hasText: '16' }).waitFor();
  await host.screenshot({ path: path.join(shots, 'lead-console-form-again.png') });
  await host.click('#confirm-form-again-no');

  // A second vote: every phone is brought to it, whatever it was showing.
  await control({ action: 'open_revote', statements: [statement] });
  for (const p of phones) {
    await task(p.page, 'revote');
    await onFirstScreen(p.page, `revote ${p.locale}`, ['#asked-again', '#statement', '#agree', '#disagree', '#pass']);
    await shot(p.page, `revote-${p.locale}`);
  }
  await host.locator('#count-revote').waitFor();
  for (const p of phones) await p.page.click('#agree');
  await host.locator('#count-revote').filter({ hasText: '4' }).waitFor();
  await control({ action: 'close_revote' });

  // The report: its step (publish it) and closing the room come first on the console; each
  // phone opens the report in its own language.
  await host.click('#stage-report');
  await host.click('#confirm-stage-yes');
  await host.locator('#console-focus #publish-report').waitFor();
  assert.equal(await host.locator('#console-focus #close-room').count(), 1, 'closing the room under the report stage\'s controls');
  await host.evaluate(() => window.scrollTo(0, 0));
  const publish = await host.locator('#publish-report').boundingBox();
  assert.ok(publish.y + publish.height <= 900, `publishing on the console's first screen: ${JSON.stringify(publish)}`);
  await host.screenshot({ path: path.join(shots, 'lead-console-report.png') });
  await host.click('#publish-report');
  for (const p of phones) {
    await task(p.page, 'report');
    const link = p.page.locator('#report-link');
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), `/r/${code}/report?lang=${p.locale}`);
    await onFirstScreen(p.page, `report ${p.locale}`, ['#report-link']);
    await shot(p.page, `report-${p.locale}`);
  }
  const report = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await report.goto(`${server.base}/r/${code}/report?lang=en`);
  const consensus = await report.locator('#consensus').innerText();
  assert.match(consensus, /\d+% (agree|disagree)/, 'every shared statement says which way it goes');
  assert.ok(await report.evaluate(() => document.documentElement.scrollWidth <= 390), 'the report fits a phone');
  const pdf = await report.pdf({ format: 'A4' });
  const pagesInPdf = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pagesInPdf >= 1 && pagesInPdf <= 5, `the report prints on at most 5 pages, not ${pagesInPdf}`);

  // Closed: the phones say goodbye.
  await api('POST', `/api/rooms/${code}/close`, { key });
  for (const p of phones) {
    await task(p.page, 'closed');
    await p.page.locator('#closing').waitFor();
    await shot(p.page, `closed-${p.locale}`);
    assert.deepEqual(await axeSerious(p.page), [], `closed ${p.locale}`);
  }
  await host.locator('#run-sheet #run-now').filter({ hasText: tables['zh-TW'].RunClosed.slice(0, 6) }).waitFor();
  await screen.locator('#room-ended').waitFor();
  // Nobody joins a closed room: its corner keeps the room's code, no joining code.
  await screen.locator('#mini-join-code').waitFor({ state: 'detached' });
  await checkProjector(screen, 'closed');
  await screen.screenshot({ path: path.join(shots, 'lead-projector-closed.png') });
  const unexpected = pageErrors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|40[49]/.test(e));
  assert.deepEqual(unexpected, []);
});
