"""Write a finished run's standard outputs into its run folder: cap/, cot/, geo/.

Whose view: ONE node's, by default the hub `USA` (else the first node by name), chosen with
`view=`; see `run_view` for exactly which events that takes. The CAP files still carry each
warning's own issuer as sender: the hub's command centre receives JPN's and KOR's warnings too.

Layout (names are stable, so scripts can rely on them):

    cap/<identifier>.xml          one CAP 1.2 alert per warning revision (schema-validated; signed
                                  with XML-DSig when a signer is given for its issuing nation)
    cap/feed.atom                 Atom feed of those alerts, newest first
    cot/alerts/<issuer>-<warning_id>-r<revision>.xml   one CoT event per warning revision
                                  (the nation is written once: JPN-W001-r2, KOR-0016)
    cot/tracks/<nation>-<track_id>.cot   every update of a track, one CoT event per line
                                  (TAK's TCP stream form: `cot_stream.load_run_cot` reads the
                                  folder back in time order for `replay` or `send_cot`)
    cot/tracks/<nation>-<track_id>.xml   the track's latest update alone (drag into a TAK client)
    cot/system/<number>.cot, .xml the same for the view node's allied system tracks (its picture)
    geo/tracks.geojson, geo/impacts.geojson, geo/areas.geojson, geo/run.kml, geo/run.czml

Rule for bad input: an item that cannot be written (a threat warning naming no area and no
ellipse, a non-finite coordinate, an Update whose earlier revision is missing from the log) is
left out, and the reason is listed under "skipped" in the returned index (and in
`outputs.json`); everything else is still written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from triwatch.warning.outputs.areas import area_outlines, threatened_areas
from triwatch.warning.outputs.cap import cap_alert, cap_identifier, cap_ref, msg_type, validate_cap
from triwatch.warning.outputs.cap_feed import FeedItem, cap_feed
from triwatch.warning.outputs.cap_sign import CapSigner
from triwatch.warning.outputs.cap_text import WORDING, area_name
from triwatch.warning.outputs.clock import utc_at
from triwatch.warning.outputs.cot import cot_alert, cot_track_events
from triwatch.warning.outputs.czml import run_czml
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geojson import areas_geojson, impacts_geojson, tracks_geojson
from triwatch.warning.outputs.kml import run_kml
from triwatch.warning.outputs.run_view import RunView, qualified, run_view


def load_events(path: Path) -> list[dict]:
    """The events of an events.jsonl file; a bad line is an error naming its line number."""
    events = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise OutputError(f"{path}:{n}: not a JSON object: {exc.msg}") from None
    return events


def _write_cap(
    cap_dir: Path, view: RunView, epoch: datetime, exercise: bool, skipped: list[str], signers: dict[str, CapSigner]
) -> list[str]:
    cap_dir.mkdir(parents=True, exist_ok=True)
    chains: dict[str, list] = {}
    items, written = [], []
    for dw in view.warnings:
        w = dw.report
        chain = chains.setdefault(w.warning_id, [])  # one chain per warning, across the issuers of its revisions
        try:
            xml = cap_alert(w, epoch, previous=chain, exercise=exercise,
                            impact_point=dw.impact_point)  # fmt: skip
        except OutputError as exc:
            skipped.append(f"cap: {exc}")
            continue
        errors = validate_cap(xml)
        if errors:  # a bug in cap.py, not in the run: keep the run's other alerts, report it
            skipped.append(f"cap: {cap_identifier(w)} failed the CAP 1.2 schema: {'; '.join(errors[:3])}")
            continue
        if w.issuer in signers:  # each nation signs its own alerts; a partner's stay as received
            xml = signers[w.issuer].sign(xml)
        chain.append(cap_ref(w, epoch))
        name = f"{cap_identifier(w)}.xml"
        (cap_dir / name).write_bytes(xml)
        written.append(f"cap/{name}")
        areas = ", ".join(area_name(a, "en-US") for a in w.areas)
        items.append(
            FeedItem(
                cap_identifier(w),
                utc_at(epoch, w.time_s),
                f"{WORDING[w.kind]['en-US'].event} ({w.issuer} {w.warning_id} r{w.revision})",
                name,
                "Exercise" if exercise else "Actual",
                msg_type(w),
                areas,
            )  # fmt: skip
        )
    feed = cap_feed(items, feed_id=f"triwatch-{view.node}", title=f"triwatch warnings as received by {view.node}",
                    updated=utc_at(epoch, view.end_s))  # fmt: skip
    (cap_dir / "feed.atom").write_bytes(feed)
    return written


def _write_cot(cot_dir: Path, view: RunView, epoch: datetime, exercise: bool, skipped: list[str]) -> dict:
    (cot_dir / "alerts").mkdir(parents=True, exist_ok=True)
    (cot_dir / "tracks").mkdir(parents=True, exist_ok=True)
    n_alerts = n_updates = 0
    for dw in view.warnings:
        w = dw.report
        try:
            xml = cot_alert(w, epoch, exercise=exercise, impact_point=dw.impact_point, track_point=dw.track_point)
        except OutputError as exc:
            skipped.append(f"cot: {exc}")
            continue
        (cot_dir / "alerts" / f"{qualified(w.issuer, w.warning_id)}-r{w.revision}.xml").write_bytes(xml)
        n_alerts += 1
    for path in view.tracks + view.systems:
        try:
            lines = cot_track_events(path, epoch, exercise=exercise)
        except OutputError as exc:
            skipped.append(f"cot: {exc}")
            continue
        folder, stem = (
            ("system", path.track_id) if path.kind == "system" else ("tracks", qualified(path.nation, path.track_id))
        )
        (cot_dir / folder).mkdir(parents=True, exist_ok=True)
        (cot_dir / folder / f"{stem}.cot").write_bytes(b"\n".join(lines) + b"\n")
        (cot_dir / folder / f"{stem}.xml").write_bytes(lines[-1])
        n_updates += len(lines)
    return {
        "alerts": n_alerts,
        "tracks": len(view.tracks),
        "system_tracks": len(view.systems),
        "track_updates": n_updates,
    }


def _write_geo(geo_dir: Path, view: RunView, epoch: datetime, name: str, skipped: list[str]) -> list[str]:
    geo_dir.mkdir(parents=True, exist_ok=True)
    areas = threatened_areas(view.warnings)
    outlines = area_outlines(a.area for a in areas)
    files = {
        "tracks.geojson": tracks_geojson(view.tracks + view.systems, epoch, skipped=skipped),
        "impacts.geojson": impacts_geojson(view.warnings, epoch, skipped=[]),  # reasons are listed once, by CoT
        "areas.geojson": areas_geojson(areas, epoch, outlines),
    }
    for fname, doc in files.items():
        (geo_dir / fname).write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    kml = run_kml(
        view.tracks + view.systems, view.warnings, areas, outlines, epoch, name=name, end_s=view.end_s, skipped=[]
    )
    (geo_dir / "run.kml").write_text(kml, encoding="utf-8")
    czml = run_czml(view.tracks + view.systems, view.warnings, areas, outlines, epoch, name=name, start_s=view.start_s,
                    end_s=view.end_s, skipped=[])  # fmt: skip
    (geo_dir / "run.czml").write_text(json.dumps(czml, ensure_ascii=False) + "\n", encoding="utf-8")
    return [f"geo/{f}" for f in (*files, "run.kml", "run.czml")]


def write_outputs(
    run_dir: Path,
    events: Sequence[dict],
    epoch: datetime,
    exercise: bool = True,
    *,
    view: str | None = None,
    cap_signers: dict[str, CapSigner] | None = None,
) -> dict:
    """Write cap/, cot/ and geo/ of a finished run into run_dir; return an index of what was written.

    events: the run's events (events.jsonl as dicts); epoch: the scenario's UTC epoch (aware);
    exercise: CAP status Exercise and CoT `m-s`/opex (False only for real warnings); view: the
    node whose view is written (default the hub USA); cap_signers: {issuing nation: CapSigner}
    to sign that nation's CAP alerts (XML-DSig, `cap_sign`). The index (also saved as outputs.json)
    has `view`, `cap` (files), `cap_feed`, `cot` (counts), `geo` (files) and `skipped` (reasons).
    """
    run_dir = Path(run_dir)
    v = run_view(list(events), view)
    skipped = list(v.skipped)
    name = f"triwatch run ({v.node} view)"
    index = {
        "view": v.node,
        "cap": _write_cap(run_dir / "cap", v, epoch, exercise, skipped, dict(cap_signers or {})),
        "cap_feed": "cap/feed.atom",
        "cot": _write_cot(run_dir / "cot", v, epoch, exercise, skipped),
        "geo": _write_geo(run_dir / "geo", v, epoch, name, skipped),
        "skipped": skipped,
    }
    (run_dir / "outputs.json").write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return index
