// The COP's link to its server: the session token, JSON requests, and the event stream.
// The token lives in sessionStorage (one tab, one watch); every request carries it as a bearer token.
"use strict";
window.COP = window.COP || {};

COP.api = (() => {
  const KEY = "triwatch.session";
  let session = JSON.parse(sessionStorage.getItem(KEY) || "null");

  class ApiError extends Error {
    constructor(status, detail) { super(detail); this.status = status; }
  }

  async function request(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (session) headers["Authorization"] = "Bearer " + session.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await res.json().catch(() => ({ detail: res.statusText }));
    if (!res.ok) throw new ApiError(res.status, typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail));
    return data;
  }

  async function login(nation, role) {
    const data = await request("POST", "/api/login", { nation, role });
    session = { token: data.token, nation: data.nation, role: data.role };
    sessionStorage.setItem(KEY, JSON.stringify(session));
    return session;
  }

  function logout() {
    session = null;
    sessionStorage.removeItem(KEY);
    return fetch("/api/logout", { method: "POST" });
  }

  // Calls onBatch({seq, next, t_s, events}) for every batch of new events; reconnects from where it stopped.
  function stream(onBatch, onState) {
    let next = 0, ws = null, stopped = false;
    function open() {
      if (stopped || !session) return;
      const proto = location.protocol === "https:" ? "wss:" : "ws:";
      ws = new WebSocket(`${proto}//${location.host}/ws?since=${next}&token=${encodeURIComponent(session.token)}`);
      ws.onopen = () => onState && onState("live stream");
      ws.onmessage = (m) => { const batch = JSON.parse(m.data); next = batch.next; onBatch(batch); };
      ws.onclose = () => { onState && onState("stream closed"); if (!stopped) setTimeout(open, 2000); };
    }
    open();
    return { stop() { stopped = true; if (ws) ws.close(); } };
  }

  const q = (t) => (t === null || t === undefined ? "" : `?t=${t}`);
  return {
    ApiError,
    session: () => session,
    login,
    logout,
    stream,
    run: () => request("GET", "/api/runs/current"),
    tracks: (t) => request("GET", "/api/tracks" + q(t)),
    warnings: (t) => request("GET", "/api/warnings" + q(t)),
    acknowledge: (id, rev, issuer) =>
      request("POST", `/api/warnings/${encodeURIComponent(id)}/${rev}/ack?issuer=${encodeURIComponent(issuer)}`),
    control: (change) => request("POST", "/api/control", change),
    geo: (layer) => request("GET", `/api/geo/${layer}`),
  };
})();
