"""A JPN node for the NATS crash tests, run as its own process.

usage: python nats_subscriber_proc.py SETUP_DIR OUT_FILE EXPECTED [DIE_AFTER MODE]

Polls its Endpoint (audit log in SETUP_DIR/audit.sqlite, replay window restored from it at
start), "handles" each delivery by appending its msg_id to OUT_FILE, then commits. With
DIE_AFTER it kills itself with SIGKILL (no clean shutdown: the connection just drops) at the
poll that brings its count to DIE_AFTER or more, at the moment MODE names:

- ``before-handling``: right after the poll, before writing anything of that batch;
- ``after-commit``: after writing and committing the batch, before the acknowledgements
  can be sure to have left (they are sent without waiting).

It exits when it has written EXPECTED ids in this life, or after 20 s.
"""

import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from triwatch.fabric import AuditLog, Endpoint, KeyRing, ReleasePolicy
from triwatch.fabric.nats_server import Credentials
from triwatch.fabric.nats_transport import NatsTransport


def main() -> None:
    setup, out, expected = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    die_after = int(sys.argv[4]) if len(sys.argv) > 4 else None
    mode = sys.argv[5] if len(sys.argv) > 5 else "after-commit"
    cfg = json.loads((setup / "setup.json").read_text())
    policy = ReleasePolicy.from_config(cfg["nations"])
    keys = KeyRing.load(setup / "keys", "JPN")
    # ack_wait far beyond the test's 20 s: what the dead process held comes again at restart, not after ack_wait.
    transport = NatsTransport(cfg["url"], Credentials(**cfg["creds"]), cfg["nations"], ack_wait_s=60.0)
    audit = AuditLog(setup / "audit.sqlite")
    endpoint = Endpoint("JPN", policy, keys, transport, audit, lambda: datetime.now(UTC))
    endpoint.restore_replay_window()
    print("ready", flush=True)
    count = 0
    deadline = time.monotonic() + 20
    with out.open("a") as fh:
        while count < expected and time.monotonic() < deadline:
            got = endpoint.poll()
            dying = die_after is not None and count + len(got) >= die_after
            if dying and mode == "before-handling":
                os.kill(os.getpid(), signal.SIGKILL)
            for d in got:
                fh.write(d.msg_id + "\n")
            fh.flush()
            endpoint.commit()
            count += len(got)
            if dying:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(0.005)
    transport.close()
    audit.close()


if __name__ == "__main__":
    main()
