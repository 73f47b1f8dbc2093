"""`python -m vcs` runs the command line."""
from vcs.cli import main

main()
