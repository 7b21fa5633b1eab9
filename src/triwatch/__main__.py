"""`python -m triwatch ...`: the same command line as `triwatch ...` (node processes start this way)."""

from triwatch.cli.main import main

main()
