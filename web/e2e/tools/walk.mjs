// The whole workshop walked as a first-time facilitator would, once per UI language, with a
// screenshot of every step: not a test (it asserts only that each step could be taken), a tool
// to rerun and then to look at the pictures as the people in the room would.
//
//   node web/e2e/tools/walk.mjs [--out DIR] [--lang zh-TW,en,ja,ko]
//
// Against the real `polyphony serve` (target/release/polyphony, or POLYPHONY_BIN) on a fresh
// SQLite file, in Debian's headless Chromium: the facilitator fills the start page (topic,
// background, ten seed statements, a briefing card with two positions) in the browser's
// language, opens the projector from the console (1920 × 1080), four phones (390 × 844) join —
// two by typing the room's address and the joining code, two by the QR code — and twelve more
// people over the HTTP API, so that groups form. Then every stage from the console's run sheet:
// briefing, collect (a phone adds its own statement), groups (one named), divisive, a spectrum
// of two rounds revealed, same-group tables with a timer and a released note, a second vote,
// the report (every projector page, the published page on a phone and a desktop) and a closed
// room. Screenshots in DIR/<lang>/NN-name.png (default /work/walk2). Beside them, findings.txt:
// what the automatic looks found (projector not fitting or text too small, English or a key
// name among another language's words, a Korean particle left as "은(는)", a phone wider than its
// screen) — a list to check by eye, not a verdict.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkProjector, joinPath, launchBrowser, newPage, startServer, tables, waitFor,
} from '../helpers.mjs';
import { CONTENT, walkVote } from './walk-content.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const OUT = opt('--out', '/work/walk2');
const LANGS = opt('--lang', 'zh-TW,en,ja,ko').split(',');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const API_PEOPLE = 12;

const server = await startServer();
const browser = await launchBrowser();
const errors = [];
const summary = {};

try {
  for (const lang of LANGS) {
    const findings = [];
    try {
      await walk(lang, findings);
    } catch (e) {
      findings.push(`WALK STOPPED: ${e.stack}`);
    }
    summary[lang] = findings;
    writeFileSync(path.join(OUT, lang, 'findings.txt'), `${findings.join('\n')}\n`);
    console.log(`${lang}: ${findings.length} findings`);
  }
} finally {
  await browser.close();
  server.stop();
}
// A phone that typed the room's code is refused (403) until it gives the joining code: expected.
const scriptErrors = errors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|net::|phone [01] console: .*status of 403/.test(e));
writeFileSync(path.join(OUT, 'findings.json'), JSON.stringify({ summary, scriptErrors }, null, 2));
console.log(`script errors: ${scriptErrors.length}`);
for (const e of scriptErrors) console.log(`  ${e}`);

/** Every visible text on the page that is suspect in `lang`: English words or a key's name in
 * another language's page, or a Korean particle left for either ending. */
async function lookAtWords(page, lang, what, findings, allowed) {
  const texts = await page.evaluate(() => {
    const out = [];
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      const el = n.parentElement;
      const t = n.textContent.trim();
      if (!t || el.closest('script, style, svg, option, #lang')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      out.push(t);
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
      for (const a of ['placeholder', 'aria-label', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
    return out;
  });
  const keyNames = new Set(Object.keys(tables.en));
  for (const t of texts) {
    if (keyNames.has(t) && t !== tables[lang][t]) findings.push(`${what}: a key's name shown: "${t}"`);
    if (/[{}]/.test(t)) findings.push(`${what}: a placeholder left: "${t}"`);
    if (lang === 'ko' && /(은\(는\)|는\(은\)|이\(가\)|가\(이\)|을\(를\)|를\(을\)|와\(과\)|과\(와\)|\(으\)로)/.test(t)) {
      findings.push(`${what}: a Korean particle for either ending: "${t}"`);
    }
    if (lang !== 'en') {
      const stripped = allowed.reduce((s, a) => s.split(a).join(' '), t.replace(/https?:\S+/g, ' '))
        .replace(/\b[2-9A-Z]{6}\b/g, ' ').replace(/[\w-]+\.(csv|json|html)\b/g, ' ');
      const words = stripped.match(/[A-Za-z]{3,}/g);
      if (words) findings.push(`${what}: English in ${lang}: "${t.slice(0, 80)}"`);
    }
  }
}

async function walk(lang, findings) {
  const c = CONTENT[lang];
  const dir = path.join(OUT, lang);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  // Words that may stay in Latin letters on any page: names (the product, Polis, the report's
  // language links), the room's code and addresses, file names, HTML and PCA.
  const allowed = ['Polyphony', 'Polis', 'QR', 'HTML', 'PCA', 'English'];
  const look = async (page, name, { full = false, projector = false } = {}) => {
    n += 1;
    const file = `${String(n).padStart(2, '0')}-${name}.png`;
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(dir, file), fullPage: full });
    await lookAtWords(page, lang, file, findings, allowed);
    if (projector) {
      try {
        await checkProjector(page, file);
      } catch (e) {
        findings.push(`${file}: ${e.message.split('\n').slice(0, 6).join(' | ')}`);
      }
    }
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    if (wide > 0) findings.push(`${file}: ${wide} px wider than the screen`);
  };
  const onFirstScreen = async (page, what, selector) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.locator(selector).first().boundingBox();
    const h = page.viewportSize().height;
    if (!box || box.y < 0 || box.y + box.height > h) {
      findings.push(`${what}: ${selector} not on the first screen (${box ? `${Math.round(box.y)}–${Math.round(box.y + box.height)}` : 'absent'})`);
    }
  };

  // 1. The facilitator opens the start page and creates the room.
  const hostCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang });
  const host = await newPage(hostCtx, `${lang} console`, errors);
  await host.goto(`${server.base}/`);
  await host.locator('#create-form').waitFor();
  await look(host, 'start');
  await host.fill('#topic', c.topic);
  await host.fill('#description', c.description);
  await host.fill('#statements', c.statements.join('\n'));
  await host.click('#brief-add-card');
  await host.fill('#brief-0-title', c.brief.title);
  await host.fill('#brief-0-text', c.brief.text);
  for (const [j, pos] of c.brief.positions.entries()) {
    await host.click('.brief-card-form[data-card="0"] .brief-add-position');
    await host.fill(`#brief-0-${j}-side`, pos.side);
    await host.fill(`#brief-0-${j}-text`, pos.text);
    await host.fill(`#brief-0-${j}-source`, pos.source);
  }
  await look(host, 'start-filled', { full: true });
  // A first try with one statement pasted too long (over 280 characters): what does the page say?
  const tooLong = `${c.statements[9]} `.repeat(5).slice(0, 300);
  await host.fill('#statements', [...c.statements, tooLong].join('\n'));
  await host.click('#create-form button[type=submit]');
  await host.locator('#create-form .error').waitFor({ timeout: 10000 }).catch(() => findings.push('no error shown for a statement over the limit'));
  await look(host, 'start-statement-too-long');
  await host.fill('#statements', c.statements.join('\n'));
  await host.click('#create-form button[type=submit]');
  await host.waitForURL(/\/r\/[2-9A-Z]{6}\/host#key=[0-9a-f]{64}$/);
  const code = host.url().match(/\/r\/([2-9A-Z]{6})\/host/)[1];
  const key = host.url().match(/#key=([0-9a-f]{64})$/)[1];
  allowed.push(code);
  await host.locator('#run-sheet').waitFor();
  await look(host, 'console-brief');
  await look(host, 'console-brief-whole', { full: true });
  const api = server.api;
  const room = () => api('GET', `/api/rooms/${code}/view`, { key });

  // 2. The projector, opened from the console (same browser: it holds the key), full HD.
  const [screen] = await Promise.all([hostCtx.waitForEvent('page'), host.click('#open-screen')]);
  screen.on('pageerror', (e) => errors.push(`${lang} projector: ${e.message}`));
  await screen.setViewportSize({ width: 1920, height: 1080 });
  await screen.locator('#brief-card').waitFor();
  await look(screen, 'projector-brief', { projector: true });

  // 3. Two phones arrive during the briefing and type the room's code, then the joining code the
  // projector's join bar shows under the briefing's card.
  const phones = [];
  for (let i = 0; i < 2; i += 1) {
    const ctx = await browser.newContext({ ...PHONE, locale: lang });
    const page = await newPage(ctx, `${lang} phone ${i}`, errors);
    await page.goto(`${server.base}/`);
    await page.locator('#join-form').waitFor();
    if (i === 0) await look(page, 'phone-start');
    await page.fill('#join-code', code.toLowerCase());
    await page.click('#join-form button[type=submit]');
    await page.locator('#join-failed[data-reason=admission] #admission-form').waitFor();
    if (i === 0) await look(page, 'phone-asks-joining-code');
    await page.fill('#admission-code', (await screen.locator('#brief-join-code').textContent()).trim());
    await Promise.all([page.waitForEvent('load'), page.click('#admission-form button[type=submit]')]);
    await page.locator('#consent').waitFor();
    if (i === 0) await look(page, 'phone-consent');
    await page.click('#consent-agree');
    await page.locator('main[data-task="brief"]').waitFor();
    if (i === 0) {
      await look(page, 'phone-brief');
      await onFirstScreen(page, 'phone brief', '#brief-list h2');
    }
    phones.push({ page, camp: i % 3, person: i });
  }

  // 4. The run sheet moves the room on; asked first.
  await host.click('#go-next-stage');
  await host.locator('#confirm-stage').waitFor();
  await look(host, 'console-confirm-collect');
  await host.click('#confirm-stage-yes');
  await screen.locator('main[data-stage=collect]').waitFor();
  await screen.locator('.qr[data-join] svg').waitFor();
  await look(screen, 'projector-collect-empty', { projector: true });
  await look(host, 'console-collect-empty');

  // 5. Two more phones scan the QR code.
  for (let i = 2; i < 4; i += 1) {
    const ctx = await browser.newContext({ ...PHONE, locale: lang });
    const page = await newPage(ctx, `${lang} phone ${i}`, errors);
    await page.goto(`${server.base}${joinPath(code, await screen.locator('.qr').getAttribute('data-join'))}`);
    await page.locator('#consent').waitFor();
    await page.click('#consent-agree');
    await page.locator('main[data-task="vote"]').waitFor();
    phones.push({ page, camp: i % 3, person: i });
  }
  const p0 = phones[0].page;
  await p0.locator('main[data-task="vote"]').waitFor();
  await look(p0, 'phone-vote-first');
  await onFirstScreen(p0, 'phone vote', '#pass');

  // Phones vote by tapping; phone 0 adds a statement of its own after three votes.
  const tapVotes = async (p, count = Infinity) => {
    let k = 0;
    while (k < count) {
      const card = p.page.locator('#vote-card');
      const done = p.page.locator('#all-voted');
      await card.or(done).first().waitFor({ timeout: 15000 });
      if (await done.isVisible()) break;
      const id = Number(await card.getAttribute('data-statement'));
      await p.page.click(`#${id >= 10 ? 'agree' : walkVote(p.person, p.camp, id)}`);
      await p.page.waitForFunction((prev) => {
        const el = document.querySelector('#vote-card');
        return !el || el.getAttribute('data-statement') !== String(prev);
      }, id, { timeout: 15000 });
      k += 1;
    }
  };
  await tapVotes(phones[0], 3);
  await look(p0, 'phone-vote-4th');
  await p0.evaluate(() => document.querySelector('#add-statement')?.scrollIntoView());
  await p0.fill('#new-statement', c.own);
  await p0.click('#add-statement button[type=submit]');
  await p0.locator('#add-statement [role=status]').waitFor();
  await look(p0, 'phone-statement-sent');
  await Promise.all(phones.map((p) => tapVotes(p)));
  await look(p0, 'phone-all-voted');

  // 6. Twelve more people over the HTTP API, with the joining code of the moment, in three camps.
  const tokens = [];
  for (let i = 0; i < API_PEOPLE; i += 1) tokens.push((await server.join(code, key)).participant_token);
  const people = tokens.map((token, i) => ({ token, person: 4 + i, camp: (4 + i) % 3 }));
  for (let s = 0; s < 10; s += 1) {
    await Promise.all(people.map((p) => api('POST', `/api/rooms/${code}/votes`, {
      token: p.token, body: { id: `v${s}`, statement: s, vote: walkVote(p.person, p.camp, s) },
    })));
  }
  // The added statement: some vote on it too.
  await Promise.all(people.slice(0, 6).map((p) => api('POST', `/api/rooms/${code}/votes`, {
    token: p.token, body: { id: 'v10', statement: 10, vote: p.camp === 0 ? 'agree' : 'pass' },
  })));
  // A few spread-out votes again, so the number of groups settles.
  for (let k = 0; k < 6; k += 1) {
    const p = people[k];
    await api('POST', `/api/rooms/${code}/votes`, { token: p.token, body: { id: `z${k}`, statement: 0, vote: walkVote(p.person, p.camp, 0) } });
    await new Promise((r) => setTimeout(r, 300));
  }
  await waitFor(async () => (await room()).groups?.length >= 2, 'groups', 30000);
  await screen.locator('#participant-count').filter({ hasText: '16' }).waitFor();
  await look(screen, 'projector-collect-16', { projector: true });
  await look(host, 'console-collect-16');

  // 7. Groups.
  await host.click('#go-next-stage');
  await host.click('#confirm-stage-yes');
  await screen.locator('main[data-stage=groups] .group-card').first().waitFor();
  await look(screen, 'projector-groups', { projector: true });
  for (const [i, p] of phones.entries()) {
    await p.page.locator('#task #group-badge').waitFor();
    await look(p.page, `phone-group-${i}`);
    await onFirstScreen(p.page, `phone ${i} group`, '#group-badge');
  }
  await look(host, 'console-groups');
  // The facilitator names group A (the console's group names).
  await host.fill('#group-name-A', c.groupName);
  await host.click('#save-group-name-A');
  await screen.locator('.group-card', { hasText: c.groupName }).first().waitFor();
  await look(screen, 'projector-groups-named', { projector: true });
  await look(host, 'console-groups-named');
  const named = phones.find((p) => p.camp === 0) ?? phones[0];
  await look(named.page, 'phone-group-named');

  // 8. What divides them.
  await host.click('#go-next-stage');
  await host.click('#confirm-stage-yes');
  await screen.locator('#divisive li').first().waitFor();
  await look(screen, 'projector-divisive', { projector: true });
  writeFileSync(path.join(dir, 'view-divisive.json'), JSON.stringify(await api('GET', `/api/rooms/${code}/view`), null, 2));
  await look(host, 'console-divisive');
  await look(p0, 'phone-divisive');

  // 9. A spectrum on the most divisive statement (the first row of the console's list).
  const first = host.locator('#statements-panel tbody tr[data-statement]').first();
  const spStatement = Number(await first.getAttribute('data-statement'));
  await first.locator('.start-spectrum').click();
  await host.locator('#confirm-spectrum').waitFor();
  await look(host, 'console-confirm-spectrum');
  await host.click('#confirm-spectrum-yes');
  await screen.locator('main[data-stage=spectrum]').waitFor();
  await screen.locator('#placed-1').waitFor();
  await look(screen, 'projector-spectrum-r1-open', { projector: true });
  await p0.locator('#spectrum').waitFor();
  await look(p0, 'phone-spectrum-r1');
  const sp = (await room()).spectrums.at(-1);
  const stand1 = (p) => (p.camp === 0 ? 2 : p.camp === 1 ? -2 : -1);
  const stand2 = (p) => (p.camp === 0 ? 1 : p.camp === 1 ? (p.person % 2 ? 0 : -2) : 0);
  for (const p of phones) {
    await p.page.click(`#spectrum button[data-position="${stand1(p)}"]`);
    await p.page.locator(`#spectrum button[data-position="${stand1(p)}"][aria-pressed=true]`).waitFor();
  }
  await look(p0, 'phone-spectrum-r1-placed');
  await Promise.all(people.map((p) => api('POST', `/api/rooms/${code}/spectrum-positions`, {
    token: p.token, body: { id: 'r1', spectrum: sp.id, round: 1, position: stand1(p) },
  })));
  await host.locator('#count-placed').filter({ hasText: '16' }).waitFor();
  await look(screen, 'projector-spectrum-r1-16-hidden', { projector: true });
  await look(host, 'console-spectrum-r1');
  await host.click('#reveal-spectrum');
  await screen.locator('#step-count-0').waitFor();
  await look(screen, 'projector-spectrum-r1-revealed', { projector: true });
  await host.click('#open-round-2');
  await p0.locator('#spectrum[data-round="2"]').waitFor();
  await look(p0, 'phone-spectrum-r2');
  await look(screen, 'projector-spectrum-r2-open', { projector: true });
  for (const p of phones) await p.page.click(`#spectrum button[data-position="${stand2(p)}"]`);
  await Promise.all(people.map((p) => api('POST', `/api/rooms/${code}/spectrum-positions`, {
    token: p.token, body: { id: 'r2', spectrum: sp.id, round: 2, position: stand2(p) },
  })));
  await host.locator('#count-placed').filter({ hasText: '16' }).waitFor();
  await host.click('#reveal-spectrum');
  await screen.locator('#movement').waitFor();
  await look(screen, 'projector-spectrum-r2-revealed', { projector: true });
  await look(host, 'console-spectrum-r2');

  // 10. Tables: same-group tables of at most 8, a timer, a note released.
  await host.click('#go-next-stage');
  await host.click('#confirm-stage-yes');
  await host.locator('#tables-panel').waitFor();
  await look(host, 'console-tables');
  await look(screen, 'projector-tables-none', { projector: true });
  await host.click('#form-tables');
  await screen.locator('#tables-board .table-tile').first().waitFor();
  await look(screen, 'projector-tables', { projector: true });
  for (const [i, p] of phones.entries()) {
    await p.page.locator('#table-card').waitFor();
    await look(p.page, `phone-table-${i}`);
    await onFirstScreen(p.page, `phone ${i} table`, '#table-card .table-big');
  }
  const reporter = await waitFor(async () => {
    for (const p of phones) if (await p.page.locator('#reporter-prompt').count()) return p;
    return null;
  }, 'a phone that reports', 5000).catch(() => null);
  if (reporter) await look(reporter.page, 'phone-reporter', { full: true });
  else findings.push('none of the four phones was drawn to report (may be chance)');
  await host.fill('#timer-minutes', '10');
  await host.click('#start-timer');
  await screen.locator('.timer, [role=timer]').first().waitFor();
  const writer = phones[1].page;
  await writer.fill('#new-note', c.note);
  await writer.click('#add-note');
  await writer.locator('#table-notes li[data-mine=true]').first().waitFor();
  await look(writer, 'phone-note-written', { full: true });
  await host.locator('#tables-panel .release-note').first().waitFor();
  await look(host, 'console-tables-note');
  await host.locator('#tables-panel .release-note').first().click();
  await screen.locator('.tile-notes li').first().waitFor();
  await look(screen, 'projector-tables-note-timer', { projector: true });

  // 11. A second vote on the spectrum's statement and the next most divisive one.
  await host.locator('#revote-control').scrollIntoViewIfNeeded();
  const v = await room();
  const again = [spStatement, ...v.divisive.map((d) => d.statement.id).filter((id) => id !== spStatement)].slice(0, 2);
  for (const id of again) await host.check(`#revote-${id}`);
  await look(host, 'console-revote-chosen');
  await host.click('#open-revote');
  for (const [i, p] of phones.entries()) {
    await p.page.locator('main[data-task="revote"]').waitFor();
    if (i === 0) await look(p.page, 'phone-revote');
  }
  // After the discussion half of camp 1 now agrees with what it rejected.
  const revote = (p, s) => (p.camp === 1 && p.person % 2 ? 'agree' : walkVote(p.person, p.camp, s));
  const asked = (await room()).room.controls.revote.statements;
  for (const p of phones) {
    for (let k = 0; k < asked.length; k += 1) {
      const card = p.page.locator('main[data-task="revote"] #vote-card');
      if (!(await card.count())) break;
      const id = Number(await card.getAttribute('data-statement'));
      await p.page.click(`#${revote(p, id) === 'pass' ? 'pass' : revote(p, id)}`);
      await p.page.waitForFunction((prev) => document.querySelector('#vote-card')?.getAttribute('data-statement') !== String(prev), id);
    }
  }
  await look(p0, 'phone-revote-done');
  for (const p of people) {
    for (const s of asked) {
      await api('POST', `/api/rooms/${code}/votes`, { token: p.token, body: { id: `again${s}`, statement: s, vote: revote(p, s) } });
    }
  }
  await host.locator('#count-revote').waitFor();
  await look(host, 'console-revote-progress');
  await host.click('#close-revote');

  // 12. The report: every projector page, then published to the phones.
  await host.click('#go-next-stage');
  await host.locator('#confirm-stage').waitFor();
  await host.click('#confirm-stage-yes');
  await screen.locator('main[data-stage=report]').waitFor();
  await look(host, 'console-report');
  const turn = screen.locator('#report-page');
  const pages = (await turn.count()) ? Number(await turn.getAttribute('data-pages')) : 1;
  for (let i = 0; i < pages; i += 1) {
    await screen.locator(`.report[data-page="${i}"]`).waitFor();
    await look(screen, `projector-report-${i + 1}-of-${pages}`, { projector: true });
    if (i + 1 < pages) await host.click('#page-next');
  }
  await look(p0, 'phone-report-unpublished');
  await host.click('#publish-report');
  await p0.locator('#report-link').waitFor();
  await look(p0, 'phone-report-published');
  await Promise.all([p0.waitForURL(/\/report/), p0.click('#report-link')]);
  await p0.locator('main').first().waitFor();
  await look(p0, 'report-on-phone-top');
  await look(p0, 'report-on-phone', { full: true });
  const desk = await hostCtx.newPage();
  await desk.goto(`${server.base}/r/${code}/report`);
  await look(desk, 'report-desktop', { full: true });
  await desk.close();
  await p0.goBack();

  // 13. Closing the room.
  await host.click('#close-room');
  await host.locator('#close-confirm').waitFor();
  await look(host, 'console-close-confirm');
  await host.click('#confirm-close');
  await screen.locator('#room-ended').waitFor();
  await look(screen, 'projector-closed', { projector: true });
  await look(host, 'console-closed');
  for (const [i, p] of phones.entries()) {
    if (i === 0) await p.page.goto(`${server.base}/r/${code}`);
    await p.page.locator('#closing').waitFor();
    if (i <= 1) await look(p.page, `phone-closed-${i}`);
  }
  const view = await room();
  findings.push(`counts: ${view.participants} joined, ${view.voters} voted, ${view.votes} votes, ${view.groups?.length} groups, `
    + `${view.statements?.length} statements`);
  for (const p of phones) await p.page.context().close();
  await hostCtx.close();
  assert.ok(n > 30, `${n} screenshots`);
}
