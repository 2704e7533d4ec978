// ws-console's socket thread: the page's WebSockets live here, in a dedicated worker, so that
// every frame is stamped on a thread that does nothing else. The page (engine, view, painting)
// can be busy for milliseconds at a time; a reply arriving then still gets its true time.
// See src/browser/socket_worker.rs for the page's side and the message shapes.
"use strict";
// Event kinds, as the page reads them (socket_worker.rs).
const OPEN = 0, TEXT = 1, BIN = 2, OVER = 3, CLOSE = 4, ERROR = 5, SENT = 6, UNSENT = 7, BUF = 8, REFUSED = 9;
const socks = new Map();
// The last bufferedAmount the page was told of, per socket.
const told = new Map();
// The page's engine holds sends back from 256 KiB on; below this, a stale figure is harmless.
const POLL_FROM = 16384;
let out = [];
let polling = false;

function emit(event) {
  if (out.length === 0) queueMicrotask(flush);
  out.push(event);
}

function flush() {
  const batch = out;
  out = [];
  const transfer = [];
  for (const e of batch) if (e[1] === BIN) transfer.push(e[3]);
  postMessage(batch, transfer);
}

// The value under the correlation pointer of an oversized text frame, parsed here so that the
// page never copies the whole frame.
function idOf(text, pointer) {
  if (pointer.length === 0) return null;
  let v;
  try {
    v = JSON.parse(text);
  } catch (_) {
    return null;
  }
  for (const token of pointer) {
    if (v === null || typeof v !== "object") return null;
    v = v[token];
  }
  return typeof v === "string" || typeof v === "number" ? v : null;
}

function open(id, url, protocols, max, pointer) {
  let ws;
  try {
    ws = protocols.length ? new WebSocket(url, protocols) : new WebSocket(url);
  } catch (e) {
    emit([id, REFUSED, String((e && e.message) || e)]);
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
    socks.delete(id);
    told.delete(id);
    emit([id, CLOSE, t, e.code, e.reason, e.wasClean]);
  };
  ws.onerror = () => emit([id, ERROR, performance.now()]);
  socks.set(id, ws);
}

function detach(ws) {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}

// Each send is acknowledged, in order, with the time taken right before `send()` or why it
// was refused; the last acknowledgement of a batch carries the socket's `bufferedAmount`.
function send(id, data) {
  const ws = socks.get(id);
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    // Closed here before the page learnt of it: the page takes the frame back.
    emit([id, UNSENT, "socket is not open", true]);
    return;
  }
  const t = performance.now();
  try {
    ws.send(data);
  } catch (e) {
    emit([id, UNSENT, String((e && e.message) || e), false]);
    return;
  }
  const b = ws.bufferedAmount;
  told.set(id, b);
  emit([id, SENT, t, b]);
  if (b >= POLL_FROM && !polling) {
    polling = true;
    setTimeout(poll, 4);
  }
}

// The buffer drains without an event: while a socket holds many bytes, report changes every
// 4 ms (and nothing at all while every buffer is near empty: no wake-ups on the stamping
// thread for what the page does not need).
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
  socks.delete(id);
  told.delete(id);
  detach(ws);
  if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) {
    try {
      ws.close(code, reason);
    } catch (_) {
      ws.close();
    }
  }
}

onmessage = (e) => {
  for (const c of e.data) {
    switch (c[0]) {
      case "o":
        open(c[1], c[2], c[3], c[4], c[5]);
        break;
      case "s":
        send(c[1], c[2]);
        break;
      case "c":
        close(c[1], c[2], c[3]);
        break;
    }
  }
};

postMessage([["ready", performance.timeOrigin]]);
