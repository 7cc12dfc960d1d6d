// What the projector must say plainly (issue 20), checked on the page as the room sees it: a
// spectrum's counts of people as text with each group's share apart from its letter, the words
// under each divisive statement matching its own bars, released notes whole, and table plates
// that take no group colour. Used by workshop.test.mjs and facilitator.test.mjs.
import assert from 'node:assert/strict';
import { tables } from './helpers.mjs';

/** The group colours (web/src/palette.rs `GROUP_COLOURS`), as the browser reports colours. */
export const GROUP_RGB = ['#009E73', '#F0E442', '#CC79A7', '#56B4E9', '#DDCC77'].map((hex) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
});

/**
 * The spectrum on `page` shows, for each of its five steps, how many people stand there as text
 * ("4 people" / "4 人", the number in large type) adding up to `placed`, and who they are by group
 * as "A 3" (letter, space, number) adding up to the step's count; the round is said once.
 * Answers the five counts.
 */
export async function checkSpectrumCounts(page, placed) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  const units = [tables[lang].PeopleUnit, tables[lang].PersonUnit];
  const columns = await page.locator('#spectrum-view .column').evaluateAll((cols) => cols.map((c) => ({
    count: c.querySelector('.count')?.textContent.trim() ?? '',
    n: Number(c.querySelector('.count')?.dataset.count),
    shares: [...c.querySelectorAll('.step-share')].map((s) => s.textContent.replace(/\s+/g, ' ').trim()),
  })));
  assert.equal(columns.length, 5, 'a column for each step');
  for (const { count, n, shares } of columns) {
    const m = count.match(/^(\d+) (.+)$/);
    assert.ok(m && Number(m[1]) === n && units.includes(m[2]), `a count of people: "${count}"`);
    for (const s of shares) assert.match(s, /^(\p{Lu}|–) \d+$/u, `a group's share, its letter apart: "${s}"`);
    assert.equal(shares.reduce((sum, s) => sum + Number(s.split(' ')[1]), 0), n, `shares add up: ${shares}`);
  }
  assert.equal(columns.reduce((sum, c) => sum + c.n, 0), placed, 'everyone placed is counted');
  const px = await page.locator('#spectrum-view .count-n').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const h = await page.evaluate(() => innerHeight);
  assert.ok(px >= 60 * (h / 1080), `the counts in large type: ${px} px`);
  assert.equal(await page.locator('#spectrum-view .rounds [data-i18n-template=Round]').count(), 1, 'the round said once');
  assert.equal(await page.locator('#spectrum-view .round-no').count(), 0, 'no round number under the bars');
  return columns.map((c) => c.n);
}

/** No group letter glued to a number ("A4", which reads as a paper size) in the spectrum's bars. */
export async function checkNoGluedShares(page) {
  const text = await page.locator('#spectrum-view .rounds').innerText();
  assert.doesNotMatch(text, /(^|[^\p{L}])\p{Lu}\d/u, `no "A4" in "${text}"`);
}

/**
 * Under each divisive statement, each group's words agree with that statement's own bar: "mostly
 * agrees" only over half agreeing, "mostly disagrees" only over half disagreeing, "is split"
 * otherwise (the walk-through's headline was worded from the first statement only); and no line
 * of them starts with the separator between two groups' words.
 */
export async function checkStanceWords(page) {
  const items = await page.locator('#divisive li').evaluateAll((lis) => lis.map((li) => ({
    bars: [...li.querySelectorAll('.bar-row')].map((row) => ({
      group: row.dataset.group,
      agree: parseInt(row.querySelector('.agree-label').textContent.replace(/\D+/g, ''), 10),
      disagree: parseInt(row.querySelector('.disagree-label').textContent.replace(/\D+/g, ''), 10),
    })),
    words: [...li.querySelectorAll('.leans [data-i18n-template]')].map((w) => ({ key: w.dataset.i18nTemplate, text: w.textContent })),
  })));
  assert.ok(items.length >= 1, 'divisive statements on the screen');
  // No line of the words starts with the separator (", C mostly agrees" / "、C は主に反対"): each
  // separator's mark is kept with the group's words before it, and sits on their line.
  const leading = await page.locator('#divisive .leans').evaluateAll((ps) => ps.flatMap((p) => {
    const found = [];
    for (const n of p.childNodes) {
      if (n.nodeType === Node.TEXT_NODE && /^\s*[,、]/.test(n.data)) found.push(`a bare separator: "${p.textContent}"`);
    }
    const w = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let prev = null;
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      for (let i = 0; i < n.length; i += 1) {
        if (!n.data[i].trim()) continue;
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + 1);
        const top = Math.round(range.getClientRects()[0]?.top ?? 0);
        if ((n.data[i] === ',' || n.data[i] === '、') && prev !== null && top > prev + 4) found.push(`a line starts with "${n.data[i]}": "${p.textContent}"`);
        prev = top;
      }
    }
    return found;
  }));
  assert.deepEqual(leading, [], 'the groups\' words under a divisive statement');
  for (const { bars, words } of items) {
    assert.equal(words.length, bars.length, 'a word for every bar');
    bars.forEach((bar, i) => {
      const { key, text } = words[i];
      assert.ok(text.startsWith(bar.group), `${text} is about group ${bar.group}`);
      const fits = { MostlyAgrees: bar.agree >= 50, MostlyDisagrees: bar.disagree >= 50, IsSplit: bar.agree <= 50 && bar.disagree <= 50 }[key];
      assert.ok(fits, `"${text}" beside a bar of ${bar.agree}% agree, ${bar.disagree}% disagree`);
    });
  }
}

/** The number plates of `selector` on `page` are black, white or grey: never a group's colour. */
export async function checkTablePlates(page, selector) {
  const colours = await page.locator(selector).evaluateAll((els) => els.map((e) => {
    const s = getComputedStyle(e);
    return [s.backgroundColor, s.color];
  }));
  assert.ok(colours.length >= 1, `plates ${selector}`);
  for (const [bg, ink] of colours) {
    for (const c of [bg, ink]) {
      assert.ok(!GROUP_RGB.includes(c), `${selector}: ${c} is a group colour`);
      const [r, g, b] = c.match(/\d+/g).map(Number);
      assert.ok(r === g && g === b, `${selector}: ${c} is neutral`);
    }
  }
}

/** Every released note on the projector's tiles shows whole: not clipped, inside its tile. */
export async function checkNotesWhole(page) {
  const cut = await page.locator('.table-tile').evaluateAll((tiles) => tiles.flatMap((tile) => {
    const box = tile.getBoundingClientRect();
    return [...tile.querySelectorAll('.tile-notes li, .tile-more')].filter((li) => {
      const b = li.getBoundingClientRect();
      return li.scrollHeight > li.clientHeight + 1 || b.bottom > box.bottom + 1;
    }).map((li) => li.textContent.slice(0, 30));
  }));
  assert.deepEqual(cut, [], 'notes cut on the projector');
}

/**
 * On the groups stage, a group's statement is cut (ends in "…") only when the column beside the
 * map is full: with two lines or more free below it, every statement shows whole (an equal
 * share of lines per group cut group A's long statement over a third of an empty screen).
 */
export async function checkGroupCardsWhole(page) {
  const r = await page.evaluate(() => {
    const cut = [...document.querySelectorAll('.group-card li')]
      .filter((li) => li.scrollHeight > li.clientHeight + 1)
      .map((li) => li.textContent.slice(0, 40));
    const side = document.querySelector('.groups-stage .side');
    const bottom = Math.max(...[...side.children].map((c) => c.getBoundingClientRect().bottom));
    const line = parseFloat(getComputedStyle(document.querySelector('main.screen')).fontSize) * 1.3;
    return { cut, free: (innerHeight - bottom) / line };
  });
  assert.ok(r.cut.length === 0 || r.free < 2, `cut with ${r.free.toFixed(1)} lines free: ${r.cut.join(' | ')}`);
}

/** The list `selector` on the projector: its items' bottoms (each with the gap it needs below
 * it), what follows the list in its section, and the bottom of the projector's body. */
function readList(page, selector) {
  return page.evaluate((sel) => {
    const bodyBottom = document.querySelector('main.screen .screen-body').getBoundingClientRect().bottom;
    const section = document.querySelector(sel);
    const list = section?.querySelector(':scope > ol, :scope > ul');
    if (!list) return { bodyBottom, bottoms: [], tail: 0, fitted: section?.dataset.fitted ?? null };
    const px = (el, p) => parseFloat(getComputedStyle(el)[p]) || 0;
    let tail = px(section, 'paddingBottom') + px(section, 'borderBottomWidth');
    let gap = null;
    for (let el = list.nextElementSibling; el; el = el.nextElementSibling) {
      if (gap === null) gap = px(el, 'marginTop');
      tail += el.getBoundingClientRect().height + px(el, 'marginBottom');
    }
    const bottoms = [...list.children].map((li) => li.getBoundingClientRect().bottom
      + (gap === null ? 0 : Math.max(gap, px(li, 'marginBottom'))));
    return { bodyBottom, bottoms, tail, fitted: section.dataset.fitted };
  }, selector);
}

/**
 * The projector's list `selector` (`#divisive`, `#consensus`) fills the room it has at
 * 1920 × 1080 and does not overflow it: its items and what follows them end above the body's
 * bottom, and unless it shows all `candidates`, the next item would not have fitted. The next
 * item is laid out by the page itself at 1920 × 2160, where the unit (`--u` = 1.9vw) and so every
 * line are as at 1080 but the screen is twice as tall: the list must show more there, and the
 * first item it did not show at 1080 must end, with what follows, below 1080's bottom. (The
 * estimates it replaced showed two divisive statements over a third of an empty screen, and the
 * same two on a screen twice as tall.) Leaves the page at 1920 × 1080; answers the count shown.
 */
export async function checkListFills(page, selector, candidates) {
  const fitted = async () => {
    await page.waitForFunction((sel) => {
      const s = document.querySelector(sel);
      return !s || s.dataset.fitted !== 'false';
    }, selector);
    await new Promise((r) => setTimeout(r, 100));
    return readList(page, selector);
  };
  await page.setViewportSize({ width: 1920, height: 1080 });
  const low = await fitted();
  const n = low.bottoms.length;
  for (const [i, b] of low.bottoms.entries()) {
    assert.ok(b + low.tail <= low.bodyBottom + 1, `${selector}: item ${i + 1} of ${n} ends at ${b.toFixed(0)} + ${low.tail.toFixed(0)}, below the body's ${low.bodyBottom.toFixed(0)}`);
  }
  if (n < candidates) {
    await page.setViewportSize({ width: 1920, height: 2160 });
    try {
      const high = await fitted();
      assert.ok(high.bottoms.length > n, `${selector}: ${high.bottoms.length} items on a screen twice as tall, as many as the ${n} at 1080 (of ${candidates})`);
      const next = high.bottoms[n];
      assert.ok(next + high.tail > low.bodyBottom + 0.5,
        `${selector}: item ${n + 1} (ending at ${next.toFixed(0)} + ${high.tail.toFixed(0)}) would have fitted above ${low.bodyBottom.toFixed(0)} at 1080, where ${n} of ${candidates} show`);
    } finally {
      await page.setViewportSize({ width: 1920, height: 1080 });
    }
    await fitted();
  }
  return n;
}
