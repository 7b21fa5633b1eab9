"""Radars and space infrared sensors: coverage, noise, detection probability, false alarms, latency. Reads truth, emits Detections. Knows nothing of trackers."""
