"""Errors into `error:` lines and exit codes: the one place that decides both.

Whatever ends a command passes through `report`, wherever it came from: a VcsError
(its message and hint) from any layer, Ctrl-C, a reader that went away (`| head`,
a pager quit early), an I/O failure nothing turned into a VcsError (a full disk),
and click's own usage errors (vcs/cli/clickapp.py hands them over as UsageErrors).
`EXIT_CODES` is the table: a new kind of error (a merge conflict, a refused push)
is one line in it. Mercurial's `scmutil.callcatch` and jj's `command_error.rs` work
so. `run` runs a command body under it; the library below raises and never exits.
"""
from __future__ import annotations

import sys

from vcs.errors import (BusyError, ConflictError, CorruptError, NothingToDo, StateError, ToolMissing, TransportError,
                        UsageError, VcsError)


class Exit:
    """Process exit codes, documented in the README (plain ints: enum costs ms to import)."""

    OK = 0
    NOTHING = 1        # nothing to commit; differences found with --exit-code
    CONFLICT = 1       # a merge stopped with conflicts (or a commit waits for them)
    USAGE = 2          # bad command line or argument
    ERROR = 3          # the repository's state refuses the operation
    CORRUPT = 4        # stored data failed a check
    BUSY = 5           # another process holds the repository lock
    INTERRUPTED = 130  # Ctrl-C


# Each kind of failure and its exit code, the first match wins (so a kind comes before
# the kinds it derives from).
EXIT_CODES = (
    (NothingToDo, Exit.NOTHING),
    (ConflictError, Exit.CONFLICT),
    (UsageError, Exit.USAGE),
    (StateError, Exit.ERROR),
    (CorruptError, Exit.CORRUPT),
    (BusyError, Exit.BUSY),
    (ToolMissing, Exit.ERROR),     # git is needed for a git remote only
    (TransportError, Exit.ERROR),  # a remote failed or refused the exchange
    (VcsError, Exit.ERROR),
    (KeyboardInterrupt, Exit.INTERRUPTED),
    (BrokenPipeError, Exit.OK),  # the reader went away: as git, stop quietly
    (OSError, Exit.ERROR),       # an I/O failure no layer turned into a VcsError
)
CAUGHT = tuple(kind for kind, _ in EXIT_CODES)


def exit_code_for(e: BaseException) -> int:
    """The exit code of a failure of one of the kinds in EXIT_CODES."""
    return next(code for kind, code in EXIT_CODES if isinstance(e, kind))


def report(e: BaseException, command: str = "vcs", paging: bool = False) -> int:
    """Say on stderr what ended the command and return its exit code.

    A usage error without a hint points to the help of `command` (as typed: `vcs
    config set`). Ctrl-C says so, and a reader that went away is silenced, except
    into a pager's terminal (`paging`), where the pager still draws.
    """
    from vcs.cli import render
    if isinstance(e, VcsError):
        render.error(e.message, e.hint or (f"see `{command} --help`" if isinstance(e, UsageError) else None))
    elif isinstance(e, KeyboardInterrupt):
        if not paging:
            sys.stderr.write("interrupted\n")
    elif isinstance(e, BrokenPipeError):
        if not paging:
            from vcs.cli.terminal import silence
            silence(sys.stdout)
    else:
        name = f" {e.filename!r}" if e.filename else ""
        render.error(f"{e.strerror or e}{name}", "the operation did not complete; the repository is as it was "
                     "before it")
    return exit_code_for(e)


def run(body, params: dict, ui=None, command: str = "vcs") -> int:
    """Run a command body (`command`: its name as typed) and return its exit code: the
    body's own, or its failure's, reported; then the pager, if any, is waited for."""
    from vcs.cli.terminal import UI
    ui = ui or UI()
    code = None
    try:
        try:
            code = int(body(ui, **params) or 0)
            ui.flush()  # so that a reader that went away shows here
        except CAUGHT as e:
            code = report(e, command, ui.paging)
    finally:
        if ui.close(discard=code in (None, Exit.INTERRUPTED)):
            code = Exit.INTERRUPTED  # Ctrl-C while the pager showed the output
    return code
