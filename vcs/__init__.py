"""vcs: a delta-based version control system for the terminal."""

__version__ = "0.1.0"
