"""Standard outputs of a run's warnings and tracks, for the systems that already exist.

- CAP 1.2 (`cap`, `cap_feed`): public warnings, one `<alert>` per warning revision, in
  Japanese, Korean and English, validated against the OASIS schema; an Atom feed lists them.
- Cursor on Target (`cot`, `cot_stream`): track and alert events for TAK clients, as files
  and streamed over TCP.
- GeoJSON, KML, CZML (`geojson_out`, `kml`, `czml`): flown paths, predicted impact ellipses
  and threatened areas for GIS tools, Google Earth and Cesium.
- `write_run.write_outputs`: all of the above from a finished run's events.

These modules read payloads (`triwatch.messages`) and run events only: no transport, no truth.
"""
