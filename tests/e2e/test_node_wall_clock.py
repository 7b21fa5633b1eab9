"""Free-running nodes, as in a real deployment: three `triwatch node` processes on the wall clock.

No coordinator: each node senses, tracks, shares and warns as scenario time passes (here 10x
real time from a shared start), over a NATS JetStream server with TLS. Every nation must get
its partners' tracks and every nation's launch alert.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from triwatch.cli.main import flagship_path
from triwatch.fabric import AuditLog, KeyRing
from triwatch.fabric.deploy import prepare_deployment
from triwatch.fabric.nats_server import LocalNatsServer

NATIONS = ["USA", "JPN", "KOR"]
SRC = Path(__file__).resolve().parents[2] / "src"


def test_free_running_nodes_share_tracks_and_warnings(tmp_path):
    data = yaml.safe_load(flagship_path().read_text())
    data["duration_s"] = 150  # launch alerts at 100 s, JPN tracks it from 141 s
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(data))
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    start = datetime.now(UTC) + timedelta(seconds=5)  # node processes start in ~3 s; one that starts later catches up
    with LocalNatsServer(NATIONS, tls=True) as server:
        paths = prepare_deployment(tmp_path / "fabric", server, KeyRing.generate(NATIONS))
        procs = {}
        for n in NATIONS:
            cfg = {
                "scenario": "scenario.yaml",
                "nation": n,
                "fabric": str(paths[n].relative_to(tmp_path)),
                "audit": "audit.sqlite",
                "run_dir": f"nodes/{n}",
                "clock": {"mode": "wall", "speed": 10.0, "start_utc": start.isoformat()},
            }
            (tmp_path / f"{n}.yaml").write_text(yaml.safe_dump(cfg))
            cmd = [sys.executable, "-m", "triwatch", "node", "--nation", n, "--config", str(tmp_path / f"{n}.yaml")]
            procs[n] = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            outputs = {n: p.communicate(timeout=120)[0] for n, p in procs.items()}
        finally:
            for p in procs.values():
                p.kill()
    for n, p in procs.items():
        assert p.returncode == 0, outputs[n]
    for n in NATIONS:
        events = [json.loads(x) for x in (tmp_path / "nodes" / n / "events.jsonl").read_text().splitlines()]
        assert {e["node"] for e in events} == {n}
        partners = {e["origin"] for e in events if e["type"] == "track-received"}
        assert partners == set(NATIONS) - {n}, (n, partners)
        # One launch alert per launch, from the hub (docs/architecture.md, "Warnings: who issues what").
        alerts = {e["issuer"] for e in events if e["type"] == "warning-delivered" and e["kind"] == "launch"}
        assert alerts == {"USA"}, (n, alerts)
    assert AuditLog.verify_file(tmp_path / "audit.sqlite")[0]
