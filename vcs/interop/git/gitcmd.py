"""Running git for the git transport: argv lists, a clean environment, clear errors.

git is needed for this transport only, so it is looked up when a git remote is used,
and its absence is an error that says so (`ToolMissing`). Every call is an argv list
(no shell ever sees a URL, a path or a ref), runs on an explicit `--git-dir` (the
mirror in `.vcs/git/`) with the variables that would point git at another repository
removed, and may reach remotes only over the protocols in `ALLOWED_PROTOCOLS` (no
`ext::` helper that runs a command, whatever the user's config says). What git
prints on failure is shown, cut to its last lines.
"""
from __future__ import annotations

import os
import shutil
import subprocess

from vcs.errors import ToolMissing, TransportError

ALLOWED_PROTOCOLS = "file:git:http:https:ssh"
# Variables that would make git work on another repository than the one named.
_REPOSITORY_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_COMMON_DIR", "GIT_PREFIX",
                    "GIT_QUARANTINE_PATH", "GIT_REPLACE_REF_BASE", "GIT_SHALLOW_FILE", "GIT_GRAFT_FILE")


def git_path() -> str:
    """The git program, or ToolMissing."""
    path = shutil.which("git")
    if path is None:
        raise ToolMissing("git is not installed (no `git` on PATH): vcs works with a git remote through git "
                          "itself", hint="install git (for example `apt-get install git`) and run the command "
                                         "again; nothing was changed. vcs needs git for git remotes only")
    return path


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REPOSITORY_VARS}
    env["GIT_ALLOW_PROTOCOL"] = ALLOWED_PROTOCOLS
    env.setdefault("LC_ALL", "C")  # git's own messages are shown as they are; `C` keeps them parseable
    return env


class Git:
    """git, run on one repository (`git_dir`), or on none."""

    def __init__(self, git_dir: str | None = None):
        self.program = git_path()
        self.git_dir = git_dir
        self.env = environment()

    def argv(self, args: list[str]) -> list[str]:
        base = [self.program, "-c", "core.hooksPath=/dev/null"]
        if self.git_dir is not None:
            base.append(f"--git-dir={self.git_dir}")
        return base + list(args)

    def run(self, args: list[str], input: bytes | None = None, what: str | None = None,
            ok: tuple[int, ...] = (0,)) -> tuple[int, bytes]:
        """Run git; (exit code, stdout). An exit code not in `ok` is a TransportError."""
        try:
            done = subprocess.run(self.argv(args), input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=self.env, stdin=None if input is not None else subprocess.DEVNULL)
        except OSError as e:
            raise ToolMissing(f"cannot run git ({self.program}): {e.strerror}",
                              hint="check that git is installed and can be run") from None
        if done.returncode not in ok:
            raise failure(what or f"git {args[0]}", done.returncode, done.stderr)
        return done.returncode, done.stdout

    def out(self, args: list[str], **kw) -> bytes:
        return self.run(args, **kw)[1]

    def popen(self, args: list[str], **kw) -> subprocess.Popen:
        try:
            return subprocess.Popen(self.argv(args), env=self.env, **kw)
        except OSError as e:
            raise ToolMissing(f"cannot run git ({self.program}): {e.strerror}",
                              hint="check that git is installed and can be run") from None


def failure(what: str, code: int, stderr: bytes, hint: str | None = None) -> TransportError:
    """`what` failed: the error, with the last lines git printed."""
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    said = "; ".join(line.strip() for line in lines[-4:])[-600:]
    said = "".join(c if c.isprintable() else "?" for c in said)
    return TransportError(f"{what} failed (git exited with {code})" + (f": {said}" if said else ""),
                          hint=hint or "nothing was changed in this repository; fix what git says, then run the "
                                       "command again")
