"""How the benchmark drives each version control tool: one process per command.

`run` starts one command and times it; a `Tool` knows the commands a user types to
create a repository, commit, print a version, diff two versions, ask for the status
and check a version out, and where the tool keeps its store. Revisions are numbered
0, 1, 2 ... in commit order; each tool maps the number to its own name for it
(git and fossil hashes, RCS's 1.N, hg's and vcs's own numbers).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TIME = Path("/usr/bin/time")

# Runs a command and writes the peak RSS (KiB) of its process tree to argv[1]; used
# where GNU time is missing. RUSAGE_CHILDREN's maximum is only clean in a fresh process.
RSS_WRAPPER = """\
import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)
"""


@dataclass
class Result:
    seconds: float
    returncode: int
    stdout: bytes
    stderr: bytes
    peak_rss_kib: int | None = None


class CommandFailed(Exception):
    """A command exited with an unexpected code or ran past its timeout."""

    def __init__(self, argv: list[str], why: str, stderr: bytes = b""):
        self.argv, self.why = argv, why
        self.stderr_tail = stderr[-600:].decode("utf-8", "replace")
        super().__init__(f"{' '.join(argv[:4])}{' ...' if len(argv) > 4 else ''}: {why}")

    def as_json(self) -> dict:
        return {"error": str(self), "argv": self.argv, "stderr_tail": self.stderr_tail}


def run(argv: list[str], cwd: Path, env: dict, ok=(0,), timeout: float = 600.0,
        measure_rss: bool = False) -> Result:
    """Run one command, timed with perf_counter; raise CommandFailed on a bad exit or timeout."""
    rss_file = None
    full = argv
    if measure_rss:
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        if TIME.exists():
            full = [str(TIME), "-f", "%M", "-o", rss_file, *argv]
        else:
            full = [sys.executable, "-c", RSS_WRAPPER, rss_file, *argv]
    start = time.perf_counter()
    try:
        p = subprocess.run(full, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        seconds = time.perf_counter() - start
    except subprocess.TimeoutExpired as e:
        raise CommandFailed(argv, f"timed out after {timeout:g} s", e.stderr or b"") from None
    except OSError as e:
        raise CommandFailed(argv, f"could not start: {e}") from None
    finally:
        peak = pop_rss(rss_file)
    if ok is not None and p.returncode not in ok:
        raise CommandFailed(argv, f"exit code {p.returncode}", p.stderr or p.stdout)
    return Result(seconds, p.returncode, p.stdout, p.stderr, peak)


def pop_rss(path: str | None) -> int | None:
    """The peak RSS (KiB) GNU time or RSS_WRAPPER wrote to path (its last line); removes the file."""
    if path is None:
        return None
    lines = Path(path).read_text().split()
    os.unlink(path)
    return int(lines[-1]) if lines and lines[-1].isdigit() else None


def clean_env(home: Path) -> dict:
    """An environment that does not depend on this machine: own HOME, fixed authors, no config.

    Built from scratch, so PYTHON* variables of the caller (PYTHONDONTWRITEBYTECODE) do not
    reach vcs: it runs from cached bytecode, as an installed program does.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
        "USER": "bench", "LOGNAME": "bench", "LANG": "C", "LC_ALL": "C", "TZ": "UTC",
        "EDITOR": "true", "VISUAL": "true", "PAGER": "cat", "NO_COLOR": "1",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_PAGER": "cat",
        "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
        "HGUSER": "Bench <bench@example.com>", "HGRCPATH": "", "HGPLAIN": "1",
        "FOSSIL_USER": "bench",
        "VCS_AUTHOR_NAME": "Bench", "VCS_AUTHOR_EMAIL": "bench@example.com",
    }
    if "TMPDIR" in os.environ:
        env["TMPDIR"] = os.environ["TMPDIR"]
    return env


def store_size(paths: list[Path]) -> dict:
    """Apparent bytes and allocated bytes (st_blocks * 512, what `du` counts) under paths."""
    apparent = allocated = files = 0
    for top in paths:
        walk = [(str(top.parent), [], [top.name])] if top.is_file() else os.walk(top)
        for folder, _dirs, names in walk:
            for name in names:
                st = os.lstat(os.path.join(folder, name))
                apparent += st.st_size
                allocated += st.st_blocks * 512
                files += 1
    return {"bytes": apparent, "du": allocated, "files": files}


def first_line(argv: list[str]) -> str:
    try:
        p = subprocess.run(argv, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"? ({e.__class__.__name__})"
    lines = (p.stdout or p.stderr).decode("utf-8", "replace").strip().splitlines()
    return lines[0].strip() if lines else "?"


class Tool:
    """One repository of one tool in its own folder `work`."""

    name = "?"
    exe = "?"
    version_argv: list[str] = []
    commits_trees = True  # False: the tool versions files one by one (RCS)

    def __init__(self, work: Path, env: dict, timeout: float):
        self.work, self.env, self.timeout = work, env, timeout
        self.commits = 0

    @classmethod
    def available(cls) -> bool:
        return shutil.which(cls.exe) is not None

    @classmethod
    def version(cls) -> str:
        return first_line(cls.version_argv)

    def run(self, argv: list[str], ok=(0,), measure_rss: bool = False) -> Result:
        return run(argv, self.work, self.env, ok, self.timeout, measure_rss)

    # --- what the user types ------------------------------------------------------------
    def init_argvs(self) -> list[list[str]]:
        raise NotImplementedError

    def commit_argvs(self, message: str, paths: list[str]) -> list[list[str]]:
        """The commands of one commit that also adds new files (`commit -A`)."""
        raise NotImplementedError

    def rev(self, k: int) -> str:
        """The tool's name for revision k (0 = the first commit)."""
        return str(k)

    def cat_argv(self, k: int, path: str) -> list[str]:
        raise NotImplementedError

    def diff_argv(self, a: int, b: int) -> list[str]:
        raise NotImplementedError

    diff_ok = (0, 1)

    def status_argv(self) -> list[str]:
        raise NotImplementedError

    def checkout_argv(self, k: int) -> list[str]:
        raise NotImplementedError

    def store_paths(self) -> list[Path]:
        raise NotImplementedError

    # --- driving it ---------------------------------------------------------------------
    def init(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        for argv in self.init_argvs():
            self.run(argv)

    def commit(self, message: str, paths: list[str], measure_rss: bool = False) -> Result:
        """Run one commit's commands; the result's time is their sum, its RSS their maximum."""
        results = [self.run(argv, measure_rss=measure_rss) for argv in self.commit_argvs(message, paths)]
        self.committed(results)
        self.commits += 1
        rss = [r.peak_rss_kib for r in results if r.peak_rss_kib is not None]
        return Result(sum(r.seconds for r in results), 0, results[-1].stdout, results[-1].stderr,
                      max(rss) if rss else None)

    def committed(self, results: list[Result]) -> None:
        """Learn what the tool needs from a commit's output (fossil: the new hash)."""

    def store(self) -> dict:
        return store_size(self.store_paths())


class Git(Tool):
    name, exe = "git", "git"
    version_argv = ["git", "--version"]

    def __init__(self, work, env, timeout):
        super().__init__(work, env, timeout)
        self.hashes: list[str] = []

    def init_argvs(self):
        return [["git", "init", "-q"]]

    def commit_argvs(self, message, paths):
        return [["git", "add", "-A"], ["git", "commit", "-q", "-m", message]]

    def rev(self, k):
        if k >= len(self.hashes):  # asked after more commits: list them again (untimed)
            out = self.run(["git", "rev-list", "--reverse", "HEAD"]).stdout
            self.hashes = out.decode().split()
        if k >= len(self.hashes):
            raise CommandFailed(["git", "rev-list"], f"no revision {k}: git has {len(self.hashes)} commits")
        return self.hashes[k]

    def cat_argv(self, k, path):
        return ["git", "show", f"{self.rev(k)}:{path}"]

    def diff_argv(self, a, b):
        return ["git", "diff", self.rev(a), self.rev(b)]

    def status_argv(self):
        return ["git", "status"]

    def checkout_argv(self, k):
        return ["git", "checkout", "-q", self.rev(k)]

    def store_paths(self):
        return [self.work / ".git"]

    def gc_aggressive(self) -> float:
        return self.run(["git", "gc", "--aggressive", "-q"]).seconds


class Hg(Tool):
    name, exe = "hg", "hg"
    version_argv = ["hg", "--version", "-q"]

    def init_argvs(self):
        return [["hg", "init"]]

    def commit_argvs(self, message, paths):
        return [["hg", "commit", "-A", "-q", "-m", message]]

    def cat_argv(self, k, path):
        return ["hg", "cat", "-r", self.rev(k), path]

    def diff_argv(self, a, b):
        return ["hg", "diff", "-r", self.rev(a), "-r", self.rev(b)]

    def status_argv(self):
        return ["hg", "status"]

    def checkout_argv(self, k):
        return ["hg", "update", "-q", "-r", self.rev(k)]

    def store_paths(self):
        return [self.work / ".hg"]


class Rcs(Tool):
    """RCS keeps one ,v file per working file; `ci -l` checks in and keeps the file locked."""

    name, exe = "rcs", "ci"
    version_argv = ["ci", "--version"]
    commits_trees = False

    def __init__(self, work, env, timeout):
        super().__init__(work, env, timeout)
        self.known: set[str] = set()
        self.paths: list[str] = []

    def init(self):
        super().init()
        (self.work / "RCS").mkdir()

    def init_argvs(self):
        return []

    def commit(self, message, paths, measure_rss=False):
        for path in paths:
            if path not in self.known:  # -kb: no keyword expansion, bytes exact (untimed set-up)
                self.run(["rcs", "-q", "-i", "-kb", "-t-benchmark file", path])
                self.known.add(path)
        self.paths = paths
        return super().commit(message, paths, measure_rss)

    def commit_argvs(self, message, paths):
        return [["ci", "-q", "-l", f"-m{message}", *paths]]

    def rev(self, k):
        return f"1.{k + 1}"

    def cat_argv(self, k, path):
        return ["co", "-q", "-p", f"-r{self.rev(k)}", path]

    def diff_argv(self, a, b):
        return ["rcsdiff", "-q", "-u", f"-r{self.rev(a)}", f"-r{self.rev(b)}", *self.paths]

    def checkout_argv(self, k):
        return ["co", "-q", "-f", f"-r{self.rev(k)}", *self.paths]

    def store_paths(self):
        return [self.work / "RCS"]


class Fossil(Tool):
    """Fossil keeps the repository in one SQLite file next to the working folder."""

    name, exe = "fossil", "fossil"
    version_argv = ["fossil", "version"]

    def __init__(self, work, env, timeout):
        super().__init__(work, env, timeout)
        self.repo = work.parent / f"{work.name}.fossil"
        self.hashes: list[str] = []

    def init_argvs(self):
        return [["fossil", "init", "-A", "bench", str(self.repo)], ["fossil", "open", str(self.repo)]]

    def commit_argvs(self, message, paths):
        commit = ["fossil", "commit", "-m", message, "--no-warnings"]
        return [["fossil", "addremove"], commit] if self.commits == 0 else [commit]

    def committed(self, results):
        found = re.search(rb"New_Version:\s*([0-9a-f]{16,})", results[-1].stdout)
        if not found:
            raise CommandFailed(["fossil", "commit"], "printed no New_Version", results[-1].stdout)
        self.hashes.append(found.group(1).decode())

    def rev(self, k):
        if k >= len(self.hashes):
            raise CommandFailed(["fossil", "commit"], f"no revision {k}: {len(self.hashes)} commits were made")
        return self.hashes[k]

    def cat_argv(self, k, path):
        return ["fossil", "cat", path, "-r", self.rev(k)]

    def diff_argv(self, a, b):
        return ["fossil", "diff", "--from", self.rev(a), "--to", self.rev(b)]

    def status_argv(self):
        return ["fossil", "status"]

    def checkout_argv(self, k):
        return ["fossil", "checkout", "--force", self.rev(k)]

    def store_paths(self):
        return [self.repo]


class Vcs(Tool):
    name, exe = "vcs", "vcs"
    storage: str | None = None  # None: the default policy (auto)
    program = "vcs"  # set by bench.py to the project's .venv/bin/vcs

    @classmethod
    def available(cls):
        return os.access(cls.program, os.X_OK)

    @classmethod
    def version(cls):
        return first_line([cls.program, "--version"])

    def init_argvs(self):
        return [[self.program, "init", *(["--storage", self.storage] if self.storage else [])]]

    def commit_argvs(self, message, paths):
        return [[self.program, "commit", "-A", "-m", message]]

    def cat_argv(self, k, path):
        return [self.program, "cat", self.rev(k), path]

    def diff_argv(self, a, b):
        return [self.program, "diff", self.rev(a), self.rev(b)]

    def status_argv(self):
        return [self.program, "status"]

    def checkout_argv(self, k):
        return [self.program, "checkout", self.rev(k)]

    def store_paths(self):
        return [self.work / ".vcs"]


class VcsDelta(Vcs):
    """vcs with `init --storage delta`: every later version a delta, however long the chain."""

    name = "vcs-delta"
    storage = "delta"


TOOLS: dict[str, type[Tool]] = {"git": Git, "hg": Hg, "rcs": Rcs, "fossil": Fossil, "vcs": Vcs}
