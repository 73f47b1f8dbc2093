"""kill -9 at every step of undo, amend and stash (each step a VCS_TRACE run lists):
afterwards verify passes, the operation log reads back, nothing committed or stashed is
lost, and `vcs undo` still works."""
from __future__ import annotations

import json
import signal
from pathlib import Path

from conftest import Repo
from test_faults import run, snapshot, trace


def setup(root: Path) -> None:
    root.mkdir()
    ok(root, "init")
    for i in range(3):
        (root / f"f{i}.txt").write_text("".join(f"line {j}\n" for j in range(50)))
    ok(root, "commit", "-A", "-m", "a")
    for i in range(2):
        (root / f"f{i}.txt").write_text("".join(f"line {j} b\n" for j in range(50)))
    ok(root, "commit", "-m", "b")


def ok(root: Path, *args: str) -> str:
    """A command that must succeed, run in this process (the killed ones are processes)."""
    r = Repo(root).vcs(*args, ok=False)
    assert r.code == 0, (args, r.err)
    return r.text


def steps_of(tmp_path: Path, prepare, *args: str) -> list[str]:
    probe = tmp_path / "probe"
    setup(probe)
    prepare(probe)
    steps = [line.split(" ", 1)[1] for line in trace(probe, tmp_path, *args) if line.startswith("step ")]
    assert "state:renamed" in steps
    return steps


def killed(root: Path, step: str, *args: str) -> None:
    r = run(root, *args, env={"VCS_CRASH_AT": step})
    assert r.returncode == -signal.SIGKILL, (step, r.returncode, r.stderr.decode())


def sound(root: Path) -> list[dict]:
    """verify passes, but for an interrupted move it reports (with what to run); the
    operation log reads back."""
    r = Repo(root).vcs("verify", ok=False)
    problems = r.text.splitlines()[:-1]
    assert r.code == 0 or all(p.startswith("file checkout") for p in problems), r.text
    return [json.loads(line) for line in ok(root, "op", "log", "--json").splitlines()]


def test_kill_at_every_step_of_an_undo_that_moves_files(tmp_path):
    steps = steps_of(tmp_path, lambda r: ok(r, "checkout", "0"), "undo")
    assert "undo:moved" in steps and "checkout:file:0" in steps
    root = tmp_path / "w"
    setup(root)
    at_b = snapshot(root)
    start = sound(root)[0]["id"]
    for step in steps:
        ok(root, "checkout", "0")
        killed(root, step, "undo")
        sound(root)
        ok(root, "undo")  # finishes the killed undo, or (it was recorded) undoes one more step
        assert snapshot(root) == at_b, step  # either way the files are revision 1's
        sound(root)
        ok(root, "op", "restore", "--force", start[:12])
        assert ok(root, "status") == "" and snapshot(root) == at_b


def test_kill_at_every_step_of_an_amend(tmp_path):
    def prepare(r):
        (r / "f2.txt").write_text("amended\n")
    steps = steps_of(tmp_path, prepare, "commit", "--amend", "-m", "amended")
    root = tmp_path / "w"
    setup(root)
    for n, step in enumerate(steps):
        (root / "f2.txt").write_text(f"amended {n}\n")
        killed(root, step, "commit", "--amend", "-m", f"amended {n}")
        ops = sound(root)
        amended = ops[0]["description"].startswith("amend")
        assert amended == (step not in steps[:steps.index("state:renamed")]), step
        assert (root / "f2.txt").read_text() == f"amended {n}\n"  # a commit never touches working files
        if amended:
            ok(root, "undo")  # back to the commit before the amend, its files untouched
        assert ok(root, "log", "--oneline", "-n", "1").strip().endswith(" b"), step
        assert ok(root, "status") == "M f2.txt\n", step
        sound(root)
    ok(root, "commit", "--amend", "-m", "finally")
    assert ok(root, "cat", "HEAD", "f2.txt") == f"amended {len(steps) - 1}\n"


def test_kill_at_every_step_of_stash_push_and_pop(tmp_path):
    def edit(r, n=0):
        (r / "f2.txt").write_text(f"stashed {n}\n")
        (r / "new.txt").write_text(f"added {n}\n")
        ok(r, "add", "new.txt")
    push = steps_of(tmp_path, edit, "stash")
    assert "stash:recorded" in push and "checkout:file:0" in push
    root = tmp_path / "w"
    setup(root)
    clean = snapshot(root)
    for n, step in enumerate(push):
        edit(root, n)
        dirty = snapshot(root)
        before = ok(root, "stash", "list")
        killed(root, step, "stash")
        sound(root)
        if ok(root, "stash", "list") != before:  # recorded: the changes are stored; undo puts them back
            ok(root, "undo")
        assert snapshot(root) == dirty, step  # nothing lost
        assert ok(root, "stash", "list") == before
        ok(root, "stash")
        assert snapshot(root) == clean

    pop = [s for s in push if s.startswith(("oplog", "state", "checkout", "dirstate"))] + \
        ["stash:pop:recorded", "stash:pop:done"]
    listed = ok(root, "stash", "list")
    for step in pop:
        killed(root, step, "stash", "pop")
        sound(root)
        if ok(root, "stash", "list") != listed:  # recorded: undo puts the stash and the clean tree back
            ok(root, "undo")
        assert snapshot(root) == clean, step
        assert ok(root, "stash", "list") == listed
    ok(root, "stash", "pop")
    last = len(push) - 1
    assert (root / "f2.txt").read_text() == f"stashed {last}\n" and (root / "new.txt").read_text() == f"added {last}\n"


def test_concurrent_operations_each_get_their_own_entry(tmp_path):
    import os
    import subprocess
    import sys
    root = tmp_path / "w"
    setup(root)
    before = len(sound(root))
    procs = [subprocess.Popen([sys.executable, "-P", "-m", "vcs", "tag", f"t{i}", "0"], cwd=root,
                              env={**os.environ, "VCS_LOCK_TIMEOUT": "30"}) for i in range(6)]
    procs.append(subprocess.Popen([sys.executable, "-P", "-m", "vcs", "undo"], cwd=root,
                                  env={**os.environ, "VCS_LOCK_TIMEOUT": "30"}))
    assert [p.wait() for p in procs] == [0] * 7
    ops = sound(root)
    assert len(ops) == before + 7
    assert sorted(o["description"].split(" ")[0] for o in ops[:7]) == ["tag"] * 6 + ["undo"]
    for i, o in enumerate(ops[:-1]):
        assert o["parent"] == ops[i + 1]["id"]


def test_an_io_error_at_every_write_of_stash_and_undo_loses_nothing(tmp_path):
    def edit(r):
        (r / "f2.txt").write_text("stashed\n")
    probe = tmp_path / "probe"
    setup(probe)
    edit(probe)
    ios = [line for line in trace(probe, tmp_path, "stash") if line.startswith("io ")]
    assert any(" rename " in o for o in ios) and any(" fsync " in o for o in ios)
    root = tmp_path / "w"
    setup(root)
    for n in range(1, len(ios) + 1):
        edit(root)
        dirty = snapshot(root)
        r = run(root, "stash", env={"VCS_FAIL_AT": f"{n}:ENOSPC"})
        err = r.stderr.decode()
        assert "Traceback" not in err and r.returncode in (0, 3), (n, err)
        sound(root)
        if ok(root, "stash", "list"):  # recorded: the changes are stored, and undo brings them back
            r = run(root, "undo", env={"VCS_FAIL_AT": f"{n}:EIO"})  # an undo that fails too
            assert "Traceback" not in r.stderr.decode() and r.returncode in (0, 3), (n, r.stderr.decode())
            sound(root)
            if ok(root, "stash", "list"):
                ok(root, "undo")
        assert snapshot(root) == dirty, n
        ok(root, "restore", "f2.txt")
