// The explorer's engine, off the page's main thread: a module Web Worker over the JavaScript
// bindings (crates/polyphony-wasm, built for the web by `cargo xtask web`, which writes this
// file with the bindings' content-hashed names in place of the two paths below). Only the
// explorer page starts it; a phone never loads it.
//
// The page posts `{ id, files, preset }` (`files`: File objects, or absent to analyse the last
// export again with another preset) and receives, for that id:
//   { id, phase: 'reading', done, total }   bytes of the files read so far
//   { id, phase: 'parsing' }                the export being read into votes (no fraction known)
//   { id, phase: 'analysing' }              the groups being computed (no fraction known)
//   { id, phase: 'done', view, preset }     the ExploreView as JSON, and the method used
//   { id, phase: 'error', message }         what went wrong, in the engine's words
import init, { ExportData } from '/polyphony_wasm.js';

const ready = init({ module_or_path: '/polyphony_wasm_bg.wasm' });
let data = null;
// Messages are handled one at a time, in order.
let queue = Promise.resolve();

async function readAll(id, files) {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  let posted = 0;
  const texts = {};
  for (const file of files) {
    const reader = file.stream().getReader();
    const decoder = new TextDecoder();
    const parts = [];
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      parts.push(decoder.decode(value, { stream: true }));
      done += value.byteLength;
      const now = performance.now();
      if (now - posted > 50) {
        posted = now;
        self.postMessage({ id, phase: 'reading', done, total });
      }
    }
    parts.push(decoder.decode());
    texts[file.name] = parts.join('');
  }
  self.postMessage({ id, phase: 'reading', done: total, total });
  return texts;
}

async function handle({ id, files, preset }) {
  try {
    if (files) {
      const texts = await readAll(id, files);
      self.postMessage({ id, phase: 'parsing' });
      await ready;
      data?.free();
      data = null;
      data = new ExportData(texts);
    }
    if (!data) throw new Error('choose the export\'s files first');
    self.postMessage({ id, phase: 'analysing' });
    await ready;
    self.postMessage({ id, phase: 'done', view: data.exploreView(preset ?? ''), preset: preset ?? '' });
  } catch (error) {
    self.postMessage({ id, phase: 'error', message: String(error?.message ?? error) });
  }
}

self.onmessage = (event) => {
  queue = queue.then(() => handle(event.data));
};
