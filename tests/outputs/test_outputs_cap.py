"""CAP 1.2: schema-valid alerts in three languages, the Alert/Update/Cancel chain, bad warnings refused."""

from __future__ import annotations

import math

import pytest
from lxml import etree
from pymap3d.vincenty import vdist

from triwatch.messages import Ellipse, WarningReport
from triwatch.warning.outputs.cap import CAP_NS, cap_alert, cap_ref, msg_type, validate_cap
from triwatch.warning.outputs.clock import cap_time
from triwatch.warning.outputs.errors import OutputError

NS = {"cap": CAP_NS}
ELLIPSE = Ellipse(lat_deg=40.8, lon_deg=141.0, semi_major_m=80e3, semi_minor_m=30e3, orientation_deg=60.0)


def chain() -> list[WarningReport]:
    base = {"warning_id": "JPN-W001", "issuer": "JPN", "system_track": "JPN-S001"}
    return [
        WarningReport(revision=1, kind="launch", time_s=20.0, **base),
        WarningReport(
            revision=2,
            kind="threat",
            time_s=150.0,
            areas=["JPN-EEZ", "JPN-land"],
            subregions=["Aomori"],
            impact=ELLIPSE,
            impact_time_s=600.0,
            **base,
        ),  # fmt: skip
        WarningReport(revision=3, kind="withdrawal", time_s=260.0, areas=["JPN-EEZ", "JPN-land"], **base),
    ]


def issue_all(epoch, exercise=True) -> list[bytes]:
    out, refs = [], []
    for w in chain():
        out.append(cap_alert(w, epoch, previous=list(refs), exercise=exercise))
        refs.append(cap_ref(w, epoch))
    return out


def test_every_revision_is_valid_cap_1_2(epoch):
    for xml in issue_all(epoch):
        assert validate_cap(xml) == []


def test_a_broken_alert_fails_the_schema(epoch):
    xml = issue_all(epoch)[1]
    doc = etree.fromstring(xml)
    doc.find("cap:msgType", NS).text = "Warning"  # not in CAP's enumeration
    errors = validate_cap(etree.tostring(doc))
    assert errors and any("msgType" in e for e in errors)
    doc = etree.fromstring(xml)
    doc.remove(doc.find("cap:scope", NS))  # a required element
    assert validate_cap(etree.tostring(doc))
    assert validate_cap(b"<alert>not closed") == [validate_cap(b"<alert>not closed")[0]]
    assert validate_cap(b"<alert>not closed")[0].startswith("not well-formed XML")


def test_three_languages_with_their_own_wording(epoch):
    launch, threat, _ = (etree.fromstring(x) for x in issue_all(epoch))
    infos = launch.findall("cap:info", NS)
    assert [i.findtext("cap:language", namespaces=NS) for i in infos] == ["ja-JP", "ko-KR", "en-US"]
    headlines = [i.findtext("cap:headline", namespaces=NS) for i in infos]
    assert "ミサイル発射。ミサイル発射。" in headlines[0] and "【訓練】" in headlines[0]
    assert "미사일 발사. 미사일 발사." in headlines[1]
    assert "Missile launch. Missile launch." in headlines[2]
    ja_areas = [a.findtext("cap:areaDesc", namespaces=NS) for a in threat.find("cap:info", NS).findall("cap:area", NS)]
    assert "日本の排他的経済水域" in ja_areas and "日本の陸域" in ja_areas and "Aomori" in ja_areas


def test_header_fields(epoch):
    launch, threat, withdrawal = (etree.fromstring(x) for x in issue_all(epoch))
    assert launch.findtext("cap:identifier", namespaces=NS) == "triwatch-JPN-W001-r1"
    assert launch.findtext("cap:sender", namespaces=NS) == "jpn-missile-warning@triwatch.example"
    assert launch.findtext("cap:sent", namespaces=NS) == "2022-10-03T22:22:20+00:00"
    assert launch.findtext("cap:status", namespaces=NS) == "Exercise"
    assert launch.findtext("cap:scope", namespaces=NS) == "Public"
    assert [m.findtext("cap:msgType", namespaces=NS) for m in (launch, threat, withdrawal)] == [
        "Alert",
        "Update",
        "Cancel",
    ]
    info = threat.find("cap:info", NS)
    assert [c.text for c in info.findall("cap:category", NS)] == ["Safety", "Security"]
    assert info.findtext("cap:urgency", namespaces=NS) == "Immediate"
    assert info.findtext("cap:severity", namespaces=NS) == "Extreme"
    assert info.findtext("cap:onset", namespaces=NS) == cap_time(epoch, 600.0)


def test_actual_only_when_asked(epoch):
    xml = issue_all(epoch, exercise=False)[0]
    doc = etree.fromstring(xml)
    assert doc.findtext("cap:status", namespaces=NS) == "Actual"
    assert "【訓練】" not in doc.find("cap:info", NS).findtext("cap:headline", namespaces=NS)
    assert validate_cap(xml) == []


def test_withdrawal_is_a_cancel_referencing_the_earlier_alerts(epoch):
    launch, threat, withdrawal = (etree.fromstring(x) for x in issue_all(epoch))
    assert withdrawal.findtext("cap:msgType", namespaces=NS) == "Cancel"
    refs = withdrawal.findtext("cap:references", namespaces=NS).split()
    expected = [
        ",".join(doc.findtext(f"cap:{k}", namespaces=NS) for k in ("sender", "identifier", "sent"))
        for doc in (launch, threat)
    ]
    assert refs == expected
    assert launch.find("cap:references", NS) is None


def test_impact_ellipse_becomes_a_closed_polygon_on_the_ellipse(epoch):
    threat = etree.fromstring(issue_all(epoch)[1])
    polygon = threat.find("cap:info/cap:area/cap:polygon", NS).text
    points = [tuple(map(float, p.split(","))) for p in polygon.split()]
    assert len(points) == 37 and points[0] == points[-1]
    # The first vertex lies on the major axis: 80 km from the centre at azimuth 60 deg.
    dist, az = vdist(ELLIPSE.lat_deg, ELLIPSE.lon_deg, *points[0])
    assert dist == pytest.approx(80e3, rel=2e-3) and az == pytest.approx(60.0, abs=0.2)
    dists = [vdist(ELLIPSE.lat_deg, ELLIPSE.lon_deg, *p)[0] for p in points]
    assert min(dists) == pytest.approx(30e3, rel=5e-3) and max(dists) == pytest.approx(80e3, rel=2e-3)


def test_msg_type_rule():
    w = chain()
    assert [msg_type(x) for x in w] == ["Alert", "Update", "Cancel"]


def test_threat_with_no_area_and_no_ellipse_is_refused(epoch):
    w = WarningReport("JPN-W002", 2, "threat", "JPN", "S1", 100.0)
    with pytest.raises(OutputError, match=r"JPN/JPN-W002 revision 2 \(threat\): names no area and no impact ellipse"):
        cap_alert(w, epoch, previous=[cap_ref(w, epoch)])


def test_a_launch_without_area_is_fine(epoch):
    w = WarningReport("JPN-W002", 1, "launch", "JPN", "S1", 100.0)
    doc = etree.fromstring(cap_alert(w, epoch))
    assert doc.find("cap:info/cap:area", NS) is None


def test_nan_ellipse_is_refused_naming_the_field(epoch):
    bad = Ellipse(lat_deg=math.nan, lon_deg=141.0, semi_major_m=1e3, semi_minor_m=1e3, orientation_deg=0.0)
    w = WarningReport("JPN-W003", 1, "threat", "JPN", "S1", 10.0, areas=["JPN-EEZ"], impact=bad)
    with pytest.raises(OutputError, match=r"impact\.lat_deg: must be a finite number"):
        cap_alert(w, epoch)


def test_update_without_earlier_revision_is_refused(epoch):
    w = chain()[1]
    with pytest.raises(OutputError, match="must reference the earlier revisions"):
        cap_alert(w, epoch)


def test_unknown_kind_and_naive_epoch_are_refused(epoch):
    w = WarningReport("JPN-W004", 1, "launch", "JPN", "S1", 10.0)
    with pytest.raises(ValueError, match="timezone-aware"):
        cap_alert(w, epoch.replace(tzinfo=None))
    with pytest.raises(OutputError, match="identifier may not contain"):
        cap_alert(WarningReport("JPN W4", 1, "launch", "JPN", "S1", 10.0), epoch)


def test_exercise_note_follows_the_description(epoch):
    infos = etree.fromstring(issue_all(epoch)[0]).findall("cap:info", NS)
    text = [i.findtext("cap:description", namespaces=NS) for i in infos]
    assert text == [
        "ミサイルが発射されたものとみられます。これは訓練です。",
        "미사일이 발사된 것으로 보입니다. 이것은 훈련 상황입니다.",
        "A missile appears to have been launched. This is an exercise.",
    ]
