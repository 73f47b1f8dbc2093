"""Errors: one type with a message and a hint; each kind has its exit code.

Every failure a user can cause or meet (bad input, a busy or corrupt repository)
is a `VcsError`. The CLI prints `error: <message>` and `hint: <hint>` to stderr
and exits with the kind's code; nothing else decides exit codes.
"""
from __future__ import annotations


class Exit:
    """Process exit codes, documented in the README (plain ints: enum costs ms to import)."""

    OK = 0
    NOTHING = 1        # nothing to commit; differences found with --exit-code
    USAGE = 2          # bad command line or argument
    ERROR = 3          # the repository's state refuses the operation
    CORRUPT = 4        # stored data failed a check
    BUSY = 5           # another process holds the repository lock
    INTERRUPTED = 130  # Ctrl-C


class VcsError(Exception):
    """A failure to report to the user: a message, an optional hint, an exit code."""

    exit_code: Exit = Exit.ERROR

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(VcsError):
    """The command line asks for something that does not exist or cannot be."""

    exit_code = Exit.USAGE


class StateError(VcsError):
    """The repository or working tree is not in a state that allows the operation."""

    exit_code = Exit.ERROR


class NothingToDo(VcsError):
    """Nothing changed (for example nothing to commit)."""

    exit_code = Exit.NOTHING


class BusyError(VcsError):
    """Another process holds the repository lock."""

    exit_code = Exit.BUSY


class CorruptError(VcsError):
    """Stored data failed a checksum, hash or structure check."""

    exit_code = Exit.CORRUPT


class DeltaError(CorruptError):
    """A delta could not be decoded or does not fit its base."""
