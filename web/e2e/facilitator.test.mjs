// The facilitator's hand, in headless Chromium against the real `polyphony serve` (issue 12, and
// issue 10's colours, plain lines and closing): a room made over the API, eight phones joining with
// the projector's joining code and voting over the API in two camps, then everything through the
// console (1280 × 900) while the projector (1920 × 1080, in a browser holding the facilitator's
// key, as on the facilitator's computer) is checked: results hidden (a panel, no map dots) and
// revealed, voting paused (a
// banner on the projector; a vote gets 409 `voting_paused`) and resumed, a timer (large on the
// projector beside the plain line, never over the topic; its gentle cue at zero, and gone a minute
// later, on a projector whose clock is fast-forwarded), the spotlight, the groups frozen, updated
// and let go (each of the last two after a confirmation), a group renamed (its name on the
// projector), a spectrum of three rounds whose open round's counts stay hidden until revealed
// (each group's average move in steps; each step's people counted as text, the round said once,
// the walls named), a second vote, the report stage (opening on page 1, turned only from the
// console: previous, next, by itself) with the room's change (each person compared with
// themselves), the take-away report
// published (axe, every section, A4 PDF of more than one page), unpublished (404), downloaded;
// closing the room with a confirmation (the projector then says the workshop has ended, with the
// report's address). Every projector stage is checked in zh-TW and en (no
// scrolling, minimum sizes) and shot into target/screenshots/, the report in zh-TW and ja.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  axeSerious, checkProjector, checkProjectorLanguages, checkStrings, holdKey, launchBrowser, newPage, shots,
  softFailures, startServer, switchLanguage, tables, waitFor,
} from './helpers.mjs';
import { checkListFills, checkNoGluedShares, checkSpectrumCounts, checkStanceWords } from './projector-checks.mjs';

const STATEMENTS = 10;
const PHONES = 8;

let server;
let base;
let browser;
const errors = [];

before(async () => {
  server = await startServer();
  base = server.base;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** Requests to the test's server (helpers.mjs `client`). */
const call = (...args) => server.call(...args);
const api = (...args) => server.api(...args);

/** Camp 0 and camp 1 split on statements 0–4 and agree on 5–9. */
function campVote(camp, s) {
  if (s < STATEMENTS / 2 && (camp === 0) !== (s % 2 === 0)) return 'disagree';
  return 'agree';
}

/** The number of pages in a PDF. */
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

test('the facilitator hides, times, spotlights, names, runs rounds, re-votes and publishes', async () => {
  const created = await api('POST', '/api/rooms', { body: {
    topic: 'Ride-hailing in Taipei', language: 'en',
    statements: Array.from({ length: STATEMENTS }, (_, i) => `Statement number ${i}: drivers and riders ${i}`),
  } });
  const code = created.room.code;
  const key = created.facilitator_key;
  const view = async () => api('GET', `/api/rooms/${code}/view`);
  const info = async () => api('GET', `/api/rooms/${code}`);

  const hostCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const host = await newPage(hostCtx, 'host', errors);
  await host.goto(`${base}/r/${code}/host#key=${key}`);
  await host.locator('#room-controls').waitFor();
  await host.locator('#statements-panel tr[data-statement]').nth(STATEMENTS - 1).waitFor();
  // The projector, on the facilitator's computer (it holds the key, so it shows the QR code).
  const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  await holdKey(screenCtx, base, code, key);
  const screen = await newPage(screenCtx, 'screen', errors);
  await screen.goto(`${base}/r/${code}/screen`);
  await screen.locator('#room-code').filter({ hasText: code }).waitFor();
  await screen.locator('.qr[data-join] svg').waitFor();
  await screen.locator('#room-line').waitFor();

  // Eight phones join (with the projector's joining code) and vote in two camps.
  const phones = [];
  for (let i = 0; i < PHONES; i += 1) {
    const joined = await server.join(code, key);
    phones.push({ token: joined.participant_token, camp: i % 2 });
  }
  // One request at a time per phone (the server caps connections per address).
  await Promise.all(phones.map(async (p) => {
    for (let s = 0; s < STATEMENTS; s += 1) {
      await api('POST', `/api/rooms/${code}/votes`, { token: p.token, body: { id: `v${s}`, statement: s, vote: campVote(p.camp, s) } });
    }
  }));
  let v = await waitFor(async () => {
    const x = await view();
    return x.analyzed_votes === PHONES * STATEMENTS && x.groups.length >= 2 ? x : null;
  }, 'groups', 30000);
  // Before the report stage the report can be read, not published (a first-time facilitator
  // was one click from publishing an empty report at the briefing).
  await host.locator('#report-control #report-link').waitFor();
  assert.equal(await host.locator('#publish-report').count(), 0, 'no publishing before the report stage');
  await host.click('#stage-groups');
  await host.click('#confirm-stage-yes'); // every screen changes: asked again
  await screen.locator('main[data-stage=groups] .group-card').nth(1).waitFor();
  assert.ok((await screen.locator('#opinion-map circle.dot').count()) >= PHONES, 'dots on the map');
  await screen.locator('#room-line').waitFor();
  // What the whole room shares (statements 5–9) is on the groups stage too.
  await screen.locator('main[data-stage=groups] #consensus li').first().waitFor();
  // Its share is of the people who voted on the statement, and says so: a statement added late
  // has fewer voters than the room, so "100% of the room" would claim more than was counted.
  const share = await screen.locator('main[data-stage=groups] #consensus li .share').first().innerText();
  assert.match(share, /^\d+% of those who voted (agree|disagree)$/, share);

  // Hide results: the projector shows the panel and no map; the public view carries no results.
  await host.click('#hide-results');
  await host.locator('#reveal-results').waitFor();
  await screen.locator('#results-hidden').waitFor();
  assert.equal(await screen.locator('main[data-results-hidden=true]').count(), 1);
  assert.equal(await screen.locator('#opinion-map').count(), 0, 'no map while hidden');
  assert.equal(await screen.locator('circle.dot').count(), 0, 'no dots while hidden');
  assert.equal(await screen.locator('.group-card').count(), 0, 'no groups while hidden');
  const hiddenView = await view();
  assert.deepEqual([hiddenView.map.length, hiddenView.groups.length], [0, 0], 'the server sends no results');
  assert.equal(hiddenView.participants, PHONES, 'counts still show');
  await checkProjectorLanguages(screen, 'results hidden', 'facilitator-hidden');
  await host.click('#reveal-results');
  await host.locator('#hide-results').waitFor();
  await screen.locator('#opinion-map circle.dot').nth(PHONES - 1).waitFor();

  // Pause voting: a vote is refused with 409 `voting_paused`; after resuming it is taken.
  await host.click('#pause-voting');
  await host.locator('#resume-voting').waitFor();
  assert.equal((await info()).controls.voting_paused, true);
  // The projector says so, large, in the screen's language.
  const banner = screen.locator('#voting-paused');
  await banner.waitFor();
  assert.equal(await screen.locator('main[data-paused=true]').count(), 1);
  assert.equal((await banner.locator('[data-i18n=ScreenPaused]').textContent()).trim(), tables.en.ScreenPaused);
  const bannerPx = await banner.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(bannerPx >= 46, `the paused banner is large: ${bannerPx} px`);
  await checkProjectorLanguages(screen, 'voting paused', 'facilitator-paused');
  await switchLanguage(screen, 'zh-TW');
  assert.equal((await banner.locator('[data-i18n=ScreenPaused]').textContent()).trim(), tables['zh-TW'].ScreenPaused);
  await switchLanguage(screen, 'en');
  const paused = await call('POST', `/api/rooms/${code}/votes`, { token: phones[0].token, body: { id: 'paused', statement: 0, vote: 'pass' } });
  assert.equal(paused.status, 409, JSON.stringify(paused.body));
  assert.equal(paused.body.code, 'voting_paused');
  await host.click('#resume-voting');
  await host.locator('#pause-voting').waitFor();
  await banner.waitFor({ state: 'detached' });
  await api('POST', `/api/rooms/${code}/votes`, { token: phones[0].token, body: { id: 'paused', statement: 0, vote: campVote(0, 0) } });

  // A timer: large on the projector, counting down; its gentle cue at zero shows on a projector
  // whose clock runs ahead.
  const fastCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  await holdKey(fastCtx, base, code, key);
  const fast = await newPage(fastCtx, 'fast screen', errors);
  await fast.clock.install();
  await fast.goto(`${base}/r/${code}/screen`);
  await fast.locator('main[data-stage=groups]').waitFor();
  // How much of the topic the heading shows before the timer: all of it, in English too (the
  // corner's codes stand over its counts, leaving "Ride-hailing in Taipei" its width).
  const topicWidth = () => screen.locator('.screen-head .topic').evaluate((e) => [e.clientWidth, e.scrollWidth, e.clientHeight, e.scrollHeight]);
  const topicBefore = await topicWidth();
  // (a pixel of rounding in the line box's height is not a cut line)
  assert.ok(topicBefore[1] <= topicBefore[0] && topicBefore[3] <= topicBefore[2] + 1, `the whole topic shows in the heading: ${topicBefore}`);
  await host.fill('#timer-minutes', '2');
  await host.click('#start-timer');
  await host.locator('#console-timer').waitFor();
  const clock = screen.locator('#timer .clock');
  await clock.waitFor();
  assert.match((await clock.textContent()).trim(), /^0[12]:\d\d$/);
  const timerPx = await clock.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(timerPx >= 56, `the timer is large: ${timerPx} px`);
  const first = (await clock.textContent()).trim();
  await screen.waitForFunction((t) => document.querySelector('#timer .clock')?.textContent.trim() !== t, first, { timeout: 5000 });
  // The timer stands beside the plain line, below the heading: it never covers the topic nor
  // cuts it short (the heading shows as much of the topic as before the timer).
  assert.equal(await screen.locator('.screen-head #timer').count(), 0, 'not in the heading line');
  const topicBox = await screen.locator('.screen-head .topic').boundingBox();
  const timerBox = await screen.locator('#timer').boundingBox();
  const apart = timerBox.y >= topicBox.y + topicBox.height - 1 || timerBox.x >= topicBox.x + topicBox.width;
  assert.ok(apart, `the timer ${JSON.stringify(timerBox)} stays off the topic ${JSON.stringify(topicBox)}`);
  assert.deepEqual(await topicWidth(), topicBefore, 'the timer takes nothing from the topic');
  await checkProjectorLanguages(screen, 'groups with a timer', 'facilitator-timer');
  await fast.locator('#timer').waitFor();
  await fast.clock.fastForward('02:05');
  await fast.locator('#timer.time-up').waitFor();
  assert.equal((await fast.locator('#timer .clock').textContent()).trim(), '00:00');
  assert.equal((await fast.locator('#timer .time-word').textContent()).trim(), 'Time');
  await fast.screenshot({ path: path.join(shots, 'facilitator-time-up.png') });
  // "Time" stays about a minute (counted from the timer's end), then the clock leaves by itself.
  await fast.clock.fastForward('00:45');
  assert.equal(await fast.locator('#timer.time-up').count(), 1, 'still "Time" 50 s after the end');
  await fast.clock.fastForward('00:20');
  await fast.locator('#timer').waitFor({ state: 'detached' });
  await fast.locator('#room-line').waitFor();
  await checkProjector(fast, 'groups after the timer ended');
  await fastCtx.close();
  await host.click('#stop-timer');
  await screen.locator('#timer').waitFor({ state: 'detached' });

  // Spotlight: the most divisive statement alone, large, with its per-group split.
  v = await view();
  const spot = v.divisive[0].statement.id;
  await host.selectOption('#spotlight-select', String(spot));
  await host.click('#spotlight-show');
  await screen.locator(`#spotlight[data-statement="${spot}"]`).waitFor();
  const spotPx = await screen.locator('#spotlight .spot-text').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(spotPx >= 56, `the spotlit statement is large: ${spotPx} px`);
  assert.ok((await screen.locator('#spotlight .bar-row').count()) >= 2, 'a bar per group');
  assert.equal(await screen.locator('#opinion-map').count(), 0, 'the statement alone');
  // Every segment is labelled, pass too.
  const labels = await screen.locator('#spotlight .bar-row').first().locator('.seg-label').allTextContents();
  assert.equal(labels.length, 3, `agree, disagree and pass labelled: ${labels}`);
  await checkProjectorLanguages(screen, 'spotlight', 'facilitator-spotlight');
  await host.click('#spotlight-clear');
  await screen.locator('#spotlight').waitFor({ state: 'detached' });

  // The groups frozen: the console says so and offers to update them to the votes or to let
  // them follow the votes again, each asked for again first (both change every phone and the
  // projector). The votes have not changed, so they draw the same groups: no notice.
  const controlPosted = () => host.waitForResponse((r) => r.url().endsWith(`/api/rooms/${code}/controls`)
    && r.request().method() === 'POST');
  const cards = await screen.locator('.group-card').count();
  await host.click('#freeze-control[data-frozen=false] #freeze-groups');
  await host.locator('#freeze-control[data-frozen=true] #groups-status').waitFor();
  assert.equal((await info()).controls.groups_frozen, true);
  assert.equal(await host.locator('#live-groups').count(), 0, 'the votes draw as many groups as the room keeps');
  assert.equal(await host.locator('#groups-switched').count(), 0, 'nobody votes like another group yet');
  assert.equal(await screen.locator('.group-card').count(), cards, 'the projector keeps its groups');
  await host.click('#update-groups');
  await host.locator('#update-groups-confirm').waitFor();
  await host.click('#keep-groups');
  await host.locator('#update-groups-confirm').waitFor({ state: 'detached' });
  await host.click('#update-groups');
  const [updated] = await Promise.all([controlPosted(), host.click('#confirm-update-groups')]);
  assert.equal(updated.status(), 200);
  assert.equal(JSON.parse(updated.request().postData()).action, 'freeze_groups');
  await host.locator('#update-groups').waitFor();
  assert.equal((await info()).controls.groups_frozen, true, 'updated, still frozen');
  await host.click('#unfreeze-groups');
  await host.locator('#unfreeze-groups-confirm').waitFor();
  await host.click('#keep-groups');
  await host.locator('#unfreeze-groups-confirm').waitFor({ state: 'detached' });
  assert.equal((await info()).controls.groups_frozen, true, '"keep" keeps them frozen');
  await host.click('#unfreeze-groups');
  const [released] = await Promise.all([controlPosted(), host.click('#confirm-unfreeze-groups')]);
  assert.equal(released.status(), 200);
  assert.equal(JSON.parse(released.request().postData()).action, 'unfreeze_groups');
  await host.locator('#freeze-control[data-frozen=false] #freeze-groups').waitFor();
  assert.equal((await info()).controls.groups_frozen, false);

  // A group named: beside its letter on the projector.
  const label = v.groups[0].label;
  await host.fill(`#group-name-${label}`, 'Safety first');
  await host.click(`#save-group-name-${label}`);
  await waitFor(async () => (await info()).controls.group_names.some((g) => g.name === 'Safety first'), 'the name stored');
  await screen.locator(`.group-card[data-group="${label}"] .group-name`).filter({ hasText: 'Safety first' }).waitFor();
  await checkProjectorLanguages(screen, 'groups with a name', 'facilitator-groups-named');

  // What divides the groups, with the plain line and names.
  await host.click('#stage-divisive');
  await host.click('#confirm-stage-yes'); // every screen changes: asked again
  await screen.locator('#divisive li').first().waitFor();
  // The plain line says what the list is; how each group leans is worded under each statement
  // from its own bars, so no sentence contradicts a bar on the screen.
  const line = (await screen.locator('#room-line').textContent()).trim();
  assert.equal(line, tables.en.LineDivisiveEach);
  const leans = (await screen.locator('#divisive li .leans').first().textContent()).trim();
  assert.match(leans, /(mostly agrees|mostly disagrees)/, leans);
  assert.match(leans, /Safety first/, 'the name in the words under the statement');
  await checkStanceWords(screen);
  await screen.locator('#divisive .named').filter({ hasText: 'Safety first' }).waitFor();
  assert.equal(await screen.locator('#divisive li').first().locator('.bar-row').first().locator('.seg-label').count(), 3);
  await checkProjectorLanguages(screen, 'divisive', 'facilitator-divisive');

  // The console lists statements most divisive first, and starts a spectrum in one click.
  const measures = await host.locator('#statements-panel tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.divisiveness || -1)));
  assert.deepEqual(measures, [...measures].sort((a, b) => b - a), `most divisive first: ${measures}`);
  assert.ok(measures[0] > 0, 'a measure once groups exist');
  const top = Number(await host.locator('#statements-panel tbody tr').first().getAttribute('data-statement'));
  await host.locator('#statements-panel tbody tr').first().locator('.start-spectrum').click();
  await host.click('#confirm-spectrum-yes');
  await screen.locator('main[data-stage=spectrum] #spectrum-view').waitFor();
  const sp = (await view()).spectrums.at(-1);
  assert.equal(sp.statement.id, top);
  const place = (round, pos) => Promise.all(phones.map((p, i) => api('POST', `/api/rooms/${code}/spectrum-positions`, {
    token: p.token, body: { id: `sp${round}-${i}`, spectrum: sp.id, round, position: pos(p, i) },
  })));
  const positions = [
    (p) => (p.camp === 0 ? 2 : -2),
    (p, i) => (p.camp === 0 ? 2 : (i === 1 || i === 3 ? 0 : -2)),
    (p, i) => (p.camp === 0 ? 2 : (i === 1 || i === 3 ? 1 : -2)),
  ];
  for (let round = 1; round <= 3; round += 1) {
    if (round > 1) await host.click(`#open-round-${round}`);
    await host.locator(`#round-status[data-round="${round}"]`).waitFor();
    await place(round, positions[round - 1]);
    // Hidden while open: only how many placed, no bars for this round, no movement.
    await screen.locator(`#placed-${round}`).filter({ hasText: `${PHONES} people placed` }).waitFor();
    assert.equal(await screen.locator(`.round[data-round="${round}"]`).count(), 0, `round ${round} hidden`);
    // The open round is what the screen is about: the walls from round 1, no earlier bars.
    assert.ok(await screen.locator('#wall-disagree').isVisible() && await screen.locator('#wall-agree').isVisible(), `round ${round}: the walls`);
    assert.equal(await screen.locator('#spectrum-view .histogram').count(), 0, `round ${round}: no earlier round's bars`);
    assert.equal(await screen.locator('#movement').count(), 0, 'no movement while the last round is hidden');
    const hidden = (await view()).spectrums.at(-1).rounds.at(-1);
    assert.deepEqual([hidden.hidden, hidden.placed, hidden.counts.reduce((a, b) => a + b, 0)], [true, PHONES, 0]);
    await checkProjectorLanguages(screen, `spectrum round ${round} hidden`, `facilitator-spectrum-${round}-hidden`);
    await host.click('#reveal-spectrum');
    await screen.locator(`.round[data-round="${round}"] .seg`).first().waitFor();
    await screen.locator(`#placed-${round}`).waitFor({ state: 'detached' });
    await host.locator('#hide-spectrum').waitFor();
  }
  const movement = screen.locator('#movement');
  await movement.locator('h3').filter({ hasText: 'round 1 → round 3' }).waitFor();
  await movement.filter({ hasText: '2 toward agree' }).waitFor();
  // Each group's average move, in steps of the scale, measured on the same people: two of camp 1
  // moved from strongly disagree to somewhat agree, camp 0 stayed.
  await movement.locator('.average').first().waitFor();
  const moves = await movement.locator('.average').allTextContents();
  assert.ok(moves.some((m) => /^on average \d\.\d steps toward agreeing$/.test(m)), `a group moved toward agreeing: ${moves}`);
  assert.ok(moves.includes('on average no shift'), `a group stayed: ${moves}`);
  assert.ok(moves.every((m) => !/toward disagreeing/.test(m)), `nobody moved toward disagreeing: ${moves}`);
  assert.doesNotMatch(await movement.textContent(), /[+-]\d\.\d/, 'no signed means: a size with its direction in words');
  assert.equal((await view()).spectrums.at(-1).rounds.length, 3);
  // The round said once, in the panel's title, with the first round as dashed outlines; each
  // step's count of people as text; group shares as a letter and a number apart; the walls.
  assert.equal((await screen.locator('#spectrum-round [data-i18n-template=Round]').textContent()).trim(), 'Round 3');
  assert.match(await screen.locator('#spectrum-round .outline-key').textContent(), /dashed: round 1/);
  assert.equal(await screen.locator('#spectrum-view .round').count(), 5, 'one bar a step: the latest round');
  assert.equal(await screen.locator('#spectrum-view .outline').count(), 5, 'the first round as outlines');
  // Round 3: camp 0 strongly agrees, two of camp 1 somewhat agree, the rest strongly disagree.
  assert.deepEqual(await checkSpectrumCounts(screen, PHONES), [2, 0, 0, 2, 4]);
  assert.equal((await screen.locator('#step-count-4').textContent()).trim(), '4 people');
  assert.equal((await screen.locator('#wall-disagree').textContent()).trim(), tables.en.WallDisagree);
  assert.equal((await screen.locator('#wall-agree').textContent()).trim(), tables.en.WallAgree);
  await checkNoGluedShares(screen);
  await checkProjectorLanguages(screen, 'spectrum of three rounds', 'facilitator-spectrum-3');
  await host.click('#close-spectrum');
  await host.locator('#round-status[data-round=""]').waitFor();

  // A second vote on the preselected statements; phones get them again.
  const preselected = await host.locator('#revote-list input:checked').evaluateAll((xs) => xs.map((x) => Number(x.dataset.statement)));
  assert.ok(preselected.length >= 1 && preselected.length <= 5, `preselected ${preselected}`);
  await host.click('#open-revote');
  await host.locator('#revote-status').waitFor();
  const revote = (await info()).controls.revote;
  assert.deepEqual([...revote.statements].sort(), [...preselected].sort());
  const me = await api('GET', `/api/rooms/${code}/me`, { token: phones[1].token });
  const offered = [me.next, ...(me.upcoming ?? [])].filter(Boolean).map((s) => s.statement?.id ?? s.id);
  assert.ok(offered.some((id) => revote.statements.includes(id)), `phones get the statements again: ${offered}`);
  // Two of camp 1 now vote with camp 0 on everything asked again.
  for (const i of [1, 3]) {
    for (const s of revote.statements) {
      await api('POST', `/api/rooms/${code}/votes`, { token: phones[i].token, body: { id: `r${s}`, statement: s, vote: campVote(0, s) } });
    }
  }
  await host.click('#close-revote');
  await host.locator('#open-revote').waitFor();

  // The report stage: the change in plain sentences, each page fits.
  await host.click('#stage-report');
  await host.click('#confirm-stage-yes'); // every screen changes: asked again
  await screen.locator('main[data-stage=report] .report').waitFor();
  const change = await waitFor(async () => (await view()).change, 'the change');
  // Summary, change, divisive, spectrum: the report opens on page 1 and stays there, even on a
  // projector whose clock runs minutes ahead; the console turns it.
  const turn = screen.locator('#report-page[data-pages="4"]');
  await turn.waitFor();
  const pages = 4;
  assert.equal(await screen.locator('.report').getAttribute('data-page'), '0', 'page 1 first');
  assert.equal((await turn.textContent()).trim(), `page 1 / ${pages}`);
  const stillCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  await holdKey(stillCtx, base, code, key);
  const still = await newPage(stillCtx, 'report screen with a fast clock', errors);
  await still.clock.install();
  await still.goto(`${base}/r/${code}/screen`);
  await still.locator('.report[data-page="0"]').waitFor();
  await still.clock.fastForward('01:05');
  assert.equal(await still.locator('.report').getAttribute('data-page'), '0', 'no page turns by itself');
  await host.locator('#paging-control[data-page="0"][data-auto=false]').waitFor();
  assert.ok(await host.locator('#page-previous').isDisabled(), 'no page before the first');
  let sawChange = false;
  for (let i = 0; i < pages; i += 1) {
    const n = Number(await screen.locator('.report').getAttribute('data-page'));
    assert.equal(n, i, `page ${i + 1} as the console turned it`);
    if (await screen.locator('#change').count()) {
      sawChange = true;
      const text = await screen.locator('#change').textContent();
      assert.match(text, /How opinions changed/);
      assert.match((await screen.locator('#change-moved').textContent()).trim(),
        /^(\d+ people now vote|1 person now votes|Nobody now votes) more like another group\.$/);
      // The statement asked again on which most people changed their own vote: all eight voted on
      // it both times, the two of camp 1 who now vote with camp 0 moved, the rest kept their vote;
      // then one line per group.
      const panel = await screen.locator('#change li.panel .sentence').first().textContent();
      const [, n, agree, disagree, stayed] = panel.match(/^“[^”]+”: of the (\d+) people who voted on it both times, (\d+) moved toward agreeing, (\d+) toward disagreeing, (\d+) kept their vote$/) ?? [];
      assert.deepEqual([n, Number(agree) + Number(disagree), stayed].map(Number), [PHONES, 2, PHONES - 2], panel);
      const groupLines = await screen.locator('#change li.panel').first().locator('.panel-groups li').allTextContents();
      assert.ok(groupLines.length >= 2, `a line per group: ${groupLines}`);
      for (const g of groupLines) assert.match(g.trim(), /^.+: \d+ of \d+ toward agreeing, \d+ toward disagreeing$/, g);
      // As many of the changes as the screen has room for (measured: the estimate showed one
      // statement over half an empty screen while the report listed three).
      const { change } = await view();
      const candidates = change.panels.filter((p) => p.everyone.toward_agree + p.everyone.toward_disagree > 0).length
        + change.consensus_gained.length + change.consensus_lost.length;
      const shown = await checkListFills(screen, '#change', candidates);
      assert.ok(shown >= 1, `${shown} of ${candidates} changes shown`);
      // What did not fit is counted beside the heading, and said to be in the report.
      const more = screen.locator('#change h2 #change-more');
      if (shown < candidates) {
        assert.equal(await more.getAttribute('data-more'), String(candidates - shown));
        assert.equal((await more.textContent()).trim(), `(${candidates - shown} more in the take-away report)`);
      } else {
        assert.equal(await more.count(), 0, 'every change shown: no "more" line');
      }
    }
    await checkProjectorLanguages(screen, `report page ${n + 1}`, `facilitator-report-${n + 1}`);
    assert.deepEqual(await axeSerious(screen), [], `projector report page ${n + 1}`);
    if (i + 1 < pages) {
      await host.click('#page-next');
      await screen.locator(`.report[data-page="${i + 1}"]`).waitFor();
      await screen.locator('#report-page').filter({ hasText: `page ${i + 2} / ${pages}` }).waitFor();
    }
  }
  assert.ok(await host.locator('#page-next').isDisabled(), 'no page after the last');
  await host.click('#page-previous');
  await screen.locator(`.report[data-page="${pages - 2}"]`).waitFor();
  await still.locator(`.report[data-page="${pages - 2}"]`).waitFor();
  // "Turn pages by itself": one page every 20 s from there, until the console stops it.
  await host.click('#page-auto');
  await host.locator('#page-auto[aria-pressed=true]').waitFor();
  await still.locator('#report-page[data-auto=true]').waitFor();
  await still.clock.fastForward('00:21');
  await still.locator(`.report[data-page="${pages - 1}"]`).waitFor();
  await still.clock.fastForward('00:20');
  await still.locator('.report[data-page="0"]').waitFor();
  await host.click('#page-auto');
  await host.locator('#page-auto[aria-pressed=false]').waitFor();
  await still.locator('#report-page[data-auto=false]').waitFor();
  const stopped = await still.locator('.report').getAttribute('data-page');
  await still.clock.fastForward('01:00');
  assert.equal(await still.locator('.report').getAttribute('data-page'), stopped, 'stopped: the page stays');
  await stillCtx.close();
  const moved = change.moved > 0
    || change.panels.some((p) => p.everyone.toward_agree + p.everyone.toward_disagree > 0)
    || change.consensus_gained.length > 0 || change.consensus_lost.length > 0;
  assert.equal(sawChange, moved, `the change page shows when the room moved: ${JSON.stringify(change)}`);
  assert.ok(moved, 'two people changed their votes: the room moved');

  // The take-away report: 404 before it is published, then a page that passes axe, has every
  // section and prints to more than one A4 page; unpublished again, 404; the download works.
  assert.equal((await fetch(`${base}/r/${code}/report`)).status, 404);
  await host.click('#publish-report');
  await host.locator('#report-status[data-published=true]').waitFor();
  assert.equal(await host.locator('#report-link').getAttribute('href'), `/r/${code}/report`);
  const reportCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The report's inline icon keeps Chromium from asking for /favicon.ico (a 404 in `missing`).
  const report = await newPage(reportCtx, 'report', errors);
  const missing = [];
  report.on('response', (r) => { if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`); });
  for (const lang of ['zh-TW', 'ja', 'en']) {
    const r = await report.goto(`${base}/r/${code}/report?lang=${lang}`);
    assert.equal(r.status(), 200);
    for (const id of ['summary', 'map', 'groups', 'divisive', 'spectrum', 'change', 'method']) {
      assert.equal(await report.locator(`section#${id}`).count(), 1, `${lang}: section ${id}`);
    }
    assert.ok(await report.locator('section#groups').filter({ hasText: 'Safety first' }).count(), 'the group name in the report');
    assert.deepEqual(await axeSerious(report), [], `report ${lang}`);
    await report.screenshot({ path: path.join(shots, `facilitator-report-${lang}.png`) });
    const pdf = await report.pdf({ format: 'A4', printBackground: true });
    assert.ok(pdfPages(pdf) > 1, `${lang}: ${pdfPages(pdf)} A4 pages`);
  }
  await reportCtx.close();
  assert.deepEqual(missing.filter((m) => !m.includes('/r/')), [], 'the report loads nothing that fails');
  const download = await fetch(`${base}${await host.locator('#report-download').getAttribute('href')}`);
  assert.equal(download.status, 200);
  assert.match(await download.text(), /<section id="summary"/);
  await host.click('#unpublish-report');
  await host.locator('#report-status[data-published=false]').waitFor();
  assert.equal((await fetch(`${base}/r/${code}/report`)).status, 404, 'unpublished: 404');
  assert.equal((await fetch(`${base}${await host.locator('#report-link').getAttribute('href')}`)).status, 200, 'the key still opens it');

  // The console: accessible, and every string in every language.
  assert.deepEqual(await axeSerious(host), [], 'console');
  for (const tag of ['zh-TW', 'ja', 'ko', 'en']) {
    await switchLanguage(host, tag);
    await checkStrings(host, tag);
  }
  await host.screenshot({ path: path.join(shots, 'facilitator-console.png'), fullPage: true });

  // Closing asks first; "keep it open" keeps it open; then the console shows the room closed
  // and the projector says the workshop has ended, with the report's address (published again
  // first) and voting paused no more shown.
  await host.click('#publish-report');
  await host.locator('#report-status[data-published=true]').waitFor();
  await host.click('#pause-voting');
  await screen.locator('#voting-paused').waitFor();
  await host.click('#close-room');
  await host.locator('#close-confirm').waitFor();
  await host.click('#keep-open');
  await host.locator('#close-room').waitFor();
  assert.equal((await info()).closed, false);
  await host.click('#close-room');
  await host.click('#confirm-close');
  await host.locator('#room-closed-banner').waitFor();
  assert.equal(await host.locator('#close-room').count(), 0);
  assert.equal((await info()).closed, true);
  // A closed room's console offers nothing the server would refuse (no stage, round, table,
  // second vote, timer or pause); the report, its group names and the exports stay.
  for (const gone of ['.stage-buttons', '#go-next-stage', '#revote-control', '#pause-voting', '#resume-voting',
    '#hide-results', '#reveal-results', '#timer-control', '#spotlight-control', '#tables-panel', '#spectrum-controls', '#statements-panel', '#hide-spectrum', '#reveal-spectrum']) {
    assert.equal(await host.locator(gone).count(), 0, `${gone} is not offered once the room is closed`);
  }
  for (const kept of ['#report-status', '#export']) {
    assert.ok(await host.locator(kept).count() >= 1, `${kept} stays once the room is closed`);
  }
  await checkStrings(host, 'en');
  const ended = screen.locator('#room-ended');
  await ended.waitFor();
  assert.equal(await screen.locator('main[data-closed=true]').count(), 1);
  assert.equal((await ended.locator('h2').textContent()).trim(), tables.en.ScreenEnded);
  assert.equal((await ended.locator('.thanks').textContent()).trim(), tables.en.ScreenThanks);
  assert.equal((await ended.locator('#report-url').textContent()).trim(), `${base}/r/${code}/report`);
  assert.ok(await ended.locator('.qr svg').isVisible(), 'a code to scan for the report');
  for (const gone of ['#voting-paused', '#room-line', '#timer', '.report']) {
    assert.equal(await screen.locator(gone).count(), 0, `${gone} is gone once the room is closed`);
  }
  await checkProjectorLanguages(screen, 'closed room', 'facilitator-closed');

  // The projector in every language on the last stage, then no unexpected errors anywhere.
  for (const tag of ['zh-TW', 'ja', 'ko', 'en']) {
    await switchLanguage(screen, tag);
    await checkStrings(screen, tag);
  }
  await checkProjector(screen, 'closed room report');
  assert.deepEqual(softFailures, [], 'every projector stage fits (PROJECTOR_SOFT=1 collects them)');
  const unexpected = errors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::/.test(e));
  assert.deepEqual(unexpected, []);
});
