"""The after-action report: one self-contained HTML page written into a run folder."""

from triwatch.report.aar.truth_samples import truth_samples
from triwatch.report.aar.validate import ReportInputError
from triwatch.report.aar.write import build_html, load_run_folder, report_from_folder, write_report

__all__ = ["ReportInputError", "build_html", "load_run_folder", "report_from_folder", "truth_samples", "write_report"]
