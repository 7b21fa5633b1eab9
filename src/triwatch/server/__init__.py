"""HTTP/WebSocket API and the common operational picture web UI."""
