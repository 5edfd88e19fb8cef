"""`python -m dyadwatch.cli` runs the command line (used by tests and scripts)."""

from . import main

main()
