"""The after-action report: one self-contained HTML page written into a run folder.

    from triwatch.report.aar import truth_samples, write_report
    write_report(run_dir, summary, run.events.events, truth_samples(run.world))

`summary` is the run summary (INTERFACES.md), `events` the run's events (docs/events.md)
and the optional truth `{object id: {"t_s", "r_ecef"}}` enables the accuracy section. The
page loads nothing: CSS inline, figures as base64 PNG, no JavaScript, every string escaped.
`report_from_folder(run_dir)` re-renders it from summary.json and events.jsonl alone.
"""

from triwatch.report.aar.truth_samples import truth_samples
from triwatch.report.aar.validate import ReportInputError
from triwatch.report.aar.write import build_html, load_run_folder, report_from_folder, write_report

__all__ = ["ReportInputError", "build_html", "load_run_folder", "report_from_folder", "truth_samples", "write_report"]
