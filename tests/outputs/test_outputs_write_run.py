"""write_outputs over a run's events: the folder layout, the hub's view, and bad input by the stated rule."""

from __future__ import annotations

import json
import math

import geojson
import numpy as np
import pytest
import takproto
from lxml import etree
from outputs_events import delivered, ev, kml_schema, missile_states

from triwatch.warning.outputs.cap import validate_cap
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geometry import ecef_to_lat_lon_alt_deg
from triwatch.warning.outputs.run_view import run_view
from triwatch.warning.outputs.write_run import load_events, write_outputs

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_writes_cap_cot_and_geo(tmp_path, events, epoch):
    index = write_outputs(tmp_path, events, epoch)
    assert index["view"] == "USA" and index["skipped"] == []
    cap_files = sorted((tmp_path / "cap").glob("*.xml"))
    assert len(cap_files) == 7 == len(index["cap"])  # JPN r1-r4 and USA r1-r3, as delivered to USA
    for f in cap_files:
        assert validate_cap(f.read_bytes()) == [], f.name
    feed = etree.parse(str(tmp_path / "cap" / "feed.atom"))
    entries = feed.findall("a:entry", ATOM)
    assert len(entries) == 7
    hrefs = {e.find("a:link", ATOM).get("href") for e in entries}
    assert hrefs == {f.name for f in cap_files}
    assert all(e.find("a:link", ATOM).get("type") == "application/cap+xml" for e in entries)
    assert entries[0].findtext("a:updated", namespaces=ATOM) == "2022-10-03T22:32:40Z"  # newest first
    alerts = sorted((tmp_path / "cot" / "alerts").glob("*.xml"))
    assert len(alerts) == 7 and all(takproto.parse_proto(bytearray(a.read_bytes())) for a in alerts)
    stream = (tmp_path / "cot" / "tracks" / "KOR-T1.cot").read_bytes().splitlines()
    assert len(stream) == 24 and all(takproto.parse_proto(bytearray(line)).cotEvent.uid == "triwatch.KOR.T1"
                                     for line in stream)  # fmt: skip
    assert (tmp_path / "cot" / "tracks" / "KOR-T1.xml").read_bytes() == stream[-1]
    assert not (tmp_path / "cot" / "tracks" / "JPN-T9.cot").exists()  # never released to USA
    for name in ("tracks", "impacts", "areas"):
        doc = geojson.loads((tmp_path / "geo" / f"{name}.geojson").read_text(encoding="utf-8"))
        assert doc.is_valid, name
    czml = json.loads((tmp_path / "geo" / "run.czml").read_text(encoding="utf-8"))
    assert czml[0]["id"] == "document"
    kml = etree.parse(str(tmp_path / "geo" / "run.kml"))
    schema = kml_schema()
    assert schema.validate(kml), [e.message for e in schema.error_log][:3]
    assert json.loads((tmp_path / "outputs.json").read_text(encoding="utf-8")) == index


def test_cancel_cites_the_earlier_revisions_as_delivered(tmp_path, events, epoch):
    write_outputs(tmp_path, events, epoch)
    ns = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}
    withdrawal = etree.parse(str(tmp_path / "cap" / "triwatch-JPN-W001-r4.xml"))
    assert withdrawal.findtext("c:msgType", namespaces=ns) == "Cancel"
    refs = withdrawal.findtext("c:references", namespaces=ns).split()
    assert [r.split(",")[1] for r in refs] == [f"triwatch-JPN-W001-r{k}" for k in (1, 2, 3)]
    assert refs[0].split(",")[2] == "2022-10-03T22:23:10+00:00"


def test_another_view(tmp_path, events, epoch):
    index = write_outputs(tmp_path, events, epoch, view="JPN")
    assert index["view"] == "JPN"
    assert (tmp_path / "cot" / "tracks" / "JPN-T9.cot").exists()
    assert (tmp_path / "cot" / "tracks" / "KOR-T1.cot").exists()  # KOR released T1 to JPN too
    with pytest.raises(OutputError, match=r"view node 'AUS': no events from it; nodes in the run: JPN, KOR, USA"):
        write_outputs(tmp_path, events, epoch, view="AUS")


def test_bad_items_are_skipped_with_reasons_and_the_rest_written(tmp_path, events, epoch):
    nan_state = [math.nan] * 6
    events = events + [
        ev(500.0, "USA", "track", track_id="T2", status="confirmed", x=nan_state, sent_to=[], withheld_from=[]),
        delivered(300.0, "USA", "KOR", "KOR-W001", 1, "launch", []),
        delivered(310.0, "USA", "KOR", "KOR-W001", 2, "threat", [], None),  # says nowhere
        delivered(320.0, "USA", "KOR", "KOR-W002", 2, "correction", ["KOR-EEZ"], [37.0, 131.0]),  # rev 1 missing
    ]
    index = write_outputs(tmp_path, events, epoch)
    skipped = "\n".join(index["skipped"])
    assert "events[" in skipped and "track USA/T2 state must be 6 finite numbers" in skipped
    assert "cap: warning KOR/KOR-W001 revision 2 (threat): names no area and no impact ellipse" in skipped
    assert "cap: warning KOR/KOR-W002 revision 2 (correction): a CAP Update must reference" in skipped
    assert (tmp_path / "cap" / "triwatch-KOR-W001-r1.xml").exists()
    assert len(index["cap"]) == 8


def test_events_must_have_the_schema(epoch):
    with pytest.raises(OutputError, match=r"events\[1\]: missing 'node'"):
        run_view([{"t_s": 0, "node": "USA", "type": "x"}, {"t_s": 0, "type": "track"}])
    with pytest.raises(OutputError, match="empty"):
        run_view([])


def test_load_events_names_the_bad_line(tmp_path, events):
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(events[0]) + "\n" + "{not json\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"events.jsonl:2: not a JSON object"):
        load_events(path)
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    assert load_events(path) == json.loads(json.dumps(events))


def test_alert_without_impact_is_drawn_at_the_own_track_else_unknown(tmp_path, events, epoch):
    write_outputs(tmp_path, events, epoch)
    own = takproto.parse_proto(bytearray((tmp_path / "cot/alerts/USA-W001-r1.xml").read_bytes())).cotEvent
    partner = takproto.parse_proto(bytearray((tmp_path / "cot/alerts/JPN-W001-r1.xml").read_bytes())).cotEvent
    lat, lon, h = ecef_to_lat_lon_alt_deg(missile_states(np.array([72.0]))[0][:3])[0]
    assert (own.lat, own.lon) == (pytest.approx(lat, abs=1e-6), pytest.approx(lon, abs=1e-6))
    assert own.hae == pytest.approx(h, abs=0.1)
    assert (partner.lat, partner.lon, partner.ce) == (0.0, 0.0, 9999999.0)  # JPN's x was never sent to USA


def test_cap_sent_is_when_the_issuer_issued_it(tmp_path, events, epoch):
    late = [dict(e, t_s=e["t_s"] + 3.0) if e["type"] == "warning-delivered" and e["node"] == "USA"
            and e["issuer"] == "JPN" else e for e in events]  # fmt: skip
    write_outputs(tmp_path, late, epoch)
    ns = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}
    threat = etree.parse(str(tmp_path / "cap" / "triwatch-JPN-W001-r2.xml"))
    assert threat.findtext("c:sent", namespaces=ns) == "2022-10-03T22:24:30+00:00"  # issued at 150 s, not 153 s
    impacts = json.loads((tmp_path / "geo" / "impacts.geojson").read_text(encoding="utf-8"))
    r2 = next(f for f in impacts["features"] if f["id"] == "JPN/JPN-W001/r2")["properties"]
    assert (r2["issued_utc"], r2["delivered_utc"]) == ("2022-10-03T22:24:30Z", "2022-10-03T22:24:33Z")


def test_the_allied_picture_is_written_as_system_tracks(tmp_path, events, epoch):
    index = write_outputs(tmp_path, events, epoch)
    assert index["cot"]["system_tracks"] == 1
    lines = (tmp_path / "cot" / "system" / "USA-S001.cot").read_bytes().splitlines()
    assert len(lines) == 21
    e = takproto.parse_proto(bytearray(lines[10])).cotEvent  # t = 200 s
    assert e.uid == "triwatch.USA.sys.USA-S001" and e.detail.contact.callsign == "USA-S001 (allied: KOR, USA)"
    truth = missile_states(np.array([200.0]))[0]
    speed = np.linalg.norm(truth[3:])
    assert e.detail.track.speed == pytest.approx(speed, rel=0.01)  # finite-difference velocity of the snapshots
    assert e.ce == 9999999.0  # a picture snapshot carries no covariance
    tracks = json.loads((tmp_path / "geo" / "tracks.geojson").read_text(encoding="utf-8"))
    system = next(f for f in tracks["features"] if f["id"] == "system/USA-S001")
    assert system["properties"]["kind"] == "system" and system["properties"]["pedigree"] == ["KOR", "USA"]
    kml = etree.parse(str(tmp_path / "geo" / "run.kml"))
    names = [
        n.text for n in kml.iterfind(".//{http://www.opengis.net/kml/2.2}Folder/{http://www.opengis.net/kml/2.2}name")
    ]
    assert "Allied picture (system tracks)" in names
    czml = json.loads((tmp_path / "geo" / "run.czml").read_text(encoding="utf-8"))
    assert any(p["id"] == "track/system/USA-S001" for p in czml)


def test_the_cap_feed_reads_as_atom_1_0(tmp_path, events, epoch):
    import feedparser

    write_outputs(tmp_path, events, epoch)
    feed = feedparser.parse((tmp_path / "cap" / "feed.atom").read_bytes())
    assert not feed.bozo and feed.version == "atom10" and len(feed.entries) == 7
    newest = feed.entries[0]
    assert newest.links == [{"href": "triwatch-USA-W001-r3.xml", "rel": "alternate", "type": "application/cap+xml"}]
    assert [t.term for t in newest.tags] == ["Exercise", "Cancel"]
    assert (tmp_path / "cap" / newest.links[0]["href"]).exists()


def test_a_stand_ins_revision_continues_the_owners_warning_in_cap_and_cot(tmp_path, events, epoch):
    # Japan's node is down; the hub issues the next revision of Japan's warning as its stand-in.
    events = events + [
        ev(300.0, "USA", "warning-issued", warning_id="JPN-W001", revision=5, kind="all-clear", areas=[],
           system_track="USA-S001", x=[0.0] * 6, time_s=300.0, pedigree=[["USA"]], cause_wall_ns=0, impact=None),
        delivered(300.0, "USA", "USA", "JPN-W001", 5, "all-clear", []),
    ]  # fmt: skip
    index = write_outputs(tmp_path, sorted(events, key=lambda e: e["t_s"]), epoch)
    assert index["skipped"] == []
    ns = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}
    cap = etree.parse(str(tmp_path / "cap" / "triwatch-USA-JPN-W001-r5.xml"))
    assert validate_cap(etree.tostring(cap)) == []
    assert cap.findtext("c:sender", namespaces=ns).startswith("usa-")  # issued by the stand-in ...
    assert cap.findtext("c:msgType", namespaces=ns) == "Cancel"
    refs = cap.findtext("c:references", namespaces=ns).split()
    assert [r.split(",")[1] for r in refs] == [f"triwatch-JPN-W001-r{k}" for k in (1, 2, 3, 4)]  # ... of Japan's
    assert cap.findtext("c:incidents", namespaces=ns) == "triwatch-JPN-W001"
    uids = {
        takproto.parse_proto(bytearray(a.read_bytes())).cotEvent.uid for a in (tmp_path / "cot" / "alerts").glob("*")
    }
    assert "triwatch.JPN.JPN-W001.alert" in uids and not any("USA.JPN-W001" in u for u in uids)


def test_owner_and_stand_in_revisions_of_one_number_are_two_cap_alerts_in_one_chain(tmp_path, events, epoch):
    # The USA-JPN link is cut: Japan issues its revision 3 (200 s) and the hub, standing in, issues its own
    # revision 3 of the same warning (205 s); after the heal both reach the hub's view.
    events = events + [
        ev(205.0, "USA", "warning-issued", warning_id="JPN-W001", revision=3, kind="correction", areas=["JPN-land"],
           system_track="USA-S001", x=[0.0] * 6, time_s=205.0, pedigree=[["USA"]], cause_wall_ns=0, impact=None),
        delivered(205.0, "USA", "USA", "JPN-W001", 3, "correction", ["JPN-land"]),
    ]  # fmt: skip
    index = write_outputs(tmp_path, sorted(events, key=lambda e: e["t_s"]), epoch)
    assert index["skipped"] == []
    ns = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}
    owners, stand_ins = (tmp_path / "cap" / f"triwatch-{who}JPN-W001-r3.xml" for who in ("", "USA-"))
    for f in (owners, stand_ins):
        assert validate_cap(f.read_bytes()) == [], f.name  # two alerts: the identifier names the issuer
    later = etree.parse(str(tmp_path / "cap" / "triwatch-JPN-W001-r4.xml"))
    refs = [r.split(",")[1] for r in later.findtext("c:references", namespaces=ns).split()]
    assert refs == ["triwatch-JPN-W001-r1", "triwatch-JPN-W001-r2", "triwatch-JPN-W001-r3", "triwatch-USA-JPN-W001-r3"]
    uids = {
        takproto.parse_proto(bytearray(a.read_bytes())).cotEvent.uid for a in (tmp_path / "cot" / "alerts").glob("*")
    }
    assert {u for u in uids if "JPN-W001" in u} == {"triwatch.JPN.JPN-W001.alert"}  # one warning on the TAK map
