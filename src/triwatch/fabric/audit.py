"""A tamper-evident audit log: a hash chain in SQLite.

Row i stores ``hash_i = sha256(hash_{i-1} || canonical_json(event_i))`` with ``hash_0`` the
32 zero bytes, where ``event_i`` holds the row number, time, node, event name and detail.
Editing a row changes its hash; deleting or inserting one breaks the link to the next.
:meth:`AuditLog.verify` walks the chain and names the first row that does not hold.

What a chain alone cannot show: truncation of the newest rows (nothing follows them), or a
whole tail rewritten with fresh hashes (the chain has no secret). Keep :meth:`AuditLog.head`
elsewhere (e.g. ``audit_head`` in the run's summary.json) and pass it to ``verify`` to catch both.

Rows are chained and written in ``BEGIN IMMEDIATE`` transactions, so several processes (one
node per nation) may share one file; WAL journaling keeps each write cheap. With
``flush_every=N`` appends wait in memory and go to disk N at a time (one transaction: about
15x cheaper per row); reading, verifying or closing the log writes them first. N=1 (the
default) writes every row at once, so a crash loses nothing already appended.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import msgspec

GENESIS = bytes(32)
_canonical = msgspec.json.Encoder(order="sorted")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    logged_utc TEXT NOT NULL,
    node TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
)
"""


def row_hash(prev_hash: bytes, row_id: int, logged_utc: str, node: str, event: str, detail_json: str) -> bytes:
    """sha256(prev_hash || canonical JSON of the event): the link that binds a row to all before it."""
    body = _canonical.encode(
        {"id": row_id, "logged_utc": logged_utc, "node": node, "event": event, "detail": detail_json}
    )
    return hashlib.sha256(prev_hash + body).digest()


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    """Append-only, hash-chained event log in a SQLite file (":memory:" for tests)."""

    def __init__(self, path: str | Path, *, clock: Callable[[], datetime] = _utc_now, flush_every: int = 1) -> None:
        if flush_every < 1:
            raise ValueError(f"AuditLog.flush_every: must be >= 1, got {flush_every}")
        self.path = str(path)
        self._clock = clock
        self.flush_every = flush_every
        self._pending: list[tuple[str, str, str, str]] = []
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def append(self, node: str, event: str, detail: dict) -> None:
        """Add one event; ``detail`` must be JSON-encodable (TypeError naming it otherwise)."""
        try:
            detail_json = _canonical.encode(detail).decode()
        except TypeError as exc:
            raise TypeError(f"AuditLog.append({event!r}): detail is not JSON-encodable: {exc}") from None
        logged = self._clock().isoformat().replace("+00:00", "Z")
        self._pending.append((logged, node, event, detail_json))
        if len(self._pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Chain and write every pending row in one transaction."""
        if not self._pending:
            return
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            row_id, prev = (0, GENESIS) if last is None else (last[0], bytes.fromhex(last[1]))
            rows = []
            for logged, node, event, detail_json in self._pending:
                row_id += 1
                digest = row_hash(prev, row_id, logged, node, event, detail_json)
                rows.append((row_id, logged, node, event, detail_json, prev.hex(), digest.hex()))
                prev = digest
            db.executemany(
                "INSERT INTO audit (id, logged_utc, node, event, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        self._pending.clear()

    def rows(self) -> list[dict]:
        """Every row in order, the detail decoded (for reports and tests)."""
        self.flush()
        cur = self._db.execute("SELECT id, logged_utc, node, event, detail FROM audit ORDER BY id")
        return [
            {"id": r[0], "logged_utc": r[1], "node": r[2], "event": r[3], "detail": msgspec.json.decode(r[4])}
            for r in cur
        ]

    def accepted_by(self, node: str, limit: int) -> list[tuple[str, int, str]]:
        """(origin, sequence, msg_id) of the newest ``limit`` messages ``node`` accepted (received or
        relayed), oldest first: what a restarted node needs to rebuild its replay window."""
        self.flush()
        cur = self._db.execute(
            "SELECT json_extract(detail, '$.origin'), json_extract(detail, '$.sequence'), json_extract(detail, '$.msg_id')"
            " FROM audit WHERE node = ? AND event IN ('receive', 'relay') ORDER BY id DESC LIMIT ?",
            (node, limit),
        )
        return [(o, int(s), m) for o, s, m in reversed(cur.fetchall())]

    def head(self) -> tuple[int, str]:
        """(number of rows, hash of the last row): anchor this elsewhere to detect truncation."""
        self.flush()
        last = self._db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return (0, GENESIS.hex()) if last is None else (last[0], last[1])

    def verify(self, expect_head: tuple[int, str] | None = None) -> tuple[bool, str]:
        """(ok, message): walk the chain; the message names the first broken row.

        ``expect_head``: a (rows, hash) pair from :meth:`head` kept elsewhere; a log whose
        chain holds but ends elsewhere was truncated (or extended).
        """
        self.flush()
        return _verify_connection(self._db, expect_head)

    @staticmethod
    def verify_file(path: str | Path, expect_head: tuple[int, str] | None = None) -> tuple[bool, str]:
        """Verify an audit file without writing to it; (False, "... missing") if there is no such file."""
        p = Path(path)
        if not p.is_file():
            return False, f"{p}: audit log missing"
        db = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return _verify_connection(db, expect_head)
        except sqlite3.DatabaseError as exc:
            return False, f"{p}: not a readable audit log ({exc})"
        finally:
            db.close()

    def close(self) -> None:
        """Write pending rows and close the file."""
        self.flush()
        self._db.close()


def _verify_connection(db: sqlite3.Connection, expect_head: tuple[int, str] | None = None) -> tuple[bool, str]:
    prev = GENESIS
    expected_id = 1
    count = 0
    for row_id, logged, node, event, detail, prev_hex, hash_hex in db.execute(
        "SELECT id, logged_utc, node, event, detail, prev_hash, hash FROM audit ORDER BY id"
    ):
        if row_id != expected_id:
            what = "missing (deleted)" if row_id > expected_id else "out of order"
            return False, f"row {expected_id}: {what}; next row found is {row_id}"
        if prev_hex != prev.hex():
            return False, f"row {row_id}: prev_hash does not match row {row_id - 1} (a row was deleted or inserted)"
        digest = row_hash(prev, row_id, logged, node, event, detail)
        if digest.hex() != hash_hex:
            return False, f"row {row_id}: hash does not match its content (row edited, or inserted)"
        prev = digest
        expected_id += 1
        count += 1
    if expect_head is not None and (count, prev.hex()) != (expect_head[0], expect_head[1]):
        if count < expect_head[0]:
            return (
                False,
                f"row {count + 1}: missing; the log ends at row {count}, the anchored head is row {expect_head[0]}",
            )
        return (
            False,
            f"head: the chain ends at row {count} ({prev.hex()[:16]}), not at the anchored row {expect_head[0]}",
        )
    return True, f"audit chain intact: {count} rows, head {prev.hex()[:16]}"
