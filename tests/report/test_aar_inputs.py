"""Bad input to the report gets an error naming what is wrong and where."""

from __future__ import annotations

import json

import numpy as np
import pytest

from triwatch.report.aar import ReportInputError, build_html, load_run_folder, report_from_folder, write_report


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.__setitem__("launches", "L1"), "summary.launches: expected a list, got str"),
        (lambda s: s["launches"].append(3), "summary.launches[1]: expected an object, got int"),
        (lambda s: s["launches"][0].pop("id"), "summary.launches[0].id: missing"),
        (lambda s: s["launches"][0].__setitem__("truth", [1]), "summary.launches[0].truth: expected an object"),
        (lambda s: s.__setitem__("nations", ["USA"]), "summary.nations: expected an object keyed by nation, got list"),
        (lambda s: s["nations"].__setitem__("JPN", 4), "summary.nations.JPN: expected an object, got int"),
        (lambda s: s.__setitem__("metrics", None), "summary.metrics: expected an object, got NoneType"),
    ],
)
def test_bad_summary(summary, events, mutate, message):
    mutate(summary)
    with pytest.raises(ReportInputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_html(summary, events)


def test_summary_not_a_dict(events):
    with pytest.raises(ReportInputError, match="summary: expected a JSON object"):
        build_html([1, 2], events)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"t_s": 1.0, "node": "USA"}, r"events\[2\]: missing field\(s\) type"),
        ({"node": "USA", "type": "x"}, r"events\[2\]: missing field\(s\) t_s"),
        ({"t_s": "soon", "node": "USA", "type": "x"}, r"events\[2\].t_s: expected a number of seconds, got 'soon'"),
        ({"t_s": 1.0, "node": "USA", "type": "track", "x": [1.0, 2.0]}, r"events\[2\].x: expected an ECEF state"),
        ("not an event", r"events\[2\]: expected an object, got str"),
        (
            {"t_s": 1.0, "node": "USA", "type": "track", "x": [1.0, 2.0, float("nan"), 0, 0, 0]},
            r"events\[2\].x: must be finite",
        ),
        (
            {"t_s": 1.0, "node": "USA", "type": "picture", "positions": [[1.0, 2.0]]},
            r"events\[2\].positions: expected finite ECEF",
        ),
        (
            {"t_s": 1.0, "node": "USA", "type": "picture", "positions": [[1.0, 2.0, float("inf")]]},
            r"events\[2\].positions",
        ),
        (
            {"t_s": 1.0, "node": "USA", "type": "warning-issued", "impact": [40.0]},
            r"events\[2\].impact: expected \[lat, lon\]",
        ),
        (
            {"t_s": 1.0, "node": "USA", "type": "picture", "positions": [[1.0, 2.0, 3.0], [1.0]]},
            r"events\[2\].positions",
        ),
        ({"t_s": 1.0, "node": "USA", "type": "picture", "positions": ["a", "b", "c"]}, r"events\[2\].positions"),
        (
            {"t_s": 1.0, "node": "USA", "type": "warning-issued", "impact_ellipse": {"lat_deg": 40.0}},
            r"events\[2\].impact_ellipse: expected",
        ),
    ],
)
def test_bad_event(summary, events, event, message):
    with pytest.raises(ReportInputError, match=message):
        build_html(summary, [*events[:2], event, *events[2:]])


def test_events_not_a_list(summary):
    with pytest.raises(ReportInputError, match="events: expected a list"):
        build_html(summary, "events.jsonl")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"t_s": [0.0, 1.0]}, r"truth\['L9/RV'\]: expected an object with arrays t_s and r_ecef"),
        (
            {"t_s": [0.0, 1.0], "r_ecef": np.zeros((2, 2))},
            r"truth\['L9/RV'\].r_ecef: expected shape \(2, 3\) to match t_s, got \(2, 2\)",
        ),
        ({"t_s": [1.0, 1.0], "r_ecef": np.zeros((2, 3))}, r"truth\['L9/RV'\].t_s: times must increase strictly"),
        ({"t_s": [], "r_ecef": np.zeros((0, 3))}, r"truth\['L9/RV'\].t_s: expected a non-empty 1-D array"),
        (
            {"t_s": [0.0, 1.0], "r_ecef": [[0, 0, np.nan], [0, 0, 0]]},
            r"truth\['L9/RV'\]: t_s and r_ecef must be finite",
        ),
    ],
)
def test_bad_truth(summary, events, truth, block, message):
    truth["L9/RV"] = block
    with pytest.raises(ReportInputError, match=message):
        build_html(summary, events, truth)


def test_truth_not_a_dict(summary, events):
    with pytest.raises(ReportInputError, match="truth: expected a dict"):
        build_html(summary, events, [1])


def test_run_dir_must_exist(tmp_path, summary, events):
    with pytest.raises(NotADirectoryError, match="is not an existing folder"):
        write_report(tmp_path / "nope", summary, events)


def test_load_run_folder_round_trip(tmp_path, summary, events):
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    (tmp_path / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events) + "\n")
    s, ev = load_run_folder(tmp_path)
    assert s["scenario"] == summary["scenario"]
    assert len(ev) == len(events) and ev[0]["type"] == events[0]["type"]


def test_report_from_folder(tmp_path, summary, events):
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    few = [e for e in events if e["type"] != "detection"][:20]  # the reading is under test, not the drawing
    (tmp_path / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in few))
    html = report_from_folder(tmp_path).read_text(encoding="utf-8")
    assert "Hand-made IRBM overflight" in html and "Accuracy plots omitted" in html


def test_load_run_folder_names_the_bad_line(tmp_path, summary):
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    (tmp_path / "events.jsonl").write_text('{"t_s": 0, "node": "USA", "type": "x"}\n{oops\n')
    with pytest.raises(ReportInputError, match=r"events.jsonl:2: not JSON"):
        load_run_folder(tmp_path)


def test_load_run_folder_missing_files(tmp_path):
    with pytest.raises(ReportInputError, match=r"summary.json: missing"):
        load_run_folder(tmp_path)
    (tmp_path / "summary.json").write_text("{")
    with pytest.raises(ReportInputError, match=r"summary.json: not JSON"):
        load_run_folder(tmp_path)
    (tmp_path / "summary.json").write_text("{}")
    with pytest.raises(ReportInputError, match=r"events.jsonl: missing"):
        load_run_folder(tmp_path)
