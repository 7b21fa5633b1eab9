// The map: Leaflet with no tile server (offline), a graticule, land and EEZ outlines from the server,
// threatened areas filled red, tracks as MIL-STD-2525 symbols (milsymbol) with their flown paths,
// and the 95 % predicted impact ellipses of the active warnings.
"use strict";
window.COP = window.COP || {};

COP.map = (() => {
  const R_EARTH_M = 6371e3;
  // The theatre spans ~100E to ~200E (an IRBM falls past the date line): keep longitudes continuous there.
  const wrap = (lon) => (lon < -30 ? lon + 360 : lon);
  const ll = (lat, lon) => L.latLng(lat, wrap(lon));
  let map, land, eez, trackLayer, impactLayer, onSelect = () => {};
  // Flown paths are many and change every second: one canvas redraw beats hundreds of SVG path updates.
  let paths;
  let threatened = new Set();
  const shown = new Map(); // track key -> {marker, path, aim, iconKey}
  const icons = new Map(); // iconKey -> L.divIcon (milsymbol drawing is the costly part: cache it)

  function areaOf(feature, suffix) {
    const p = feature.properties || {};
    return p.area || p.name || (p.nation || p.iso3 || feature.id) + suffix;
  }

  // A threatened land is filled solid red; a threatened EEZ (large, mostly sea) is tinted so the land stays readable.
  function styleArea(suffix, base) {
    const fill = suffix === "-land" ? 0.75 : 0.18;
    return (f) => (threatened.has(areaOf(f, suffix)) ? { ...base, color: "#ff5252", fillColor: "#c62828", fillOpacity: fill } : base);
  }

  function graticule() {
    const lines = [];
    for (let lat = -80; lat <= 80; lat += 10) lines.push([[lat, 60], [lat, 260]]);
    for (let lon = 60; lon <= 260; lon += 10) lines.push([[-85, lon], [85, lon]]);
    return L.polyline(lines, { color: "#1d3a55", weight: 1, interactive: false });
  }

  function init(element, select) {
    onSelect = select;
    map = L.map(element, { zoomControl: true, attributionControl: false, preferCanvas: false, worldCopyJump: false }).setView([38, 140], 4);
    graticule().addTo(map);
    const opts = (suffix, base) => ({ style: styleArea(suffix, base), coordsToLatLng: (c) => ll(c[1], c[0]), interactive: false });
    land = L.geoJSON(null, opts("-land", { color: "#6b7d8f", weight: 1, fillColor: "#33414f", fillOpacity: 0.9 })).addTo(map);
    eez = L.geoJSON(null, opts("-EEZ", { color: "#4f83b3", weight: 1, dashArray: "4 4", fillOpacity: 0 })).addTo(map);
    paths = L.canvas({ padding: 0.2 });
    impactLayer = L.layerGroup().addTo(map);
    trackLayer = L.layerGroup().addTo(map);
    new ResizeObserver(() => map.invalidateSize()).observe(document.getElementById(element));
    COP.api.geo("land").then((fc) => land.addData(fc)).catch(() => {});
    COP.api.geo("eez").then((fc) => eez.addData(fc)).catch(() => {});
  }

  function setThreatened(areas) {
    const next = new Set(areas);
    if (next.size === threatened.size && [...next].every((a) => threatened.has(a))) return;
    threatened = next;
    land.setStyle(styleArea("-land", { color: "#6b7d8f", weight: 1, fillColor: "#33414f", fillOpacity: 0.9 }));
    eez.setStyle(styleArea("-EEZ", { color: "#4f83b3", weight: 1, dashArray: "4 4", fillOpacity: 0 }));
  }

  // MIL-STD-2525E space missile (symbol set 06, entity 110000), modifier 1 "ballistic", modifier 2 the range
  // class from the tracker's characterisation. Hostile once characterised or named in a warning, else unknown.
  const RANGE_CLASS = { srbm: "01", mrbm: "02", irbm: "03", icbm: "05", slbm: "15" };
  function sidc(track) {
    const identity = track.category || (track.warnings && track.warnings.length) ? "06" : "01";
    return "10" + identity + "06" + "0" + "0" + "00" + "110000" + "01" + (RANGE_CLASS[track.category] || "00");
  }

  function icon(track, local) {
    const code = sidc(track);
    const key = `${code}|${track.id}|${local}`;
    if (!icons.has(key)) {
      const sym = new ms.Symbol(code, { size: local ? 16 : 24, uniqueDesignation: track.id });
      const a = sym.getAnchor(), s = sym.getSize();
      icons.set(key, L.divIcon({ html: sym.asSVG(), className: "sym", iconSize: [s.width, s.height], iconAnchor: [a.x, a.y] }));
    }
    return { key, icon: icons.get(key) };
  }

  function draw(key, track, local) {
    if (track.lat === undefined) return false; // a partner track not yet placed in a picture
    const latlngs = track.path.map((p) => ll(p[0], p[1]));
    const here = ll(track.lat, track.lon);
    let s = shown.get(key);
    if (!s) {
      s = {
        path: L.polyline(latlngs, { renderer: paths, color: local ? "#80cbc4" : "#ff8a80", weight: local ? 1.5 : 2.5, dashArray: local ? "3 5" : null }),
        marker: L.marker(here, { keyboard: false, title: track.id }),
        aim: L.polyline([], { renderer: paths, color: "#ffab40", weight: 1, dashArray: "2 6", interactive: false }),
      };
      s.marker.on("click", () => onSelect(track.id));
      s.path.on("click", () => onSelect(track.id));
      trackLayer.addLayer(s.path).addLayer(s.aim).addLayer(s.marker);
      shown.set(key, s);
    } else {
      s.path.setLatLngs(latlngs);
      s.marker.setLatLng(here);
    }
    const ic = icon(track, local);
    if (s.iconKey !== ic.key) { s.marker.setIcon(ic.icon); s.iconKey = ic.key; }
    s.aim.setLatLngs(track.impact ? [here, ll(track.impact.lat, track.impact.lon)] : []);
    return true;
  }

  let framed = false;
  function setTracks(view) {
    const seen = new Set();
    for (const st of view.system) if (draw("S:" + st.id, st, false)) seen.add("S:" + st.id);
    for (const lt of view.local) if (draw("L:" + lt.id, lt, true)) seen.add("L:" + lt.id);
    for (const [key, s] of shown) {
      if (seen.has(key)) continue;
      trackLayer.removeLayer(s.path).removeLayer(s.aim).removeLayer(s.marker);
      shown.delete(key);
    }
  }

  // The first picture with tracks frames their flown paths and predicted impacts; then the view is the user's.
  function frameOnce() {
    if (framed || !shown.size) return;
    const bounds = L.latLngBounds([]);
    for (const s of shown.values()) bounds.extend(s.path.getBounds()).extend(s.marker.getLatLng());
    impactLayer.eachLayer((layer) => bounds.extend(layer.getBounds ? layer.getBounds() : layer.getLatLng()));
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.25), { maxZoom: 6 });
    framed = true;
  }

  // A 95 % ellipse as a polygon: major axis along `orientation_deg` from North; small-area flat-Earth offsets.
  function ellipseLatLngs(e) {
    const phi = (e.orientation_deg * Math.PI) / 180, pts = [];
    const major = [Math.sin(phi), Math.cos(phi)], minor = [Math.cos(phi), -Math.sin(phi)]; // (east, north)
    for (let k = 0; k <= 64; k++) {
      const th = (2 * Math.PI * k) / 64;
      const east = e.semi_major_m * Math.cos(th) * major[0] + e.semi_minor_m * Math.sin(th) * minor[0];
      const north = e.semi_major_m * Math.cos(th) * major[1] + e.semi_minor_m * Math.sin(th) * minor[1];
      const lat = e.lat_deg + (north / R_EARTH_M) * (180 / Math.PI);
      const lon = e.lon_deg + (east / (R_EARTH_M * Math.cos((e.lat_deg * Math.PI) / 180))) * (180 / Math.PI);
      pts.push(ll(lat, lon));
    }
    return pts;
  }

  function setImpacts(warnings) {
    impactLayer.clearLayers();
    for (const w of warnings) {
      if (!w.current || !w.active || !w.impact) continue;
      const label = `${w.warning_id} r${w.revision}: predicted impact`;
      if (w.ellipse) L.polygon(ellipseLatLngs(w.ellipse), { color: "#ffab40", weight: 2, fillOpacity: 0.15 }).bindTooltip(label).addTo(impactLayer);
      L.circleMarker(ll(w.impact.lat, w.impact.lon), { radius: 4, color: "#ffab40", fillOpacity: 1 }).bindTooltip(label).addTo(impactLayer);
    }
  }

  return { init, setTracks, setImpacts, setThreatened, frameOnce, count: () => shown.size };
})();
