"""Errors: one type with a message and a hint, and its kinds.

Every failure a user can cause or meet (bad input, a busy or corrupt repository)
is a `VcsError` of one of these kinds, raised by any layer. The CLI prints
`error: <message>` and `hint: <hint>` to stderr and exits with the kind's code:
vcs/cli/errors.py maps the kinds to exit codes, in one table, and nothing else
decides them.
"""
from __future__ import annotations


class VcsError(Exception):
    """A failure to report to the user: a message and an optional hint."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(VcsError):
    """The command line asks for something that does not exist or cannot be."""


class StateError(VcsError):
    """The repository or working tree is not in a state that allows the operation."""


class NothingToDo(VcsError):
    """Nothing changed (for example nothing to commit)."""


class ConflictError(VcsError):
    """A merge (cherry-pick, revert) stopped with conflicts to resolve, or a commit waits for them."""


class BusyError(VcsError):
    """Another process holds the repository lock."""


class CorruptError(VcsError):
    """Stored data failed a checksum, hash or structure check."""


class DeltaError(CorruptError):
    """A delta could not be decoded or does not fit its base."""


class ToolMissing(VcsError):
    """A program vcs runs for one feature is not installed (git, for a git remote)."""


class TransportError(VcsError):
    """A remote could not be reached or refused the exchange (git's own error in the message)."""
