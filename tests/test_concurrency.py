"""Several processes at once: writers commit while readers run log, status and cat.

Every command either succeeds or says the repository is busy (naming the holder);
every acknowledged commit is in history; verify passes. `make stress` runs the full
size (8 writers x 50 commits); `make test` a smaller one.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

WRITERS = int(os.environ.get("VCS_STRESS_WRITERS", "4"))
COMMITS = int(os.environ.get("VCS_STRESS_COMMITS", "8"))

WRITER = r"""
import os, subprocess, sys
root, me, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
env = dict(os.environ, VCS_LOCK_TIMEOUT="60")
acked = []
for i in range(n):
    path = os.path.join(root, f"w{me}-{i}.txt")
    with open(path, "w") as f:
        f.write(f"writer {me} commit {i}\n" * (i + 1))
    r = subprocess.run([sys.executable, "-P", "-m", "vcs", "commit", "-m", f"w{me} {i}", f"w{me}-{i}.txt"],
                       cwd=root, capture_output=True, env=env)
    if r.returncode == 2:  # untracked: add it first (a commit of its own)
        subprocess.run([sys.executable, "-P", "-m", "vcs", "add", path], cwd=root, capture_output=True, env=env)
        r = subprocess.run([sys.executable, "-P", "-m", "vcs", "commit", "-m", f"w{me} {i}", f"w{me}-{i}.txt"],
                           cwd=root, capture_output=True, env=env)
    out, err = r.stdout.decode(), r.stderr.decode()
    if r.returncode == 0:
        acked.append(f"{out.split()[1].rstrip(']')}:w{me}-{i}.txt:{i + 1}")
    elif r.returncode == 5 and "busy" in err and "process" in err:
        pass
    else:
        print("BAD", r.returncode, err, flush=True)
print("ACKED", " ".join(acked), flush=True)
"""

READER = r"""
import os, subprocess, sys, time
root, until = sys.argv[1], float(sys.argv[2])
bad = 0
runs = 0
while time.time() < until:
    for args in (["log", "--oneline", "-n", "5"], ["status"], ["cat", "0", "seed.txt"], ["verify"]):
        r = subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=root, capture_output=True)
        runs += 1
        busy = r.returncode == 5 and b"busy" in r.stderr
        if r.returncode != 0 and not busy or b"Traceback" in r.stderr:
            bad += 1
            print("BAD", args, r.returncode, r.stderr.decode()[-400:], flush=True)
print("READER", runs, bad, flush=True)
"""


def test_writers_and_readers_at_once(tmp_path):
    root = tmp_path / "w"
    root.mkdir()
    vcs = [sys.executable, "-P", "-m", "vcs"]
    subprocess.run([*vcs, "init"], cwd=root, check=True, capture_output=True)
    (root / "seed.txt").write_text("seed\n")
    subprocess.run([*vcs, "commit", "-A", "-m", "seed"], cwd=root, check=True, capture_output=True)
    until = time.time() + 600
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(w), str(COMMITS)],
                                stdout=subprocess.PIPE, text=True) for w in range(WRITERS)]
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(root), str(until)],
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [w.communicate(timeout=900)[0] for w in writers]
    for r in readers:
        r.terminate()
    reader_outs = [r.communicate(timeout=60)[0] for r in readers]
    acked = []
    for out in outs:
        assert "BAD" not in out, out
        acked += out.split("ACKED", 1)[1].split()
    for out in reader_outs:
        assert "BAD" not in out, out
    log = subprocess.run([*vcs, "log", "--oneline"], cwd=root, capture_output=True, text=True).stdout
    ids = {line.split()[1] for line in log.splitlines()}
    acked_ids = [a.split(":")[0] for a in acked]
    assert set(acked_ids) <= ids and len(acked_ids) == len(set(acked_ids))
    assert len(acked) >= WRITERS * COMMITS * 0.9  # a long enough wait means few give up
    print(f"\nconcurrency: {WRITERS} writers, {len(acked)} of {WRITERS * COMMITS} commits acknowledged, "
          "all found in history")
    r = subprocess.run([*vcs, "verify"], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    # every acknowledged commit holds exactly what its writer committed
    for entry in acked:
        commit_id, name, repeat = entry.split(":")
        r = subprocess.run([*vcs, "cat", commit_id, name], cwd=root, capture_output=True)
        writer, i = name[1:-4].split("-")
        assert r.stdout == f"writer {writer} commit {i}\n".encode() * int(repeat), (entry, r.stderr)
