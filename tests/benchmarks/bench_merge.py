"""vcs's merge against git's merge-ort, on the real merges of click's history.

For each merge commit of ../shared/corpus/click.bundle whose parents have one merge base,
the base's, the first parent's and the second parent's trees are committed as three vcs
commits (base, then ours and theirs on it) in a repository in memory, vcs merges them
(vcs.repo.treemerge.merge_revisions: what `vcs merge` runs), and `git merge-tree
--write-tree P1 P2` merges the same parents. Where git is clean, vcs must be clean with
the same tree: every path, mode and byte. Where git conflicts, vcs must conflict on the
same files. git detects renames (merge-tree has no switch to stop it) and vcs does not:
a difference on a path either side renamed is counted apart, as a rename git followed.

    .venv/bin/python tests/benchmarks/bench_merge.py             every merge (about 10 min)
    .venv/bin/python tests/benchmarks/bench_merge.py --limit 40  the first 40 single-base merges
    ... --cli 20      also time `vcs merge` against `git merge` as processes, in real working trees

Timing: vcs's merge computed in this process (the repository built; reading every
version it needs, merging, conflict markers) against a `git merge-tree` process, per
merge, median and 90th percentile. tests/test_merge_corpus.py runs a quick version.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[2]))
sys.path.insert(0, str(HERE.parents[1]))

from gitblobs import Blobs  # noqa: E402

from vcs.model.objects import content_id  # noqa: E402
from vcs.repo.commits import commit_tree  # noqa: E402
from vcs.repo.repository import Repository  # noqa: E402
from vcs.repo.treemerge import merge_revisions  # noqa: E402

SHARED = Path(os.environ.get("VCS_SHARED", HERE.parents[3] / "shared"))
BUNDLE = SHARED / "corpus" / "click.bundle"
KINDS = {"100644": "f", "100755": "x", "120000": "l"}
MODES = {v: k for k, v in KINDS.items()}


def git(gd, *args, ok=(0,)) -> subprocess.CompletedProcess:
    p = subprocess.run(["git", "--git-dir", str(gd), *args], capture_output=True)
    if p.returncode not in ok:
        raise RuntimeError(f"git {' '.join(args)}: {p.stderr.decode()}")
    return p


def clone(dest: Path) -> Path:
    gd = dest / "click.git"
    if not gd.exists():
        subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(gd)], check=True)
    return gd


def tree(gd, rev) -> dict[bytes, tuple[str, str]]:
    out = {}
    for line in git(gd, "ls-tree", "-r", "-z", rev).stdout.split(b"\0"):
        if line:
            meta, path = line.split(b"\t", 1)
            mode, kind, blob = meta.decode().split()
            if kind == "blob" and mode in KINDS:
                out[path] = (KINDS[mode], blob)
    return out


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def single_base_merges(gd) -> list[tuple[str, str, str, str]]:
    """(merge, p1, p2, base) for every merge whose parents have exactly one merge base."""
    out = []
    lines = git(gd, "rev-list", "--all", "--merges", "--parents", "--reverse").stdout.decode().splitlines()
    for line in lines:
        m, *parents = line.split()
        if len(parents) != 2:
            continue
        bases = git(gd, "merge-base", "--all", *parents, ok=(0, 1)).stdout.decode().split()
        if len(bases) == 1:
            out.append((m, parents[0], parents[1], bases[0]))
    return out, len(lines)


def renamed_paths(gd, base, side) -> set[bytes]:
    out = set()
    for line in git(gd, "diff", "-M", "--name-status", "-z", base, side).stdout.split(b"\0R")[1:]:
        parts = line.split(b"\0")
        out.update(parts[1:3])
    return out


def build(gd, blobs: Blobs, commits: list[str], parents: dict[str, tuple[str, ...]], repo=None):
    """git commits (parents before children) as vcs commits with the same trees and
    parents, in `repo` (a new one in memory by default); returns it and sha -> revision."""
    repo = repo if repo is not None else Repository.memory()
    revs: dict[str, int] = {}
    trees: dict[str, dict] = {}
    with repo.lock(), repo.transaction("build") as tx:
        for sha in commits:
            t = trees[sha] = tree(gd, sha)
            ps = [p for p in parents.get(sha, ()) if p in revs]
            first = trees[ps[0]] if ps else {}
            files = {p: (k, blobs.get(b)) for p, (k, b) in t.items() if first.get(p) != (k, b)}
            files.update({p: None for p in first if p not in t})
            rev, cid, _, _ = commit_tree(repo, tuple(revs[p] for p in ps), files, author="A <a@b>", date=0, tz=0,
                                         message=sha)
            revs[sha] = rev
            tx.view.heads.add(cid)
    return repo, revs


def compare_one(gd, blobs: Blobs, m, p1, p2, base) -> dict:
    """One merge through vcs and git: the outcome and both times."""
    trees = [tree(gd, r) for r in (base, p1, p2)]
    repo, by_sha = build(gd, blobs, [base, p1, p2], {p1: (base,), p2: (base,)})
    revs = [by_sha[base], by_sha[p1], by_sha[p2]]
    start = time.perf_counter()
    result, _ = merge_revisions(repo, revs[1], revs[2], style="zdiff3", labels=(b"HEAD", b"theirs"))
    vcs_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    p = git(gd, "merge-tree", "--write-tree", "--name-only", p1, p2, ok=(0, 1))
    git_ms = (time.perf_counter() - start) * 1000
    lines = p.stdout.decode("utf-8", "surrogateescape").split("\n")
    git_tree = lines[0]
    git_conflicts = set(lines[1:lines.index("")]) if p.returncode == 1 else set()
    ours_conflicts = {c.path.decode("utf-8", "surrogateescape") for c in result.conflicts}
    row = {"merge": m, "vcs_ms": vcs_ms, "git_ms": git_ms, "git_clean": p.returncode == 0,
           "vcs_clean": not result.conflicts, "files_merged": len(result.merged)}
    if p.returncode == 0:
        want = tree(gd, git_tree)
        # vcs's id of every version a side has -> git's blob id; what the merge made, hashed as git would.
        known = {content_id(blobs.get(b)): b for t in trees for _, b in t.values()}
        got = {path: (e.kind, known.get(e.id) or blob_id(result.blobs[e.id])) for path, e in result.tree.items()}
        differing = {p for p in want.keys() | got.keys() if want.get(p) != got.get(p)}
        row["same"] = not result.conflicts and not differing
        row["differing"] = sorted(x.decode("utf-8", "surrogateescape") for x in differing) or sorted(ours_conflicts)
    else:
        row["same"] = ours_conflicts == git_conflicts
        row["differing"] = sorted(ours_conflicts ^ git_conflicts)
    if not row["same"]:
        renamed = {x.decode("utf-8", "surrogateescape") for x in renamed_paths(gd, base, p1) | renamed_paths(gd, base, p2)}
        row["renames"] = bool(renamed & set(row["differing"])) or bool(renamed)
    return row


def run_cli(gd, merges, n: int, workdir: Path) -> dict:
    """`vcs merge` against `git merge`, each as a process in a real working tree at P1,
    merging P2 (the vcs repository holds base, P1 and P2 as three commits)."""
    vcs_times, git_times = [], []
    env = {**os.environ, "VCS_AUTHOR_NAME": "b", "VCS_AUTHOR_EMAIL": "b@b", "GIT_AUTHOR_NAME": "b",
           "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}
    vcs = [sys.executable, "-m", "vcs"]
    # Byte-compiled first, as an installed vcs is (`make compile`): else every process compiles it.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parents[2] / "vcs")], check=True)
    blobs = Blobs(gd)
    for m, p1, p2, base in merges[::max(1, len(merges) // n)][:n]:  # spread over the history
        wt = workdir / "wt"
        subprocess.run(["rm", "-rf", str(wt), str(workdir / "g")], check=True)
        subprocess.run(["git", "--git-dir", str(gd), "worktree", "prune"], check=True)
        subprocess.run(["git", "--git-dir", str(gd), "worktree", "add", "-q", "--detach", str(workdir / "g"), p1],
                       check=True)
        start = time.perf_counter()
        subprocess.run(["git", "-C", str(workdir / "g"), "merge", "-q", "--no-edit", p2], env=env,
                       capture_output=True)
        git_times.append((time.perf_counter() - start) * 1000)
        wt.mkdir()
        subprocess.run(vcs + ["init"], cwd=wt, check=True, capture_output=True)
        r, revs = build(gd, blobs, [base, p1, p2], {p1: (base,), p2: (base,)}, Repository(os.fsencode(wt)))
        with r.lock(), r.transaction("branch") as tx:
            tx.view.branches["theirs"] = r.commit_info(revs[p2]).id
        co = subprocess.run(vcs + ["checkout", "--force", "1"], cwd=wt, capture_output=True, env=env)
        assert co.returncode == 0, co.stderr.decode()
        start = time.perf_counter()
        subprocess.run(vcs + ["merge", "theirs"], cwd=wt, capture_output=True, env=env)
        vcs_times.append((time.perf_counter() - start) * 1000)
    blobs.close()
    subprocess.run(["git", "--git-dir", str(gd), "worktree", "prune"])
    return {"merges": len(vcs_times), "vcs_median_ms": statistics.median(vcs_times),
            "git_median_ms": statistics.median(git_times)}


def compare(gd, limit: int | None = None, progress=None) -> dict:
    merges, total = single_base_merges(gd)
    chosen = merges[:limit] if limit else merges
    blobs = Blobs(gd)
    rows = []
    try:
        for i, merge in enumerate(chosen):
            rows.append(compare_one(gd, blobs, *merge))
            if progress:
                progress(i + 1, len(chosen))
    finally:
        blobs.close()
    return summarize(rows, total, len(merges))


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def summarize(rows, total, single) -> dict:
    clean = [r for r in rows if r["git_clean"]]
    conflicted = [r for r in rows if not r["git_clean"]]
    wrong = [r for r in rows if not r["same"]]
    return {
        "merges": total, "single_base": single, "compared": len(rows),
        "git_clean": len(clean), "clean_identical": sum(r["same"] for r in clean),
        "git_conflicted": len(conflicted), "same_conflicts": sum(r["same"] for r in conflicted),
        "differ_by_renames": sum(bool(r.get("renames")) for r in wrong),
        "differ_otherwise": [r for r in wrong if not r.get("renames")],
        "differences": [{k: r[k] for k in ("merge", "git_clean", "vcs_clean", "differing")} for r in wrong],
        "files_merged_line_by_line": sum(r["files_merged"] for r in rows),
        "vcs_ms_median": statistics.median(r["vcs_ms"] for r in rows),
        "vcs_ms_p90": _pct([r["vcs_ms"] for r in rows], 0.9),
        "git_ms_median": statistics.median(r["git_ms"] for r in rows),
        "git_ms_p90": _pct([r["git_ms"] for r in rows], 0.9),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, help="only the first N single-base merges")
    ap.add_argument("--cli", type=int, default=0, help="also time vcs merge and git merge as processes on N merges")
    ap.add_argument("--json", help="write the summary to this file too")
    args = ap.parse_args()
    if not BUNDLE.exists():
        sys.exit(f"the corpus is not at {BUNDLE}")
    with tempfile.TemporaryDirectory() as tmp:
        gd = clone(Path(tmp))

        def progress(i, n):
            if i % 50 == 0 or i == n:
                print(f"  {i}/{n}", file=sys.stderr)

        summary = compare(gd, args.limit, progress)
        if args.cli:
            summary["cli"] = run_cli(gd, single_base_merges(gd)[0], args.cli, Path(tmp))
    print(json.dumps(summary, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    main()
