// The panels around the map: the alert banner with its Acknowledge buttons, the track list,
// a track's pedigree (which nations' tracks make it, and to whom our own track was released), the warnings.
"use strict";
window.COP = window.COP || {};

COP.panels = (() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const fmt = (x, d = 0) => (x === null || x === undefined ? "–" : Number(x).toFixed(d));
  let ackError = "";

  // Replace an element's content only when it changed: rebuilding the banner every second would swallow a
  // click that lands between the press and the release on a button that was just replaced.
  function setHTML(el, html) {
    if (el.__html === html) return false;
    el.innerHTML = html;
    el.__html = html;
    return true;
  }

  function where(w) {
    const areas = w.areas.length ? w.areas.join(", ") : "no protected area";
    return w.subregions.length ? `${areas} (${w.subregions.join(", ")})` : areas;
  }

  // The banner holds one line per warning with revisions not yet acknowledged: its newest revision, how many
  // earlier ones wait too, and one Acknowledge for all of them (the rule wants every revision acknowledged;
  // a watch officer acknowledges what the banner shows). Active threats come first, then the newest.
  function banner(view, { mayAck, readOnly, onAck }) {
    const groups = new Map();
    for (const w of view.warnings) { // newest first
      if (w.state === "acknowledged") continue;
      if (!groups.has(w.warning_id)) groups.set(w.warning_id, []);
      groups.get(w.warning_id).push(w);
    }
    const lines = [...groups.values()].sort((a, b) => (b[0].active - a[0].active) || (b[0].delivered_s - a[0].delivered_s));
    const el = $("banner");
    el.classList.toggle("on", lines.length > 0 || !!ackError);
    const why = readOnly ? "replay is read-only" : mayAck ? "" : "your role may not acknowledge";
    const changed = setHTML(el, lines
      .map((g) => {
        const w = g[0], state = g.some((r) => r.state === "escalated") ? "escalated" : "pending";
        const earlier = g.length > 1 ? ` · +${g.length - 1} earlier revision${g.length > 2 ? "s" : ""} pending` : "";
        return `<div class="alert ${state} ${w.active ? "" : "closed"}" data-warning="${esc(w.warning_id)}" data-revision="${w.revision}">
        <strong>${esc(w.kind.toUpperCase())}</strong>
        <span>${esc(w.warning_id)} rev ${w.revision} · ${esc(where(w))} · from ${esc(w.issuer)} at t=${fmt(w.delivered_s)} s${earlier}</span>
        <span class="state">${state}</span>
        <button type="button" class="ack" ${why ? `disabled title="${why}"` : ""}>Acknowledge</button></div>`;
      })
      .join("") + (ackError ? `<div class="ack-error">${esc(ackError)}</div>` : ""));
    if (!changed) return;
    el.querySelectorAll(".alert").forEach((div, k) => {
      const revisions = lines[k].map((r) => [r.warning_id, r.revision, r.issuer]).reverse(); // oldest first
      div.querySelector("button.ack").addEventListener("click", () => onAck(revisions));
    });
  }

  function setAckError(message) { ackError = message || ""; }

  function trackList(view, selected, onSelect) {
    const rows = [
      ...view.system.map((t) => ({ t, kind: "allied" })),
      ...view.local.map((t) => ({ t, kind: "own" })),
    ];
    $("track-count").textContent = `(${view.system.length} allied, ${view.local.length} own)`;
    const changed = setHTML($("track-list"), rows
      .map(({ t, kind }) => `<li data-id="${esc(t.id)}" class="${t.id === selected ? "selected" : ""}">
        <span>${esc(t.id)} <span class="muted">${kind}</span></span>
        <span class="muted">${t.alt_km === undefined ? "no position" : fmt(t.alt_km) + " km"}</span></li>`)
      .join(""));
    if (changed) $("track-list").querySelectorAll("li").forEach((li) => li.addEventListener("click", () => onSelect(li.dataset.id)));
  }

  function pedigree(view, id) {
    const el = $("pedigree");
    const st = view.system.find((t) => t.id === id), lt = view.local.find((t) => t.id === id);
    const t = st || lt;
    if (!t) { el.className = "muted"; el.__html = null; el.textContent = id ? `${id}: not in the picture at this time` : "Click a track."; return; }
    el.className = "";
    const head = `<p><strong>${esc(t.id)}</strong> · ${st ? "allied system track" : "own national track"}<br>
      first seen t=${fmt(t.first_s)} s · last update t=${fmt(t.t_s)} s<br>
      ${t.lat === undefined ? "no position yet" : `${fmt(t.lat, 2)}°, ${fmt(t.lon, 2)}°, ${fmt(t.alt_km)} km`}</p>`;
    if (st) {
      const rows = st.partners.map((p) => `<tr><td>${esc(p.origin)}</td><td>${esc(p.track_id)}</td><td>${fmt(p.first_s)}–${fmt(p.last_s)} s</td><td>${p.updates}</td></tr>`).join("");
      const impact = st.impact ? `<p>Predicted impact ${fmt(st.impact.lat, 2)}°, ${fmt(st.impact.lon, 2)}° (own warning at t=${fmt(st.impact.t_s)} s)</p>` : "";
      setHTML(el, head + `<p>Pedigree: ${(st.pedigree || []).map((n) => `<span class="chip">${esc(n)}</span>`).join("") || "–"}</p>` + impact +
        `<table><tr><th>from</th><th>track</th><th>seen</th><th>updates</th></tr>${rows || '<tr><td colspan="4" class="muted">own sensors only</td></tr>'}</table>` +
        (st.warnings.length ? `<p>Warnings: ${st.warnings.map(esc).join(", ")}</p>` : ""));
    } else {
      setHTML(el, head + `<p>Status ${esc(lt.status)} · ${esc(lt.category || "uncharacterised")} · ${fmt(lt.speed_m_s / 1e3, 2)} km/s · apogee ${fmt(lt.apogee_km)} km · ${lt.updates} updates</p>
        <p>Released to: ${lt.sent_to.map((n) => `<span class="chip">${esc(n)}</span>`).join("") || "–"}<br>
        Withheld from: ${lt.withheld_from.map((n) => `<span class="chip">${esc(n)}</span>`).join("") || "–"}</p>`);
    }
  }

  function warningList(view) {
    $("threatened").textContent = view.threatened_areas.length ? "threat: " + view.threatened_areas.join(", ") : "";
    setHTML($("warning-list"), view.warnings
      .map((w) => `<li class="${w.state} ${w.active ? "" : "closed"}" data-warning="${esc(w.warning_id)}" data-revision="${w.revision}">
        <div><strong>${esc(w.warning_id)}</strong> rev ${w.revision} · ${esc(w.kind)} <span class="state">${esc(w.state)}</span></div>
        <div class="muted">${esc(where(w))}</div>
        <div class="muted small">from ${esc(w.issuer)} t=${fmt(w.delivered_s)} s${w.acknowledged_s !== null ? ` · ack ${esc(w.centre)} t=${fmt(w.acknowledged_s)} s` : ""}${w.escalation ? ` · escalated ${esc(w.escalation)}` : ""}${w.partner_acks.length ? ` · partners: ${w.partner_acks.map((a) => esc(a.centre)).join(", ")}` : ""}</div></li>`)
      .join(""));
  }

  return { banner, setAckError, trackList, pedigree, warningList };
})();
