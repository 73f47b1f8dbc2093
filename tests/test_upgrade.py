"""Repositories of format 1, made by vcs 0.1 (tests/fixtures/make_format1.py wrote the
fixture with that release), open, read and upgrade in place: every revision keeps its
id, parent, message, author, date, tags and every file byte for byte; a kill at any step
of the upgrade leaves format 1 intact or format 2 complete."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from vcs.repo.repository import Repository

FIXTURE = Path(__file__).parent / "fixtures" / "format1.tar.gz"
REPOS = ("mixed", "delta", "full", "imported")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("format1")
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(top, filter="tar")
    return top


@pytest.fixture
def format1(unpacked, tmp_path):
    """A fresh copy of the fixture, and the facts vcs 0.1 reported about it."""
    shutil.copytree(unpacked, tmp_path / "f1", symlinks=True)
    return tmp_path / "f1", json.loads((unpacked / "facts.json").read_text())


def vcs(root: Path, *args: str, env: dict | None = None, ok=(0,)) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=root, capture_output=True,
                       env={**os.environ, "VCS_LOCK_TIMEOUT": "0", **(env or {})})
    assert ok is None or p.returncode in ok, (args, p.returncode, p.stderr.decode())
    return p


def fmt(root: Path) -> int:
    return int((root / ".vcs" / "format").read_bytes().split()[1])


def check_facts(root: Path, facts: dict) -> None:
    """Every revision as vcs 0.1 described it, read by today's code (in this process: the
    commands themselves are run once each below)."""
    from vcs.porcelain import status as porcelain
    from vcs.cli.render import _offset
    from vcs.repo.repository import Repository
    r = Repository(os.fsencode(root))
    tags: dict[bytes, list[str]] = {}
    for tag, oid in r.tags().items():
        tags.setdefault(oid, []).append(tag)
    for want in facts["revisions"]:
        rev = want["rev"]
        c, oid = r.read_commit(rev), r.commit_info(rev).id
        got = {"id": oid.hex(), "parent": r.parent_rev(rev), "message": c.message, "author": c.author,
               "date": c.date, "tz": _offset(c.tz), "tags": sorted(tags.get(oid, []))}
        assert got == {k: want[k] for k in got}, (root.name, rev)
        files = {os.fsdecode(p): hashlib.sha256(r.objects.read(e.id, p)).hexdigest()
                 for p, e in r.manifest(rev).items()}
        assert files == want["files"], (root.name, rev)
    s = porcelain.status(r)
    status = [{"path": os.fsdecode(p), "status": name} for name in ("modified", "added", "removed", "missing",
                                                                    "untracked") for p in getattr(s, name)]
    assert status == facts["status"]
    assert r.state.head == bytes.fromhex(next(x for x in facts["revisions"] if x["head"])["id"])


def check_commands(root: Path, facts: dict) -> None:
    """The same through the commands a user types, for one revision."""
    want = facts["revisions"][-1]
    got = json.loads(vcs(root, "show", "--json", str(want["rev"])).stdout)
    assert {k: got[k] for k in ("id", "parent", "message", "tags")} == \
        {k: want[k] for k in ("id", "parent", "message", "tags")}
    path = sorted(want["files"])[0]
    data = vcs(root, "cat", str(want["rev"]), path).stdout
    assert hashlib.sha256(data).hexdigest() == want["files"][path]
    status = [json.loads(line) for line in vcs(root, "status", "--json", ok=(0, 1)).stdout.splitlines()]
    assert status == facts["status"]


@pytest.mark.parametrize("name", REPOS)
def test_format1_reads_as_it_is_then_upgrades_in_place(format1, name):
    top, facts = format1
    root = top / name
    before = {p: (root / ".vcs" / p).read_bytes() for p in ("format", "state", "store/objects.dat")}
    check_facts(root, facts[name])
    check_commands(root, facts[name])
    assert fmt(root) == 1  # reading changed nothing
    assert {p: (root / ".vcs" / p).read_bytes() for p in before} == before
    out = vcs(root, "upgrade").stdout
    assert b"upgraded" in out
    assert fmt(root) == 2
    upgraded = Repository(bytes(root))
    assert len(upgraded.origins) == len(upgraded.filelog)  # built by the upgrade (annotate needs them)
    assert (b"built the line origins" in out) == (len(upgraded.filelog) > 0)
    assert not (root / ".vcs" / "tags").exists() and not (root / ".vcs" / "store" / "commits.idx").exists()
    assert (root / ".vcs" / "store" / "objects.dat").read_bytes() == before["store/objects.dat"]
    assert b": OK" in vcs(root, "verify").stdout
    check_facts(root, facts[name])
    check_commands(root, facts[name])
    assert b"nothing to do" in vcs(root, "upgrade").stdout


def test_the_first_write_upgrades(format1):
    top, facts = format1
    root = top / "mixed"
    vcs(root, "commit", "-m", "after the upgrade")
    assert fmt(root) == 2
    assert b": OK" in vcs(root, "verify").stdout
    log = [json.loads(line) for line in vcs(root, "log", "--json", "-n", "2").stdout.splitlines()]
    head = next(r for r in facts["mixed"]["revisions"] if r["head"])
    assert log[1]["id"] == head["id"] and log[0]["parents"] == [head["id"]]
    # The tags and the line of work committed on an older revision are all still there.
    tags = {t["name"]: t["id"] for t in map(json.loads, vcs(root, "tags", "--json").stdout.splitlines())}
    assert tags == {t["name"]: t["id"] for t in facts["mixed"]["tags"]}


def test_a_read_only_format1_repository_is_read(format1):
    top, facts = format1
    root = top / "delta"
    modes = {}
    for dirpath, dirs, files in os.walk(root / ".vcs"):
        for n in dirs + files:
            p = Path(dirpath) / n
            modes[p] = p.stat().st_mode
    try:
        for p in sorted(modes, key=lambda p: -len(p.parts)):
            p.chmod(stat.S_IMODE(modes[p]) & ~0o222)
        (root / ".vcs").chmod(0o555)
        if os.access(root / ".vcs", os.W_OK):
            pytest.skip("root ignores file permissions")
        check_facts(root, facts["delta"])
        check_commands(root, facts["delta"])
        r = vcs(root, "commit", "-m", "x", ok=(3,))
        assert b"cannot write" in r.stderr
        assert fmt(root) == 1
    finally:
        (root / ".vcs").chmod(0o755)
        for p, m in modes.items():
            p.chmod(stat.S_IMODE(m))


def test_a_kill_at_any_step_of_the_upgrade_leaves_format_1_or_format_2(format1, tmp_path):
    top, facts = format1
    probe = tmp_path / "probe"
    shutil.copytree(top / "mixed", probe, symlinks=True)
    log = tmp_path / "trace"
    vcs(probe, "upgrade", env={"VCS_TRACE": str(log)})
    steps = [line.split(" ", 1)[1] for line in log.read_text().splitlines() if line.startswith("step ")]
    assert {"upgrade:logs", "upgrade:state", "upgrade:format"} <= set(steps)
    ios = [line for line in log.read_text().splitlines() if line.startswith("io ")]
    outcomes = {1: 0, 2: 0}
    for crash in [{"VCS_CRASH_AT": s} for s in dict.fromkeys(steps)] + \
            [{"VCS_FAIL_AT": f"{i}:ENOSPC"} for i in range(1, len(ios) + 1)]:
        root = tmp_path / "victim"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(top / "mixed", root, symlinks=True)
        r = vcs(root, "upgrade", env=crash, ok=None)
        assert r.returncode in (0, 3, -signal.SIGKILL), (crash, r.stderr)
        assert b"Traceback" not in r.stderr
        outcomes[fmt(root)] += 1
        # Whatever the step, the next command sees the whole history, and can upgrade.
        check_facts(root, facts["mixed"])
        vcs(root, "upgrade")
        assert fmt(root) == 2
        from vcs.repo.repository import Repository
        from vcs.repo.verify import verify
        assert verify(Repository(os.fsencode(root))).ok
    assert outcomes[1] and outcomes[2]
    print(f"\nupgrade: {sum(outcomes.values())} kills and failed writes; format 1 left {outcomes[1]} times, "
          f"format 2 {outcomes[2]}")
