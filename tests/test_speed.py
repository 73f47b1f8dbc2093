"""Work proportional to the output (issue 15): the lazy topological walk gives the order
the whole walk gave, `log -n` and `REV~N` read only the commits they need, `log -p`
streams, and the cheap commands do not import what they do not use."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from test_merge_base import build, graphs


def eager_topo(changelog, heads, first_parent=False) -> list[int]:
    """The order as it was computed before the walk was made lazy: every ancestor's
    children counted first."""
    revs = list(changelog.ancestors(heads, first_parent))
    parents = (lambda r: changelog.parents(r)[:1]) if first_parent else changelog.parents
    waiting = dict.fromkeys(revs, 0)
    for rev in revs:
        for p in parents(rev):
            waiting[p] += 1
    ready = sorted(h for h in set(heads) if not waiting[h])
    out = []
    while ready:
        rev = ready.pop()
        out.append(rev)
        for p in parents(rev):
            waiting[p] -= 1
            if not waiting[p]:
                ready.append(p)
    return out


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_the_lazy_walk_is_the_whole_walks_order(case):
    edges, a, b = case
    repo, revs = build(edges)
    for heads in ([revs[a]], [revs[a], revs[b]], list(revs.values())):
        for first_parent in (False, True):
            assert list(repo.changelog.topo_order(heads, first_parent)) == \
                eager_topo(repo.changelog, heads, first_parent)


def counting_reads(repo):
    """Count the commit records read from now on."""
    reads = []
    record = repo.changelog.record

    def counted(rev):
        reads.append(rev)
        return record(rev)
    repo.changelog.record = counted
    return reads


def linear(n: int):
    edges = {"c0": ()}
    for i in range(1, n):
        edges[f"c{i}"] = (f"c{i - 1}",)
    return build(edges)


def test_log_n_reads_about_n_commits():
    from vcs.porcelain.log import entries
    repo, revs = linear(300)
    reads = counting_reads(repo)
    shown = list(entries(repo, limit=5, starts=[revs["c299"]]))
    assert [e.rev for e in shown] == [299, 298, 297, 296, 295]
    assert len(set(reads)) <= 8


def test_log_entries_are_made_as_they_are_asked_for():
    from vcs.porcelain.log import entries
    repo, revs = linear(200)
    reads = counting_reads(repo)
    walk = entries(repo, starts=[revs["c199"]], with_diffs=True)
    first = next(walk)
    assert first.rev == 199 and first.diffs is not None
    assert len(set(reads)) <= 4
    assert [e.rev for e in walk] == list(range(198, -1, -1))


def test_rev_tilde_n_reads_index_entries_not_records():
    from vcs.repo.revisions import resolve
    repo, revs = linear(300)
    reads = counting_reads(repo)
    assert resolve(repo, f"{revs['c299']}~250") == 49
    assert len(reads) <= 2


def test_log_p_into_a_pipe_closed_early_ends_quietly(repo):
    """`log -p | head`: the lines read are the log's first ones, and once the reader is
    gone vcs stops at its next flush (each revision) with exit 0 and nothing on stderr."""
    for i in range(60):
        (repo.root / "f.txt").write_text("".join(f"line {j} {i if j % 7 == 0 else ''}\n" for j in range(400)))
        repo.vcs("commit", "-A", "-m", f"c{i}")
    whole = repo.vcs("log", "-p").out
    p = subprocess.Popen([sys.executable, "-P", "-m", "vcs", "log", "-p"], cwd=repo.root, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env={**os.environ})
    start = time.perf_counter()
    head = b"".join(p.stdout.readline() for _ in range(20))
    p.stdout.close()
    assert p.wait(30) == 0, p.stderr.read()
    assert whole.startswith(head)
    assert p.stderr.read() == b""
    assert time.perf_counter() - start < 20


def test_cheap_commands_import_neither_rich_nor_click(repo):
    (repo.root / "a.txt").write_text("a\n")
    repo.vcs("commit", "-A", "-m", "one")
    (repo.root / "a.txt").write_text("b\n")
    probe = ("import sys, runpy\nsys.argv = ['vcs', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('vcs', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "sys.stderr.write('\\nloaded ' + ' '.join(m for m in ('rich', 'click', 'difflib') if m in sys.modules))\n")
    for args in (["status"], ["diff"], ["log", "-n", "2"], ["cat", "HEAD", "a.txt"], ["show"],
                 ["commit", "-m", "two", "a.txt"]):
        r = subprocess.run([sys.executable, "-c", probe, *args], cwd=repo.root, capture_output=True, env={**os.environ})
        loaded = r.stderr.decode().rsplit("loaded", 1)[-1].split()
        assert "rich" not in loaded and "click" not in loaded, (args, loaded, r.stderr.decode())


def test_log_p_prints_each_revision_before_making_the_next_ones_diff(repo, monkeypatch):
    """The CLI renders entries as they come: a failure making the second revision's diff
    comes after the first revision is out."""
    import vcs.porcelain.diff as diff
    for i in range(3):
        repo.write("f.txt", f"version {i}\n")
        repo.vcs("commit", "-A", "-m", f"c{i}")
    made = diff.commit_diffs
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise OSError(5, "injected failure")
        return made(*args, **kwargs)
    monkeypatch.setattr(diff, "commit_diffs", failing)
    r = repo.vcs("log", "-p", ok=False)
    assert r.code != 0 and "injected failure" in r.err
    assert b"+version 2" in r.out and b"    c2\n" in r.out and b"    c1\n" not in r.out


def test_a_big_checkout_caches_each_written_files_stat_and_leaves_no_staging_folder(repo):
    """The stat cache of a checkout's files comes from the staged file's fstat (a rename
    keeps it): it must be what lstat says of the file in place, so the next status reads
    nothing; the staging folder goes with the checkout."""
    from vcs.repo.repository import Repository
    for i in range(2):
        for n in range(150):
            repo.write(f"d{n % 7}/f{n}.txt", f"file {n} version {i}\n")
        repo.write("run.sh", f"#!/bin/sh\necho {i}\n", mode=0o755 if i else 0o644)
        repo.vcs("commit", "-A", "-m", f"v{i}")
    for target, version in (("0", 0), ("1", 1), ("0", 0)):
        repo.vcs("checkout", target)
        assert repo.read("d3/f10.txt") == f"file 10 version {version}\n".encode()
        assert os.listdir(repo.root / ".vcs" / "tmp") == []
        ds = Repository.find(os.fsencode(repo.root)).dirstate()
        for path, t in ds.files.items():
            st = os.lstat(os.path.join(os.fsencode(repo.root), path))
            assert (t.mode, t.size, t.mtime, t.ino) == (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino), path
        assert os.stat(repo.root / "run.sh").st_mode & 0o111 == (0o111 & ~_umask() if version else 0)
        assert repo.vcs("status").out == b""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["a", "b", "c/d", "c/e", "c", "f/g/h", "x y"]),
                                   st.sampled_from(["one\n", "two\n", None, "exe"])), max_size=4),
                min_size=1, max_size=40))
def test_one_paths_entry_is_its_entry_in_the_whole_listing(history):
    """`cat`'s look-up of one path (entry_at: back along the listing's chain, then the
    listing stored whole) agrees with the rebuilt listing, for every revision and path,
    across chains that restart (a listing is stored whole every 16 commits or so)."""
    from vcs.repo.commits import commit_tree
    from vcs.repo.repository import Repository
    repo = Repository.memory()
    with repo.lock(), repo.transaction("build") as tx:
        rev = None
        for i, changes in enumerate(history):
            files = {}
            for path, what in changes:
                files[path.encode()] = None if what is None else ("x", b"#!\n") if what == "exe" \
                    else ("f", f"{what}{i}\n".encode())
            rev, cid, _, _ = commit_tree(repo, rev, files, author="A <a@b>", date=1, tz=0, message=str(i))
            tx.view.heads.add(cid)
    paths = [p.encode() for p in ("a", "b", "c", "c/d", "c/e", "f", "f/g", "f/g/h", "x y", "zz", "c/")]
    for r in range(len(repo)):
        repo._manifests.clear()
        got = {p: repo.entry_at(r, p) for p in paths}
        repo._manifests.clear()
        assert got == {p: repo.manifest(r).get(p) for p in paths}


def test_show_writes_a_files_patch_before_rebuilding_the_next_files(repo, monkeypatch):
    import vcs.porcelain.diff as diff
    repo.write("a.txt", "a\n")
    repo.write("b.txt", "b\n")
    repo.vcs("commit", "-A", "-m", "two files")
    loaded = diff._load
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) > 1:
            raise OSError(5, "injected failure")
        return loaded(*args)
    monkeypatch.setattr(diff, "_load", failing)
    r = repo.vcs("show", ok=False)
    assert r.code != 0 and "injected failure" in r.err
    assert b"+++ b/a.txt" in r.out and b"b/b.txt" not in r.out
