"""Clone and pull of click's history, vcs beside git, in the same run.

    .venv/bin/python tests/benchmarks/bench_sync.py [--reps 3]

The corpus (../shared/corpus/click.bundle: 3,329 commits) becomes a bare git repository
and, through `git fast-export | vcs import`, a vcs repository with the same history.
Then, each command one process as a user runs it:

  clone    `vcs clone SRC DST` against `git clone --no-local SRC.git DST` (local
           paths: both go through their protocol, no hard links), and over ssh
           (tests/dummyssh.py relays and counts the bytes: `vcs clone host:SRC`
           against `git clone ssh://host/SRC.git`): median time, bytes on the wire,
           the clone's store on disk against the source's.
  pull     one new commit (a one-line change to src/click/core.py) pulled into a
           clone over ssh: `vcs pull` against `git pull`, time and bytes each way;
           then ten such commits, to show the bytes grow with the change.

Every clone is checked: vcs's with `vcs verify` and its tree against git's checkout.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "click.bundle"
VCS = [sys.executable, "-m", "vcs"]
DUMMYSSH = f"{sys.executable} {ROOT / 'tests' / 'dummyssh.py'}"


def sh(argv, cwd=None, env=None, stdin=None, stdout=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    r = subprocess.run(argv, cwd=cwd, env={**ENV, **(env or {})}, stdin=stdin, stdout=stdout,
                       stderr=subprocess.PIPE)
    if r.returncode:
        raise SystemExit(f"{argv} failed: {r.stderr.decode()[-2000:]}")
    return r


def timed(argv, cwd=None, env=None) -> float:
    t = time.perf_counter()
    sh(argv, cwd, env)
    return time.perf_counter() - t


def du(path: Path) -> int:
    """Bytes on disk (blocks), as du counts them."""
    total = 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            total += os.lstat(os.path.join(dirpath, n)).st_blocks * 512
    return total


def counted(count: Path) -> tuple[int, int]:
    lines = count.read_text().split("\n")[-2].split()
    count.unlink()
    return int(lines[0]), int(lines[1])


def tree(root: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".vcs", ".git")]
        for n in names:
            p = Path(dirpath) / n
            out[str(p.relative_to(root))] = os.readlink(p).encode() if p.is_symlink() else p.read_bytes()
    return out


def edit(path: Path, i: int) -> None:
    text = path.read_text()
    path.write_text(text.replace('"""', f'"""({i}) ', 1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    opts = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is missing")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    home = tmp / "home"
    home.mkdir()
    global ENV
    ENV = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "VCS_AUTHOR_NAME": "Bench",
           "VCS_AUTHOR_EMAIL": "bench@example.com", "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@e",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@e", "GIT_CONFIG_NOSYSTEM": "1",
           "VCS_SSH": DUMMYSSH, "GIT_SSH_COMMAND": DUMMYSSH,
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    try:
        sh(["git", "clone", "-q", "--bare", str(CORPUS), str(tmp / "src.git")])
        sh(["git", "-C", str(tmp / "src.git"), "gc", "-q"])
        sh(VCS + ["init", str(tmp / "src")])
        export = subprocess.Popen(["git", "-C", str(tmp / "src.git"), "fast-export", "--all", "--reencode=yes"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV)
        t = time.perf_counter()
        sh(VCS + ["import"], cwd=tmp / "src", stdin=export.stdout)
        export.wait()
        print(f"vcs import of the corpus: {time.perf_counter() - t:.1f} s")
        src_store, git_store = du(tmp / "src" / ".vcs"), du(tmp / "src.git")
        rows = []
        vcs_t, git_t = [], []
        for i in range(opts.reps):  # alternated, so load drifts hit both alike
            vcs_t.append(timed(VCS + ["clone", str(tmp / "src"), str(tmp / f"v{i}")]))
            git_t.append(timed(["git", "clone", "-q", "--no-local", str(tmp / "src.git"), str(tmp / f"g{i}")]))
        sh(VCS + ["verify"], cwd=tmp / "v0")
        assert tree(tmp / "v0") == tree(tmp / "g0"), "the clones' trees differ"
        vm, gm = statistics.median(vcs_t), statistics.median(git_t)
        vs, gs = du(tmp / "v0" / ".vcs"), du(tmp / "g0" / ".git")
        rows.append(("clone, local path", f"{vm:.2f} s", f"{gm:.2f} s", f"{vm / gm:.2f}x"))
        rows.append(("clone's store on disk", f"{vs / 1024:.0f} KiB", f"{gs / 1024:.0f} KiB", f"{vs / gs:.2f}x"))
        rows.append(("source's store on disk", f"{src_store / 1024:.0f} KiB", f"{git_store / 1024:.0f} KiB",
                     f"{src_store / git_store:.2f}x"))
        count = tmp / "count"
        env = {"DUMMYSSH_COUNT": str(count)}
        vt = timed(VCS + ["clone", f"localhost:{tmp / 'src'}", str(tmp / "vs")], env=env)
        vup, vdown = counted(count)
        gt = timed(["git", "clone", "-q", f"ssh://localhost{tmp / 'src.git'}", str(tmp / "gs")], env=env)
        gup, gdown = counted(count)
        rows.append(("clone over ssh", f"{vt:.2f} s", f"{gt:.2f} s", f"{vt / gt:.2f}x"))
        rows.append(("  bytes received", f"{vdown:,}", f"{gdown:,}", f"{vdown / gdown:.2f}x"))
        rows.append(("  bytes sent", f"{vup:,}", f"{gup:,}", ""))
        # One new commit upstream, then ten.
        sh(["git", "clone", "-q", str(tmp / "src.git"), str(tmp / "gwork")])
        for n, label in ((1, "pull of 1 commit"), (10, "pull of 10 commits")):
            for i in range(n):
                edit(tmp / "src" / "src" / "click" / "core.py", i + n)
                sh(VCS + ["commit", "-m", f"edit {i}"], cwd=tmp / "src")
                edit(tmp / "gwork" / "src" / "click" / "core.py", i + n)
                sh(["git", "commit", "-qam", f"edit {i}"], cwd=tmp / "gwork")
            sh(["git", "push", "-q", "origin", "main"], cwd=tmp / "gwork")
            vt = timed(VCS + ["pull"], cwd=tmp / "vs", env=env)
            vup, vdown = counted(count)
            gt = timed(["git", "pull", "-q", "--ff-only"], cwd=tmp / "gs", env=env)
            gup, gdown = counted(count)
            assert tree(tmp / "vs") == tree(tmp / "gs"), "the pulled trees differ"
            rows.append((label, f"{vt:.2f} s", f"{gt:.2f} s", f"{vt / gt:.2f}x"))
            rows.append(("  bytes received", f"{vdown:,}", f"{gdown:,}", f"{vdown / gdown:.2f}x"))
            rows.append(("  bytes sent", f"{vup:,}", f"{gup:,}", f"{vup / gup:.2f}x"))
        sh(VCS + ["verify"], cwd=tmp / "vs")
        width = max(len(r[0]) for r in rows)
        print(f"{'':{width}}  {'vcs':>12}  {'git':>12}  vcs/git")
        for r in rows:
            print(f"{r[0]:{width}}  {r[1]:>12}  {r[2]:>12}  {r[3]}")
        print(f"(median of {opts.reps} local clones each; one run of the rest)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


ENV: dict = {}

if __name__ == "__main__":
    sys.exit(main())
