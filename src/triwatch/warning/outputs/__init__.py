"""Standard outputs of a run's warnings and tracks, for the systems that already exist.

- CAP 1.2 (`cap`, `cap_text`, `cap_feed`, `cap_sign`): public warnings, one `<alert>` per warning
  revision, in Japanese, Korean and English, validated against the OASIS schema, optionally
  signed (XML-DSig) by the issuing nation; an Atom feed lists them.
- Cursor on Target (`cot`, `cot_stream`): track and alert events for TAK clients, as files,
  served over TCP to connecting clients, or sent out to a TAK Server.
- GeoJSON, KML, CZML (`geojson`, `kml`, `czml`, `areas`): flown paths, predicted impact
  ellipses and threatened areas for GIS tools, Google Earth and Cesium.
- `write_run.write_outputs`: all of the above from a finished run's events, from one node's view
  (`run_view`); `cli_commands.outputs_app`: the `triwatch outputs ...` commands.

These modules read payloads (`triwatch.messages`) and run events only: no fabric, no truth.
"""
