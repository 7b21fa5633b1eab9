"""Radars and space infrared sensors: coverage, noise, detection probability, false alarms, latency. Reads truth, emits Detections. Knows nothing of trackers.

Modules: `scene` (what sensors look at), `signatures` (RCS and IR of objects), `base`
(Sensor protocol, Observation), `radar_equation` + `radar_presets` + `radar` (ground and
ship radars), `ir_geometry` + `ir_presets` + `orbits` + `space_ir` (GEO and LEO infrared),
`laydown` (the public-knowledge default laydown), `factory` (scenario entries -> sensors),
`coverage` (who sees where and when), `detection` (the Detection a tracker gets).
"""
