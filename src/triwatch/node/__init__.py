"""Wires one nation's parts together from its configuration: wiring, not logic."""
