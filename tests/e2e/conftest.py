"""Fixtures shared by the end-to-end tests: one in-process run of the flagship's first 232 s.

The NATS tests compare their runs with the in-process run of the same scenario. The events of a
run cut at 140 s are exactly the events before 140 s of a run cut at 232 s (nothing looks ahead),
so one in-process run serves every module that compares within its first 232 s.
"""

import pytest
from flagship_cut import flagship_cut

from triwatch.exercise.run import ExerciseRun, run_exercise
from triwatch.scenario.loader import load_scenario

FLAGSHIP_WINDOW_S = 232  # launch alerts (100 s) and the first warnings naming Japan fall inside it


@pytest.fixture(scope="session")
def flagship_window(tmp_path_factory):
    """The flagship cut to its first FLAGSHIP_WINDOW_S seconds, as a scenario file."""
    return flagship_cut(tmp_path_factory.mktemp("flagship"), FLAGSHIP_WINDOW_S, "window.yaml")


@pytest.fixture(scope="session")
def flagship_memory_run(flagship_window) -> ExerciseRun:
    """The in-process run of :func:`flagship_window` (shared: compare, never modify)."""
    return run_exercise(load_scenario(flagship_window), None)
