// The COP page: login, then a picture refreshed from the server — on every streamed batch of events in a
// live run (at most twice a second), or at the timeline's time in a replay. window.__copStats keeps the
// time of each refresh (fetch and render) for the benchmark (bench/cop_render.py).
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const state = { run: null, t: null, selected: null, tracks: null, warnings: null, busy: false, again: false, stream: null, playing: null, started: false };
  window.__copStats = { frames: [] };

  async function loadRun() {
    state.run = await COP.api.run();
    $("login-run").textContent = `${state.run.scenario} · ${state.run.mode === "live" ? "live run" : "replay of a finished run"}`;
    $("login-nation").innerHTML = state.run.nations.map((n) => `<option>${n}</option>`).join("");
    $("login-role").innerHTML = state.run.roles.map((r) => `<option>${r}</option>`).join("");
  }

  async function onLogin(ev) {
    ev.preventDefault();
    $("login-error").textContent = "";
    try {
      await COP.api.login($("login-nation").value, $("login-role").value);
      start();
    } catch (err) {
      $("login-error").textContent = err.message;
    }
  }

  function showLogin() {
    if (state.stream) state.stream.stop();
    state.stream = null;
    $("login").classList.remove("hidden");
  }

  function start() {
    const s = COP.api.session();
    $("login").classList.add("hidden");
    $("run-name").textContent = state.run.scenario;
    $("mode").textContent = state.run.mode === "live" ? "LIVE" : "REPLAY";
    $("who").textContent = `${s.nation} · ${s.role}`;
    if (!state.started) {
      COP.map.init("map", select);
      state.started = true;
    }
    setupTimeline();
    if (state.run.mode === "live") state.stream = COP.api.stream(onBatch, (m) => status("stream", m));
    refresh();
  }

  // The status line shows one source's message at a time; a source clears only its own, so a
  // refresh that succeeds does not wipe the server's reason for refusing a control change.
  function status(source, message) {
    if (message) { state.statusFrom = source; $("status").textContent = message; }
    else if (state.statusFrom === source) { state.statusFrom = null; $("status").textContent = ""; }
  }

  function select(id) {
    state.selected = id;
    render();
  }

  function onBatch(batch) {
    state.run.sim_time_s = Math.max(state.run.sim_time_s, batch.t_s); // the run's clock, as the stream reports it
    if (state.t === null) {
      const slider = $("slider");
      slider.max = Math.max(Number(slider.max), Math.ceil(batch.t_s));
      slider.value = slider.max;
    }
    scheduleRefresh();
  }

  // One refresh at a time; a request for another while one runs is coalesced, and live ones are spaced 500 ms.
  let timer = null;
  function scheduleRefresh(delay = 500) {
    if (timer) return;
    timer = setTimeout(() => { timer = null; refresh(); }, delay);
  }

  async function refresh() {
    if (state.busy) { state.again = true; return; }
    state.busy = true;
    try {
      const t0 = performance.now();
      const [tracks, warnings] = await Promise.all([COP.api.tracks(state.t), COP.api.warnings(state.t)]);
      const t1 = performance.now();
      state.tracks = tracks;
      state.warnings = warnings;
      render();
      const t2 = performance.now();
      const frame = { fetch_ms: t1 - t0, render_ms: t2 - t1, tracks: tracks.system.length + tracks.local.length };
      window.__copStats.frames.push(frame);
      // until the browser has laid out and painted the change: the next animation frame, then a task after it
      requestAnimationFrame(() => setTimeout(() => (frame.paint_ms = performance.now() - t1), 0));
      status("refresh", "");
    } catch (err) {
      if (err.status === 401) { await COP.api.logout(); showLogin(); $("login-error").textContent = err.message; }
      else status("refresh", err.message);
    } finally {
      state.busy = false;
      if (state.again) { state.again = false; scheduleRefresh(0); }
    }
  }

  function render() {
    if (!state.tracks || !state.warnings) return;
    const s = COP.api.session();
    COP.map.setTracks(state.tracks);
    COP.map.setImpacts(state.warnings.warnings);
    COP.map.setThreatened(state.warnings.threatened_areas);
    COP.map.frameOnce();
    COP.panels.banner(state.warnings, { mayAck: ["watch-officer", "commander"].includes(s.role), readOnly: state.run.read_only, onAck: acknowledge });
    COP.panels.trackList(state.tracks, state.selected, select);
    COP.panels.pedigree(state.tracks, state.selected);
    COP.panels.warningList(state.warnings);
    const shownT = state.t === null ? state.run.sim_time_s : state.t;
    $("clock").textContent = `t = ${Math.round(shownT)} s${state.run.duration_s ? ` / ${Math.round(state.run.duration_s)} s` : ""}`;
  }

  // Acknowledge revisions [[warning_id, revision, issuer], ...] in order (the issuer tells apart an owner's and
  // its stand-in's revision of one number after a partition); the first refusal is shown in the banner.
  async function acknowledge(revisions) {
    COP.panels.setAckError("");
    for (const [warningId, revision, issuer] of revisions) {
      try {
        await COP.api.acknowledge(warningId, revision, issuer);
      } catch (err) {
        COP.panels.setAckError(`${warningId} rev ${revision}: ${err.message}`);
        break;
      }
    }
    await refresh();
  }

  // -- timeline: a slider over scenario time; play advances it; "Latest" follows the newest state ----------
  function setupTimeline() {
    const slider = $("slider"), live = state.run.mode === "live";
    slider.max = Math.ceil(state.run.duration_s && !live ? state.run.duration_s : state.run.sim_time_s);
    slider.value = slider.max;
    slider.oninput = () => { state.t = Number(slider.value); stopPlay(); scheduleRefresh(80); };
    $("follow").onclick = () => { state.t = null; stopPlay(); slider.value = slider.max; refresh(); };
    $("play").onclick = () => (state.playing ? stopPlay() : play());
    $("logout").onclick = async () => { await COP.api.logout(); showLogin(); };
    setupControl(live);
  }

  function play() {
    const slider = $("slider");
    if (state.t === null || state.t >= Number(slider.max)) state.t = 0;
    $("play").textContent = "❚❚";
    state.playing = setInterval(() => {
      state.t = Math.min(Number(slider.max), state.t + Number($("play-speed").value) * 0.5);
      slider.value = state.t;
      refresh();
      if (state.t >= Number(slider.max)) stopPlay();
    }, 500);
  }

  function stopPlay() {
    if (state.playing) clearInterval(state.playing);
    state.playing = null;
    $("play").textContent = "▶";
  }

  // Live run control (commanders): pause/resume and pace, through the server's RunControl.
  function setupControl(live) {
    const el = $("control");
    const c = state.run.control;
    if (!live || !c || COP.api.session().role !== "commander") { el.innerHTML = ""; return; }
    el.innerHTML = `<button id="pause" type="button">${c.paused ? "Resume" : "Pause"}</button>
      <label>speed <input id="speed" type="number" min="0.1" step="0.5" value="${c.speed ?? ""}" placeholder="max" style="width:5em"></label>`;
    $("pause").onclick = async () => {
      const now = await COP.api.control({ paused: $("pause").textContent === "Pause" });
      $("pause").textContent = now.paused ? "Resume" : "Pause";
    };
    $("speed").onchange = async () => {
      const v = $("speed").value;
      try { await COP.api.control({ speed: v === "" ? null : Number(v) }); status("control", ""); }
      catch (err) { status("control", err.message); }
    };
  }

  $("login-form").addEventListener("submit", onLogin);
  loadRun()
    .then(() => (COP.api.session() ? start() : showLogin()))
    .catch((err) => ($("login-run").textContent = "cannot reach the server: " + err.message));
})();
