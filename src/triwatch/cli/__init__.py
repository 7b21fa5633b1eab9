"""The triwatch command line (Typer + Rich)."""
