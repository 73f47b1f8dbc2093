"""kill -9 at the steps of a fetch from and a push to a git remote: the vcs repository is
as before or as after (the mirror in .vcs/git may run ahead), and the next fetch or push
completes the work with the same git ids. `make stress` breaks every step a traced
fetch and push go through; `make test` the steps where the git side and vcs's part meet."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_git_remote import Upstream, git, git_id, vcs_commit
from vcs.interop.git.remote import GitRemote
from vcs.porcelain import remote as porcelain
from vcs.repo.repository import Repository
from vcs.repo.verify import verify

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SCRIPT = """
import sys
from vcs.interop.git.remote import GitRemote
from vcs.porcelain import remote as porcelain
from vcs.repo.repository import Repository
op, dest, url = sys.argv[1:]
repo = Repository(dest.encode())
if op == "fetch":
    porcelain.fetch(repo, "origin", GitRemote(url, "origin"))
else:
    print(porcelain.push(repo, "origin", GitRemote(url, "origin")).statuses)
"""

# Where the git side and vcs's meet: the mirror fetched, the commits imported (not
# committed), the map written, the fetch's commit point and after it; for a push, the
# commits fast-imported, the map written, git's push done, the local ref not yet moved.
QUICK = {"git-fetch:mirrored", "git-fetch:imported", "gitmap:synced", "state:written", "fetch:committed",
         "git-push:imported", "git-push:pushed", "push:sent"}


def run(op: str, dest: Path, url: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-P", "-c", SCRIPT, op, str(dest), str(url)], capture_output=True,
                          env={**os.environ, "VCS_LOCK_TIMEOUT": "0", **(env or {})})


def steps(op: str, dest: Path, url: Path, log: Path) -> list[str]:
    r = run(op, dest, url, {"VCS_TRACE": str(log)})
    assert r.returncode == 0, r.stderr.decode()
    names = list(dict.fromkeys(line[5:] for line in log.read_text().splitlines() if line.startswith("step ")))
    return names if os.environ.get("VCS_STRESS") else [n for n in names if n in QUICK]


@pytest.fixture
def world(tmp_path):
    up = Upstream(tmp_path)
    up.commit("a.txt", b"a\n")
    up.commit("b.txt", b"b\n")
    porcelain.clone(str(tmp_path / "c"), str(up.bare), lambda url, name: GitRemote(url, name))
    return up


def test_kill_during_fetch(world, tmp_path):
    up = world
    old_tip = up.tip()
    new = [up.commit("a.txt", b"a2\n"), up.commit("c/d.txt", b"d\n")]
    template = tmp_path / "c"
    probe = tmp_path / "probe"
    shutil.copytree(template, probe, symlinks=True)
    names = steps("fetch", probe, up.bare, tmp_path / "trace")
    assert {"git-fetch:mirrored", "git-fetch:imported", "gitmap:synced", "fetch:committed"} <= set(names)
    for name in names:
        work = tmp_path / f"w-{name.replace(':', '-')}"
        shutil.copytree(template, work, symlinks=True)
        r = run("fetch", work, up.bare, {"VCS_CRASH_AT": name})
        assert r.returncode == -9, (name, r.stderr.decode())
        repo = Repository(os.fsencode(work))
        assert verify(repo).ok, name
        tip = repo.state.view.remotes["origin/main"]
        assert git_id(repo, tip) in (old_tip, new[-1]), name
        assert len(repo) in (2, 4), name
        r = run("fetch", work, up.bare)
        assert r.returncode == 0, (name, r.stderr.decode())
        repo = Repository(os.fsencode(work))
        assert len(repo) == 4 and verify(repo).ok, name
        assert git_id(repo, repo.state.view.remotes["origin/main"]) == new[-1], name
        assert [git_id(repo, repo.commit_info(rev).id) for rev in range(4)] == \
            git("rev-list", "--reverse", "main", cwd=up.bare).split(), name


def test_kill_during_push(world, tmp_path):
    up = world
    repo = Repository(os.fsencode(tmp_path / "c"))
    mine = vcs_commit(repo, "mine.txt", b"mine\n", "made in vcs")
    vcs_commit(repo, "mine.txt", b"mine 2\n", "made in vcs, 2")
    repo.refresh()
    old_tip = up.tip()
    # A clean push from a twin: the git ids every interrupted push must end with.
    twin, twin_up = tmp_path / "twin", tmp_path / "twin.git"
    shutil.copytree(tmp_path / "c", twin, symlinks=True)
    shutil.copytree(up.bare, twin_up, symlinks=True)
    names = steps("push", twin, twin_up, tmp_path / "trace")
    want = git("rev-parse", "main", cwd=twin_up).strip()
    assert want != old_tip and {"git-push:imported", "git-push:pushed", "push:sent"} <= set(names)
    for name in names:
        work, bare = tmp_path / f"w-{name.replace(':', '-')}", tmp_path / f"u-{name.replace(':', '-')}.git"
        shutil.copytree(tmp_path / "c", work, symlinks=True)
        shutil.copytree(up.bare, bare, symlinks=True)
        r = run("push", work, bare, {"VCS_CRASH_AT": name})
        assert r.returncode == -9, (name, r.stderr.decode())
        assert git("rev-parse", "main", cwd=bare).strip() in (old_tip, want), name
        git("fsck", cwd=bare)
        local = Repository(os.fsencode(work))
        assert verify(local).ok, name
        r = run("push", work, bare)
        assert r.returncode == 0, (name, r.stderr.decode())
        assert r.stdout.decode().strip() in ("{'main': 'ok'}", "{'main': 'up to date'}"), name
        assert git("rev-parse", "main", cwd=bare).strip() == want, name
        local = Repository(os.fsencode(work))
        assert git_id(local, local.state.view.remotes["origin/main"]) == want, name
        assert git_id(local, mine) == git("rev-parse", "main~1", cwd=bare).strip(), name
        git("fsck", cwd=bare)
