"""Debian's Chromium for the browser tests and the benchmark: installed by apt when missing.

Playwright's own browser download needs the internet; Debian's `chromium`
package does not, and pip's playwright drives it through executable_path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ChromiumUnavailableError(RuntimeError):
    """Chromium is missing and apt cannot install it here; the message says why."""


def ensure_chromium() -> Path:
    """/usr/bin/chromium, installing Debian's package with apt-get when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None:
        raise ChromiumUnavailableError("no /usr/bin/chromium and no apt-get to install it (not a Debian system?)")
    if os.geteuid() != 0:
        raise ChromiumUnavailableError(
            "no /usr/bin/chromium, and apt-get install needs root (run: apt-get install -y chromium)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise ChromiumUnavailableError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    if not CHROMIUM.exists():
        raise ChromiumUnavailableError("apt-get installed chromium but /usr/bin/chromium is still missing")
    return CHROMIUM
