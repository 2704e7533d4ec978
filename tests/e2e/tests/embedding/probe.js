// A page-side probe, installed before a console is mounted: it wraps what a console can leave
// running — timers, animation frames, event listeners, workers and blob URLs — and keeps a book
// of them, so a test can tell what is still alive once the console is unmounted and whether
// anything ran after it. `window.__wscProbe.mark()` starts the "after" period; `state()`
// reads the book. Nothing here changes what the wrapped calls do.
const book = {
  after: false,
  // Timer and frame ids → where they were scheduled from.
  timers: new Map(),
  frames: new Map(),
  // What ran (or happened) once the after period began.
  ran: [],
  listeners: [],
  workers: [],
  blobs: new Set(),
};
const origin = () => (new Error().stack ?? "").split("\n").slice(2, 5).join(" | ");
const ran = (what) => {
  if (book.after) book.ran.push(what);
};

const { setTimeout: setT, setInterval: setI, clearTimeout: clearT, clearInterval: clearI } = window;
window.setTimeout = function (f, ms, ...args) {
  const from = `setTimeout(${ms}) from ${origin()}`;
  const id = setT.call(window, (...a) => {
    book.timers.delete(id);
    ran(from);
    if (typeof f === "function") f(...a);
  }, ms, ...args);
  book.timers.set(id, from);
  return id;
};
window.setInterval = function (f, ms, ...args) {
  const from = `setInterval(${ms}) from ${origin()}`;
  const id = setI.call(window, (...a) => {
    ran(from);
    if (typeof f === "function") f(...a);
  }, ms, ...args);
  book.timers.set(id, from);
  return id;
};
// Timeouts and intervals share one pool of ids, and either call clears either kind.
window.clearTimeout = (id) => {
  book.timers.delete(id);
  clearT.call(window, id);
};
window.clearInterval = (id) => {
  book.timers.delete(id);
  clearI.call(window, id);
};
const { requestAnimationFrame: raf, cancelAnimationFrame: caf } = window;
window.requestAnimationFrame = function (f) {
  const from = `requestAnimationFrame from ${origin()}`;
  const id = raf.call(window, (t) => {
    book.frames.delete(id);
    ran(from);
    f(t);
  });
  book.frames.set(id, from);
  return id;
};
window.cancelAnimationFrame = (id) => {
  book.frames.delete(id);
  caf.call(window, id);
};

const { addEventListener: add, removeEventListener: remove } = EventTarget.prototype;
const capture = (o) => (typeof o === "boolean" ? o : Boolean(o?.capture));
EventTarget.prototype.addEventListener = function (type, listener, options) {
  const c = capture(options);
  const known = book.listeners.some((l) => l.target === this && l.type === type && l.listener === listener && l.capture === c);
  if (listener && !known) book.listeners.push({ target: this, type, listener, capture: c });
  return add.call(this, type, listener, options);
};
EventTarget.prototype.removeEventListener = function (type, listener, options) {
  const c = capture(options);
  book.listeners = book.listeners.filter((l) => !(l.target === this && l.type === type && l.listener === listener && l.capture === c));
  return remove.call(this, type, listener, options);
};
// Errors the page did not handle: a callback of a dropped console throws.
for (const type of ["error", "unhandledrejection"]) {
  add.call(window, type, (e) => ran(`${type}: ${e.message ?? e.reason}`));
}

const PageWorker = window.Worker;
window.Worker = class extends PageWorker {
  constructor(...args) {
    super(...args);
    this.__probe = { terminated: false };
    book.workers.push(this.__probe);
    // Not booked as a listener: the probe's own ear on what the worker still says.
    add.call(this, "message", () => ran("a message from a worker"));
  }

  terminate() {
    this.__probe.terminated = true;
    super.terminate();
  }
};

const { createObjectURL: createUrl, revokeObjectURL: revokeUrl } = URL;
URL.createObjectURL = (o) => {
  const url = createUrl.call(URL, o);
  book.blobs.add(url);
  return url;
};
URL.revokeObjectURL = (url) => {
  book.blobs.delete(url);
  revokeUrl.call(URL, url);
};

const name = (t) => (t === window ? "window" : t === document ? "document" : t.constructor.name);
window.__wscProbe = {
  mark() {
    book.after = true;
  },
  // Listeners on what is still part of the page: the window, the document, connected nodes
  // (a detached node's listeners go with it), and any other target but a terminated worker.
  state() {
    const live = book.listeners.filter((l) =>
      l.target instanceof Node ? l.target.isConnected : !l.target.__probe?.terminated);
    return {
      timers: [...book.timers.values()],
      frames: [...book.frames.values()],
      ran: book.ran,
      listeners: live.map((l) => `${name(l.target)}:${l.type}`),
      workers: book.workers.length,
      terminated: book.workers.filter((w) => w.terminated).length,
      blobs: book.blobs.size,
    };
  },
};
return null;
