"""Ctrl-C (SIGINT) and SIGTERM at random points of commit and checkout: the repository
and the lock are as before (or the operation completed), the working files are whole."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TRIALS = int(os.environ.get("VCS_STRESS_SIGNALS", "8"))


def vcs(root: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=root, capture_output=True,
                          env={**os.environ, "VCS_LOCK_TIMEOUT": "0"}, **kw)


def start_in_command(root: Path, *args: str) -> tuple[subprocess.Popen, bool]:
    """Start `vcs ARGS` and return once it is inside the command: when the lock file
    names its pid, it holds the repository's lock, past the interpreter's start-up and
    imports (a signal there is Python's, not vcs's). False: it ended before that was seen."""
    p = subprocess.Popen([sys.executable, "-P", "-m", "vcs", *args], cwd=root,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lock, mine = root / ".vcs" / "lock", f"{p.pid} ".encode()
    deadline = time.monotonic() + 60
    while p.poll() is None:
        try:
            if lock.read_bytes().startswith(mine):
                return p, True
        except FileNotFoundError:
            pass
        assert time.monotonic() < deadline, "vcs never took its lock"
        time.sleep(0.0005)
    return p, False


def big_change(root: Path, n: int) -> None:
    for i in range(40):
        (root / f"f{i:02d}.txt").write_bytes(b"".join(b"file %d line %d version %d\n" % (i, j, n)
                                                      for j in range(2000)))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signals_during_commit_and_checkout(tmp_path, sig):
    root = tmp_path / "w"
    root.mkdir()
    assert vcs(root, "init").returncode == 0
    big_change(root, 0)
    assert vcs(root, "commit", "-A", "-m", "v0").returncode == 0
    rng = random.Random(sig)
    outcomes = {"done": 0, "stopped": 0, "signalled": 0}
    for trial in range(TRIALS):
        big_change(root, trial + 1)
        before = {p.name: p.read_bytes() for p in root.glob("*.txt")}
        p, running = start_in_command(root, "commit", "-m", f"t{trial}")
        if running:
            time.sleep(rng.uniform(0, 0.15))  # a random point of the commit (it takes about that)
            p.send_signal(sig)
            outcomes["signalled"] += 1
        out, err = p.communicate()
        assert b"Traceback" not in err, err.decode()
        outcomes["done" if p.returncode == 0 else "stopped"] += 1
        assert {q.name: q.read_bytes() for q in root.glob("*.txt")} == before
        r = vcs(root, "verify")
        assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
        r = vcs(root, "commit", "-m", f"after {trial}")  # the lock is free
        assert r.returncode in (0, 1), r.stderr.decode()

        # now a checkout back to revision 0, interrupted
        revs = len(vcs(root, "log", "--oneline").stdout.splitlines())
        p, running = start_in_command(root, "checkout", "0")
        if running:
            time.sleep(rng.uniform(0, 0.1))
            p.send_signal(sig)
        out, err = p.communicate()
        assert b"Traceback" not in err, err.decode()
        v0 = b"".join(b"file 0 line %d version 0\n" % j for j in range(2000))
        for q in root.glob("f*.txt"):  # each file wholly old or wholly new
            data = q.read_bytes()
            assert data.endswith(b"version %d\n" % int(data.rsplit(b"version ", 1)[1])), q
        r = vcs(root, "checkout", "0")
        assert r.returncode == 0, r.stderr.decode()
        assert (root / "f00.txt").read_bytes() == v0
        r = vcs(root, "checkout", str(revs - 1))
        assert r.returncode == 0, r.stderr.decode()
        assert vcs(root, "verify").returncode == 0
    assert outcomes["signalled"] >= TRIALS // 2 and outcomes["stopped"] > 0, outcomes
