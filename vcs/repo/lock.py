"""The repository lock: one writer at a time, and no stale lock after a crash.

The lock is an flock(2) on `.vcs/lock`, which the kernel releases when its
holder dies, so a killed process never leaves the repository locked. The file
also names the holder (pid and host): a second writer that has to wait or give
up can say who holds it, and a name left behind by a process that is gone is
reported as a stale lock that was broken.
"""
from __future__ import annotations

import errno
import fcntl
import os
import time

from vcs.errors import BusyError, StateError, UsageError
from vcs.storage.log import owner_can_use

DEFAULT_TIMEOUT = 10.0  # seconds a writer waits for another to finish


def _timeout() -> float:
    value = os.environ.get("VCS_LOCK_TIMEOUT", "")
    try:
        seconds = float(value) if value else DEFAULT_TIMEOUT
        if seconds != seconds:  # nan: no deadline would ever pass
            raise ValueError(value)
        return seconds
    except ValueError:
        raise UsageError(f"VCS_LOCK_TIMEOUT must be a number of seconds, not {value[:40]!r}") from None


class Lock:
    def __init__(self, path: str, warn=None, on_acquire=None, then=None):
        self.path = path
        self.warn = warn or (lambda msg: None)
        self.on_acquire = on_acquire  # called with the lock held: clean up after a dead writer
        self.then = then  # called with the lock held, each time it is taken
        self.fd = -1

    def acquire(self, timeout: float | None = None) -> Lock:
        if timeout is None:
            timeout = _timeout()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            owner_can_use(fd)
        except OSError as e:
            if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise StateError(f"cannot write to the repository ({self.path}: {e.strerror})",
                                 hint="you need write permission on .vcs/ to change it; "
                                      "reading commands still work") from None
            raise
        deadline = time.monotonic() + timeout
        delay = 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise BusyError(f"the repository is busy: {holder or 'another process'} holds its lock",
                                    hint="wait for it to finish, then try again") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        self.fd = fd
        left = _holder(fd)
        if left:
            self.warn(f"broke a stale lock left by {left} (no longer running)")
            if self.on_acquire:
                self.on_acquire()
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {os.uname().nodename}\n".encode(), 0)
        except OSError:
            pass  # a full disk: the flock is held all the same; only the holder's name is missing
        if self.then:
            try:
                self.then()
            except BaseException:
                self.release()
                raise
        return self

    def release(self) -> None:
        if self.fd < 0:
            return
        try:
            os.ftruncate(self.fd, 0)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Lock:
        return self if self.fd >= 0 else self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def try_lock(path: str) -> Lock | None:
    """The lock if it is free right now, else None (for optional writes like the stat cache)."""
    try:
        return Lock(path).acquire(timeout=0)
    except (BusyError, StateError, OSError):
        return None


def _holder(fd: int) -> str:
    """Who the lock file names: 'process PID on HOST', or '' if nobody."""
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    except OSError:
        return ""
    if len(text) != 2:
        return ""
    return f"process {text[0]} on {text[1]}"
