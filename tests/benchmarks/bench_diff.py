"""Benchmark of the diff engine against git (not part of the test suite).

    python tests/benchmarks/bench_diff.py [--click PATH_TO_BARE_CLICK_REPO]

Prints, for each case, our time (split_lines + diff + unified formatting, in process)
and `git diff --no-index --histogram`'s whole-process time, best of a few alternating
runs, their ratio, and whether the hunks are identical; then, on the history of click's
src/click/core.py, the total size of our unified diffs of consecutive versions against
git's. The "(extra)" cases are inputs where git's own histogram diff is slow or where
we trade diff size for bounded time. Comparisons are skipped when git is missing.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from vcs.diff import delta
from vcs.diff import patch  # noqa: E402

RUNS = 7
CLICK_BUNDLE = Path("/work/shared/corpus/click.bundle")
# git without the user's or the system's configuration (diff.algorithm and the like).
GIT_ENV = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)


def ours(a: bytes, b: bytes) -> bytes:
    al, bl = delta.split_lines(a), delta.split_lines(b)
    return patch.format_hunks(al, bl, delta.diff(al, bl))


def best_time(fn, runs: int = RUNS) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def git_hunks(git: str, folder: Path, a: bytes, b: bytes) -> bytes:
    (folder / "a").write_bytes(a)
    (folder / "b").write_bytes(b)
    out = subprocess.run([git, "diff", "--no-index", "--histogram", "a", "b"],
                         cwd=folder, capture_output=True, env=GIT_ENV).stdout
    at = out.find(b"\n@@")
    return out[at + 1:] if at >= 0 else b""


def make_cases() -> list[tuple[str, tuple[bytes, bytes], int]]:
    rng = random.Random(2024)
    text = [f"line {i}: {rng.random():.8f} some text\n" for i in range(100_000)]
    edited = list(text)
    for _ in range(100):
        k = rng.randrange(len(edited))
        kind = rng.randrange(3)
        if kind == 0:
            edited[k] = "changed " + edited[k]
        elif kind == 1:
            edited.insert(k, f"inserted {rng.random()}\n")
        else:
            del edited[k]
    unrelated = [f"other {i}: {rng.random():.8f}\n" for i in range(100_000)]
    words = ["alpha\n", "beta\n", "gamma\n", "delta\n", "}\n"]
    repetitive = [rng.choice(words) for _ in range(100_000)]
    repetitive_edited = list(repetitive)
    for _ in range(100):
        k = rng.randrange(len(repetitive_edited))
        kind = rng.randrange(3)
        if kind == 0:
            repetitive_edited[k] = rng.choice(words)
        elif kind == 1:
            repetitive_edited.insert(k, rng.choice(words))
        else:
            del repetitive_edited[k]

    def enc(lines: list[str]) -> bytes:
        return "".join(lines).encode()

    # Beyond the targets: inputs where git's histogram diff is itself slow.
    alternate_old = [f"keep {i}\n" if i % 2 else f"old {i}\n" for i in range(40_000)]
    alternate_new = [f"keep {i}\n" if i % 2 else f"new {i}\n" for i in range(40_000)]
    other_repetitive = [rng.choice(words) for _ in range(100_000)]
    return [
        ("100k lines, 100 scattered edits", (enc(text), enc(edited)), RUNS),
        ("100k lines vs unrelated 100k lines", (enc(text), enc(unrelated)), RUNS),
        ("100k lines of 5 distinct, 100 edits", (enc(repetitive), enc(repetitive_edited)), RUNS),
        ("(extra) 40k lines, every other changed", (enc(alternate_old), enc(alternate_new)), 1),
        ("(extra) 100k of 5 distinct, unrelated", (enc(repetitive), enc(other_repetitive)), 1),
    ]


def click_history(git: str, bare: Path) -> list[bytes]:
    g = [git, "--git-dir", str(bare)]
    out = subprocess.run(g + ["log", "--follow", "--name-only", "--format=%H", "--",
                              "src/click/core.py"], capture_output=True, check=True,
                         env=GIT_ENV).stdout
    words = out.decode().split()
    history = list(zip(words[0::2], words[1::2]))[::-1]  # oldest first, with each path
    return [subprocess.run(g + ["show", f"{h}:{p}"], capture_output=True, check=True,
                           env=GIT_ENV).stdout
            for h, p in history]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--click", type=Path, help="a bare clone of click (made if absent)")
    args = parser.parse_args()
    git = shutil.which("git")
    if git is None:
        print("git not found: comparisons skipped")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, (a, b), runs in make_cases():
            line = f"{name:40s}"
            if git:
                (folder / "a").write_bytes(a)
                (folder / "b").write_bytes(b)
                command = [git, "diff", "--no-index", "--histogram", "a", "b"]
                # Alternate the two so that noise on a shared machine hits both alike.
                t_ours = t_git = float("inf")
                for _ in range(runs):
                    t_ours = min(t_ours, best_time(lambda: ours(a, b), 1))
                    t_git = min(t_git, best_time(lambda: subprocess.run(
                        command, cwd=folder, stdout=subprocess.DEVNULL, env=GIT_ENV), 1))
                mine, theirs = ours(a, b), git_hunks(git, folder, a, b)
                same = "identical" if mine == theirs else (
                    f"{len(mine)} vs {len(theirs)} bytes")
                line += (f" ours {t_ours * 1000:7.1f} ms   git {t_git * 1000:7.1f} ms"
                         f"   ratio {t_ours / t_git:4.2f}   output {same}")
            else:
                line += f" ours {best_time(lambda: ours(a, b), runs) * 1000:7.1f} ms"
            print(line, flush=True)

        if not git:
            return 0
        bare = args.click
        if bare is None:
            if not CLICK_BUNDLE.exists():
                print("click corpus not found: history comparison skipped")
                return 0
            bare = folder / "click.git"
            subprocess.run([git, "clone", "-q", "--bare", str(CLICK_BUNDLE), str(bare)],
                           check=True, env=GIT_ENV)
        versions = click_history(git, bare)
        ours_size = git_size = identical = 0
        t_ours = 0.0
        for a, b in zip(versions, versions[1:]):
            start = time.perf_counter()
            mine = ours(a, b)
            t_ours += time.perf_counter() - start
            theirs = git_hunks(git, folder, a, b)
            ours_size += len(mine)
            git_size += len(theirs)
            identical += mine == theirs
        pairs = len(versions) - 1
        print(f"click core.py, {pairs} consecutive pairs: ours {ours_size} bytes, "
              f"git {git_size} bytes, ratio {ours_size / git_size:.4f}, "
              f"{identical}/{pairs} identical, ours {t_ours / pairs * 1000:.2f} ms per pair")
    return 0


if __name__ == "__main__":
    sys.exit(main())
