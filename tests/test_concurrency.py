"""Several processes at once: writers commit while readers run log, status and cat.

Every writer's command either succeeds or says the repository is busy (naming the
holder); every reader's succeeds (readers take no lock, so "busy" is a failure), and
each reader reports having run every read at least once while the writers wrote;
every acknowledged commit is in history; verify passes. `make stress` runs the full
size (8 writers x 50 commits); `make test` a smaller one.
"""
from __future__ import annotations

import os
import subprocess
import sys

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
import os, subprocess, sys
root, stop, rounds = sys.argv[1:4]
ok = {}
while True:
    for args in (["log", "--oneline", "-n", "5"], ["status"], ["cat", "0", "seed.txt"], ["verify"]):
        r = subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=root, capture_output=True)
        if r.returncode == 0 and b"Traceback" not in r.stderr:
            ok[args[0]] = ok.get(args[0], 0) + 1
        else:  # a reader takes no lock: "busy" is as wrong as any other failure
            print("BAD", args, r.returncode, r.stderr.decode()[-400:], flush=True)
    with open(rounds, "a") as f:
        f.write("round\n")
    if os.path.exists(stop):
        break
print("READER", " ".join(f"{k}={n}" for k, n in sorted(ok.items())), flush=True)
"""
READS = {"log", "status", "cat", "verify"}


def test_writers_and_readers_at_once(tmp_path):
    root = tmp_path / "w"
    root.mkdir()
    vcs = [sys.executable, "-P", "-m", "vcs"]
    subprocess.run([*vcs, "init"], cwd=root, check=True, capture_output=True)
    (root / "seed.txt").write_text("seed\n")
    subprocess.run([*vcs, "commit", "-A", "-m", "seed"], cwd=root, check=True, capture_output=True)
    stop = tmp_path / "stop"
    rounds = [tmp_path / f"reader-{i}.rounds" for i in range(2)]
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(w), str(COMMITS)],
                                stdout=subprocess.PIPE, text=True) for w in range(WRITERS)]
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(root), str(stop), str(done)],
                                stdout=subprocess.PIPE, text=True) for done in rounds]
    outs = [w.communicate(timeout=900)[0] for w in writers]
    # Each reader went round at least once while the writers were writing...
    during = [done.read_text().count("round") if done.exists() else 0 for done in rounds]
    stop.touch()
    # ...and ends its round and reports: every read succeeded, none was "busy".
    reader_outs = [r.communicate(timeout=300)[0] for r in readers]
    assert [r.returncode for r in readers] == [0, 0]
    acked = []
    for out in outs:
        assert "BAD" not in out, out
        acked += out.split("ACKED", 1)[1].split()
    for out in reader_outs:
        assert "BAD" not in out, out
        counts = dict(item.split("=") for item in out.split("READER", 1)[1].split())
        assert set(counts) == READS and all(int(n) >= 1 for n in counts.values()), out
    assert min(during) >= 1, f"a reader finished no round while the writers wrote: {during}"
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


def test_a_reader_sees_tags_as_of_its_own_snapshot(tmp_path):
    """A tag's commit is committed before the tag is written, and states only grow: a
    reader that read the tags before its state never sees a tag naming a commit
    beyond it, however far writers have gone since."""
    from vcs.porcelain.commit import commit
    from vcs.porcelain.init import init
    from vcs.porcelain.tags import tag
    from vcs.repo.repository import Repository
    from vcs.repo.verify import verify
    root = tmp_path / "w"
    writer = init(str(root))
    (root / "f").write_text("0\n")
    commit(writer, "zero", addremove=True)
    tag(writer, "t0")
    reader = Repository(writer.root)
    (root / "f").write_text("1\n")
    commit(writer, "one")
    tag(writer, "t1")
    tag(writer, "t0", "1", force=True)
    ids = reader.commit_ids()
    assert all(oid in ids for oid in reader.tags().values())
    assert reader.tags() == {"t0": writer.commit_info(0).id}
    assert verify(reader).ok, verify(reader).problems
    reader.refresh()
    assert set(reader.tags()) == {"t0", "t1"} and reader.rev_of(reader.tags()["t0"]) == 1


TAGGER = r"""
import os, sys, time
from vcs.porcelain.commit import commit
from vcs.porcelain.tags import tag
from vcs.repo.repository import Repository
root, me, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.environ["VCS_LOCK_TIMEOUT"] = "60"
repo = Repository.find(os.fsencode(root))
for i in range(n):
    with open(os.path.join(root, f"t{me}.txt"), "w") as f:
        f.write(f"{i}\n")
    commit(repo, f"t{me} {i}", addremove=True, paths=[os.path.join(root, f"t{me}.txt")])
    tag(repo, f"t{me}-{i}")  # right after its commit: the tag a late reader would trip on
    time.sleep(0.05)
print("DONE", flush=True)
"""


def test_verify_while_others_commit_and_tag(tmp_path):
    """verify in a loop while two writers commit and tag: never a false report."""
    root = tmp_path / "w"
    root.mkdir()
    vcs = [sys.executable, "-P", "-m", "vcs"]
    subprocess.run([*vcs, "init"], cwd=root, check=True, capture_output=True)
    for i in range(1500):  # enough records that verify spends a while between its reads
        (root / f"seed{i}.txt").write_text(f"seed {i}\n" * 20)
    subprocess.run([*vcs, "commit", "-A", "-m", "seed"], cwd=root, check=True, capture_output=True)
    writers = [subprocess.Popen([sys.executable, "-c", TAGGER, str(root), str(w), "40"],
                                stdout=subprocess.PIPE, text=True) for w in range(2)]
    runs, bad = 0, []
    while any(w.poll() is None for w in writers) or runs == 0:
        for args in (["verify"], ["log", "--oneline", "-n", "3"], ["tags"]):
            r = subprocess.run([*vcs, *args], cwd=root, capture_output=True, text=True)
            runs += 1
            if r.returncode != 0:
                bad.append((args, r.returncode, r.stdout[-300:], r.stderr[-300:]))
    for w in writers:
        assert "DONE" in w.communicate(timeout=120)[0]
    print(f"\nverify, log and tags ran {runs} times while two writers committed and tagged")
    assert runs >= 6 and not bad, f"{len(bad)} of {runs} runs failed: {bad}"
