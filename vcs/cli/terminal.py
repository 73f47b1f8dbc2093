"""The terminal: where output goes, whether it is coloured, and the pager.

Colour: `--color=always|never|auto` on the command line wins, then `ui.color` in
the config, then the environment (NO_COLOR turns it off, FORCE_COLOR on,
TERM=dumb off), then whether stdout is a terminal.

Pager (log, diff and show, only when stdout is a terminal): VCS_PAGER, then
`ui.pager` in the config, then PAGER, then `less`; LESS=FRX is set when LESS is
unset, so short output does not wait and colours pass through. `--no-pager`
turns it off. A pager closed early (q) ends the command quietly. Ctrl-C reaches
the pager too (less ignores it): vcs stops writing, waits until the pager is quit,
and only then ends (130), writing nothing to the terminal the pager draws on.
"""
from __future__ import annotations

import os
import sys

RESET = "\033[0m"
COLOURS = {"add": "\033[32m", "del": "\033[31m", "hunk": "\033[36m", "head": "\033[1m",
           "rev": "\033[33m", "warn": "\033[33m", "error": "\033[31m", "dim": "\033[2m"}


def decide_colour(flag: str | None, config, stream) -> bool:
    """Flag, then config, then environment, then 'is it a terminal'."""
    for choice in (flag, config):
        if choice in ("always", True, "true"):
            return True
        if choice in ("never", False, "false"):
            return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


class Out:
    """One command's output stream, whether it may be coloured, and the folder (a
    repository path, b"" for the root) that paths shown to a person are relative to."""

    def __init__(self, color: bool = False, stream=None, base: bytes = b""):
        self.stdout = stream or sys.stdout
        self.color = color
        self.base = base

    def paint(self, text: str, what: str) -> str:
        return f"{COLOURS[what]}{text}{RESET}" if self.color else text

    def line(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def raw(self, data: bytes) -> None:
        self.stdout.flush()
        self.stdout.buffer.write(data)


class UI:
    """The command line's choices about the terminal, passed to every command body."""

    def __init__(self, color: str | None = None, pager: bool = True):
        self.color = color
        self.pager = pager
        self._pager_process = None

    def out(self, repo=None, page: bool = False) -> Out:
        config = repo.config("ui.color") if repo is not None else None
        base = repo.here() if repo is not None else b""
        if page and self.pager and sys.stdout.isatty():
            stream = self._start_pager(repo)
            if stream is not None:
                return Out(decide_colour(self.color, config, sys.stdout), stream, base)
        return Out(decide_colour(self.color, config, sys.stdout), None, base)

    def plain(self) -> Out:
        """For bytes that must reach stdout exactly (cat): never coloured nor paged."""
        return Out(False)

    def _start_pager(self, repo):
        import shlex
        import subprocess
        command = os.environ.get("VCS_PAGER") or (repo.config("ui.pager") if repo is not None else None) \
            or os.environ.get("PAGER") or "less"
        if command in ("cat", ""):
            return None
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")
        try:
            self._pager_process = subprocess.Popen(command if " " in command else shlex.split(command),
                                                   shell=" " in command, stdin=subprocess.PIPE, env=env)
        except OSError:
            return None  # no such pager: print directly
        import io
        self._pager_stream = io.TextIOWrapper(self._pager_process.stdin, encoding=sys.stdout.encoding,
                                              errors="surrogateescape", line_buffering=False)
        return self._pager_stream

    @property
    def paging(self) -> bool:
        return self._pager_process is not None

    def flush(self) -> None:
        """Hand on what is buffered, so that a reader that went away shows here."""
        (self._pager_stream if self.paging else sys.stdout).flush()

    def close(self, discard: bool = False) -> bool:
        """Wait for the pager, if any, to be quit by the user; True if Ctrl-C came
        meanwhile. `discard` (the command was interrupted): the pager's input ends now
        and what is still buffered is dropped, not waited for."""
        p = self._pager_process
        if p is None:
            return False
        self._pager_process = None
        interrupted = False
        while True:  # Ctrl-C may land anywhere in here, even just after a close returned
            try:
                if discard or interrupted:
                    silence(p.stdin)
                self._pager_stream.close()  # flushes what is left, then ends the pager's input
                p.wait()
                return interrupted
            except KeyboardInterrupt:
                interrupted = True  # the user is still in the pager, which ignores it: wait on
            except OSError:
                pass  # the pager was closed early (q): nothing more to show; the stream is closed


def silence(stream) -> None:
    """Point a stream's file at /dev/null: what is buffered for a reader that went away
    (`| head`, a pager quit or interrupted) is dropped without another broken pipe."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return  # closed, or not a file (a test's capture): nothing left to break
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
