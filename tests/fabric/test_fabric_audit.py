"""The audit chain detects edited, deleted and inserted rows; the CLI function reports it."""

import sqlite3

import pytest

from triwatch.cli.audit_cmd import audit_verify
from triwatch.fabric import AuditLog
from triwatch.fabric.audit import row_hash


@pytest.fixture
def logfile(tmp_path):
    path = tmp_path / "audit.sqlite"
    log = AuditLog(path)
    for i in range(10):
        log.append("JPN", "receive", {"msg_id": f"KOR-{i}", "seq": i})
    log.close()
    return path


def _sql(path, *statements):
    db = sqlite3.connect(path)
    for stmt, args in statements:
        db.execute(stmt, args)
    db.commit()
    db.close()


def test_intact_chain(logfile):
    ok, msg = AuditLog.verify_file(logfile)
    assert ok and "10 rows" in msg
    assert audit_verify(logfile.parent) == 0


def test_edited_row_is_named(logfile):
    _sql(logfile, ("UPDATE audit SET detail = ? WHERE id = 4", ('{"msg_id":"KOR-3","seq":99}',)))
    ok, msg = AuditLog.verify_file(logfile)
    assert not ok and msg.startswith("row 4:")
    assert audit_verify(logfile.parent) == 1


def test_deleted_row_is_named(logfile):
    _sql(logfile, ("DELETE FROM audit WHERE id = 6", ()))
    ok, msg = AuditLog.verify_file(logfile)
    assert not ok and msg.startswith("row 6:")


def test_deleted_and_renumbered_is_named(logfile):
    _sql(logfile, ("DELETE FROM audit WHERE id = 6", ()), ("UPDATE audit SET id = id - 1 WHERE id > 6", ()))
    ok, msg = AuditLog.verify_file(logfile)
    assert not ok and msg.startswith("row 6:")


def test_inserted_row_is_detected_even_with_a_valid_own_hash(logfile):
    db = sqlite3.connect(logfile)
    prev = bytes.fromhex(db.execute("SELECT hash FROM audit WHERE id = 3").fetchone()[0])
    rows = db.execute("SELECT id FROM audit WHERE id > 3 ORDER BY id DESC").fetchall()
    for (rid,) in rows:  # make room at id 4
        db.execute("UPDATE audit SET id = ? WHERE id = ?", (rid + 1, rid))
    detail = '{"msg_id":"FORGED"}'
    digest = row_hash(prev, 4, "2022-10-03T22:22:00Z", "JPN", "receive", detail)
    db.execute(
        "INSERT INTO audit VALUES (4, '2022-10-03T22:22:00Z', 'JPN', 'receive', ?, ?, ?)",
        (detail, prev.hex(), digest.hex()),
    )
    db.commit()
    db.close()
    ok, msg = AuditLog.verify_file(logfile)
    assert not ok and msg.startswith("row 5:")


def test_missing_and_unreadable(tmp_path):
    assert audit_verify(tmp_path) == 2
    ok, msg = AuditLog.verify_file(tmp_path / "nope.sqlite")
    assert not ok and "missing" in msg
    (tmp_path / "audit.sqlite").write_bytes(b"this is not sqlite" * 100)
    assert audit_verify(tmp_path) == 1


def test_in_memory_log_and_head():
    log = AuditLog(":memory:")
    assert log.head()[0] == 0
    log.append("USA", "publish", {"a": 1})
    log.append("USA", "publish", {"b": [1, 2]})
    assert log.verify()[0]
    assert log.head()[0] == 2
    assert [r["detail"] for r in log.rows()] == [{"a": 1}, {"b": [1, 2]}]
    with pytest.raises(TypeError, match="not JSON-encodable"):
        log.append("USA", "publish", {"x": object()})
    assert log.head()[0] == 2


def test_two_writers_share_one_file(tmp_path):
    path = tmp_path / "audit.sqlite"
    a, b = AuditLog(path), AuditLog(path)
    for i in range(20):
        (a if i % 2 else b).append("USA" if i % 2 else "JPN", "x", {"i": i})
    assert AuditLog.verify_file(path) == (True, AuditLog(path).verify()[1])
    assert AuditLog(path).head()[0] == 20


def test_batched_appends_chain_the_same_and_flush_on_read(tmp_path):
    path = tmp_path / "audit.sqlite"
    log = AuditLog(path, flush_every=100)
    other = AuditLog(path)  # a second writer (another node) appending between batches
    for i in range(250):
        log.append("USA", "receive", {"i": i})
        if i % 60 == 0:
            other.append("JPN", "publish", {"i": i})
    assert AuditLog(path).head()[0] == 200 + 5  # two full batches written; 50 still pending
    assert log.head()[0] == 255  # reading flushes
    log.close()
    assert AuditLog.verify_file(path)[0]
    with pytest.raises(ValueError, match="flush_every: must be >= 1"):
        AuditLog(path, flush_every=0)


def test_pending_rows_are_written_on_close(tmp_path):
    path = tmp_path / "audit.sqlite"
    log = AuditLog(path, flush_every=1000)
    for i in range(10):
        log.append("KOR", "publish", {"i": i})
    log.close()
    ok, msg = AuditLog.verify_file(path)
    assert ok and "10 rows" in msg


def test_three_processes_append_to_one_file(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    import triwatch

    path = tmp_path / "audit.sqlite"
    AuditLog(path).close()  # create the schema and WAL mode before the writers race
    src = str(Path(triwatch.__file__).parents[1])
    code = (
        "import sys; from triwatch.fabric import AuditLog\n"
        "log = AuditLog(sys.argv[1], flush_every=int(sys.argv[3]))\n"
        "[log.append(sys.argv[2], 'publish', {'i': i}) for i in range(200)]\n"
        "log.close()\n"
    )
    env = {**os.environ, "PYTHONPATH": src}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path), n, b], env=env)
        for n, b in (("USA", "1"), ("JPN", "1"), ("KOR", "16"))
    ]
    assert [p.wait(60) for p in procs] == [0, 0, 0]
    ok, msg = AuditLog.verify_file(path)
    assert ok and "600 rows" in msg


def test_truncation_is_caught_against_an_anchored_head(logfile):
    import json

    rows, digest = AuditLog(logfile).head()
    (logfile.parent / "summary.json").write_text(json.dumps({"audit_head": {"rows": rows, "hash": digest}}))
    assert audit_verify(logfile.parent) == 0
    _sql(logfile, ("DELETE FROM audit WHERE id >= 9", ()))  # cut off the newest rows
    assert AuditLog.verify_file(logfile)[0]  # the chain alone cannot tell
    ok, msg = AuditLog.verify_file(logfile, (rows, digest))
    assert not ok and msg.startswith("row 9: missing")
    assert audit_verify(logfile.parent) == 1
