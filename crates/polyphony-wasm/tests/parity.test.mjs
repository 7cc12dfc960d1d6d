// Runs the engine compiled to wasm32 (in Node) and natively (the `polyphony` binary) on the
// same conversations and asserts the JSON reports are identical, byte for byte.
// Built and run by `cargo xtask test`, which first writes target/wasm-pkg and target/release/polyphony.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const shared = path.resolve(root, '../shared/data');
const require = createRequire(import.meta.url);
const wasm = require(path.join(root, 'target/wasm-pkg/polyphony_wasm.js'));
const native = path.join(root, 'target/release/polyphony');

// A missing file fails the test: read as '', both sides would agree on an error or an empty
// conversation and the comparison would pass having compared nothing.
const read = (p) => readFileSync(p, 'utf8');

function nativeReport(dir, preset, seed) {
  return execFileSync(native, ['analyze', dir, '--format', 'json', '--preset', preset, '--seed', String(seed)], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  }).replace(/\n$/, '');
}

const exports = [
  [path.join(shared, 'polis-open-data/vtaiwan.uberx'), 'polis', 0],
  [path.join(shared, 'polis-open-data/bg2050-volunteers'), 'workshop', 1],
];

for (const [dir, preset, seed] of exports) {
  test(`wasm = native on ${path.basename(dir)} (${preset})`, () => {
    const ours = wasm.analyzeExport(
      read(path.join(dir, 'comments.csv')),
      read(path.join(dir, 'votes.csv')),
      '', // votes.csv is given, so no participants-votes.csv
      preset,
      seed,
    );
    const report = JSON.parse(ours);
    assert.ok(report.analysis.participant_count > 0);
    assert.equal(ours, nativeReport(dir, preset, seed));
  });
}

const pairs = [
  [path.join(root, 'fixtures/two-camps'), 'workshop', 0],
  [path.join(root, 'fixtures/two-camps'), 'polis', 5],
  [path.join(shared, 'polis-math-blobs/below-100-ptpts'), 'workshop', 0],
  [path.join(shared, 'polis-math-blobs/150ptpt-3gp-no-strict-no-meta'), 'polis', 2],
];
for (const [dir, preset, seed] of pairs) {
  test(`wasm = native on the API pair ${path.basename(dir)} (${preset})`, () => {
    const ours = wasm.analyzeApi(read(path.join(dir, 'votes.json')), read(path.join(dir, 'comments.json')), preset, seed);
    assert.equal(ours, nativeReport(dir, preset, seed));
  });
}

// Discussion tables: the same plan from the same votes and seed, in wasm32 and natively.
const tablePlans = [
  [path.join(root, 'fixtures/two-camps'), 'workshop', 0, 'same_group', 4],
  [path.join(root, 'fixtures/two-camps'), 'workshop', 3, 'mixed', 5],
  [path.join(shared, 'polis-math-blobs/150ptpt-3gp-no-strict-no-meta'), 'polis', 2, 'mixed', 8],
  [path.join(shared, 'polis-math-blobs/150ptpt-3gp-no-strict-no-meta'), 'workshop', 7, 'same_group', 6],
];
for (const [dir, preset, seed, mode, size] of tablePlans) {
  test(`wasm = native table plan on ${path.basename(dir)} (${mode}, ${size})`, () => {
    const ours = wasm.planTablesApi(read(path.join(dir, 'votes.json')), read(path.join(dir, 'comments.json')), preset, seed, mode, size);
    const plan = JSON.parse(ours);
    assert.ok(plan.tables.length > 1);
    assert.ok(plan.tables.every((t) => t.members.length <= size));
    const theirs = execFileSync(
      native,
      ['tables', dir, '--format', 'json', '--preset', preset, '--seed', String(seed), '--mode', mode, '--size', String(size)],
      { encoding: 'utf8' },
    ).replace(/\n$/, '');
    assert.equal(ours, theirs);
  });
}

test('bad input is a JavaScript error, not a crash', () => {
  assert.throws(() => wasm.analyzeExport('comment-id\n1\n', '', '', 'workshop', 0), /missing column/);
  assert.throws(() => wasm.analyzeApi('[{"pid":1}]', '[]', 'workshop', 0), /votes.json/);
  assert.throws(() => wasm.analyzeApi('[]', '[]', 'nonsense', 0), /unknown preset/);
  const dir = path.join(root, 'fixtures/two-camps');
  const votes = read(path.join(dir, 'votes.json'));
  const comments = read(path.join(dir, 'comments.json'));
  assert.throws(() => wasm.planTablesApi(votes, comments, 'workshop', 0, 'circles', 8), /same_group or mixed/);
  assert.throws(() => wasm.planTablesApi(votes, comments, 'workshop', 0, 'mixed', 1), /table_size/);
});

// The researcher's lab: compare, replay and the Polis-state analysis return plain objects with
// the same values as the CLI's JSON. Times are the CLI's own (JavaScript gets null), so they are
// left out. linfa's PCA starts LOBPCG from a `SmallRng`, which is a different generator on
// 32-bit targets, so its floats may differ in the last bits: those compare to 1e-9, and every
// label, count and k exactly.
const apiFiles = (dir) => ({
  'votes.json': read(path.join(dir, 'votes.json')),
  'comments.json': read(path.join(dir, 'comments.json')),
});

function close(ours, theirs, where) {
  if (typeof theirs === 'number' && typeof ours === 'number' && !Number.isInteger(theirs)) {
    assert.ok(Math.abs(ours - theirs) <= 1e-9 * (1 + Math.abs(theirs)), `${where}: ${ours} vs ${theirs}`);
  } else if (Array.isArray(theirs)) {
    assert.equal(ours.length, theirs.length, `${where}: length`);
    theirs.forEach((t, i) => close(ours[i], t, `${where}[${i}]`));
  } else if (theirs && typeof theirs === 'object') {
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), `${where}: keys`);
    for (const k of Object.keys(theirs)) close(ours[k], theirs[k], `${where}.${k}`);
  } else {
    assert.equal(ours, theirs, where);
  }
}

// The second also asks for the geometric group-informed consensus and representative statements
// under false-discovery control, so the options cross the boundary as the CLI's flags do.
const comparisons = [
  [path.join(root, 'fixtures/two-camps'), 10, 1, {}, []],
  [path.join(shared, 'polis-math-blobs/150ptpt-3gp-no-strict-no-meta'), 5, 3,
    { consensus: 'geometric', fdr: 0.05 }, ['--consensus', 'geometric', '--fdr', '0.05']],
];
for (const [dir, bootstrap, seed, options, flags] of comparisons) {
  test(`wasm = native compare on ${path.basename(dir)}`, () => {
    const ours = wasm.compare(apiFiles(dir), { bootstrap, seed, ...options });
    const theirs = JSON.parse(
      execFileSync(native, ['compare', dir, '--format', 'json', '--bootstrap', String(bootstrap), '--seed', String(seed), ...flags], {
        encoding: 'utf8',
      }),
    );
    assert.equal(ours.pipelines.length, 5);
    for (const p of [...ours.pipelines, ...theirs.pipelines]) {
      // HDBSCAN may call everyone noise (k null): that is its own answer.
      assert.ok(p.k >= 1 || (p.pipeline === 'hdbscan' && p.k === null), `${p.pipeline} found groups`);
      delete p.time_ms;
      delete p.bootstrap_ms;
    }
    assert.ok(ours.statements.bridging.statements.length > 0);
    assert.equal(ours.statements.consensus_form, options.consensus ?? 'legacy');
    assert.equal(ours.statements.repness_fdr === null, options.fdr === undefined);
    close(ours, theirs, 'comparison');
  });
}

test('wasm = native replay with a time-lapse', () => {
  const dir = path.join(shared, 'polis-math-blobs/150ptpt-3gp-no-strict-no-meta');
  const ours = wasm.replay(apiFiles(dir), { every: '1h', frames: 5 });
  const native_out = execFileSync(native, ['analyze', dir, '--format', 'json', '--preset', 'polis', '--replay', '--every', '1h'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  // Exact: the engine is bit-identical in wasm32 and natively.
  assert.equal(JSON.stringify(ours.analysis), JSON.stringify(JSON.parse(native_out).analysis));
  assert.ok(ours.updates > 1);
  assert.equal(ours.timelapse.frames.length, Math.min(5, ours.updates));
  assert.equal(ours.timelapse.frames.at(-1).participants, ours.analysis.participant_count);
});

test('wasm analyzeWithPolisState reproduces the blob like the CLI', () => {
  const dir = path.join(shared, 'polis-math-blobs/below-100-ptpts');
  const blobText = read(path.join(dir, 'math-pca2.json'));
  const ours = wasm.analyzeWithPolisState(apiFiles(dir), blobText, 0);
  const theirs = execFileSync(
    native,
    ['analyze', dir, '--polis-state', path.join(dir, 'math-pca2.json'), '--format', 'json'],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  assert.equal(JSON.stringify(ours.analysis), JSON.stringify(JSON.parse(theirs).analysis));
  const polis = JSON.parse(blobText);
  assert.deepEqual(ours.blob['in-conv'].slice().sort((a, b) => a - b), polis['in-conv'].slice().sort((a, b) => a - b));
  assert.equal(ours.blob['group-clusters'].length, polis['group-clusters'].length);
});

test('lab bad input is a JavaScript error', () => {
  const dir = path.join(root, 'fixtures/two-camps');
  assert.throws(() => wasm.compare(apiFiles(dir), { bootstrap: 100000 }), /bootstrap/);
  assert.throws(() => wasm.replay(apiFiles(dir), { every: 'soon' }), /cadence/);
  const noTimes = { 'votes.json': '[{"pid":1,"tid":0,"vote":1},{"pid":2,"tid":0,"vote":-1}]', 'comments.json': '[]' };
  assert.throws(() => wasm.replay(noTimes, {}), /no vote timestamps/);
});
