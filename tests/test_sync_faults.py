"""Syncs that break: kill -9 at every step of a clone, fetch, pull and push (either side),
the connection cut at random byte offsets, concurrent pushes, and a hostile server.
After each: both repositories verify and are as before or as after, never between; an
interrupted clone leaves no repository; the pushed-to working tree never changes.
`make stress` (VCS_STRESS=1) breaks every step and more offsets; `make test` a sample."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.evilserver import FORGERIES
from tests.test_sync import DUMMYSSH, BIN

STRESS = bool(os.environ.get("VCS_STRESS"))
EVIL = Path(__file__).with_name("evilserver.py")


def run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=cwd, capture_output=True,
                          env={**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"], "VCS_SSH": DUMMYSSH,
                               **(env or {})})


def ok(cwd: Path, *args: str, env: dict | None = None) -> str:
    r = run(cwd, *args, env=env)
    assert r.returncode == 0, (args, r.stderr.decode())
    return r.stdout.decode()


def state(root: Path):
    """What a repository says it has: its view and its number of commits."""
    from vcs.repo.repository import Repository
    repo = Repository(os.fsencode(root))
    return repo.state.view.serialize(), len(repo)


def files(root: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not (Path(dirpath) == root and d == ".vcs")]
        for n in names:
            p = Path(dirpath) / n
            out[str(p.relative_to(root))] = p.read_bytes()
    return out


def commit(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text)
    ok(root, "commit", "-A", "-m", f"{name}: {text[:10]}")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """src (two commits, a branch and a tag), its clone a with one more commit, and src
    with one more commit than a has: every sync has something to move."""
    t = tmp_path_factory.mktemp("template")
    src = t / "src"
    src.mkdir()
    ok(src, "init")
    for i in range(3):
        (src / f"f{i}.txt").write_text("".join(f"line {j}\n" for j in range(100)))
    ok(src, "commit", "-A", "-m", "base")
    ok(src, "tag", "v1")
    commit(src, "f0.txt", "second\n")
    ok(t, "clone", str(src), "a")
    commit(t / "a", "f1.txt", "from a\n")
    commit(src, "f2.txt", "upstream\n")
    return t


def fresh(template: Path, tmp_path: Path, fetched: bool = False) -> Path:
    case = tmp_path / "case"
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(template, case, symlinks=True)
    # a's origin is the copy's src.
    from vcs.repo import config as configmod
    cfg_path = case / "a" / ".vcs" / "config.toml"
    cfg = configmod.load(str(cfg_path))
    cfg["remote"]["origin"]["url"] = str(case / "src")
    configmod.save(str(cfg_path), cfg)
    if fetched:  # a has seen src's last commit: a push --force may drop it
        ok(case / "a", "fetch")
    return case


def steps(template: Path, tmp_path: Path, cwd: str, *args: str, fetched: bool = False) -> list[str]:
    case = fresh(template, tmp_path, fetched)
    log = tmp_path / "trace.txt"
    log.unlink(missing_ok=True)
    r = run(case / cwd, *args, env={"VCS_TRACE": str(log)})
    assert r.returncode == 0, r.stderr.decode()
    names = [line.split(" ", 1)[1] for line in log.read_text().splitlines() if line.startswith("step ")]
    return list(dict.fromkeys(names))


def sample(names: list[str], n: int) -> list[str]:
    if STRESS or len(names) <= n:
        return names
    # Two of the sync's own steps, and a spread of the others (its storage's, its checkout's).
    rng = random.Random(7)
    own = [s for s in names if s.split(":")[0] in ("clone", "fetch", "pull", "push", "serve")]
    picked = rng.sample(own, min(2, len(own)))
    rest = [s for s in names if s not in picked]
    return picked + rng.sample(rest, max(0, n - len(picked)))


def test_kill_at_every_step_of_a_clone(template, tmp_path):
    names = steps(template, tmp_path, ".", "clone", "src", "c")
    assert "clone:received" in names and "clone:checked-out" in names
    for name in sample(names, 3):
        case = fresh(template, tmp_path)
        before = state(case / "src")
        r = run(case, "clone", "src", "c", env={"VCS_CRASH_AT": name})
        assert r.returncode != 0, name
        assert not (case / "c").exists(), name  # no half repository
        assert state(case / "src") == before
        # The clone can simply be made again, and that removes the killed one's folder.
        ok(case, "clone", "src", "c")
        ok(case / "c", "verify")
        assert not [p for p in case.iterdir() if "vcs-clone" in p.name], name


def _before_or_after(root: Path, before, after, what: str) -> None:
    now = state(root)
    assert now in (before, after), (what, now, before, after)
    ok(root, "verify")


def test_kill_at_every_step_of_a_fetch(template, tmp_path):
    names = steps(template, tmp_path, "a", "fetch")
    twin = fresh(template, tmp_path.parent / (tmp_path.name + "-twin"))
    ok(twin / "a", "fetch")
    after = state(twin / "a")
    for name in sample(names, 2):
        case = fresh(template, tmp_path)
        a = case / "a"
        before, tree, src_before = state(a), files(a), state(case / "src")
        r = run(a, "fetch", env={"VCS_CRASH_AT": name})
        assert r.returncode != 0, name
        assert state(case / "src") == src_before and files(a) == tree
        _before_or_after(a, before, after, name)


def _pulling(template: Path, tmp_path: Path) -> Path:
    """A clone b of src with nothing of its own, and src one commit ahead: a fast-forward."""
    case = fresh(template, tmp_path)
    ok(case, "clone", str(case / "src"), "b")
    commit(case / "src", "f0.txt", "more upstream\n")
    return case


def test_kill_at_every_step_of_a_pull(template, tmp_path):
    case = _pulling(template, tmp_path)
    log = tmp_path / "trace.txt"
    log.unlink(missing_ok=True)
    ok(case / "b", "pull", env={"VCS_TRACE": str(log)})
    names = list(dict.fromkeys(line.split(" ", 1)[1] for line in log.read_text().splitlines()
                               if line.startswith("step ")))
    assert "pull:fetched" in names
    for name in sample(names, 2):
        case = _pulling(template, tmp_path)
        b, src_before = case / "b", state(case / "src")
        r = run(b, "pull", env={"VCS_CRASH_AT": name})
        assert r.returncode != 0, name
        assert state(case / "src") == src_before
        # A fast-forward killed after its commit point: every command says what
        # finishes it (as for a merge), and that is run first.
        if b"vcs checkout" in run(b, "status").stderr:
            ok(b, "checkout", "main")
        ok(b, "verify")
        ok(b, "pull")  # pulling again finishes it: the tree is src's
        assert files(b) == files(case / "src")


def test_kill_at_every_step_of_a_push(template, tmp_path):
    names = steps(template, tmp_path, "a", "push", "--force", fetched=True)
    assert "serve:received" in names and "push:sent" in names
    for name in sample(names, 3):
        case = fresh(template, tmp_path, fetched=True)
        a, src = case / "a", case / "src"
        src_before, a_before, src_tree = state(src), state(a), files(src)
        r = run(a, "push", "--force", env={"VCS_CRASH_AT": name})
        assert r.returncode != 0, name
        assert files(src) == src_tree  # the receiver's working tree is never touched
        ok(src, "verify")
        ok(a, "verify")
        from vcs.repo.repository import Repository
        src_view = Repository(os.fsencode(src)).state.view
        a_view = Repository(os.fsencode(a)).state.view
        assert state(src) == src_before or src_view.branches["main"] == a_view.branches["main"], name
        assert state(a)[1] == a_before[1]
        # Pushing again completes it.
        ok(a, "push", "--force")
        assert Repository(os.fsencode(src)).state.view.branches["main"] == a_view.branches["main"]


def test_connection_cut_at_random_offsets(template, tmp_path):
    rng = random.Random(13)
    case = fresh(template, tmp_path)
    url = f"localhost:{case / 'src'}"
    # The size of a whole clone's stream, measured through dummyssh's log of bytes.
    from vcs.interop.vcs.client import VcsRemote
    from vcs.interop.vcs import transport
    from vcs.repo.repository import Repository
    ok(case, "init", "probe")
    probe = Repository(os.fsencode(case / "probe"))
    remote = VcsRemote(transport.argv(transport.parse(str(case / "src"))), "src")
    with probe.lock(), probe.transaction("probe"):
        remote.fetch(probe)
    total = remote.bytes_received
    remote.close()
    offsets = sorted(rng.sample(range(1, total), 24 if STRESS else 2))
    for cut in offsets:
        case = fresh(template, tmp_path)
        r = run(case, "clone", f"localhost:{case / 'src'}", "c", env={"DUMMYSSH_CUT": str(cut)})
        assert r.returncode == 3, (cut, r.stderr.decode())
        assert b"Traceback" not in r.stderr and not (case / "c").exists(), cut
        a = case / "a"
        ok(a, "config", "set", "remote.origin.url", f"localhost:{case / 'src'}")
        before = state(a)
        r = run(a, "fetch", env={"DUMMYSSH_CUT": str(min(cut, 400))})
        assert r.returncode != 0 and b"Traceback" not in r.stderr
        assert state(a) == before
        src_before = state(case / "src")
        r = run(a, "push", "--force", env={"DUMMYSSH_CUT_UP": str(cut % 3000 + 1)})
        assert b"Traceback" not in r.stderr
        ok(case / "src", "verify")
        assert state(case / "src") == src_before or r.returncode == 0
    del url


def test_concurrent_pushes_are_serialized(template, tmp_path):
    case = fresh(template, tmp_path)
    src = case / "src"
    clones = []
    for i in range(3):
        ok(case, "clone", str(src), f"c{i}")
        clones.append(case / f"c{i}")
    # Each pushes a branch of its own, and all race for main.
    for i, c in enumerate(clones):
        ok(c, "checkout", "-b", f"b{i}")
        commit(c, f"own{i}.txt", f"{i}\n")
        ok(c, "checkout", "main")
        commit(c, f"main{i}.txt", f"{i}\n")
    results = {}

    def push(i: int, c: Path) -> None:
        results[i] = run(c, "push", "origin", "main", env={"VCS_LOCK_TIMEOUT": "30"})
        results[(i, "own")] = run(c, "push", "origin", f"b{i}", env={"VCS_LOCK_TIMEOUT": "30"})

    threads = [threading.Thread(target=push, args=(i, c)) for i, c in enumerate(clones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from vcs.repo.repository import Repository
    view = Repository(os.fsencode(src)).state.view
    landed = [i for i in range(3) if results[i].returncode == 0]
    assert len(landed) == 1, {i: results[i].stderr.decode() for i in range(3)}
    for i in set(range(3)) - set(landed):
        assert b"not a fast-forward" in results[i].stdout
    winner = Repository(os.fsencode(clones[landed[0]])).state.view.branches["main"]
    assert view.branches["main"] == winner
    for i, c in enumerate(clones):
        assert results[(i, "own")].returncode == 0
        assert view.branches[f"b{i}"] == Repository(os.fsencode(c)).state.view.branches[f"b{i}"]
    ok(src, "verify")


@pytest.mark.parametrize("mode", FORGERIES)
def test_a_hostile_server_is_refused(tmp_path, mode):
    evil = f"{sys.executable} {EVIL} {mode}"
    r = run(tmp_path, "clone", "evil@host:repo", "c", env={"VCS_SSH": evil})
    assert r.returncode in (3, 4), (mode, r.stderr.decode())
    err = r.stderr.decode()
    assert "Traceback" not in err and err.startswith("error: "), err
    assert not (tmp_path / "c").exists() and not (tmp_path / "evil.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
