"""A JPN node for the NATS catch-up test, run as its own process.

usage: python nats_subscriber_proc.py SETUP_DIR OUT_FILE EXPECTED [DIE_AFTER]

Polls its Endpoint, appends each delivered msg_id to OUT_FILE (flushed after each poll),
and, if DIE_AFTER is given, kills itself with SIGKILL right after the poll that brings its
count to DIE_AFTER or more (no clean shutdown: the connection just drops). It exits when it
has written EXPECTED ids in this life, or after 20 s.
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
    cfg = json.loads((setup / "setup.json").read_text())
    policy = ReleasePolicy.from_config(cfg["nations"])
    keys = KeyRing.load(setup / "keys", "JPN")
    transport = NatsTransport(cfg["url"], Credentials(**cfg["creds"]), cfg["nations"], ack_wait_s=1.0)
    endpoint = Endpoint("JPN", policy, keys, transport, AuditLog(":memory:"), lambda: datetime.now(UTC))
    print("ready", flush=True)
    count = 0
    deadline = time.monotonic() + 20
    with out.open("a") as fh:
        while count < expected and time.monotonic() < deadline:
            got = endpoint.poll()
            for d in got:
                fh.write(d.msg_id + "\n")
            fh.flush()
            count += len(got)
            if die_after is not None and count >= die_after:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(0.005)
    transport.close()


if __name__ == "__main__":
    main()
