// Admission (issue 21 item 1), in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core) against the real `polyphony serve`, as the people in the room do it. A
// facilitator creates a room on the start page and opens the projector from the console (a new
// window of the same browser, which holds the key): its QR code carries the room's six-digit
// joining code (`data-join`, the code the API gives) and the code is written under it. A phone
// (390 × 844) opening the QR code's address (built from `data-join` as the QR code builds it)
// joins and votes; a phone that typed the bare address is asked for the joining code in its
// language (the texts of the i18n tables), a wrong code keeps it on the form, the code read off
// the projector lets it in; the console's join watch counts the joins, who takes part and who
// only joined, and warns once one address holds most of ten or more; once the room has left
// collecting the projector's corner shows the code. A projector opened in a browser without the
// key shows no QR code (one that lets nobody in) but says to open it from the console. A room created with "anyone with the room code may join"
// takes a typed address. Screenshots in target/screenshots/ (admission-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  admissionCode, axeSerious, checkProjector, checkProjectorLanguages, checkStrings, joinPath, launchBrowser,
  newPage, phonePageIn, shots, startServer, switchLanguage, tables, waitFor,
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

const api = (...args) => server.api(...args);
const pageErrors = [];
const STATEMENTS = Array.from({ length: 5 }, (_, i) => `Statement number ${i}: drivers and riders ${i}`);

/** The facilitator creates a room on the start page (a 1280 × 900 laptop) and lands on the console. */
async function createOnStartPage(topic, { open = false } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const host = await newPage(ctx, `console ${topic}`, pageErrors);
  await host.goto(`${base}/`);
  await host.fill('#topic', topic);
  await host.fill('#statements', STATEMENTS.join('\n'));
  if (open) await host.check('#open-admission');
  await host.click('#create-form button[type=submit]');
  await host.waitForURL(/\/r\/[2-9A-Z]{6}\/host#key=[0-9a-f]{64}$/);
  const code = host.url().match(/\/r\/([2-9A-Z]{6})\/host/)[1];
  const key = host.url().match(/#key=([0-9a-f]{64})$/)[1];
  await host.locator('#run-sheet').waitFor();
  return { ctx, host, code, key };
}

/** The projector as the facilitator opens it: the console's link, a new window of the same
 * browser, on the 1920 × 1080 projector. */
async function openProjector(ctx, host, code) {
  const [screen] = await Promise.all([ctx.waitForEvent('page'), host.click('#open-screen')]);
  screen.on('pageerror', (e) => pageErrors.push(`projector: ${e.message}`));
  screen.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`projector console: ${m.text()}`); });
  await screen.setViewportSize({ width: 1920, height: 1080 });
  await screen.waitForURL(`${base}/r/${code}/screen`);
  await screen.locator('#room-code').filter({ hasText: code }).waitFor();
  return screen;
}

/** A 390 × 844 phone in `locale`. */
const phonePage = (locale) => phonePageIn(browser, locale, pageErrors);

/** The room's counts from the public view. */
const view = (code) => api('GET', `/api/rooms/${code}/view`);

/** Taps "I agree" on the rules, then agree on the first statement; waits for the vote to be counted. */
async function consentAndVote(page, code) {
  const before = (await view(code)).votes;
  await page.locator('#consent').waitFor();
  await page.click('#consent-agree');
  await page.locator('#vote-card').waitFor();
  await page.click('#agree');
  await waitFor(async () => (await view(code)).votes === before + 1, 'the vote reaches the server');
}

/** This browser's participant token in the room, if it joined. */
const tokenOf = (page, code) => page.evaluate((c) => localStorage.getItem(`polyphony.token.${c}`), code);

/** Types `digits` into the admission form and sends it: the page loads again with `#join=`. */
async function typeJoiningCode(page, digits) {
  await page.fill('#admission-code', digits);
  await Promise.all([page.waitForEvent('load'), page.click('#admission-form button[type=submit]')]);
}

/** Nothing is wider than the phone's screen. */
async function fits(page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(wide, false, `${what}: nothing wider than the phone`);
}

test('phones get in with the projector\'s joining code, by its QR code or typed; the console watches the joins', async () => {
  const { ctx, host, code, key } = await createOnStartPage('Ride-hailing in Taipei');
  const screen = await openProjector(ctx, host, code);

  // The projector's QR code carries the code the API gives now (the projector reads it again as
  // it changes: compared until both agree, in case a minute turns between the two readings).
  const qr = screen.locator('.qr[data-join]');
  await qr.locator('svg').waitFor();
  const shown = await waitFor(async () => {
    const [onScreen, fromApi] = [await qr.getAttribute('data-join'), await admissionCode(base, code, key)];
    return onScreen === fromApi ? onScreen : null;
  }, 'the QR code carries the API\'s joining code');
  assert.match(shown, /^[0-9]{6}$/);
  assert.equal((await screen.locator('#join-code').textContent()).trim(), shown, 'the joining code under the QR code');
  assert.equal((await screen.locator('.join-text .url').textContent()).trim(), `${base}/r/${code}`, 'the typed address has no code');
  assert.equal(await screen.locator('#qr-needs-console').count(), 0);
  await checkProjectorLanguages(screen, 'collect with the joining code', 'admission-projector-collect');
  assert.deepEqual(await axeSerious(screen), [], 'projector with the joining code');

  // A phone scans the QR code: its address is the room's with `#join=` and the code.
  const scanned = await phonePage('en-US');
  await scanned.goto(`${base}${joinPath(code, await qr.getAttribute('data-join'))}`);
  await consentAndVote(scanned, code);
  assert.ok(await tokenOf(scanned, code), 'the scanning phone joined');

  // A phone that typed the address is asked for the joining code, in its language.
  const typed = await phonePage('zh-TW');
  await typed.goto(`${base}/r/${code}`);
  const asked = typed.locator('#join-failed[data-reason=admission]');
  await asked.locator('#admission-form').waitFor();
  // Asked plainly (no code was tried: not an error), naming the room.
  assert.equal((await asked.locator('#join-ask').textContent()).trim(), tables['zh-TW'].AdmissionAsk);
  assert.equal(await asked.locator('#join-error').count(), 0, 'no error before a code was tried');
  await asked.locator('h1.topic').filter({ hasText: 'Ride-hailing in Taipei' }).waitFor();
  assert.equal((await asked.locator('label[for=admission-code]').textContent()).trim(), tables['zh-TW'].AdmissionLabel);
  assert.equal(await tokenOf(typed, code), null, 'no identity without the code');
  await checkStrings(typed, 'zh-TW', 1);
  await fits(typed, 'admission form');
  assert.deepEqual(await axeSerious(typed), [], 'admission form');
  await typed.screenshot({ path: path.join(shots, 'admission-phone-form-zh-TW.png'), fullPage: true });
  const numeric = await typed.locator('#admission-code').evaluate((e) => [e.inputMode, e.autocomplete, e.maxLength]);
  assert.deepEqual(numeric, ['numeric', 'one-time-code', 6], 'a digits keyboard, six digits');
  // A wrong code (not this minute's; the last minute's only by a one-in-a-million chance) keeps
  // it on the form.
  const wrong = String((Number(shown) + 500000) % 1000000).padStart(6, '0');
  const beforeWrong = await api('GET', `/api/rooms/${code}/admission`, { key });
  await typeJoiningCode(typed, wrong);
  await typed.waitForURL(`${base}/r/${code}#join=${wrong}`);
  await asked.locator('#admission-form').waitFor();
  assert.equal((await asked.locator('#join-error').textContent()).trim(), tables['zh-TW'].ErrAdmission);
  assert.equal(await tokenOf(typed, code), null, 'a wrong code makes no identity');
  const afterWrong = await api('GET', `/api/rooms/${code}/admission`, { key });
  assert.equal(afterWrong.active + afterWrong.idle, beforeWrong.active + beforeWrong.idle, 'nobody joined with a wrong code');
  // The code read off the projector lets it in.
  await typeJoiningCode(typed, (await screen.locator('#join-code').textContent()).trim());
  await consentAndVote(typed, code);
  assert.ok(await tokenOf(typed, code), 'the typing phone joined');

  // Another typed address, in English (and the same words in Japanese and Korean): it joins
  // with the code and stays on the rules without tapping them (joined, not taking part).
  const reader = await phonePage('en-US');
  await reader.goto(`${base}/r/${code}`);
  const readerAsked = reader.locator('#join-failed[data-reason=admission]');
  await readerAsked.locator('#admission-form').waitFor();
  for (const tag of ['en', 'ja', 'ko']) {
    if (tag !== 'en') await switchLanguage(reader, tag);
    assert.equal((await readerAsked.locator('#join-ask').textContent()).trim(), tables[tag].AdmissionAsk, tag);
    assert.equal((await readerAsked.locator('label[for=admission-code]').textContent()).trim(), tables[tag].AdmissionLabel, tag);
    await checkStrings(reader, tag, 1);
  }
  await switchLanguage(reader, 'en');
  await typeJoiningCode(reader, (await screen.locator('#join-code').textContent()).trim());
  await reader.locator('#consent').waitFor();

  // The console's join watch: three joins, two taking part (they voted), one only joined; the
  // joining code beside them; no address holds most of a room this small.
  const watch = host.locator('#join-watch');
  await waitFor(async () => (await watch.getAttribute('data-active')) === '2' && (await watch.getAttribute('data-idle')) === '1',
    'the console counts two taking part and one only joined', 20000);
  assert.ok(Number(await watch.getAttribute('data-joins')) >= 2, `joins in the last minute: ${await watch.getAttribute('data-joins')}`);
  await waitFor(async () => (await host.locator('#console-join-code').textContent()).trim() === await admissionCode(base, code, key),
    'the console shows the joining code');
  assert.equal(await host.locator('#one-address').count(), 0, 'no warning for three phones');
  const figures = await api('GET', `/api/rooms/${code}/admission`, { key });
  assert.deepEqual([figures.active, figures.idle], [2, 1]);
  await watch.scrollIntoViewIfNeeded();
  await checkStrings(host, 'en');
  await host.screenshot({ path: path.join(shots, 'admission-console-join-watch-en.png') });
  await switchLanguage(host, 'zh-TW');
  await checkStrings(host, 'zh-TW');
  await host.screenshot({ path: path.join(shots, 'admission-console-join-watch-zh-TW.png') });
  await switchLanguage(host, 'en');

  // A projector opened in a browser that does not hold the key cannot know the code: no QR code
  // that would let nobody in, but what to do instead.
  const elsewhereCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  const elsewhere = await newPage(elsewhereCtx, 'projector without the key', pageErrors);
  await elsewhere.goto(`${base}/r/${code}/screen`);
  await elsewhere.locator('#room-code').filter({ hasText: code }).waitFor();
  const missing = elsewhere.locator('#qr-needs-console');
  await missing.waitFor();
  assert.equal((await missing.textContent()).trim(), tables.en.ScreenNeedsConsole);
  assert.equal(await elsewhere.locator('.qr svg').count(), 0, 'no QR code');
  assert.equal(await elsewhere.locator('#join-code').count(), 0, 'no joining code');
  // Nothing to scan: the heading says where to join instead of "Scan to join".
  assert.equal((await elsewhere.locator('#join-on-phone').textContent()).trim(), tables.en.JoinOnPhone);
  assert.ok(!(await elsewhere.locator('.join-text').textContent()).includes(tables.en.ScanToJoin), 'no "Scan to join" without a QR code');
  await checkProjectorLanguages(elsewhere, 'collect without the key', 'admission-projector-no-key');
  await elsewhereCtx.close();

  // Once the room has left collecting, the projector's corner keeps the code.
  await host.click('#stage-groups');
  await host.click('#confirm-stage-yes');
  await screen.locator('main[data-stage=groups]').waitFor();
  const corner = screen.locator('#mini-join-code');
  await corner.waitFor();
  await waitFor(async () => (await corner.textContent()).trim() === await admissionCode(base, code, key), 'the corner\'s code');
  await checkProjectorLanguages(screen, 'groups with the joining code in the corner', 'admission-projector-corner');
  // A late phone types it from there.
  const late = await phonePage('ko-KR');
  await late.goto(`${base}/r/${code}`);
  await late.locator('#join-failed[data-reason=admission] #admission-form').waitFor();
  await typeJoiningCode(late, (await corner.textContent()).trim());
  await late.locator('#consent').waitFor();

  // Every phone here comes from one address (127.0.0.1): from ten participants the console says
  // so, as it would of a venue's single NAT address or of one machine making identities.
  for (let i = 0; i < 7; i += 1) await server.join(code, key);
  const oneAddress = host.locator('#one-address');
  await oneAddress.waitFor({ timeout: 20000 });
  // The warning shows from the tenth participant on; the eleventh's join may reach the console
  // a moment later, so wait for the count of all eleven.
  const allEleven = tables.en.OneAddress.replace('{percent}', '100').replace('{n}', '11');
  await waitFor(async () => (await oneAddress.textContent()).trim() === allEleven,
    'the console counts all eleven participants from one address', 20000);
  await host.screenshot({ path: path.join(shots, 'admission-console-one-address-en.png') });

  const unexpected = pageErrors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|403/.test(e));
  assert.deepEqual(unexpected, []);
});

test('a room open to anyone with its code takes a typed address', async () => {
  const { ctx, host, code, key } = await createOnStartPage('Open to anyone', { open: true });
  assert.equal((await api('GET', `/api/rooms/${code}`)).settings.open_admission, true, 'the start page\'s checkbox');
  assert.equal(await admissionCode(base, code, key), null, 'no joining code');
  const screen = await openProjector(ctx, host, code);
  await screen.locator('.qr svg').waitFor();
  assert.equal(await screen.locator('.qr').getAttribute('data-join'), '', 'the QR code carries the bare address');
  assert.equal(await screen.locator('#join-code').count(), 0, 'no joining code on the projector');
  assert.equal(await screen.locator('#qr-needs-console').count(), 0);
  // A projector elsewhere (no key) shows the QR code too: there is nothing to hide.
  const elsewhereCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  const elsewhere = await newPage(elsewhereCtx, 'open room projector without the key', pageErrors);
  await elsewhere.goto(`${base}/r/${code}/screen`);
  await elsewhere.locator('.qr svg').waitFor();
  assert.equal(await elsewhere.locator('#qr-needs-console').count(), 0);
  await elsewhereCtx.close();

  const phone = await phonePage('zh-TW');
  await phone.goto(`${base}/r/${code}`);
  await consentAndVote(phone, code);
  assert.equal(await phone.locator('#admission-form').count(), 0, 'no joining code asked');
  const watch = host.locator('#join-watch');
  await waitFor(async () => (await watch.getAttribute('data-active')) === '1', 'the console counts the phone', 20000);
  assert.equal(await host.locator('#console-join-code').count(), 0, 'no joining code on the console');
  const unexpected = pageErrors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|403/.test(e));
  assert.deepEqual(unexpected, []);
});

test('the console removes a flood that joined in a window; a real phone caught in it joins again', async () => {
  const { ctx, host, code, key } = await createOnStartPage('Flooded room');
  const screen = await openProjector(ctx, host, code);
  const qr = screen.locator('.qr');
  await qr.locator('svg').waitFor();
  // A real phone scans the QR code and votes.
  const phone = await phonePage('ja-JP');
  await phone.goto(`${base}${joinPath(code, await qr.getAttribute('data-join'))}`);
  await consentAndVote(phone, code);
  // A flood: twelve identities from one machine, each agreeing with everything.
  for (let i = 0; i < 12; i += 1) {
    const { participant_token: token } = await server.join(code, key);
    for (let s = 0; s < 5; s += 1) {
      await api('POST', `/api/rooms/${code}/votes`, { token, body: { id: `f${i}-${s}`, statement: s, vote: 'agree' } });
    }
  }
  await waitFor(async () => (await view(code)).participants === 13, 'thirteen in the room');
  // The console's joins by minute (read every 15 s): the facilitator opens it, picks the window
  // (here every minute the joins came in), and is asked again with the count.
  await host.reload();
  const minutes = host.locator('#joins-by-minute');
  await minutes.waitFor({ timeout: 20000 });
  await minutes.locator('summary').click();
  const rows = await minutes.locator('li').count();
  assert.ok(rows >= 1, 'a row per minute with joins');
  const options = await host.locator('#remove-from option').evaluateAll((os) => os.map((o) => o.value));
  await host.selectOption('#remove-from', options[0]);
  await host.selectOption('#remove-to', options[options.length - 1]);
  const button = host.locator('#remove-joins');
  assert.equal((await button.textContent()).trim(), tables.en.RemoveButton.replace('{n}', '13'));
  await button.click();
  const question = host.locator('#confirm-remove');
  await question.waitFor();
  assert.match(await question.textContent(), /13/);
  await host.screenshot({ path: path.join(shots, 'admission-console-remove-en.png') });
  // Its token before the removal: it may have joined again by the time the counts are read.
  const removedToken = await tokenOf(phone, code);
  assert.ok(removedToken, 'the real phone had joined');
  // What the phone asks the server from now on, and what it answers: whether the room still
  // knows its token (`/me`), and joining again.
  const asked = [];
  phone.on('response', (r) => {
    const { pathname } = new URL(r.url());
    if (pathname === `/api/rooms/${code}/me`) asked.push(`me ${r.status()}`);
    if (pathname === `/api/rooms/${code}/join`) asked.push(`join ${r.status()}`);
  });
  const removedAt = Date.now();
  await host.click('#confirm-remove-yes');
  const note = host.locator('#removed-note');
  await note.waitFor();
  assert.equal((await note.textContent()).trim(),
    tables.en.RemovedNote.replace('{n}', '13').replace('{voters}', '13'));
  // Out of the room and its figures, on the projector too (the real phone may be back already,
  // as a new participant who has not voted: it joins again within a few hundred ms).
  await waitFor(async () => {
    const v = await view(code);
    return v.participants <= 1 && v.votes === 0;
  }, 'the room without them');
  await waitFor(async () => (await screen.locator('#vote-count').textContent()).trim() === '0'
    && Number((await screen.locator('#participant-count').textContent()).trim()) <= 1, 'the projector counts none of them');
  // The real phone's socket is closed; refused on reconnecting, it learns over HTTP that it is
  // not in the room and forgets its token. Its address still carries the QR code's joining code
  // (scanned under two minutes ago, so still taken): it joins again at once, as a new
  // participant, and is asked to accept the rules again (a stale code would ask for the code).
  try {
    await waitFor(async () => {
      const t = await tokenOf(phone, code);
      return t !== null && t !== removedToken;
    }, 'a new identity', 20000);
    await phone.locator('#consent').waitFor({ timeout: 10000 });
  } finally {
    await phone.screenshot({ path: path.join(shots, 'admission-phone-after-removal-ja.png') });
  }
  // The first 403 from /me ("not a participant of this room") is believed at once: the token is
  // forgotten and the phone joins again, without asking a second time.
  const rejoinedIn = Date.now() - removedAt;
  console.log(`the phone asked: ${asked.join(', ')}; a new identity after ${rejoinedIn} ms`);
  assert.deepEqual(asked.slice(0, asked.indexOf('join 201') + 1), ['me 403', 'join 201'], 'one 403, then joined again');
  await checkStrings(phone, 'ja', 1);
  await phone.screenshot({ path: path.join(shots, 'admission-phone-rejoined-ja.png') });
  await waitFor(async () => (await view(code)).participants === 1, 'the real phone is back, alone');

  // Removed again, now that its address no longer carries a joining code (as a phone that
  // reloaded the bare address): the first 403 is believed again, and the join that follows
  // needs the code, so the phone says in its language that it is no longer in the room and asks
  // for the code (not that a code it never typed was wrong).
  await phone.evaluate((c) => history.replaceState(null, '', `/r/${c}`), code);
  const secondToken = await tokenOf(phone, code);
  asked.length = 0;
  await api('POST', `/api/rooms/${code}/participants/remove`, { key, body: { from: Date.now() - 600000, to: Date.now() + 1000 } });
  const left = phone.locator('#join-failed[data-reason=admission] #join-ask[data-left=true]');
  await left.waitFor({ timeout: 20000 });
  assert.equal((await left.textContent()).trim(), tables.ja.PhoneLeftRoom);
  assert.equal(await tokenOf(phone, code), null, 'the removed token forgotten');
  assert.deepEqual(asked, ['me 403', 'join 403'], 'one 403 from /me, then a join that needs the code');
  await checkStrings(phone, 'ja', 1);
  await phone.screenshot({ path: path.join(shots, 'admission-phone-left-room-ja.png') });
  // The code read off the projector lets it in again, as a new participant.
  await typeJoiningCode(phone, await admissionCode(base, code, key));
  await phone.locator('#consent').waitFor();
  const third = await tokenOf(phone, code);
  assert.ok(third && third !== secondToken, 'a new identity');
  // The removed votes are kept apart in the exports.
  const removed = await fetch(`${base}/api/rooms/${code}/export/removed-votes.csv?key=${key}`).then((r) => r.text());
  assert.equal(removed.trim().split('\n').length - 1, 61, 'the 61 removed votes, kept apart');
  const unexpected = pageErrors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|403/.test(e));
  assert.deepEqual(unexpected, []);
  await ctx.close();
});
