// The offline report in a real browser: `polyphony report` writes the HTML files, Chromium
// opens them from file:// with JavaScript disabled, checks every section and the map, checks
// that nothing is wider than a 390 px phone, the summary's counts keep their words whole and
// Korean words are not split over lines, prints to A4 PDF (the sections flow on: at most 5
// pages, 3 for the small two-camps room), and takes screenshots of the zh-TW and ja reports
// into target/screenshots/.
//
// Run: node --test crates/polyphony-report/tests/ (after `cargo build --release -p polyphony`;
// POLYPHONY_BIN overrides the binary).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const require = createRequire(path.join(root, 'web/e2e/package.json'));
const { chromium } = require('playwright-core');
const bin = process.env.POLYPHONY_BIN ?? path.join(root, 'target/release/polyphony');
const outDir = path.join(root, 'target/report-e2e');
const shots = path.join(root, 'target/screenshots');
const EXPORTS = {
  'two-camps': path.join(root, 'fixtures/two-camps'),
  vtaiwan: path.join(root, '../shared/data/polis-open-data/vtaiwan.uberx'),
};
const LANGS = ['zh-TW', 'en', 'ja', 'ko'];
const SECTIONS = ['summary', 'map', 'groups', 'consensus', 'divisive', 'change', 'method'];
// The most A4 pages each report may print to. The limit is 5 (vTaiwan's uberX room,
// 1,921 people and 197 statements, prints to 5 in every language: about 4.1 pages of content).
// The two-camps room is small (14 people, 9 statements): its content fills about 2.8 A4 pages,
// so it must print to 3 — a forced page break anywhere (as "every section on a new page" did)
// would make it 4 or more.
const MAX_PAGES = { 'two-camps': 3, vtaiwan: 5 };

let browser;

/** Writes the report of `name` in `lang` with the CLI; returns its path. */
function write(name, lang) {
  const file = path.join(outDir, `${name}-${lang}.html`);
  const run = spawnSync(bin, ['report', EXPORTS[name], '-o', file, '--lang', lang],
    { encoding: 'utf8' });
  assert.equal(run.status, 0, `polyphony report failed: ${run.stderr}`);
  return file;
}

before(async () => {
  assert.ok(existsSync(bin), `build the binary first: ${bin}`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

/** Opens a report from file:// with JavaScript off; fails on any non-file request. */
async function open(file, viewport) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { context, page, requests };
}

for (const name of Object.keys(EXPORTS)) {
  for (const lang of LANGS) {
    test(`${name} report in ${lang}: sections, map, offline, fits a phone, ≤ ${MAX_PAGES[name]} A4 pages`, async () => {
      const file = write(name, lang);
      const { context, page, requests } = await open(file, { width: 390, height: 844 });
      try {
        assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), [],
          'the report loads nothing from the network');
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        for (const id of SECTIONS) {
          const section = page.locator(`section#${id}`);
          assert.equal(await section.count(), 1, `section ${id}`);
          await section.scrollIntoViewIfNeeded();
          assert.ok(await section.isVisible(), `section ${id} is visible`);
          assert.ok((await section.locator('h1, h2').first().innerText()).trim().length > 0);
        }
        const svg = page.locator('section#map svg');
        assert.ok(await svg.isVisible(), 'the map is visible');
        const box = await svg.boundingBox();
        assert.ok(box.width > 300 && box.height > 150, `map size ${JSON.stringify(box)}`);
        assert.ok(box.width <= 390, 'the map fits a phone');
        assert.ok(await page.locator('section#map circle').count() > 5, 'dots on the map');
        assert.ok(await page.locator('section#map text').count() >= 2, 'group letters');
        // The summary's counts keep their words whole on a phone ("participan / ts" was cut).
        const broken = await page.evaluate(() => [...document.querySelectorAll('.counts li')].map((li) => {
          const label = [...li.childNodes].find((c) => c.nodeType === Node.TEXT_NODE && c.data.trim());
          const range = document.createRange();
          range.selectNodeContents(label);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return lines.size > 1 ? label.data : null;
        }).filter(Boolean));
        assert.deepEqual(broken, [], 'each count\'s word on one line on a 390 px phone');
        // Korean breaks between words (keep-all): no word, particle included, split over lines.
        if (lang === 'ko') {
          const split = await page.evaluate(() => {
            const found = [];
            const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = w.nextNode(); n; n = w.nextNode()) {
              for (const m of n.data.matchAll(/[\uAC00-\uD7A3]{2,}/g)) {
                const range = document.createRange();
                range.setStart(n, m.index);
                range.setEnd(n, m.index + m[0].length);
                const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                if (lines.size > 1) found.push(m[0]);
              }
            }
            return found;
          });
          assert.deepEqual(split, [], 'Korean words whole on a 390 px phone');
        }
        // Nothing wider than the phone's screen: the page never scrolls sideways.
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= 390, `the page is ${scrollWidth}px wide on a 390px phone`);

        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
        assert.ok(pages >= 2 && pages <= MAX_PAGES[name],
          `${pages} A4 pages (at most ${MAX_PAGES[name]}: the sections flow on, no forced breaks)`);

        if (name === 'vtaiwan' && (lang === 'zh-TW' || lang === 'ja')) {
          await page.screenshot({ path: path.join(shots, `report-${lang}-phone.png`), fullPage: true });
          const wide = await open(file, { width: 1200, height: 900 });
          await wide.page.screenshot({ path: path.join(shots, `report-${lang}.png`), fullPage: false });
          await wide.context.close();
        }
      } finally {
        await context.close();
      }
    });
  }
}
