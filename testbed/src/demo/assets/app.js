// The demo host's bootstrap: an external module, as the page's CSP allows no inline script.
// It mounts the console with a token provider that asks this app's own backend for a
// short-lived token (the session cookie goes with the request; the token is never kept).
// `window.demoApp` is this host's own state, there for its tests to read: what the host
// saw (reports, how often the provider was called), never a token.
import { mount } from "/ws-console/embed.js";

const app = document.getElementById("app");
const user = app.dataset.user;
const query = new URLSearchParams(location.search);
const cookieMode = query.get("auth") === "cookie";
const consoles = Math.min(2, Math.max(1, Number(query.get("consoles") ?? "1")));
let extra = {};
try {
  extra = JSON.parse(query.get("config") ?? "{}");
} catch {
  extra = {};
}

const state = { consoles: [], reports: [], tokenCalls: 0, tokenFailures: [], ready: false, error: null };
window.demoApp = state;

async function getToken() {
  state.tokenCalls += 1;
  const r = await fetch("/demo/api/token", { credentials: "same-origin", cache: "no-store" });
  if (!r.ok) {
    const why = `the app's token endpoint answered ${r.status} (logged out?)`;
    state.tokenFailures.push(why);
    throw new Error(why);
  }
  return (await r.json()).token;
}

const base = cookieMode
  ? { endpoint: "/api/v1/pam/ws/{user_id}", auth_mode: "cookie" }
  : { endpoint: "/api/v1/pam/ws/{user_id}?token={token}", auth_mode: "query" };

try {
  for (let i = 0; i < consoles; i++) {
    const slot = document.getElementById(i === 0 ? "console" : "console-2");
    const reports = [];
    state.reports.push(reports);
    const handle = await mount(slot, {
      config: { ...base, user_id: user, ...extra },
      getToken: cookieMode ? undefined : getToken,
      onReport: (report) => reports.push(report),
      storageKey: `acme-ops-${i}`,
      // Where the console's wasm and CSS are served, when not beside embed.js (`?assetBase=`).
      assetBase: query.get("assetBase") ?? undefined,
    });
    state.consoles.push(handle);
  }
  state.ready = true;
} catch (e) {
  state.error = String(e);
}
