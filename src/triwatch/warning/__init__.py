"""Threat assessment, alert life cycle and output formats. Knows nothing of transports."""
