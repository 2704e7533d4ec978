// ws-console's scenario logic for k6 (k6 >= 1.1, k6/experimental/websockets).
// One k6 VU is one console session: one socket, its own pending map, the same
// correlation rules as the console (JSON pointer, reply timeout, duplicate window,
// out-of-order by seq). Nothing here is specific to one scenario's numbers: they are
// all in CONFIG above.

const rtt = new Trend('ws_rtt', true);
const pingRtt = new Trend('ws_ping_rtt', true);
const pingTimeouts = new Counter('ws_ping_timeouts');
const pingsSent = new Counter('ws_pings_sent');
const msgsTest = new Counter('ws_msgs_test');
const msgsMatched = new Counter('ws_msgs_matched');
const msgsLost = new Counter('ws_msgs_lost');
const msgsDup = new Counter('ws_msgs_dup');
const msgsReordered = new Counter('ws_msgs_reordered');
const msgsLate = new Counter('ws_msgs_late');
const msgsUnsolicited = new Counter('ws_msgs_unsolicited');
const msgSuccess = new Rate('ws_msg_success');
const connectSuccess = new Rate('ws_connect_success');
const drops = new Counter('ws_drops');
const deliveryLatency = new Trend('ws_delivery_latency', true);
const broadcastDelivery = new Rate('ws_broadcast_delivery');
const broadcastDup = new Counter('ws_broadcast_dup');
const authValid = new Rate('ws_auth_valid_connects');
const authInvalid = new Rate('ws_auth_invalid_refused');

// Never written into the script: the token comes from the environment only.
const TOKEN = __ENV.TOKEN || '';
// One template per line; session i uses line i mod n, as in the console.
const ENDPOINTS = (__ENV.WSC_ENDPOINT || CONFIG.endpoint).split('\n').filter((l) => l.trim() !== '');
// Message types that are not test traffic: counted by k6, never judged.
const NOISE = ['ping', 'pong', 'connection', 'connected', 'visual_action', 'auth_success'];

// Percent-encodes all but RFC 3986 unreserved characters, as the console does.
function enc(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function fillUrl(session, token) {
  const endpoint = ENDPOINTS[session % ENDPOINTS.length];
  let url = endpoint.split('{user_id}').join(enc(CONFIG.user_id))
    .split('{token}').join(enc(token))
    .split('{session}').join(String(session));
  if (CONFIG.auth_mode === 'query' && endpoint.indexOf('{token}') < 0 && token !== '') {
    url += (url.indexOf('?') >= 0 ? '&' : '?') + 'token=' + enc(token);
  }
  return url;
}

// {{cycle:a|b|c}} takes its values in turn by seq, as in the console.
function render(template, v) {
  return template.replace(/\{\{\s*(id|seq|session|ts|token|cycle:(.*?))\s*\}\}/g, (_, k, values) => {
    if (values !== undefined) {
      const all = values.split('|');
      return all[(((v.seq - 1) % all.length) + all.length) % all.length];
    }
    if (k === 'token') return TOKEN;
    if (k === 'ts') return String(Date.now());
    return String(v[k]);
  });
}

// RFC 6901 JSON pointer; '' is the whole document.
function pointer(doc, ptr) {
  if (ptr === '') return doc;
  let cur = doc;
  for (const raw of ptr.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function open(session, token) {
  const url = fillUrl(session, token);
  if (CONFIG.auth_mode === 'subprotocol' && token !== '') return new WebSocket(url, [token]);
  return new WebSocket(url);
}

// Calls `ready(ws)` once the session may send (after auth_success in first-message mode).
// `done(reason)` runs once when the socket is gone; `reason` is null for our own close.
function connect(session, token, ready, onMessage, done) {
  const ws = open(session, token);
  let opened = false;
  let authed = CONFIG.auth_mode !== 'first-message';
  let isReady = false;
  let closing = false;
  let error = null;
  const timer = setTimeout(() => {
    if (!isReady) { error = 'connect timeout'; ws.close(); }
  }, CONFIG.connect_timeout_ms);
  const go = () => { isReady = true; clearTimeout(timer); ready(ws); };
  ws.onopen = () => {
    opened = true;
    if (authed) { go(); return; }
    ws.send(JSON.stringify({ type: 'auth', token: token }));
  };
  ws.onmessage = (e) => {
    let msg = null;
    if (typeof e.data === 'string') { try { msg = JSON.parse(e.data); } catch (_) { msg = null; } }
    if (!authed && msg && msg.type === 'auth_success') { authed = true; go(); return; }
    if (!authed && msg && msg.type === 'auth_error') { error = 'auth_error'; ws.close(); return; }
    if (authed) onMessage(ws, msg);
  };
  ws.onerror = (e) => { error = String(e.error || 'error'); };
  ws.onclose = () => {
    clearTimeout(timer);
    done({ opened: opened, authed: isReady, reason: closing ? null : (error || 'closed by the server') });
  };
  return { ws: ws, close: () => { closing = true; ws.close(); } };
}

// One session's traffic: test messages on a schedule, correlated replies, heartbeats.
function traffic(session, plan) {
  const idBase = 1000000000 + (session % 9000) * 1000000;
  let nextId = 0;
  let seq = 0;
  let lastMatchedSeq = 0;
  const pending = new Map(); // id -> {at, seq}
  const recent = new Map(); // matched id -> at (duplicate window)
  const expired = new Map(); // lost id -> at (a late reply is counted once)
  const pings = new Map(); // ping id -> at
  const timers = [];
  let conn = null;
  let stopped = false;
  let finished = false;

  const settle = (id, now) => { pending.delete(id); recent.set(id, now); };
  const loseAll = () => {
    for (const [id] of pending) { msgsLost.add(1); msgSuccess.add(false); expired.set(id, Date.now()); }
    pending.clear();
  };
  const finish = () => {
    if (finished) return;
    finished = true;
    timers.forEach((t) => clearInterval(t));
    loseAll();
    if (conn) conn.close();
  };
  const sendOne = (ws) => {
    seq += 1;
    const id = String(idBase + (nextId += 1));
    const text = render(plan.template, { id: id, seq: seq, session: session });
    pending.set(id, { at: Date.now(), seq: seq });
    msgsTest.add(1);
    ws.send(text);
  };
  const sweep = () => {
    const now = Date.now();
    for (const [id, p] of pending) {
      if (now - p.at >= CONFIG.reply_timeout_ms) {
        pending.delete(id); expired.set(id, now); msgsLost.add(1); msgSuccess.add(false);
        if (plan.onSettled) plan.onSettled();
      }
    }
    for (const [id, at] of recent) if (now - at > CONFIG.duplicate_window_ms) recent.delete(id);
    if (CONFIG.heartbeat) {
      for (const [id, at] of pings) {
        if (now - at >= CONFIG.heartbeat.timeout_ms) { pings.delete(id); pingTimeouts.add(1); }
      }
    }
    for (const [id, at] of expired) if (now - at > CONFIG.duplicate_window_ms) expired.delete(id);
    // Like the console's drain: the end waits for the replies and pongs still due (each
    // resolves by its timeout at the latest).
    if (stopped && pending.size === 0 && pings.size === 0) finish();
  };
  const stop = () => { stopped = true; sweep(); };
  const onMessage = (ws, msg) => {
    if (msg === null) { msgsUnsolicited.add(1); return; }
    const now = Date.now();
    if (CONFIG.heartbeat && msg.id !== undefined && pings.has(String(msg.id))) {
      pingRtt.add(now - pings.get(String(msg.id)));
      pings.delete(String(msg.id));
      return;
    }
    const raw = pointer(msg, CONFIG.correlation_pointer);
    const id = raw === undefined || raw === null ? null : String(raw);
    if (id !== null && pending.has(id)) {
      const p = pending.get(id);
      rtt.add(now - p.at);
      msgsMatched.add(1);
      msgSuccess.add(true);
      if (p.seq < lastMatchedSeq) msgsReordered.add(1);
      lastMatchedSeq = Math.max(lastMatchedSeq, p.seq);
      settle(id, now);
      if (plan.onSettled) plan.onSettled();
    } else if (id !== null && recent.has(id)) {
      msgsDup.add(1);
    } else if (id !== null && expired.has(id)) {
      msgsLate.add(1);
      expired.delete(id);
    } else if (plan.onOther) {
      plan.onOther(msg, now);
    } else if (!(msg.type === CONFIG.heartbeat_pong_type || NOISE.indexOf(msg.type) >= 0)) {
      msgsUnsolicited.add(1);
    }
  };
  const ready = (ws) => {
    connectSuccess.add(true);
    if (CONFIG.heartbeat) {
      timers.push(setInterval(() => {
        if (stopped) return;
        const id = String(idBase + (nextId += 1));
        pings.set(id, Date.now());
        pingsSent.add(1);
        ws.send(render(CONFIG.heartbeat.ping, { id: id, seq: 0, session: session }));
      }, CONFIG.heartbeat.interval_ms));
    }
    timers.push(setInterval(sweep, Math.min(250, CONFIG.reply_timeout_ms / 4)));
    plan.start(ws, sendOne, stop);
  };
  const done = (r) => {
    if (!r.opened || !r.authed) connectSuccess.add(false);
    else if (r.reason !== null) drops.add(1);
    stopped = true;
    finish();
  };
  [msgsLost, msgsDup, msgsReordered, msgsLate, drops, pingsSent, pingTimeouts].forEach((c) => c.add(0));
  conn = connect(session, TOKEN, ready, onMessage, done);
}

// Sends every `interval_ms` (staggered over the sessions) until `stop_after_ms` or
// `messages` sent, then drains: waits for every reply or its timeout. An interval of 0
// keeps one message in flight: the next goes when the previous is answered or lost.
function paced(session, sessions, holdMs) {
  let next = null;
  return {
    template: CONFIG.template,
    onSettled: () => { if (next) next(); },
    start: (ws, sendOne, stop) => {
      let sent = 0;
      const begin = Date.now();
      let t = null;
      const tick = () => {
        const over = CONFIG.messages !== null ? sent >= CONFIG.messages : Date.now() - begin >= holdMs;
        if (over) { clearInterval(t); next = null; stop(); return; }
        sendOne(ws);
        sent += 1;
      };
      setTimeout(() => {
        if (CONFIG.interval_ms === null) { setTimeout(stop, holdMs); return; }
        if (CONFIG.interval_ms === 0) { next = tick; tick(); return; }
        t = setInterval(tick, CONFIG.interval_ms);
        tick();
      }, (CONFIG.interval_ms || 0) * session / Math.max(1, sessions));
    },
  };
}

function broadcast(session) {
  const b = CONFIG.broadcast;
  const total = Math.max(1, Math.round(b.duration_ms / 1000 * b.rate_per_s));
  const sentBy = (s) => (s < total ? Math.floor((total - 1 - s) / CONFIG.sessions) + 1 : 0);
  const seen = new Set();
  return {
    template: CONFIG.template,
    onOther: (msg, now) => {
      if (msg.type !== 'broadcast') return;
      const from = pointer(msg, '/payload/session');
      if (from === session) return;
      const key = String(pointer(msg, CONFIG.correlation_pointer));
      if (seen.has(key)) { broadcastDup.add(1); return; }
      seen.add(key);
      broadcastDelivery.add(true);
      const ts = pointer(msg, '/payload/ts');
      if (typeof ts === 'number') deliveryLatency.add(now - ts);
    },
    start: (ws, sendOne, stop) => {
      // Every session sends its share in turn, after the others had time to connect.
      for (let j = session; j < total; j += CONFIG.sessions) {
        setTimeout(() => sendOne(ws), b.settle_ms + j * 1000 / b.rate_per_s);
      }
      setTimeout(() => {
        let expected = 0;
        for (let s = 0; s < CONFIG.sessions; s++) if (s !== session) expected += sentBy(s);
        for (let k = seen.size; k < expected; k++) broadcastDelivery.add(false);
        stop();
      }, b.settle_ms + b.duration_ms + CONFIG.reply_timeout_ms);
    },
  };
}

// Auth: a valid token must connect and stay `hold_ms`; the invalid one must be refused
// (closed) within `observe_ms`. k6 never reconnects, so "not retried" holds by itself.
function auth(session, valid) {
  const a = CONFIG.auth;
  const token = valid ? TOKEN : (__ENV.INVALID_TOKEN || 'invalid-token');
  let verdict = null;
  const judge = (ok) => { if (verdict === null) { verdict = ok; (valid ? authValid : authInvalid).add(ok); } };
  let c = null;
  const ready = () => {
    setTimeout(() => { judge(valid); c.close(); }, valid ? a.hold_ms : a.observe_ms);
  };
  const done = () => judge(!valid);
  c = connect(session, token, ready, () => {}, done);
}

export default function () {
  const session = exec.vu.idInTest - 1;
  switch (CONFIG.kind) {
    case 'broadcast':
      return traffic(session, broadcast(session));
    case 'auth':
      return auth(session, exec.scenario.name !== 'invalid_token');
    case 'ramp-up': {
      const batch = Number(__ENV.WSC_BATCH || '0');
      const holdMs = CONFIG.ramp.last_batch_at_ms - batch * CONFIG.ramp.batch_every_ms + CONFIG.ramp.hold_ms;
      return traffic(session, paced(session, CONFIG.sessions, holdMs));
    }
    default:
      return traffic(session, paced(session, CONFIG.sessions, CONFIG.duration_ms));
  }
}
