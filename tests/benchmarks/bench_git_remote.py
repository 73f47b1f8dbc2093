"""vcs's git transport beside git itself, in the same run (about a minute):

- a clone of the click history (../shared/corpus/click.bundle, made a bare repository
  here) by `vcs clone` (through the git mirror) and by `git clone --no-local`: time,
  and bytes on disk (du: allocated blocks) of the whole clone, and of vcs's store alone;
- a pull of one new commit into each clone: `vcs pull` beside `git pull` and `git fetch`.

Runs alternate vcs and git, ROUNDS times; medians are printed with the ratio.

    .venv/bin/python tests/benchmarks/bench_git_remote.py [--rounds N]
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
BUNDLE = ROOT.parent / "shared" / "corpus" / "click.bundle"
VCS = [sys.executable, "-m", "vcs"]
ENV = {**os.environ, "GIT_AUTHOR_NAME": "B", "GIT_AUTHOR_EMAIL": "b@example.com", "GIT_COMMITTER_NAME": "B",
       "GIT_COMMITTER_EMAIL": "b@example.com", "VCS_AUTHOR_NAME": "B", "VCS_AUTHOR_EMAIL": "b@example.com"}


def sh(argv, cwd=None) -> float:
    t = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True)
    if p.returncode:
        raise SystemExit(f"{argv} failed: {p.stderr.decode()}")
    return time.perf_counter() - t


def du(path: Path) -> int:
    """Bytes allocated on disk (du -s, in 1 KiB blocks)."""
    return int(subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True).stdout.split()[0]) * 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not BUNDLE.exists():
        raise SystemExit(f"{BUNDLE} is missing")
    tmp = Path(tempfile.mkdtemp(prefix="bench-git-remote"))
    try:
        bare = tmp / "click.git"
        sh(["git", "clone", "-q", "--bare", str(BUNDLE), str(bare)])
        work = tmp / "pusher"
        sh(["git", "clone", "-q", str(bare), str(work)])
        commits = subprocess.run(["git", "rev-list", "--count", "--all"], cwd=bare, capture_output=True,
                                 text=True).stdout.strip()
        times = {"vcs clone": [], "git clone --no-local": [], "vcs pull": [], "git pull": [], "git fetch": []}
        sizes = {}
        for n in range(args.rounds):
            v, g, f = tmp / f"v{n}", tmp / f"g{n}", tmp / f"f{n}"
            times["vcs clone"].append(sh([*VCS, "clone", str(bare), str(v)]))
            times["git clone --no-local"].append(sh(["git", "clone", "-q", "--no-local", str(bare), str(g)]))
            sh(["git", "clone", "-q", "--no-local", str(bare), str(f)])
            sizes = {"vcs clone": du(v), "vcs store (.vcs less the mirror)": du(v / ".vcs") -
                     du(v / ".vcs" / "git"), "vcs's git mirror": du(v / ".vcs" / "git"), "git clone": du(g),
                     "git clone's .git": du(g / ".git"), "the bare source": du(bare)}
            # one new commit upstream, then each side takes it
            (work / "BENCH.txt").write_text(f"round {n}\n")
            sh(["git", "add", "BENCH.txt"], cwd=work)
            sh(["git", "commit", "-qm", f"round {n}"], cwd=work)
            sh(["git", "push", "-q", "origin", "HEAD:main"], cwd=work)
            times["vcs pull"].append(sh([*VCS, "pull"], cwd=v))
            times["git pull"].append(sh(["git", "pull", "-q", "--ff-only"], cwd=g))
            times["git fetch"].append(sh(["git", "fetch", "-q"], cwd=f))
            for d in (v, g, f):
                shutil.rmtree(d)
        med = {k: statistics.median(x) for k, x in times.items()}
        print(f"click: {commits} commits; {args.rounds} rounds, medians")
        print(f"clone: vcs {med['vcs clone']:.2f} s, git clone --no-local {med['git clone --no-local']:.2f} s "
              f"({med['vcs clone'] / med['git clone --no-local']:.1f}x)")
        print(f"pull of one commit: vcs {med['vcs pull'] * 1000:.0f} ms, git pull {med['git pull'] * 1000:.0f} ms "
              f"({med['vcs pull'] / med['git pull']:.1f}x), git fetch {med['git fetch'] * 1000:.0f} ms "
              f"({med['vcs pull'] / med['git fetch']:.1f}x)")
        for k, b in sizes.items():
            print(f"  {k}: {b / 2**20:.1f} MiB")
        store, dotgit = sizes["vcs store (.vcs less the mirror)"], sizes["git clone's .git"]
        print(f"vcs clone / git clone on disk: {sizes['vcs clone'] / sizes['git clone']:.2f}x; "
              f"vcs store alone / git's .git: {store / dotgit:.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
