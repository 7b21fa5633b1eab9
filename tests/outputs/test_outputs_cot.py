"""Cursor on Target: track and alert events, parsed by takproto and received over TCP by pytak."""

from __future__ import annotations

import asyncio
import math
import warnings

import numpy as np
import pytest
import takproto
from takproto import TAKProtoVer

from triwatch.geo.frames import enu_rotation, enu_to_ecef_vector, geodetic_to_ecef
from triwatch.messages import Ellipse, TrackReport, WarningReport
from triwatch.warning.outputs.cot import ALERT_TYPE, CANCEL_TYPE, HOSTILE_SSM_TYPE, K95, cot_alert, cot_track
from triwatch.warning.outputs.cot_stream import CotServer, event_time, load_run_cot, replay, send_cot
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.write_run import write_outputs

with warnings.catch_warnings():  # pytak warns that its optional aiohttp extra is absent; we use plain TCP
    warnings.simplefilter("ignore")
    import pytak

LAT, LON, H = 40.0, 135.0, 500e3


def state(v_enu=(1000.0, 0.0, -200.0)) -> list[float]:
    lat, lon = math.radians(LAT), math.radians(LON)
    r = geodetic_to_ecef(lat, lon, H)
    return [*r, *enu_to_ecef_vector(np.array(v_enu), lat, lon)]


def enu_cov_to_ecef(sig_e: float, sig_n: float, sig_u: float) -> list[list[float]]:
    R = enu_rotation(math.radians(LAT), math.radians(LON))
    P = np.eye(6)
    P[:3, :3] = R.T @ np.diag([sig_e**2, sig_n**2, sig_u**2]) @ R
    return P.tolist()


def track(**kw) -> TrackReport:
    base = {"track_id": "T1", "time_s": 100.0, "x": state(), "P": enu_cov_to_ecef(300.0, 100.0, 50.0),
            "status": "confirmed", "category": "irbm", "apogee_m": 970e3}  # fmt: skip
    return TrackReport(**(base | kw))


def parse(xml: bytes):
    return takproto.parse_proto(bytearray(xml)).cotEvent


def test_track_event_as_takproto_reads_it(epoch):
    e = parse(cot_track(track(), "KOR", epoch, system_track="USA-S001"))
    assert e.type == HOSTILE_SSM_TYPE and e.how == "m-s" and e.uid == "triwatch.KOR.T1"
    assert e.lat == pytest.approx(LAT, abs=1e-6) and e.lon == pytest.approx(LON, abs=1e-6)
    assert e.hae == pytest.approx(H, abs=0.1)
    assert e.ce == pytest.approx(300.0, abs=0.1)  # the larger horizontal sigma
    assert e.le == pytest.approx(50.0, abs=0.1)
    assert e.detail.track.course == pytest.approx(90.0, abs=0.1)  # flying due east
    assert e.detail.track.speed == pytest.approx(math.hypot(1000.0, 200.0), abs=0.1)
    assert e.detail.contact.callsign == "KOR-T1 (USA-S001)"
    assert '__milsym id="SHAPWMSS-------"' in e.detail.xmlDetail
    assert e.sendTime == int(epoch.timestamp() * 1000) + 100_000
    assert e.staleTime - e.sendTime == 60_000


def test_track_without_covariance_has_unknown_errors(epoch):
    e = parse(cot_track(track(P=[]), "USA", epoch, exercise=False))
    assert e.ce == 9999999.0 and e.le == 9999999.0 and e.how == "m-f"


def test_takproto_round_trip_keeps_the_event(epoch):
    xml = cot_track(track(), "KOR", epoch)
    for version in (TAKProtoVer.MESH, TAKProtoVer.STREAM):
        back = takproto.parse_proto(takproto.xml2proto(xml, version)).cotEvent
        assert back == parse(xml)


def test_nan_state_is_refused(epoch):
    x = state()
    x[1] = math.nan
    with pytest.raises(OutputError, match=r"track KOR/T1 at t=100.0 s\.x: must be 6 finite numbers"):
        cot_track(track(x=x), "KOR", epoch)


def test_alert_and_cancel_share_a_uid(epoch):
    ellipse = Ellipse(40.8, 141.0, 80e3, 30e3, 60.0)
    threat = WarningReport("JPN-W001", 2, "threat", "JPN", "S1", 150.0, areas=["JPN-land"], impact=ellipse)
    cancel = WarningReport("JPN-W001", 3, "withdrawal", "JPN", "S1", 260.0, areas=["JPN-land"])
    a, c = parse(cot_alert(threat, epoch)), parse(cot_alert(cancel, epoch))
    assert (a.type, c.type) == (ALERT_TYPE, CANCEL_TYPE)
    assert a.uid == c.uid == "triwatch.JPN.JPN-W001.alert"
    assert (a.lat, a.lon) == (40.8, 141.0) and a.ce == pytest.approx(80e3 / K95, abs=0.1)
    assert 'cancel="true"' in c.detail.xmlDetail and "Japan land territory" in a.detail.xmlDetail
    assert (c.lat, c.lon, c.ce) == (0.0, 0.0, 9999999.0)  # nothing to point at: CoT's unknown point


def test_alert_with_bad_kind_or_nan_point_is_refused(epoch):
    w = WarningReport("JPN-W001", 2, "threat", "JPN", "S1", 150.0, areas=["JPN-land"])
    with pytest.raises(OutputError, match="point must be finite"):
        cot_alert(w, epoch, impact_point=(math.nan, 141.0))


async def _pytak_receives(events: list[bytes], tak_proto: str) -> list:
    server = CotServer("127.0.0.1", 0)
    host, port = await server.start()
    config = {"COT_URL": f"tcp://{host}:{port}", "TAK_PROTO": tak_proto}
    reader, writer = await pytak.protocol_factory(config)
    queue: asyncio.Queue = asyncio.Queue()
    rx = pytak.RXWorker(queue, config, reader)
    try:
        await server.wait_for_clients(1)
        for event in events:
            assert await server.broadcast(event) == 1
        got = []
        for _ in events:
            await asyncio.wait_for(rx.run_once(), 5.0)
            got.append(await asyncio.wait_for(queue.get(), 5.0))
        return got
    finally:
        writer.close()
        await server.close()


def test_pytak_receives_over_tcp_and_takproto_parses(epoch):
    events = [cot_track(track(time_s=100.0 + k), "KOR", epoch) for k in range(3)]
    events.append(cot_alert(WarningReport("KOR-W001", 1, "launch", "KOR", "S1", 103.0), epoch))
    raw = asyncio.run(_pytak_receives(events, "0"))  # pytak hands over the XML bytes
    assert raw == events
    assert [parse(r).type for r in raw] == [HOSTILE_SSM_TYPE] * 3 + [ALERT_TYPE]
    decoded = asyncio.run(_pytak_receives(events, "1"))  # pytak decodes each with takproto itself
    assert [m.cotEvent.uid for m in decoded] == ["triwatch.KOR.T1"] * 3 + ["triwatch.KOR.KOR-W001.alert"]
    assert [m.cotEvent.sendTime for m in decoded[:3]] == [parse(e).sendTime for e in events[:3]]


async def _client_to_server(events: list[bytes]) -> bytes:
    received = bytearray()
    done = asyncio.Event()

    async def on_client(reader, writer):
        received.extend(await reader.read())  # until the client closes
        done.set()
        writer.close()

    server = await asyncio.start_server(on_client, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    assert await send_cot("127.0.0.1", port, events) == len(events)
    await asyncio.wait_for(done.wait(), 5.0)
    server.close()
    await server.wait_closed()
    return bytes(received)


def test_send_cot_connects_out_to_a_tak_server(epoch):
    events = [cot_track(track(time_s=100.0 + k), "USA", epoch) for k in range(2)]
    data = asyncio.run(_client_to_server(events))
    chunks = [c + b"</event>" for c in data.split(b"</event>") if c.strip()]
    assert [parse(c).uid for c in chunks] == ["triwatch.USA.T1"] * 2


def test_stream_refuses_what_is_not_an_event():
    with pytest.raises(ValueError, match=r"events\[0\]: not a CoT XML event"):
        asyncio.run(send_cot("127.0.0.1", 9, [b"hello"]))
    with pytest.raises(ValueError, match="port"):
        CotServer("127.0.0.1", 70000)


async def _replay_to_pytak(events: list[bytes], speed: float | None) -> tuple[list[bytes], float]:
    server = CotServer("127.0.0.1", 0)
    host, port = await server.start()
    config = {"COT_URL": f"tcp://{host}:{port}", "TAK_PROTO": "0"}
    reader, writer = await pytak.protocol_factory(config)
    queue: asyncio.Queue = asyncio.Queue()
    rx = pytak.RXWorker(queue, config, reader)
    try:
        await server.wait_for_clients(1)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        assert await replay(server, events, speed=speed) == len(events)
        elapsed = loop.time() - t0
        got = []
        for _ in events:
            await asyncio.wait_for(rx.run_once(), 5.0)
            got.append(await queue.get())
        return got, elapsed
    finally:
        writer.close()
        await server.close()


def test_a_run_folder_replays_in_time_order(tmp_path, events, epoch):
    write_outputs(tmp_path, events, epoch)
    cot = load_run_cot(tmp_path)
    assert len(cot) == 39 + 21 + 7  # updates of KOR/T1 and USA/T1, of system track USA-S001, 7 alerts
    times = [event_time(e) for e in cot]
    assert times == sorted(times) and times[0] == "2022-10-03T22:23:00.000Z"
    got, _ = asyncio.run(_replay_to_pytak(cot, None))
    assert got == cot
    first_two = [e for e in cot if event_time(e) < "2022-10-03T22:23:20.000Z"][:3]  # 0 s, 10 s, 10 s
    _, elapsed = asyncio.run(_replay_to_pytak(first_two, speed=50.0))  # 10 s of run time in 0.2 s
    assert 0.15 < elapsed < 2.0
    with pytest.raises(ValueError, match="speed: must be > 0"):
        asyncio.run(_replay_to_pytak(first_two, speed=0.0))
    with pytest.raises(FileNotFoundError, match="no cot/ folder"):
        load_run_cot(tmp_path / "nowhere")
