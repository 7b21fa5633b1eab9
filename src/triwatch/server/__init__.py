"""HTTP/WebSocket API and the common operational picture (COP) web UI.

from triwatch.server import LiveSource, ReplaySource, RunControl, create_app, start_server
"""

from triwatch.server.ack_desk import AckDesk
from triwatch.server.app import create_app
from triwatch.server.control import RunControl
from triwatch.server.sources import EventSource, LiveSource, ReplaySource, RunFolderError
from triwatch.server.thread import ServerHandle, start_server

__all__ = [
    "AckDesk",
    "EventSource",
    "LiveSource",
    "ReplaySource",
    "RunControl",
    "RunFolderError",
    "ServerHandle",
    "create_app",
    "start_server",
]
