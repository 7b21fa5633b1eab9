"""Build-time helpers for tools/build_geography.py (never imported at run time)."""
