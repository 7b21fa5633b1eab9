"""The after-action report page: one offline file, the right contents, escaped input."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest
from aar_fixture import make_events, make_summary, make_truth

from triwatch.report.aar import build_html, write_report

DATA_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


# Rendering draws four figures; tests that only read the standard page share one rendering,
# written once by write_report into its own run folder.
@pytest.fixture(scope="module")
def written_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("run")
    truth = make_truth()
    return run_dir, write_report(run_dir, make_summary(), make_events(truth), truth)


@pytest.fixture(scope="module")
def page_with_truth(written_run) -> str:
    return written_run[1].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page_without_truth() -> str:
    return build_html(make_summary(), make_events(make_truth()), None)


def test_report_is_one_self_contained_file(written_run):
    run_dir, path = written_run
    assert path == run_dir / "report.html"
    assert [p.name for p in run_dir.iterdir()] == ["report.html"]  # no side files, no temp left behind
    html = path.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower() and "<link" not in html.lower()
    # Every src= is inline data: nothing is fetched when the page opens.
    srcs = re.findall(r'src="([^"]*)"', html)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)


def test_figures_are_inline_pngs(page_with_truth):
    html = page_with_truth
    images = DATA_PNG.findall(html)
    assert len(images) == 4  # latency, timeline, accuracy, map
    for b64 in images:
        assert base64.b64decode(b64)[:8] == b"\x89PNG\r\n\x1a\n"


def test_header_nations_and_per_launch_figures(page_with_truth):
    html = page_with_truth
    for text in ("Hand-made IRBM overflight", "USA, JPN, KOR", "700.0 s (11.7 min)", "3.21 s"):
        assert text in html
    # Truth of launch L1 and its estimates, as the summary gives them.
    for text in (
        "Launch L1",
        "39.66° N, 124.70° E",
        "874 km",
        "600.0 s (10.0 min)",
        "27.5 km",
        "12.2 km",
        "3.2 km",
        "14.0 km",
    ):
        assert text in html
    # Per-nation timings, and KOR's missing area warning shown as a dash.
    assert "212.0 s (3.5 min)" in html and "41.0 s (0.7 min)" in html
    assert re.search(r"<td>KOR</td><td class=\"num\">41.0 s \(0.7 min\)</td><td class=\"num\">—</td>", html)
    # Wall-clock latency and GOSPA (metres in the summary, km in the report).
    assert "p50 1.25 ms, p99 4.50 ms" in html and "7.45 km" in html


def test_public_benchmarks_are_cited(page_without_truth):
    html = page_without_truth
    assert "J-Alert" in html and "about 4 min" in html and "about 5 min" in html and "about 7 min" in html
    assert "public-facts.md" in html
    assert "first warning naming an area 3.5 min after launch" in html


def test_accuracy_section_omitted_without_truth(page_without_truth):
    html = page_without_truth
    assert "Accuracy plots omitted: no truth trajectories were given" in html
    assert len(DATA_PNG.findall(html)) == 3
    assert "track position" not in html


def test_accuracy_table_with_truth(page_with_truth):
    html = page_with_truth
    assert "Accuracy plots omitted" not in html
    assert "median error (km)" in html
    assert "Track events here carry no state time" in html


def test_refusals_are_highlighted(page_without_truth):
    html = page_without_truth
    assert '<span class="bad">payload malformed</span>: 1' in html
    assert "TrackReport: Expected `float`, got `str`" in html  # the refused-payload event's reason, in the timeline


def test_hostile_strings_are_escaped(summary, events):
    summary["scenario"] = "<script>alert('x')</script>"
    summary["nations"]["JPN"]["refused"]["reasons"] = {"<img src=x onerror=alert(1)>": 2}
    summary["launches"][0]["id"] = "L1<b>"
    events[-1]["reason"] = "</td><script>bad()</script>"
    issued = next(e for e in events if e["type"] == "warning-issued" and e["areas"])
    issued["areas"] = ["<i>JPN-land</i>"]  # reaches the named-areas list, the map and the timeline table
    events[0]["node"] = "<u>USA</u>"
    html = build_html(summary, events)
    assert "<script" not in html.lower()
    assert "<img src=x" not in html and "<b>" not in html and "<i>" not in html and "<u>" not in html
    assert "&lt;i&gt;JPN-land&lt;/i&gt;" in html and "&lt;u&gt;USA&lt;/u&gt;" in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_rewriting_replaces_the_report(tmp_path):
    write_report(tmp_path, {"scenario": "first run"}, [])
    html = write_report(tmp_path, {"scenario": "second run"}, []).read_text(encoding="utf-8")
    assert "second run" in html and "first run" not in html


@pytest.mark.parametrize("n_events", [0, 1])
def test_nearly_empty_run_still_reports(tmp_path, n_events):
    events = [{"t_s": 0.0, "node": "USA", "type": "detection"}][:n_events]
    html = write_report(tmp_path, {"scenario": "empty", "launches": [], "nations": {}}, events).read_text()
    assert "The summary lists no launch." in html


def test_mathtext_and_underscores_in_names_do_not_break_figures(summary, events, truth):
    summary["launches"][0]["id"] = "L$^{bad$"
    for e in events:
        if e["node"] == "KOR":
            e["node"] = "_K$\\frac$"
        if e.get("kind") == "overflight":
            e["kind"] = "$\\undefinedmacro$"
    html = build_html(summary, events, truth)
    assert "L$^{bad$" in html and len(DATA_PNG.findall(html)) == 4


def test_key_findings(page_without_truth):
    html = page_without_truth
    ok = "Launch L1 (10.0 min flight): warnings naming an area reached JPN at 3.5 min, USA at 3.5 min after launch."
    assert f'<li class="f-ok">{ok}</li>' in html
    assert '<li class="f-bad">JPN refused 1 message(s): payload malformed.</li>' in html
    assert '<li class="f-note">KOR escalated 1 warning revision(s)' in html
    assert "the predicted impact point was 27.5 km off at the first area warning and 12.2 km off at the last" in html


# A worse run, rendered once: missing figures, a wrong predicted area, a nation never warned.
@pytest.fixture(scope="module")
def page_of_a_worse_run() -> str:
    summary = make_summary()
    est = summary["launches"][0]["estimate"]
    del est["apogee_error_km"]
    est["launch_point_error_km"] = None
    est["first_warning_s"]["JPN"] = None
    est["predicted_impact_area"] = "high-seas"
    summary["metrics"] = {"missed_warnings": 1}
    return build_html(summary, make_events(make_truth()))


def test_missing_values_show_as_dashes(page_of_a_worse_run):
    assert "<td>apogee error</td><td>—</td>" in page_of_a_worse_run
    assert "<td>launch-point error</td><td>—</td>" in page_of_a_worse_run
    assert '<td>GOSPA, mean</td><td class="num">—</td>' in page_of_a_worse_run


def test_predicted_area_mismatch_is_flagged(page_of_a_worse_run):
    assert "The predicted impact area differs from where the launch truly came down." in page_of_a_worse_run


def test_findings_flag_a_miss_and_a_wrong_area(page_of_a_worse_run):
    html = page_of_a_worse_run
    assert "Launch L1 truly threatened JPN-EEZ, but JPN got no warning naming an area." in html
    assert "Launch L1: warnings predicted a fall in high-seas; it came down in JPN-EEZ." in html
    assert "1 missed warning(s) in the run" in html


class _TagBalance(HTMLParser):
    """Counts open minus closed tags, ignoring void elements, to catch a broken template."""

    VOID = {"meta", "img", "br", "hr", "input", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
        else:
            self.stack.pop()


@pytest.mark.parametrize("page", ["page_with_truth", "page_without_truth", "page_of_a_worse_run"])
def test_page_tags_are_balanced(page, request):
    checker = _TagBalance()
    checker.feed(request.getfixturevalue(page))
    assert checker.errors == [] and checker.stack == []
