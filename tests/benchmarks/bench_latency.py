"""The latency case: the everyday commands a user waits for, vcs beside git and Mercurial.

Two repositories per tool, made before anything is timed:

  tree    2,000 small files in 100 folders and 50 revisions: the first adds every file,
          the next 48 change 20 files each, the last appends a line to every file (so a
          checkout between the first and the last rewrites all 2,000);
  click   click's whole history (../shared/corpus/click.bundle, 3,329 commits, 1,183
          merges): git clones the bundle, vcs reads `git fast-export --all` with
          `vcs import`, Mercurial converts the clone (`hg convert`).

Each command is one process, timed with perf_counter; the tools take turns run by run
(vcs, git, hg, vcs, ...), so the load of this shared machine falls on all of them
alike; each figure is the median of `reps` runs (7 unless told). `log -p` and
`log --stat` are timed to their first screen (the first 50 lines read from the pipe,
as a pager or `| head` sees them) and to the process's exit after the pipe is closed.
`cat` prints one file at an old revision, checked byte for byte against git's.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from bench_report import failed, ms, ratio, table
from bench_tools import CommandFailed, Tool, run
from bench_workloads import digest, tree_files

SCREEN = 50  # lines of a first screen
TREE_FILES, TREE_REVS, TREE_EDITS = 2000, 50, 20
BASE_MTIME = 1_600_000_000


def write(path: Path, data: bytes, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def first_screen(argv: list[str], cwd: Path, env: dict, timeout: float) -> tuple[float, float]:
    """Seconds to the first SCREEN lines on a pipe, and to the exit once the pipe is closed."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    lines = 0
    try:
        while lines < SCREEN:
            line = p.stdout.readline()
            if not line:
                break
            lines += 1
        screen = time.perf_counter() - start
        if lines == 0:
            p.wait(timeout)
            raise CommandFailed(argv, f"printed nothing (exit code {p.returncode})")
        p.stdout.close()
        p.wait(timeout)
        return screen, time.perf_counter() - start
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise CommandFailed(argv, f"timed out after {timeout:g} s") from None


class Peer:
    """One tool's repository for the latency case and the commands it runs there."""

    def __init__(self, name: str, program: str, work: Path, env: dict, timeout: float):
        self.name, self.program, self.work, self.env, self.timeout = name, program, work, env, timeout

    def run(self, argv, ok=(0,)):
        return run(argv, self.work, self.env, ok, self.timeout)

    def rev(self, spec: str) -> str:
        """A revision written git's way (HEAD~3, HEAD^2, main) in this tool's words."""
        return spec.replace("HEAD", ".") if self.name == "hg" else spec

    def argv(self, command: str, arg: str = "") -> list[str]:
        v, name = self.program, self.name
        table_ = {
            "status": {"vcs": [v, "status"], "git": ["git", "status"], "hg": ["hg", "status"]},
            "diff": {"vcs": [v, "diff"], "git": ["git", "diff"], "hg": ["hg", "diff"]},
            "log20": {"vcs": [v, "log", "-n", "20"], "git": ["git", "log", "-n", "20"],
                      "hg": ["hg", "log", "-l", "20"]},
            "logp": {"vcs": [v, "log", "-p"], "git": ["git", "log", "-p"], "hg": ["hg", "log", "-p"]},
            "logstat": {"vcs": [v, "log", "--stat"], "git": ["git", "log", "--stat"],
                        "hg": ["hg", "log", "--stat"]},
            "show": {"vcs": [v, "show", arg], "git": ["git", "show", arg], "hg": ["hg", "log", "-p", "-r", arg]},
            "commit": {"vcs": [v, "commit", "-m", "one file", arg], "git": ["git", "commit", "-q", "-m", "one file", arg],
                       "hg": ["hg", "commit", "-m", "one file", arg]},
            "checkout": {"vcs": [v, "checkout", arg], "git": ["git", "checkout", "-q", arg],
                         "hg": ["hg", "update", "-q", "-r", arg]},
            "restore": {"vcs": [v, "restore", "."], "git": ["git", "restore", "."],
                        "hg": ["hg", "revert", "-q", "-a", "--no-backup"]},
        }
        return table_[command][name]

    def cat_argv(self, rev: str, path: str) -> list[str]:
        return {"vcs": [self.program, "cat", rev, path], "git": ["git", "show", f"{rev}:{path}"],
                "hg": ["hg", "cat", "-r", rev, path]}[self.name]


def tree_repos(peers: list[Peer], progress: Callable[[str], None]) -> None:
    """2,000 files, 50 revisions; the branch `other` at revision 25; `main` checked out."""
    files = tree_files(TREE_FILES)
    paths = sorted(files)
    for peer in peers:
        progress(f"latency: {peer.name}: {TREE_FILES} files, {TREE_REVS} revisions")
        init = {"vcs": [[peer.program, "init"]], "git": [["git", "init", "-q", "-b", "main"]], "hg": [["hg", "init"]]}
        peer.work.mkdir(parents=True)
        for argv in init[peer.name]:
            peer.run(argv)
        current = dict(files)
        for k in range(TREE_REVS):
            if k == 0:
                changed = paths
            elif k == TREE_REVS - 1:
                changed = paths
            else:
                changed = [paths[(k * 7919 + j * 104_729) % len(paths)] for j in range(TREE_EDITS)]
            for path in changed:
                if k:
                    current[path] += f"# revision {k}\n".encode()
                write(peer.work / path, current[path], BASE_MTIME + 2 * k)
            commit = {"vcs": [[peer.program, "commit", "-A", "-m", f"revision {k}"]],
                      "git": [["git", "add", "-A"], ["git", "commit", "-q", "-m", f"revision {k}"]],
                      "hg": [["hg", "commit", "-A", "-q", "-m", f"revision {k}"]]}
            for argv in commit[peer.name]:
                peer.run(argv)
        branch = {"vcs": [[peer.program, "branch", "other", "HEAD~24"]],
                  "git": [["git", "branch", "other", "HEAD~24"]],
                  "hg": [["hg", "bookmark", "-r", ".~24", "other"], ["hg", "bookmark", "main"]]}
        for argv in branch[peer.name]:
            peer.run(argv)


def click_repos(peers: list[Peer], bundle: Path, scratch: Path, progress: Callable[[str], None]) -> None:
    """click's history in each tool; the branch `other` 50 first-parent commits back."""
    clone = scratch / "click-clone"
    env = peers[0].env
    if not clone.exists():
        run(["git", "clone", "-q", str(bundle), str(clone)], scratch, env)
    for peer in peers:
        progress(f"latency: {peer.name}: click's history")
        if peer.name == "git":
            run(["git", "clone", "-q", str(bundle), str(peer.work)], scratch, peer.env)
        elif peer.name == "vcs":
            peer.work.mkdir(parents=True)
            peer.run([peer.program, "init"])
            stream = subprocess.run(["git", "-C", str(clone), "fast-export", "--all"], capture_output=True,
                                    check=True, env=env).stdout
            p = subprocess.run([peer.program, "import"], input=stream, cwd=peer.work, env=peer.env,
                               capture_output=True, timeout=peer.timeout)
            if p.returncode:
                raise CommandFailed([peer.program, "import"], f"exit code {p.returncode}", p.stderr)
        else:
            run(["hg", "--config", "extensions.convert=", "convert", "-q", str(clone), str(peer.work)],
                scratch, peer.env, timeout=peer.timeout)
            peer.run(["hg", "update", "-q", "main"])
        branch = {"vcs": [peer.program, "branch", "other", "HEAD~50"], "git": ["git", "branch", "other", "HEAD~50"],
                  "hg": ["hg", "bookmark", "-i", "-r", ".~50", "other"]}
        peer.run(branch[peer.name])


def tracked(peer: Peer) -> list[str]:
    """The tracked files of the working tree (git's list; the trees are the same in every tool)."""
    return subprocess.run(["git", "ls-files"], cwd=peer.work, capture_output=True, check=True,
                          env=peer.env).stdout.decode().split("\n")[:-1]


def timed(peers: list[Peer], reps: int, each: Callable[[Peer, int], float]) -> dict[str, object]:
    """Median ms of `each(peer, i)` over reps runs per peer, the peers taking turns."""
    times: dict[str, list[float]] = {p.name: [] for p in peers}
    errors: dict[str, dict] = {}
    for i in range(reps):
        for peer in peers:
            if peer.name in errors:
                continue
            try:
                times[peer.name].append(each(peer, i))
            except CommandFailed as e:
                errors[peer.name] = e.as_json()
    return {name: errors.get(name) or round(statistics.median(t) * 1000, 2) for name, t in times.items()}


def measure(peers: list[Peer], spec: dict, reps: int, progress: Callable[[str], None]) -> dict[str, dict]:
    """Every command of the latency table on one set of repositories (spec: the revisions and paths)."""
    rows: dict[str, dict] = {}
    files = tracked(next(p for p in peers if p.name == "git"))
    one = spec["one_file"]
    mtime = [BASE_MTIME + 1_000_000]

    def touch(peer: Peer, path: str, text: bytes) -> None:
        mtime[0] += 2
        target = peer.work / path
        write(target, target.read_bytes() + text, mtime[0])

    def plain(command, arg=""):
        return lambda peer, i: peer.run(peer.argv(command, arg), ok=(0, 1)).seconds

    progress("latency: status, diff, log, cat, show")
    for peer in peers:
        touch(peer, one, b"# one change\n")
    rows["status (one file changed)"] = timed(peers, reps, plain("status"))
    rows["diff (one file changed)"] = timed(peers, reps, plain("diff"))
    rows["log -n 20"] = timed(peers, reps, plain("log20"))
    for key, label in (("logp", "log -p"), ("logstat", "log --stat")):
        screens: dict[str, list[float]] = {}

        def screen(peer, i, key=key):
            first, total = first_screen(peer.argv(key), peer.work, peer.env, peer.timeout)
            screens.setdefault(peer.name, []).append(total)
            return first
        rows[f"{label}, first screen"] = timed(peers, reps, screen)
        rows[f"{label} | head -{SCREEN}, to exit"] = {
            name: round(statistics.median(t) * 1000, 2) for name, t in screens.items()}
    rev, path = spec["cat"]
    expect = digest(subprocess.run(["git", "show", f"{rev}:{path}"], cwd=next(p for p in peers if p.name == "git").work,
                                   capture_output=True, check=True).stdout)

    def cat(peer, i):
        result = peer.run(peer.cat_argv(peer.rev(rev), path))
        if digest(result.stdout) != expect:
            raise CommandFailed(peer.cat_argv(rev, path), f"printed {len(result.stdout)} bytes other than git's")
        return result.seconds
    rows[f"cat {path} at {rev}"] = timed(peers, reps, cat)
    rows[f"show {spec['show']}"] = timed(peers, reps, lambda peer, i: peer.run(
        peer.argv("show", peer.rev(spec["show"]))).seconds)

    progress("latency: checkout, branch switch, restore")
    for peer in peers:
        peer.run(peer.argv("restore"))
    old = spec["checkout"]
    changed = subprocess.run(["git", "diff", "--name-only", old, "HEAD"], capture_output=True, check=True,
                             cwd=next(p for p in peers if p.name == "git").work).stdout.count(b"\n")

    def there_and_back(target):
        def go(peer, i):
            away = peer.run(peer.argv("checkout", peer.rev(target))).seconds
            back = peer.run(peer.argv("checkout", "main")).seconds
            return (away + back) / 2
        return go
    rows[f"checkout {old} and back ({changed} files differ)"] = timed(peers, reps, there_and_back(old))
    switched = subprocess.run(["git", "diff", "--name-only", "other", "main"], capture_output=True, check=True,
                              cwd=next(p for p in peers if p.name == "git").work).stdout.count(b"\n")
    rows[f"branch switch to other and back ({switched} files differ)"] = timed(peers, reps, there_and_back("other"))

    def restore(peer, i):
        for path in files:
            touch(peer, path, b"# edited\n")
        return peer.run(peer.argv("restore")).seconds
    rows[f"restore . ({len(files)} files changed)"] = timed(peers, reps, restore)

    progress("latency: one-file commits")

    def commit(peer, i):
        touch(peer, one, f"# commit {i}\n".encode())
        return peer.run(peer.argv("commit", one)).seconds
    rows["commit of one file"] = timed(peers, reps, commit)
    return rows


def latency_table(rows: dict[str, dict], names: list[str]) -> str:
    body = []
    for label, row in rows.items():
        ours = row.get("vcs")
        cells = [label, ms(ours)]
        for name in names[1:]:
            r = ratio(ours, row.get(name))
            cells.append(f"{ms(row.get(name))} ({r:.1f}x)" if r is not None else ms(row.get(name)))
        body.append(cells)
    return table(["command", *names], body)


def errors(rows: dict[str, dict]) -> str:
    notes = [f"- {label}: {name}: {value['error']}" for label, row in rows.items()
             for name, value in row.items() if failed(value)]
    return "\nErrors:\n\n" + "\n".join(notes) + "\n" if notes else ""


def latency(scratch: Path, programs: dict[str, str], env_for: Callable[[Path], dict], bundle: Path,
            reps: int, timeout: float, progress: Callable[[str], None]) -> tuple[dict, str]:
    """The whole case: both sets of repositories, every command; the results and their Markdown."""
    names = [n for n in ("vcs", "git", "hg") if n in programs]
    results, text = {}, []
    sets = [("tree", f"{TREE_FILES} files, {TREE_REVS} revisions",
             {"one_file": "pkg007/mod0003.py", "cat": ("HEAD~45", "pkg003/mod0011.py"), "show": "HEAD",
              "checkout": "HEAD~49"})]
    if bundle.exists():
        sets.append(("click", "click's history (3,329 commits, 1,183 merges)",
                     {"one_file": "src/click/core.py", "cat": ("HEAD~1000", "click/core.py"), "show": "HEAD^2",
                      "checkout": "HEAD~1000"}))
    else:
        text.append(f"click: skipped, {bundle} is missing.\n")
    for label, title, spec in sets:
        folder = scratch / f"latency-{label}"
        peers = []
        for name in names:
            home = folder / f"home-{name}"
            home.mkdir(parents=True)
            peers.append(Peer(name, programs[name], folder / name, env_for(home), timeout))
        try:
            if label == "tree":
                tree_repos(peers, progress)
            else:
                click_repos(peers, bundle, folder, progress)
            rows = measure(peers, spec, reps, progress)
        except CommandFailed as e:
            results[label] = e.as_json()
            text.append(f"### {title}\n\nerror while setting up or measuring: {e}\n")
            continue
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        results[label] = {"title": title, "spec": spec, "rows": rows}
        text.append(f"### {title}\n\nMedian ms of {reps} runs; in parentheses vcs / peer.\n\n"
                    + latency_table(rows, names) + "\n" + errors(rows))
    return results, "\n".join(text)
