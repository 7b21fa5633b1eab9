"""`triwatch audit verify RUN_DIR`: check the hash chain of a run's audit log.

A plain function the lead registers with Typer; it prints one line and returns the exit
code: 0 intact, 1 broken (the first broken row named), 2 missing or not a run folder.
"""

from __future__ import annotations

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
    ok, message = AuditLog.verify_file(path)
    if ok:
        print(f"{path}: {message}")
        return 0
    print(f"{path}: BROKEN: {message}", file=sys.stderr)
    return 1
