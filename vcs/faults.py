"""Fault injection for the crash and I/O-error tests (tests/test_faults.py, `make stress`).

Read once at start-up from the environment; nothing happens when they are unset:

    VCS_CRASH_AT=NAME    the process kills itself with SIGKILL, as a power cut would,
                         on reaching the step NAME
    VCS_FAIL_AT=N:ERRNO  the Nth write, fsync, truncate or rename vcs makes fails with
                         ERRNO (ENOSPC, EIO, ...), as a full or failing disk would
    VCS_TRACE=FILE       every step and I/O operation reached is appended to FILE, so a
                         test can enumerate them and then break each one in turn
"""
from __future__ import annotations

import os

_CRASH = os.environ.get("VCS_CRASH_AT")
_TRACE = os.environ.get("VCS_TRACE")
_FAIL_AT = 0
_FAIL_ERRNO = 0
if os.environ.get("VCS_FAIL_AT"):
    import errno as _errno
    _n, _, _name = os.environ["VCS_FAIL_AT"].partition(":")
    if not (_n.isascii() and _n.isdigit() and len(_n) < 19) or not isinstance(getattr(_errno, _name or "EIO", None), int):
        import sys as _sys  # a usage error (exit 2), before anything runs; never a traceback
        _sys.stderr.write(f"error: VCS_FAIL_AT={os.environ['VCS_FAIL_AT']!r} is not N or N:ERRNO (1:ENOSPC)\n"
                          "hint: unset VCS_FAIL_AT: it is for vcs's fault tests\n")
        raise SystemExit(2)
    _FAIL_AT, _FAIL_ERRNO = int(_n), getattr(_errno, _name or "EIO")
_count = 0
ACTIVE = bool(_CRASH or _TRACE or _FAIL_AT)


def step(name: str) -> None:
    """A point a crash test may stop the process at."""
    if _TRACE:
        _trace(f"step {name}")
    if _CRASH == name:
        import signal
        os.kill(os.getpid(), signal.SIGKILL)


def io(op: str, path) -> None:
    """Called before each write, fsync, truncate and rename of the repository's files."""
    global _count
    _count += 1
    if _TRACE:
        _trace(f"io {_count} {op} {os.fsdecode(path)}")
    if _count == _FAIL_AT:
        raise OSError(_FAIL_ERRNO, os.strerror(_FAIL_ERRNO), os.fsdecode(path))


def _trace(line: str) -> None:
    with open(_TRACE, "a") as f:
        f.write(line + "\n")
