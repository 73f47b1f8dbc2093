"""vcs annotate against git blame on click's history: the same commit for each line, and the time.

The history of ../shared/corpus/click.bundle goes into a new vcs repository through
`git fast-export --all -M -C | vcs import` (renames and copies as the stream's R and C
commands); a revision is matched with its git commit through the stream's marks. Then,
for src/click/core.py and the 5 largest text files, at the last commit of main and at 3
older ones on its first-parent line, `vcs annotate --first-parent --json` and `git blame
--first-parent --diff-algorithm=histogram --porcelain` run one after the other, each as
a process (best of --repeat), and every line's commit is compared. A line where they
differ is put in a kind:

    older      git names an older commit than vcs: git found the line unchanged where
               vcs's diff saw it rewritten (a different alignment of the same change)
    newer      the reverse
    renamed    of those, where git's commit had the file under another path

git 2.39 (the one installed here) parses blame's --diff-algorithm and ignores it: blame
with myers, histogram, patience and minimal gives the very same output on core.py (this
script checks that and says so). Its blame is Myers' diff after the common prefix and
suffix, so vcs's annotate diffs the same way (vcs.diff.linediff.blame_diff).

Then the growth: core.py (under whichever path it had) at first-parent commits with about
100, 300, 1,000 and all 3,329 revisions of history before them.

    .venv/bin/python tests/benchmarks/bench_annotate.py [--repeat 3] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
SHARED = Path(os.environ.get("VCS_SHARED", HERE.parents[3] / "shared"))
BUNDLE = SHARED / "corpus" / "click.bundle"
CORE = "src/click/core.py"
OLD_NAMES = (CORE, "click/core.py", "click.py")


def git(gd, *args, binary=False) -> str | bytes:
    where = [] if gd is None else ["--git-dir", str(gd)]
    out = subprocess.run(["git", *where, *args], check=True, capture_output=True).stdout
    return out if binary else out.decode()


def vcs_cmd(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=repo, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def stream_commit_marks(stream: bytes) -> list[int]:
    """The marks of the stream's commits, in stream order (= vcs's revision numbers)."""
    marks, at, pending = [], 0, False
    while at < len(stream):
        end = stream.find(b"\n", at)
        end = len(stream) if end < 0 else end
        line = stream[at:end]
        at = end + 1
        if line.startswith(b"data "):
            at += int(line[5:])
        elif line.startswith(b"commit "):
            pending = True
        elif pending and line.startswith(b"mark :"):
            marks.append(int(line[6:]))
            pending = False
    return marks


def timed(fn, repeat: int):
    best, result = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best, result


def git_blame(gd, sha: str, path: str) -> list[tuple[str, str]]:
    """(commit, the path it had there) for each line, from --porcelain."""
    out = git(gd, "blame", "--first-parent", "--diff-algorithm=histogram", "--porcelain", sha, "--", path,
              binary=True)
    lines, names, cur = [], {}, None
    for line in out.split(b"\n"):
        if not line:
            continue
        if line.startswith(b"\t"):
            lines.append((cur, names.get(cur, path)))
            continue
        word = line.split(b" ", 1)
        if len(word[0]) == 40 and all(c in b"0123456789abcdef" for c in word[0]):
            cur = word[0].decode()
        elif word[0] == b"filename":
            names[cur] = word[1].decode("utf-8", "replace")
    return lines


def vcs_annotate(repo: Path, rev: int, path: str) -> list[int]:
    r = vcs_cmd(repo, "annotate", "--first-parent", "--json", "-r", str(rev), path)
    if r.returncode:
        raise SystemExit(f"vcs annotate -r {rev} {path}: {r.stderr.decode()}")
    return [json.loads(x)["revision"] for x in r.stdout.splitlines()]


def in_process(repo: Path, rev: int, path: str) -> list[int]:
    """The annotate itself, without starting Python: a fresh Repository each time."""
    sys.path.insert(0, str(ROOT))
    from vcs.repo.origins import origins_at
    from vcs.repo.repository import Repository
    return origins_at(Repository(bytes(repo)), rev, path.encode(), first_parent=True)[1]


def compare(gd, repo, rev_of, sha_of, sha, path, repeat):
    g_time, g = timed(lambda: git_blame(gd, sha, path), repeat)
    v_time, v = timed(lambda: vcs_annotate(repo, rev_of[sha], path), repeat)
    i_time, inner = timed(lambda: in_process(repo, rev_of[sha], path), repeat)
    assert inner == v
    assert len(g) == len(v), (path, sha, len(g), len(v))
    kinds = {"same": 0, "older": 0, "newer": 0, "renamed": 0}
    for (gsha, gpath), vrev in zip(g, v):
        if sha_of[vrev] == gsha:
            kinds["same"] += 1
            continue
        kinds["older" if rev_of[gsha] < vrev else "newer"] += 1
        kinds["renamed"] += gpath != path
    return {"path": path, "rev": rev_of[sha], "lines": len(g), **kinds,
            "agree": round(kinds["same"] / max(1, len(g)), 4), "git_s": round(g_time, 3), "vcs_s": round(v_time, 3),
            "vcs_inner_s": round(i_time, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-renames", action="store_true", help="export without -M -C")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gd = tmp / "click.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(gd)], check=True)
        flags = [] if args.no_renames else ["-M", "-C"]
        stream = git(gd, "fast-export", "--all", *flags, f"--export-marks={tmp / 'marks'}", binary=True)
        sha_by_mark = dict((int(m[1:]), s) for m, s in
                           (x.split() for x in (tmp / "marks").read_text().splitlines()))
        sha_of = [sha_by_mark[m] for m in stream_commit_marks(stream)]
        rev_of = {s: i for i, s in enumerate(sha_of)}
        repo = tmp / "vcs"
        repo.mkdir()
        vcs_cmd(repo, "init")
        (tmp / "stream").write_bytes(stream)
        t = time.perf_counter()
        r = vcs_cmd(repo, "import", str(tmp / "stream"))
        import_s = time.perf_counter() - t
        if r.returncode:
            raise SystemExit(r.stderr.decode())
        outputs = {a: git(gd, "blame", "--first-parent", f"--diff-algorithm={a}", "-s", "main", "--", CORE)
                   for a in ("myers", "histogram", "patience", "minimal")}
        ignored = len(set(outputs.values())) == 1
        line = git(gd, "rev-list", "--first-parent", "main").split()
        head = line[0]
        sizes = []
        for row in git(gd, "ls-tree", "-r", "-l", head).splitlines():
            meta, path = row.split("\t", 1)
            blob, size = meta.split()[2], int(meta.split()[3])
            if b"\0" not in git(gd, "cat-file", "blob", blob, binary=True)[:8000]:
                sizes.append((size, path))
        files = [CORE] + [p for _, p in sorted(sizes, reverse=True) if p != CORE][:5]
        points = [line[0], line[len(line) // 4], line[len(line) // 2], line[3 * len(line) // 4]]
        rows = []
        for path in files:
            for sha in points:
                if git(gd, "ls-tree", sha, "--", path).strip():
                    rows.append(compare(gd, repo, rev_of, sha_of, sha, path, args.repeat))
        growth = []
        for history in (100, 300, 1000, len(sha_of)):
            sha = next(s for s in line if rev_of[s] < history)
            path = next(p for p in OLD_NAMES if git(gd, "ls-tree", sha, "--", p).strip())
            growth.append({"history": rev_of[sha] + 1, **compare(gd, repo, rev_of, sha_of, sha, path, args.repeat)})
    total = {k: sum(r[k] for r in rows) for k in ("lines", "same", "older", "newer", "renamed")}
    summary = {"git": git(None, "--version").strip(), "blame_ignores_diff_algorithm": ignored,
               "import_s": round(import_s, 2), "agree": round(total["same"] / total["lines"], 4), **total,
               "git_s_median": statistics.median(r["git_s"] for r in rows),
               "vcs_s_median": statistics.median(r["vcs_s"] for r in rows),
               "vcs_inner_s_median": statistics.median(r["vcs_inner_s"] for r in rows)}
    if args.json:
        for r in rows:
            print(json.dumps(r))
        for g in growth:
            print(json.dumps({"growth": True, **g}))
        print(json.dumps(summary))
        return
    print(f"{summary['git']}: blame {'ignores' if ignored else 'honours'} --diff-algorithm "
          "(myers, histogram, patience and minimal give " + ("the same" if ignored else "different") + " output)")
    print(f"vcs import of {len(sha_of)} commits: {import_s:.1f} s")
    print(f"{'file':32} {'rev':>5} {'lines':>6} {'agree':>7} {'older':>5} {'newer':>5} {'renamed':>7} "
          f"{'git s':>7} {'vcs s':>7} {'ratio':>6} {'inner s':>8}")
    for r in rows:
        print(f"{r['path'][:32]:32} {r['rev']:>5} {r['lines']:>6} {r['agree']:>7.2%} {r['older']:>5} {r['newer']:>5} "
              f"{r['renamed']:>7} {r['git_s']:>7.3f} {r['vcs_s']:>7.3f} {r['vcs_s'] / r['git_s']:>6.2f} "
              f"{r['vcs_inner_s']:>8.4f}")
    print(f"all: {summary['agree']:.2%} of {total['lines']} lines name the same commit; "
          f"differences: {total['older']} where git names an older commit, {total['newer']} a newer "
          f"({total['renamed']} of them under another path); median git {summary['git_s_median']:.3f} s, "
          f"vcs {summary['vcs_s_median']:.3f} s as a process, {summary['vcs_inner_s_median']:.4f} s in one")
    print("growth (core.py under its name then):")
    for g in growth:
        print(f"  {g['history']:>5} revisions  {g['path']:20} {g['lines']:>5} lines  agree {g['agree']:.2%}  "
              f"git {g['git_s']:.3f} s  vcs {g['vcs_s']:.3f} s  ratio {g['vcs_s'] / g['git_s']:.2f}  "
              f"in one process {g['vcs_inner_s']:.4f} s")


if __name__ == "__main__":
    main()
