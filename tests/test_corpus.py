"""A real history: replay the click project's first-parent history into vcs through
the CLI, then check every revision out and compare it byte for byte with git's tree.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gitblobs import Blobs

SHARED = Path(os.environ.get("VCS_SHARED", Path(__file__).resolve().parents[2] / "shared"))
BUNDLE = SHARED / "corpus" / "click.bundle"
REPLAY = SHARED / "tools" / "replay.py"
COMMITS = int(os.environ.get("VCS_CORPUS_COMMITS", "320"))

pytestmark = pytest.mark.skipif(not BUNDLE.exists(), reason=f"corpus not found at {BUNDLE} (../shared is absent)")


def git(gd, *args, inp=None) -> bytes:
    return subprocess.run(["git", "--git-dir", str(gd), *args], input=inp, check=True,
                          capture_output=True).stdout


@pytest.fixture(scope="module")
def click_git(tmp_path_factory):
    gd = tmp_path_factory.mktemp("corpus") / "click.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(gd)], check=True)
    return gd


def tree(gd, rev) -> dict[str, tuple[str, str]]:
    out = {}
    for line in git(gd, "ls-tree", "-r", "-z", rev).split(b"\0"):
        if line:
            meta, path = line.split(b"\t", 1)
            mode, kind, blob = meta.decode().split()
            if kind == "blob" and mode in ("100644", "100755", "120000"):
                out[os.fsdecode(path)] = (mode, blob)
    return out


def sync(root: Path, want: dict, have: dict, blobs: Blobs) -> None:
    for path in have.keys() - want.keys():
        (root / path).unlink()
    for path, (mode, blob) in want.items():
        if have.get(path) == (mode, blob):
            continue
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if full.is_symlink() or full.exists():
            full.unlink()
        if mode == "120000":
            os.symlink(blobs.get(blob), full)
        else:
            full.write_bytes(blobs.get(blob))
            full.chmod(0o755 if mode == "100755" else 0o644)
    for dirpath, dirs, files in os.walk(root, topdown=False):
        if Path(dirpath) != root and not os.listdir(dirpath) and ".vcs" not in Path(dirpath).parts:
            os.rmdir(dirpath)


def test_replay_click_history_and_check_every_revision(click_git, repo):
    revs = git(click_git, "rev-list", "--first-parent", "--reverse", "HEAD").decode().split()[:COMMITS]
    blobs = Blobs(click_git)
    trees = []
    have: dict = {}
    try:
        for i, rev in enumerate(revs):
            want = tree(click_git, rev)
            sync(repo.root, want, have, blobs)
            have = want
            subject = git(click_git, "log", "-1", "--format=%s", rev).decode().strip() or f"commit {i}"
            r = repo.vcs("commit", "-A", "-m", subject, ok=False)
            if r.code == 1:  # a commit that changed only what vcs does not see: nothing to commit
                continue
            assert r.code == 0, r.err
            trees.append(want)
        assert len(trees) >= 300
        # every revision, checked out, is git's tree byte for byte (and mode for mode)
        for n, want in enumerate(trees):
            repo.vcs("checkout", str(n))
            got = repo.tree()
            assert set(got) == set(want), n
            for path, (mode, blob) in want.items():
                assert got[path] == blobs.get(blob), (n, path)
                full = repo.root / path
                if mode == "100755":
                    assert os.stat(full).st_mode & 0o100, (n, path)
        assert repo.vcs("status").out == b""
        assert "OK" in repo.vcs("verify").text
    finally:
        blobs.close()


def test_shared_replay_tool_through_real_processes(click_git, tmp_path):
    if not REPLAY.exists():
        pytest.skip(f"{REPLAY} is absent")
    # The installed script, as a user runs it (`python -m vcs` in a folder holding the
    # corpus's own click.py would import that click instead of ours).
    script = Path(sys.executable).parent / "vcs"
    vcs_cmd = str(script) if script.exists() else f"{sys.executable} -P -m vcs"
    r = subprocess.run([sys.executable, str(REPLAY), str(click_git), "--commits", "40", "--sample", "6",
                        "--vcs", vcs_cmd], capture_output=True, text=True, env={**os.environ})
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert '"ok": true' in r.stdout
