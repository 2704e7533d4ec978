// ws-console's socket worker: see socket_worker.rs, which embeds this file.
"use strict";
const OPEN = 0, TEXT = 1, BIN = 2, OVER = 3, CLOSE = 4, ERROR = 5, SENT = 6, UNSENT = 7, BUF = 8, REFUSED = 9;
const POLL_FROM = 16384;
const socks = new Map();
const told = new Map();
let out = [];
let polling = false;

// Events go out together, each stamped when it happened. Outside a burst an event goes out
// at the end of its task (with whatever else that task emitted), costing no timer task: a
// send's acknowledgement, then its reply. In a burst (two messages out within BURST_MS; a
// burst's slices leave gaps of a few milliseconds) the events that arrive before a timer runs
// share one message, so the page handles a few messages rather than one per frame.
const BURST_MS = 5;
// A send's acknowledgement alone waits this long for company (its reply, usually well before),
// so the page's thread is not woken while that reply is on its way.
const ACK_MS = 20;
// When the last two messages went out.
let before = -Infinity;
let last = -Infinity;
// A flush at a task's end (or on a burst's timer) is set; the acknowledgements' timer, if any.
let urgent = false;
let ackTimer = 0;
function emit(e) {
  if (!urgent) {
    urgent = true;
    clearTimeout(ackTimer);
    if (performance.now() - before >= BURST_MS) queueMicrotask(flush);
    else setTimeout(flush, 0);
  }
  out.push(e);
}

function ack(e) {
  if (!urgent && ackTimer === 0) ackTimer = setTimeout(flush, ACK_MS);
  out.push(e);
}

function flush() {
  urgent = false;
  ackTimer = 0;
  before = last;
  last = performance.now();
  const batch = out;
  out = [];
  postMessage(batch, batch.filter((e) => e[1] === BIN).map((e) => e[3]));
}

function idOf(text, pointer) {
  if (pointer.length === 0) return null;
  let v;
  try {
    v = JSON.parse(text);
  } catch (_) {
    return null;
  }
  for (const k of pointer) {
    if (v === null || typeof v !== "object") return null;
    v = v[k];
  }
  return typeof v === "string" || typeof v === "number" ? v : null;
}

const why = (e) => String((e && e.message) || e);

function open(id, url, protocols, max, pointer) {
  let ws;
  try {
    ws = protocols.length ? new WebSocket(url, protocols) : new WebSocket(url);
  } catch (e) {
    emit([id, REFUSED, why(e)]);
    return;
  }
  ws.binaryType = "arraybuffer";
  ws.onopen = () => emit([id, OPEN, performance.now()]);
  ws.onmessage = (e) => {
    const t = performance.now();
    const d = e.data;
    if (typeof d === "string") {
      if (d.length > max) emit([id, OVER, t, d.slice(0, max), d.length, false, idOf(d, pointer)]);
      else emit([id, TEXT, t, d]);
    } else if (d.byteLength > max) {
      emit([id, OVER, t, d.slice(0, max), d.byteLength, true, null]);
    } else {
      emit([id, BIN, t, d]);
    }
  };
  ws.onclose = (e) => {
    const t = performance.now();
    forget(id);
    emit([id, CLOSE, t, e.code, e.reason, e.wasClean]);
  };
  ws.onerror = () => emit([id, ERROR, performance.now()]);
  socks.set(id, ws);
}

function forget(id) {
  socks.delete(id);
  told.delete(id);
}

function send(id, data) {
  const ws = socks.get(id);
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    emit([id, UNSENT, "socket is not open", true]);
    return;
  }
  const t = performance.now();
  try {
    ws.send(data);
  } catch (e) {
    emit([id, UNSENT, why(e), false]);
    return;
  }
  const b = ws.bufferedAmount;
  told.set(id, b);
  ack([id, SENT, t, b]);
  if (b >= POLL_FROM && !polling) {
    polling = true;
    setTimeout(poll, 4);
  }
}

function poll() {
  let more = false;
  for (const [id, ws] of socks) {
    const b = ws.bufferedAmount;
    if (told.get(id) !== b) {
      told.set(id, b);
      emit([id, BUF, b]);
    }
    more = more || b >= POLL_FROM;
  }
  polling = more;
  if (more) setTimeout(poll, 4);
}

function close(id, code, reason) {
  const ws = socks.get(id);
  if (!ws) return;
  forget(id);
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  if (ws.readyState < WebSocket.CLOSING) {
    try {
      ws.close(code, reason);
    } catch (_) {
      ws.close();
    }
  }
}

onmessage = (e) => {
  const c = e.data;
  for (let i = 0; i < c.length; ) {
    if (c[i] === 0) {
      open(c[i + 1], c[i + 2], c[i + 3], c[i + 4], c[i + 5]);
      i += 6;
    } else if (c[i] === 1) {
      send(c[i + 1], c[i + 2]);
      i += 3;
    } else {
      close(c[i + 1], c[i + 2], c[i + 3]);
      i += 4;
    }
  }
};

postMessage([["ready", performance.timeOrigin]]);
