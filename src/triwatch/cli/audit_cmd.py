"""`triwatch audit verify RUN_DIR`: check the hash chain of a run's audit log.

A plain function the lead registers with Typer; it prints one line and returns the exit
code: 0 intact, 1 broken (the first broken row named), 2 missing or not a run folder.

A hash chain cannot show that its newest rows were cut off. If the run summary anchors the
head (``summary.json`` key ``audit_head``: ``{"rows": N, "hash": "<hex>"}``, from
``AuditLog.head()`` at the end of the run), the check also requires the chain to end there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from triwatch.fabric.audit import AuditLog

AUDIT_FILE = "audit.sqlite"


def audit_verify(run_dir: Path) -> int:
    """Verify RUN_DIR/audit.sqlite; print the verdict; return the exit code (0 ok, 1 broken, 2 missing)."""
    path = Path(run_dir) / AUDIT_FILE
    if not path.is_file():
        print(f"{path}: audit log missing", file=sys.stderr)
        return 2
    ok, message = AuditLog.verify_file(path, _anchored_head(Path(run_dir) / "summary.json"))
    if ok:
        print(f"{path}: {message}")
        return 0
    print(f"{path}: BROKEN: {message}", file=sys.stderr)
    return 1


def _anchored_head(summary: Path) -> tuple[int, str] | None:
    """The (rows, hash) the run summary anchored, if it did."""
    if not summary.is_file():
        return None
    try:
        head = json.loads(summary.read_text()).get("audit_head")
    except (ValueError, AttributeError):
        return None
    if isinstance(head, dict) and isinstance(head.get("rows"), int) and isinstance(head.get("hash"), str):
        return head["rows"], head["hash"]
    return None
