"""Organisations, roles, command relationships, acknowledgement and escalation, decision log."""
