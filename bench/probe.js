// The bench's in-page probe, injected by `cargo xtask bench` (WebDriver execute-script)
// identically into the reference page and into the console, before either opens a socket.
//
// Why in the page: a WebDriver round trip per poll costs milliseconds and would blur the very
// figures being measured, so times are taken here, at the socket events, with performance.now().
// What it adds to each socket (one extra listener per event) is the same on both pages.
//
//   __probe.mark(kind, target, confirm)  start a window now: kind "msg" counts chat_response
//                                        replies, "open" counts socket opens; `confirm()` says
//                                        whether the page's own bookkeeping has caught up
//   __probe.armClick(selector, ...)      the same, started by the next click on `selector`
//                                        (capture phase: before the page's own handler)
//   __probe.result()                     t0, lastAt (target-th event), doneAt, frames, fps…
//   __probe.closeAll()                   closes every socket the page still holds (and ends its
//                                        workers, with their sockets)
//   __probe.wireStart(), wireSummary()   RTT percentiles as seen at the socket (cross-check)
//
// doneAt is lastAt when the page had caught up at the first check after the last event (a
// setTimeout(0) later), else the time of the first check that found it had (every 5 ms).
(() => {
  if (window.__probe) return;
  const P = (window.__probe = { kind: null, marking: false, longtasks: [], sockets: new Set() });
  P.longtaskSupported =
    typeof PerformanceObserver !== "undefined" &&
    (PerformanceObserver.supportedEntryTypes || []).includes("longtask");
  if (P.longtaskSupported) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) P.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask" });
  }

  const frame = (t) => {
    if (P.marking) {
      P.frames++;
      if (P.lastFrame) P.maxGap = Math.max(P.maxGap, t - P.lastFrame);
    }
    P.lastFrame = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  const check = (first) => {
    const t = performance.now();
    let ok = false;
    try {
      ok = P.confirm();
    } catch (e) {
      P.error = String(e);
    }
    if (ok) {
      P.doneAt = first ? P.lastAt : t;
      P.stopAt = performance.now();
      P.marking = false;
    } else if (t - P.lastAt > 60000) {
      P.gaveUp = true;
      P.marking = false;
    } else {
      setTimeout(() => check(false), 5);
    }
  };
  const hit = (t) => {
    if (++P.count === P.target) {
      P.lastAt = t;
      setTimeout(() => check(true), 0);
    }
  };

  const ID = /"id":"([^"]*)"/;
  const Native = window.WebSocket;
  class Probed extends Native {
    constructor(url, protocols) {
      if (protocols === undefined) super(url);
      else super(url, protocols);
      P.sockets.add(this);
      this.addEventListener("close", () => P.sockets.delete(this));
      this.addEventListener("open", () => {
        if (P.kind === "open") hit(performance.now());
      });
      this.addEventListener("message", (e) => {
        if (P.kind !== "msg" && !P.wire) return;
        const t = performance.now();
        if (typeof e.data !== "string") return;
        if (P.kind === "msg" && e.data.includes('"chat_response"')) hit(t);
        if (!P.wire) return;
        const m = ID.exec(e.data);
        const at = m ? P.wireSent.get(m[1]) : undefined;
        if (at === undefined) return;
        P.wireSent.delete(m[1]);
        P.wire.push(t - at);
      });
    }
    send(data) {
      const m = P.wire && typeof data === "string" && ID.exec(data);
      const t = performance.now();
      super.send(data);
      if (m) P.wireSent.set(m[1], t);
    }
  }
  window.WebSocket = Probed;

  // The console stamps in a socket worker (src/browser/socket_worker.js): there the probe
  // reads the worker's event batches — each stamped in the worker, on its clock, moved to
  // the page's by the two timeOrigins — and the send commands, whose acknowledgements carry
  // the send stamps in order, per socket.
  const OPEN = 0, TEXT = 1, SENT = 6, UNSENT = 7;
  const NativeWorker = window.Worker;
  P.workers = new Set();
  if (NativeWorker) {
    class ProbedWorker extends NativeWorker {
      constructor(url, options) {
        super(url, options);
        P.workers.add(this);
        let offset = 0;
        const ids = new Map();
        const post = this.postMessage.bind(this);
        this.postMessage = (batch, transfer) => {
          // Flat commands: 0 open (6 items), 1 send (3), 2 close (4).
          const c = Array.isArray(batch) ? batch : [];
          for (let i = 0; i < c.length; i += [6, 3, 4][c[i]]) {
            if (c[i] !== 1) continue;
            const m = typeof c[i + 2] === "string" && ID.exec(c[i + 2]);
            if (!ids.has(c[i + 1])) ids.set(c[i + 1], []);
            ids.get(c[i + 1]).push(m ? m[1] : null);
          }
          return transfer === undefined ? post(batch) : post(batch, transfer);
        };
        this.addEventListener("message", (e) => {
          for (const ev of e.data) {
            if (ev[0] === "ready") {
              offset = ev[1] - performance.timeOrigin;
              continue;
            }
            const [id, kind] = ev;
            const t = ev[2] + offset;
            if (kind === OPEN && P.kind === "open") hit(t);
            if (kind === SENT || kind === UNSENT) {
              const mid = (ids.get(id) || []).shift();
              if (kind === SENT && P.wire && mid) P.wireSent.set(mid, t);
            }
            if (kind !== TEXT || typeof ev[3] !== "string") continue;
            if (P.kind === "msg" && ev[3].includes('"chat_response"')) hit(t);
            if (!P.wire) continue;
            const m = ID.exec(ev[3]);
            const at = m ? P.wireSent.get(m[1]) : undefined;
            if (at === undefined) continue;
            P.wireSent.delete(m[1]);
            P.wire.push(t - at);
          }
        });
      }
    }
    window.Worker = ProbedWorker;
  }

  // Wire RTT: from just before the native send() to the first listener of the reply, matched
  // by the message's "id" — what any page could measure at best, to cross-check a page's own.
  P.wireStart = () => {
    P.wire = [];
    P.wireSent = new Map();
  };
  P.wireSummary = () => {
    const s = Float64Array.from(P.wire || []).sort();
    P.wire = null;
    const at = (q) => (s.length ? s[Math.max(0, Math.ceil(q * s.length) - 1)] : null);
    return { count: s.length, p50: at(0.5), p99: at(0.99) };
  };

  P.mark = (kind, target, confirm) => {
    Object.assign(P, {
      kind, target, confirm: confirm || (() => true), count: 0, t0: performance.now(),
      lastAt: null, doneAt: null, stopAt: null, gaveUp: false, error: null,
      frames: 0, maxGap: 0, lastFrame: 0, marking: true,
    });
    P.longtasks.length = 0;
  };
  P.armClick = (selector, kind, target, confirm) => {
    const onClick = (e) => {
      if (!(e.target.closest && e.target.closest(selector))) return;
      window.removeEventListener("click", onClick, true);
      P.mark(kind, target, confirm);
    };
    window.addEventListener("click", onClick, true);
  };
  // Before the bench leaves the page: a page kept in the back/forward cache keeps its sockets.
  P.closeAll = () => {
    for (const ws of P.sockets) ws.close();
    for (const w of P.workers) w.terminate();
    return P.sockets.size + P.workers.size;
  };
  P.result = () => {
    const end = P.stopAt ?? performance.now();
    let longest = 0;
    for (const [start, duration] of P.longtasks) {
      if (start + duration > P.t0 && start < end) longest = Math.max(longest, duration);
    }
    return {
      t0: P.t0, lastAt: P.lastAt, doneAt: P.doneAt, count: P.count, target: P.target,
      gaveUp: P.gaveUp, error: P.error, frames: P.frames, maxGap: P.maxGap,
      fps: P.t0 !== undefined ? (P.frames * 1000) / (end - P.t0) : null,
      longtaskSupported: P.longtaskSupported, longestTask: longest,
    };
  };
})();
