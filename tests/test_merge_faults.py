"""Nothing is lost in a merge: kill -9 at every step of a merge (conflicted, clean and
committed, a fast-forward), of an abort, of a resolve, of the commit that concludes a merge,
and of `checkout --conflict`. After each kill the next command says what state the merge is
in and what to run; running it leaves a repository that verifies, with every acknowledged
commit, and the working tree exactly as before the merge or exactly as after it. Concurrent
merges and commits on one repository are serialized by the lock."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from vcs.repo.repository import Repository

from test_faults import run, snapshot

BASE = "".join(f"line {i}\n" for i in range(1, 41))


def _branch(root: Path, name: str, rev: str) -> None:
    from vcs.repo.revisions import resolve
    r = Repository(os.fsencode(root))
    with r.lock(), r.transaction(f"branch {name}") as tx:
        tx.view.branches[name] = r.commit_info(resolve(r, rev)).id


def _ok(root: Path, *args: str) -> subprocess.CompletedProcess:
    r = run(root, *args)
    assert r.returncode == 0, (args, r.stderr.decode())
    return r


def _edit(root: Path, name: str, **lines) -> None:
    text = BASE
    for key, value in lines.items():
        text = text.replace(f"line {key[1:]}\n", f"{value}\n")
    (root / name).write_text(text)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """main, and three lines of work from revision 0: `clash` conflicts with main in f and
    g, `clean` merges cleanly (and adds and deletes files), `ahead` is main plus a commit."""
    root = tmp_path_factory.mktemp("merge-faults") / "w"
    root.mkdir()
    _ok(root, "init")
    for name in ("f", "g", "h", "gone"):
        _edit(root, name)
    _ok(root, "commit", "-A", "-m", "base")
    for b in ("clash", "clean"):
        _branch(root, b, "0")
    _edit(root, "f", l3="main 3")
    _edit(root, "g", l30="main 30")
    _ok(root, "commit", "-m", "main")
    _branch(root, "ahead", "main")
    for b, edits in (("clash", {"f": {"l3": "clash 3"}, "g": {"l30": "clash 30"}}),
                     ("clean", {"f": {"l20": "clean 20"}, "h": {"l1": "clean 1"}})):
        _ok(root, "checkout", b)
        for name, lines in edits.items():
            _edit(root, name, **lines)
        if b == "clean":
            os.unlink(root / "gone")
            for i in range(4):
                (root / f"new{i}").write_text(f"new {i}\n")
        _ok(root, "commit", "-A", "-m", b)
    _ok(root, "checkout", "ahead")
    _edit(root, "h", l40="ahead 40")
    (root / "n").write_text("n\n")
    _ok(root, "commit", "-A", "-m", "ahead")
    _ok(root, "checkout", "main")
    return root


def _fresh(template: Path, where: Path, setup=()) -> Path:
    if where.exists():
        shutil.rmtree(where)
    shutil.copytree(template, where, symlinks=True)
    for args in setup:
        r = run(where, *args)
        assert r.returncode in (0, 1), (args, r.stderr.decode())
    return where


def _steps(template: Path, tmp_path: Path, setup, *args: str) -> tuple[list[str], dict, int]:
    """The steps a command goes through, the tree it leaves and its exit code (a probe)."""
    probe = _fresh(template, tmp_path / "probe", setup)
    log = tmp_path / "trace.txt"
    log.unlink(missing_ok=True)
    r = run(probe, *args, env={"VCS_TRACE": str(log)})
    steps = [line.split(" ", 1)[1] for line in log.read_text().splitlines() if line.startswith("step ")]
    return steps, snapshot(probe), r.returncode


def _revisions(root: Path) -> set[str]:
    r = Repository(os.fsencode(root))
    return {r.commit_info(n).id.hex() for n in range(len(r))}


def _recover(root: Path) -> str:
    """What the next command says, then what it says to run, run. Returns what was said."""
    said = run(root, "status").stderr.decode()
    if "stopped half-way" in said:
        command = said.split("run `vcs ")[1].split("`")[0].split()
        _ok(root, *command)
    return said


CASES = {
    "conflicted merge": ((), ("merge", "clash")),
    "clean merge": ((), ("merge", "clean")),
    "fast-forward": ((), ("merge", "ahead")),
    "cherry-pick": ((), ("cherry-pick", "clean")),
    "abort": ((("merge", "clash"),), ("merge", "--abort")),
    "resolve": ((("merge", "clash"),), ("resolve", "--mark", "--all")),
    "concluding commit": ((("merge", "clash"), ("resolve", "--mark", "--all")), ("commit", "-m", "merged")),
    "checkout --conflict": ((("merge", "clash"), ("resolve", "--mark", "f")), ("checkout", "--conflict", "f")),
}


STRESS = bool(os.environ.get("VCS_STRESS"))


def _chosen(steps: list[str]) -> list[str]:
    """Every step under `make stress`; else each of the operation's own steps, the
    renames of the state (its commit point) and of the journal, and the first and last
    file moved (the other logs' writes and syncs are covered by tests/test_faults.py)."""
    if STRESS:
        return steps
    keep = [s for s in steps if not s.startswith(("objects:", "changelog:", "filelog:", "oplog:", "dirstate:"))
            and not s.endswith((":synced", ":written"))]
    files = [s for s in keep if ":file:" in s]
    return [s for s in keep if ":file:" not in s or s in (files[0], files[-1])]


@pytest.mark.parametrize("case", list(CASES))
def test_kill_at_every_step(template, tmp_path, case):
    if case == "cherry-pick" and not STRESS:
        pytest.skip("the same steps as a clean merge's (all of them under `make stress`)")
    setup, args = CASES[case]
    start = _fresh(template, tmp_path / "start", setup)  # each kill starts from a copy of this
    steps, after, code = _steps(start, tmp_path, (), *args)
    assert code in (0, 1) and len(steps) >= 2, (steps, code)
    before, known = snapshot(start), _revisions(start)
    pristine = snapshot(template)
    steps = _chosen(steps)
    aborted: set = set()
    print(f"\n{case}: killed at each of {len(steps)} steps: {', '.join(steps)}")
    for step in steps:
        root = _fresh(start, tmp_path / "w")
        r = run(root, *args, env={"VCS_CRASH_AT": step})
        assert r.returncode == -signal.SIGKILL, (step, r.returncode, r.stderr)
        said = _recover(root)
        assert "Traceback" not in said, said
        state = Repository(os.fsencode(root)).state.view.merge
        if state is not None and "in progress" not in said:
            raise AssertionError(f"{step}: a merge is in progress and status does not say so: {said}")
        now = snapshot(root)
        if now != before:
            assert now == after, (step, said, sorted(set(now.items()) ^ set(after.items())))
        v = run(root, "verify")
        assert v.returncode == 0, (step, v.stdout.decode(), v.stderr.decode())
        assert known <= _revisions(root), step
        # Whatever state it is in, the merge can be given up from here (each kind of
        # state once, or at every step under `make stress`).
        kind = (state is not None, now == before)
        if state is not None and (STRESS or kind not in aborted):
            aborted.add(kind)
            _ok(root, "merge", "--abort")
            assert snapshot(root) == pristine
            assert run(root, "verify").returncode == 0


def test_an_io_error_while_staging_changes_nothing(template, tmp_path):
    """A full disk while the merge stages its files: refused, nothing recorded, nothing written."""
    steps_root = _fresh(template, tmp_path / "probe")
    log = tmp_path / "trace.txt"
    run(steps_root, "merge", "clean", env={"VCS_TRACE": str(log)})
    ops = [line for line in log.read_text().splitlines() if line.startswith("io ")]
    first_write = next(n for n, line in enumerate(ops, 1) if "/tmp/" in line)
    root = _fresh(template, tmp_path / "w")
    before = snapshot(root)
    r = run(root, "merge", "clean", env={"VCS_FAIL_AT": f"{first_write}:ENOSPC"})
    assert r.returncode == 3 and "No space left on device" in r.stderr.decode()
    assert snapshot(root) == before and Repository(os.fsencode(root)).state.view.merge is None
    assert run(root, "verify").returncode == 0 and os.listdir(root / ".vcs" / "tmp") == []


def test_concurrent_merges_and_commits_are_serialized(template, tmp_path):
    """Two merges and a stream of commits on one repository at once: each waits for the
    lock; one merge wins, the other is refused (a merge is in progress, or already up to
    date), no commit is lost, and the repository verifies."""
    root = _fresh(template, tmp_path / "w")
    (root / "side").write_text("0\n")
    _ok(root, "commit", "-A", "-m", "side")
    results: dict = {}
    env = {"VCS_LOCK_TIMEOUT": "30"}

    def merge(name):
        results[name] = run(root, "merge", name, env=env)

    def commits():
        out = []
        for i in range(6):
            (root / "side").write_text(f"{i + 1}\n")
            out.append(run(root, "commit", "-m", f"side {i}", env=env))
        results["commits"] = out

    threads = [threading.Thread(target=merge, args=(n,)) for n in ("clean", "clash")]
    threads.append(threading.Thread(target=commits))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(results[n].returncode for n in ("clean", "clash"))
    assert all(r.returncode in (0, 1, 3) for r in results["commits"]), [r.stderr for r in results["commits"]]
    made = [r for r in results["commits"] if r.returncode == 0]
    log = run(root, "log", "--oneline").stdout.decode()
    for r in made:
        assert r.stdout.decode().split()[0].strip("[") in log.split()
    assert codes[0] in (0, 1) and codes[1] in (0, 1, 3), codes
    assert run(root, "verify").returncode == 0
    assert "Traceback" not in "".join(r.stderr.decode() for r in results.values() if not isinstance(r, list))


@pytest.mark.parametrize("case", ["conflicted merge", "clean merge", "abort"])
def test_an_io_error_at_every_write_fsync_and_rename(template, tmp_path, case):
    """A full disk at each write, fsync, truncate and rename: refused or finished, never
    half-recorded; what the next command says is run, and all is as before or after."""
    setup, args = CASES[case]
    start = _fresh(template, tmp_path / "start", setup)
    probe = _fresh(start, tmp_path / "probe")
    log = tmp_path / "trace.txt"
    log.unlink(missing_ok=True)
    run(probe, *args, env={"VCS_TRACE": str(log)})
    after = snapshot(probe)
    ops = [line for line in log.read_text().splitlines() if line.startswith("io ")]
    before, known, pristine = snapshot(start), _revisions(start), snapshot(template)
    chosen = range(1, len(ops) + 1) if STRESS else range(1, len(ops) + 1, 3)
    print(f"\n{case}: ENOSPC at {len(chosen)} of its {len(ops)} writes, fsyncs, truncates and renames")
    for n in chosen:
        root = _fresh(start, tmp_path / "w")
        r = run(root, *args, env={"VCS_FAIL_AT": f"{n}:ENOSPC"})
        err = r.stderr.decode()
        assert r.returncode in (0, 1, 3) and "Traceback" not in err, (n, ops[n - 1], r.returncode, err)
        said = _recover(root)
        now = snapshot(root)
        assert now in (before, after), (n, ops[n - 1], err, said)
        assert run(root, "verify").returncode == 0, (n, ops[n - 1])
        assert known <= _revisions(root)
        if Repository(os.fsencode(root)).state.view.merge is not None:
            _ok(root, "merge", "--abort")
            assert snapshot(root) == pristine
