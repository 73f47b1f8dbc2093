"""Nothing is lost: kill -9 at every step of a commit or a checkout, a full disk or an
I/O error at every write, fsync and rename. After each fault: verify passes, every
acknowledged commit checks out, HEAD is the old or the new revision, and the working
files are unchanged unless the operation completed."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from vcs.repo.repository import Repository


def run(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=root, capture_output=True,
                          env={**os.environ, "VCS_LOCK_TIMEOUT": "0", **(env or {})})


def trace(root: Path, tmp_path: Path, *args: str) -> list[str]:
    """The steps and I/O operations a command goes through (it runs for real)."""
    log = tmp_path / "trace.txt"
    log.unlink(missing_ok=True)
    r = run(root, *args, env={"VCS_TRACE": str(log)})
    assert r.returncode == 0, r.stderr
    return log.read_text().splitlines()


def traced_commit(tmp_path: Path) -> tuple[Path, list[str]]:
    """A repository with a change to commit, and the trace of that very commit made
    in a twin repository: the steps and I/O operations to break, in order."""
    root = tmp_path / "w"
    probe = tmp_path / "probe"
    for r in (root, probe):
        setup_repo(r)
        edit(r, 1)
    return root, trace(probe, tmp_path, "commit", "-A", "-m", "probe")


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not (Path(dirpath) == root and d == ".vcs")]
        for n in files:
            p = Path(dirpath) / n
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def head(root: Path) -> str:
    return run(root, "log", "--oneline", "-n", "1").stdout.decode().split(" ")[1]


def setup_repo(root: Path) -> None:
    root.mkdir()
    assert run(root, "init").returncode == 0
    for i in range(5):
        (root / f"f{i}.txt").write_text("".join(f"line {j}\n" for j in range(200)))
    assert run(root, "commit", "-A", "-m", "base").returncode == 0


def edit(root: Path, n: int) -> None:
    for i in range(5):
        p = root / f"f{i}.txt"
        p.write_text(p.read_text().replace(f"line {n}\n", f"line {n} edited\n"))
    (root / f"new{n}.txt").write_text(f"new file {n}\n")


def check_sound(root: Path, committed: list[str]) -> None:
    """verify passes and every acknowledged commit checks out byte for byte."""
    r = run(root, "verify")
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    log = run(root, "log", "--oneline").stdout.decode()
    for rev_id in committed:
        assert rev_id in log, (rev_id, log)


def test_kill_at_every_step_of_a_commit(tmp_path):
    root, lines = traced_commit(tmp_path)
    steps = [line.split(" ", 1)[1] for line in lines if line.startswith("step ")]
    assert "commit:locked" in steps and "state:renamed" in steps and len(steps) >= 8
    print(f"\ncrash points: killing a commit at each of {len(steps)} steps: {', '.join(steps)}")
    committed = [head(root)]
    for n, step in enumerate(steps, start=2):
        edit(root, 100 + n)  # something to commit
        before_head = head(root)
        before_files = snapshot(root)
        r = run(root, "commit", "-A", "-m", f"at {step}", env={"VCS_CRASH_AT": step})
        assert r.returncode == -signal.SIGKILL, (step, r.returncode, r.stderr)
        assert snapshot(root) == before_files, step  # a commit never touches working files
        after = head(root)
        assert after == before_head or step.startswith(("state:renamed", "commit:done", "dirstate")), step
        if after != before_head:
            committed.append(after)
        check_sound(root, committed)
        # the next commit succeeds (or there is nothing left to commit)
        edit(root, n)
        r = run(root, "commit", "-A", "-m", f"after {step}")
        assert r.returncode == 0, (step, r.stderr)
        committed.append(head(root))
    check_sound(root, committed)


@pytest.mark.parametrize("err", ["ENOSPC", "EIO"])
def test_io_error_at_every_write_fsync_and_rename_of_a_commit(tmp_path, err):
    root, lines = traced_commit(tmp_path)
    ops = [line for line in lines if line.startswith("io ")]
    assert any(" fsync " in o for o in ops) and any(" rename " in o for o in ops)
    print(f"\n{err}: failing each of the {len(ops)} writes, fsyncs, truncates and renames of a commit")
    committed = [head(root)]
    state = (root / ".vcs/state").read_bytes()
    outcomes = {"refused": 0, "committed": 0}
    for n in range(1, len(ops) + 1):
        before_files = snapshot(root)
        r = run(root, "commit", "-A", "-m", f"fail at {n}", env={"VCS_FAIL_AT": f"{n}:{err}"})
        err_text = r.stderr.decode()
        assert "Traceback" not in err_text, err_text
        assert snapshot(root) == before_files
        if r.returncode == 0:
            # the failure hit after the commit point (the stat cache, the folder fsync)
            outcomes["committed"] += 1
            committed.append(head(root))
            state = (root / ".vcs/state").read_bytes()
            edit(root, n + 1)
        else:
            outcomes["refused"] += 1
            assert r.returncode == 3, err_text
            assert "nothing was committed" in err_text and os.strerror(getattr(__import__("errno"), err)) in err_text
            assert "/" in err_text.split("cannot write", 1)[1]  # it names the file
            assert (root / ".vcs/state").read_bytes() == state  # the repository is unchanged
        check_sound(root, committed)
        r = run(root, "status")  # and no lock was left behind
        assert r.returncode == 0, r.stderr
    assert outcomes["refused"] >= 5
    r = run(root, "commit", "-A", "-m", "finally")
    assert r.returncode in (0, 1), r.stderr
    check_sound(root, committed)


def test_durability_order(tmp_path):
    """Records are fsynced before the state that makes them reachable is renamed into
    place, and the folder is fsynced after the rename."""
    root = tmp_path / "w"
    setup_repo(root)
    edit(root, 1)
    lines = trace(root, tmp_path, "commit", "-A", "-m", "x")
    ops = [line.split(" ", 2)[2] if line.startswith("io ") else line for line in lines]
    rename = next(i for i, o in enumerate(ops) if o.startswith("rename") and o.endswith("/state"))
    for log in ("objects.dat", "changelog.dat", "filelog", "oplog"):
        synced = max(i for i, o in enumerate(ops) if o.startswith("fsync") and o.endswith(f"/{log}"))
        assert synced < rename
    assert any(o.startswith("fsync") and o.endswith("/.vcs") for o in ops[rename:])


def test_kill_between_files_of_a_checkout(tmp_path):
    root = tmp_path / "w"
    root.mkdir()
    assert run(root, "init").returncode == 0
    for i in range(30):
        (root / f"file{i:02d}.txt").write_text(f"old {i}\n")
    assert run(root, "commit", "-A", "-m", "old").returncode == 0
    for i in range(30):
        (root / f"file{i:02d}.txt").write_text(f"new {i}\n" * 3)
    assert run(root, "commit", "-A", "-m", "new").returncode == 0
    old = {f"file{i:02d}.txt": f"old {i}\n".encode() for i in range(30)}
    new = {f"file{i:02d}.txt": (f"new {i}\n" * 3).encode() for i in range(30)}
    for k in (0, 7, 29):
        r = run(root, "checkout", "0", env={"VCS_CRASH_AT": f"checkout:file:{k}"})
        assert r.returncode == -signal.SIGKILL
        for name in old:
            data = (root / name).read_bytes()
            assert data in (old[name], new[name])  # wholly old or wholly new
        assert sum((root / n).read_bytes() == old[n] for n in old) == k + 1
        r = run(root, "status")
        assert "interrupted" in r.stderr.decode() and "vcs checkout 0" in r.stderr.decode()
        assert run(root, "commit", "-m", "no").returncode == 3
        r = run(root, "checkout", "0")
        assert r.returncode == 0, r.stderr
        assert {n: (root / n).read_bytes() for n in old} == old
        assert "interrupted" not in run(root, "status").stderr.decode()
        assert run(root, "verify").returncode == 0
        assert run(root, "checkout", "1").returncode == 0


def test_stale_lock_is_broken_with_a_warning(tmp_path):
    root = tmp_path / "w"
    setup_repo(root)
    edit(root, 1)
    # a writer killed while holding the lock leaves its name in the lock file
    r = run(root, "commit", "-A", "-m", "x", env={"VCS_CRASH_AT": "commit:locked"})
    assert r.returncode == -signal.SIGKILL
    r = run(root, "commit", "-A", "-m", "y")
    assert r.returncode == 0, r.stderr
    assert "stale lock" in r.stderr.decode() and "no longer running" in r.stderr.decode()


def test_busy_repository_names_the_holder(tmp_path):
    root = tmp_path / "w"
    setup_repo(root)
    holder = subprocess.Popen([sys.executable, "-c", f"""
import fcntl, os, sys, time
fd = os.open({str(root / '.vcs/lock')!r}, os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
os.pwrite(fd, f"{{os.getpid()}} {{os.uname().nodename}}\\n".encode(), 0)
print("locked", flush=True)
time.sleep(30)
"""], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"locked"
        edit(root, 1)
        r = run(root, "commit", "-A", "-m", "x")
        assert r.returncode == 5
        assert f"process {holder.pid}" in r.stderr.decode() and "busy" in r.stderr.decode()
        assert run(root, "log").returncode == 0  # readers take no lock
        assert run(root, "status").returncode == 0
    finally:
        holder.kill()
        holder.wait()
    r = run(root, "commit", "-A", "-m", "x")
    assert r.returncode == 0 and "stale" in r.stderr.decode()


def test_a_killed_checkout_leaves_no_temp_files_behind_for_long(tmp_path):
    root = tmp_path / "w"
    setup_repo(root)
    edit(root, 1)
    assert run(root, "commit", "-A", "-m", "x").returncode == 0
    r = run(root, "checkout", "0", env={"VCS_CRASH_AT": "checkout:file:1"})
    assert r.returncode == -signal.SIGKILL
    assert os.listdir(root / ".vcs/tmp")  # staged files of the dead process
    r = run(root, "checkout", "0")
    assert r.returncode == 0 and "stale lock" in r.stderr.decode()
    assert os.listdir(root / ".vcs/tmp") == []
    assert not [n for n in os.listdir(root / ".vcs") if ".tmp" in n]


@pytest.mark.skipif(not __import__("shutil").which("setpriv"), reason="setpriv (util-linux) is not installed")
def test_read_only_repository(tmp_path):
    """Without write permission: reading commands work and write nothing; commit fails
    before changing anything, with a clear message."""
    import shutil
    import tempfile
    base = Path(tempfile.mkdtemp(prefix="vcs-ro-", dir="/tmp"))
    try:
        base.chmod(0o755)
        root = base / "w"
        setup_repo(root)
        edit(root, 1)
        for dirpath, dirs, files in os.walk(root):
            os.chmod(dirpath, 0o755)
            for n in files:
                os.chmod(os.path.join(dirpath, n), 0o644)
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        probe = subprocess.run([*as_nobody, sys.executable, "-c", "import vcs"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip("cannot run Python as another user here")

        def vcs_ro(*args):
            return subprocess.run([*as_nobody, sys.executable, "-P", "-m", "vcs", *args], cwd=root,
                                  capture_output=True, env={**os.environ, "HOME": str(base), "XDG_CONFIG_HOME": str(base / "cfg")})

        def store_state():
            return {str(p): (p.stat().st_mtime_ns, p.read_bytes()) for p in (root / ".vcs").rglob("*") if p.is_file()}
        before = store_state()
        for args in (["log"], ["status"], ["diff"], ["cat", "0", "f1.txt"], ["log", "-p"], ["verify"], ["stats"]):
            r = vcs_ro(*args)
            assert r.returncode == 0, (args, r.stderr)
        assert b"M f1.txt" in vcs_ro("status").stdout
        r = vcs_ro("commit", "-A", "-m", "x")
        assert r.returncode == 3 and b"cannot write to the repository" in r.stderr and b"Traceback" not in r.stderr
        assert store_state() == before
    finally:
        shutil.rmtree(base, ignore_errors=True)


VCS_SH = f"{sys.executable} -P -m vcs"


def on_a_small_filesystem(tmp_path: Path, script: str) -> subprocess.CompletedProcess:
    """Run a bash script in a folder on a 768 KiB tmpfs, mounted in a private mount
    namespace (unshare -rm); skip the test where the machine does not allow it."""
    import shutil
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is not installed")
    mnt = tmp_path / "small"
    mnt.mkdir()
    script = f"set -u\nmount -t tmpfs -o size=768k tmpfs {mnt} || exit 77\ncd {mnt}\n{script}"
    p = subprocess.run(["unshare", "-rm", "bash", "-c", script], capture_output=True, text=True,
                       env={**os.environ, "VCS_LOCK_TIMEOUT": "0"})
    if p.returncode == 77 or "Operation not permitted" in p.stderr or "cannot" in p.stderr and "unshare" in p.stderr:
        pytest.skip(f"cannot mount a small file system here: {p.stderr.strip()[-200:]}")
    return p


def test_full_disk_on_a_real_small_filesystem(tmp_path):
    """A real ENOSPC: a repository on a 768 KiB tmpfs, mounted in a private mount
    namespace (unshare -rm); skipped where the machine does not allow it."""
    vcs = VCS_SH
    p = on_a_small_filesystem(tmp_path, f"""
{vcs} init >/dev/null || exit 10
head -c 100000 /dev/urandom | base64 > small.txt
{vcs} commit -A -m small >/dev/null || exit 11
cp small.txt keep.txt
head -c 700000 /dev/urandom > big.bin 2>/dev/null
{vcs} commit -A -m big 2> {tmp_path}/err.txt
echo "commit exit $?"
cat {tmp_path}/err.txt
{vcs} verify > {tmp_path}/verify.txt; echo "verify exit $?"
{vcs} log --oneline | wc -l
rm big.bin
echo more >> small.txt
{vcs} commit -A -m after >/dev/null; echo "after exit $?"
{vcs} verify >/dev/null; echo "verify2 exit $?"
""")
    out = p.stdout
    assert "commit exit 3" in out, out + p.stderr
    assert "No space left on device" in out and "nothing was committed" in out
    assert "Traceback" not in out + p.stderr
    assert "verify exit 0" in out and "\n1\n" in out  # one commit in history, the store sound
    assert "after exit 0" in out and "verify2 exit 0" in out, out


# -- going anywhere after an interrupted checkout ----------------------------------------

# Three revisions: 0 -> 1 writes a0..a3 and n.txt and deletes d.txt; 2 is a third tree.
_REVS = [
    {**{f"a{i}.txt": f"zero {i}\n" for i in range(4)}, "d.txt": "d0\n", "keep.txt": "k\n"},
    {**{f"a{i}.txt": f"one {i}\n" for i in range(4)}, "n.txt": "n1\n", "keep.txt": "k\n"},
    {**{f"a{i}.txt": f"two {i}\n" for i in range(2)}, "a2.txt": "zero 2\n", "a3.txt": "zero 3\n",
     "d.txt": "d2\n", "t.txt": "t2\n", "keep.txt": "k\n"},
]


def _three_revisions(root: Path):
    from conftest import Repo
    repo = Repo(root)
    root.mkdir()
    repo.vcs("init")
    for rev, files in enumerate(_REVS):
        for name in list(repo.tree()):
            if name not in files:
                (root / name).unlink()
        for name, text in files.items():
            repo.write(name, text)
        repo.vcs("commit", "-A", "-m", f"rev {rev}")
    repo.vcs("checkout", "0")
    return repo


def _tree_of(rev: int) -> dict[str, bytes]:
    return {k: v.encode() for k, v in _REVS[rev].items()}


def _assert_clean_at(repo, rev: int, out: str) -> None:
    assert repo.tree() == _tree_of(rev)
    assert "kept" not in out
    assert repo.vcs("status").out == b""
    r = repo.vcs("commit", "-A", "-m", "nothing", ok=1)
    assert "nothing to commit" in r.err
    assert json.loads(repo.vcs("show", "--json", "HEAD").text)["rev"] == rev


def test_after_a_killed_checkout_any_checkout_is_exact(tmp_path):
    """kill -9 at every file of `checkout 1`, then check out the target, the old HEAD or
    a third revision: the tree is that revision byte for byte, nothing is reported as
    kept, and `commit -A` finds nothing (vcs's own writes are never the user's)."""
    repo = _three_revisions(tmp_path / "w")
    steps = [f"checkout:file:{k}" for k in range(5)] + ["checkout:head"]
    for step in steps:
        for then in (1, 0, 2):
            r = run(repo.root, "checkout", "1", env={"VCS_CRASH_AT": step})
            assert r.returncode == -signal.SIGKILL, (step, r.stderr)
            assert "vcs checkout 1" in repo.vcs("status").err
            r = repo.vcs("checkout", str(then))
            _assert_clean_at(repo, then, r.text + r.err)
            assert repo.vcs("status").err == ""
            repo.vcs("checkout", "0")
            assert repo.tree() == _tree_of(0)


def test_a_checkout_killed_while_finishing_a_killed_checkout(tmp_path):
    repo = _three_revisions(tmp_path / "w")
    for first, second, then in ((2, 0, 2), (2, 1, 0), (0, 3, 1), (4, 1, 2)):
        r = run(repo.root, "checkout", "1", env={"VCS_CRASH_AT": f"checkout:file:{first}"})
        assert r.returncode == -signal.SIGKILL
        r = run(repo.root, "checkout", "2", env={"VCS_CRASH_AT": f"checkout:file:{second}"})
        assert r.returncode == -signal.SIGKILL, r.stderr
        r = repo.vcs("checkout", str(then))
        _assert_clean_at(repo, then, r.text + r.err)
        repo.vcs("checkout", "0")


def test_a_user_edit_after_a_killed_checkout_is_protected(tmp_path):
    repo = _three_revisions(tmp_path / "w")
    r = run(repo.root, "checkout", "1", env={"VCS_CRASH_AT": "checkout:file:2"})
    assert r.returncode == -signal.SIGKILL
    repo.write("a1.txt", "my edit of a file vcs wrote\n")
    repo.write("a3.txt", "my edit of a file vcs had yet to write\n")
    r = repo.vcs("checkout", "1", ok=3)
    assert "a1.txt" in r.err and "a3.txt" in r.err and "--force" in r.err
    r = repo.vcs("checkout", "2", ok=3)  # a3.txt is the same in 0 and 2: that edit would be kept
    assert "a1.txt" in r.err and "a3.txt" not in r.err
    assert repo.read("a1.txt") == b"my edit of a file vcs wrote\n"
    assert "M a1.txt" in repo.vcs("status").text
    assert "a0.txt" not in repo.vcs("status").text  # vcs's own write is not listed as a change
    repo.vcs("checkout", "1", "--force")
    assert repo.tree() == _tree_of(1)


def test_a_kill_between_an_import_and_its_checkout_says_what_to_run(tmp_path):
    """The import's commits are in, its checkout never ran: every command says so and
    what to run; a kill before the commit point leaves an empty repository to import
    into again."""
    from test_gitio import _commit, _inline, _stream
    stream = _stream(_commit(_inline(b"a.txt", b"a0\n"), mark=1),
                     _commit(_inline(b"a.txt", b"a1\n") + _inline(b"sub/b.txt", b"b1\n")))
    for n, step in enumerate(("state:renamed", "import:committed")):
        root = tmp_path / f"w{n}"
        root.mkdir()
        assert run(root, "init").returncode == 0
        r = subprocess.run([sys.executable, "-P", "-m", "vcs", "import"], cwd=root, input=stream,
                           capture_output=True, env={**os.environ, "VCS_CRASH_AT": step})
        assert r.returncode == -signal.SIGKILL, (step, r.stderr)
        for args in (["status"], ["log", "--oneline"]):
            r = run(root, *args)
            assert r.returncode == 0
            err = r.stderr.decode()
            assert "an import of 2 commits finished but its checkout did not" in err, (step, args, err)
            assert "run `vcs checkout 1`" in err
        r = run(root, "commit", "-A", "-m", "no")
        assert r.returncode == 3 and b"vcs checkout 1" in r.stderr
        assert run(root, "checkout", "1").returncode == 0
        assert snapshot(root) == {"a.txt": hashlib.sha256(b"a1\n").hexdigest(),
                                  "sub/b.txt": hashlib.sha256(b"b1\n").hexdigest()}
        r = run(root, "status")
        assert r.stdout == b"" and r.stderr == b""
        assert run(root, "verify").returncode == 0
    root = tmp_path / "before"
    root.mkdir()
    assert run(root, "init").returncode == 0
    r = subprocess.run([sys.executable, "-P", "-m", "vcs", "import"], cwd=root, input=stream,
                       capture_output=True, env={**os.environ, "VCS_CRASH_AT": "changelog:synced"})
    assert r.returncode == -signal.SIGKILL
    r = run(root, "status")
    assert r.stdout == b"" and r.stderr == b""
    assert run(root, "verify").returncode == 0
    r = subprocess.run([sys.executable, "-P", "-m", "vcs", "import"], cwd=root, input=stream, capture_output=True)
    assert r.returncode == 0, r.stderr
    assert (root / "sub/b.txt").read_bytes() == b"b1\n"


def test_a_full_disk_while_staging_a_checkout_cleans_up_and_names_the_file(tmp_path):
    """ENOSPC at each file a checkout stages into .vcs/tmp: the error names the file,
    every temp file is gone, the working tree and HEAD are as they were."""
    root = tmp_path / "w"
    setup_repo(root)
    edit(root, 1)
    assert run(root, "commit", "-A", "-m", "x").returncode == 0
    lines = trace(root, tmp_path, "checkout", "0")
    assert run(root, "checkout", "1").returncode == 0
    staging = [int(line.split()[1]) for line in lines
               if line.startswith("io ") and line.split()[2] == "write" and "/.vcs/tmp/co" in line]
    assert len(staging) == 5
    before = snapshot(root)
    for n in staging:
        r = run(root, "checkout", "0", env={"VCS_FAIL_AT": f"{n}:ENOSPC"})
        err = r.stderr.decode()
        assert r.returncode == 3 and "No space left on device" in err and "()" not in err, err
        assert "f" in err.split("No space")[0] and ".txt" in err, err  # the file being checked out
        assert "Traceback" not in err
        assert os.listdir(root / ".vcs/tmp") == [] and snapshot(root) == before
        assert run(root, "status").stderr == b""  # nothing half-way
    assert run(root, "checkout", "0").returncode == 0


def test_a_real_full_disk_while_staging_a_checkout(tmp_path):
    """The same on a real 768 KiB tmpfs in a private mount namespace (skipped where the
    machine does not allow it): a partly written temp file is removed too."""
    vcs = VCS_SH
    p = on_a_small_filesystem(tmp_path, f"""
{vcs} init >/dev/null || exit 10
echo small > small.txt
{vcs} commit -A -m small >/dev/null || exit 11
head -c 250000 /dev/urandom > big.bin
{vcs} commit -A -m big >/dev/null || exit 12
{vcs} checkout 0 >/dev/null || exit 13
head -c 300000 /dev/zero > filler 2>/dev/null
{vcs} checkout 1 2> {tmp_path}/err.txt
echo "checkout exit $?"
cat {tmp_path}/err.txt
echo "tmp: $(ls .vcs/tmp | wc -l)"
ls
rm filler
{vcs} checkout 1 >/dev/null; echo "after exit $?"
cmp big.bin <({vcs} cat 1 big.bin) && echo same
""")
    out = p.stdout
    assert "checkout exit 3" in out, out + p.stderr
    assert "No space left on device" in out and "big.bin" in out and "()" not in out, out
    assert "tmp: 0" in out and "Traceback" not in out + p.stderr, out
    assert "after exit 0" in out and "same" in out, out


@pytest.mark.parametrize("umask", [0o777, 0o077, 0o022])
def test_vcs_sets_the_modes_of_its_own_files(tmp_path, umask):
    """Under any umask, vcs's files stay readable and writable by their owner (0777
    once made .vcs/state mode 000); a private umask (077) keeps them private.
    Working files follow the umask, as git's do."""
    root = tmp_path / "w"
    root.mkdir()

    def vcs(*args):
        r = subprocess.run([sys.executable, "-P", "-m", "vcs", *args], cwd=root, capture_output=True,
                           preexec_fn=lambda: os.umask(umask))
        assert r.returncode == 0, (args, r.stderr)
        return r
    vcs("init")
    (root / ".vcsignore").write_text("*.log\n")
    (root / "a.txt").write_text("a\n")
    vcs("commit", "-A", "-m", "zero")
    (root / "b.txt").write_text("b\n")
    vcs("commit", "-A", "-m", "one")
    vcs("tag", "v1")
    vcs("checkout", "0")
    vcs("status")
    vcs("checkout", "1")
    vcs("log")
    vcs("verify")
    want_file, want_dir = (0o644 & ~umask) | 0o600, (0o777 & ~umask) | 0o700
    found = 0
    for dirpath, dirs, files in os.walk(root / ".vcs"):
        assert os.stat(dirpath).st_mode & 0o777 == want_dir, dirpath
        for name in files:
            mode = os.stat(os.path.join(dirpath, name)).st_mode & 0o777
            assert mode == want_file, (name, oct(mode))
            found += 1
    assert found >= 10  # format, state, tags, dirstate, config, lock, logs, ignore cache
    assert (root / "b.txt").stat().st_mode & 0o777 == 0o666 & ~umask  # written by the checkout


def test_ctrl_c_at_every_step_of_a_commit(repo, monkeypatch):
    """Ctrl-C arrives as a KeyboardInterrupt between any two bytecodes. At each step of
    a commit: before the state file's rename the commit is rolled back, after it the
    commit stays. (An interrupt just after the rename once rolled the committed records
    back, and every later command found the store shorter than its state.)"""
    from vcs import faults
    real_step = faults.step
    for i in range(5):
        repo.write(f"f{i}.txt", "".join(f"line {j}\n" for j in range(200)))
    repo.vcs("commit", "-A", "-m", "base")
    steps: list[str] = []
    monkeypatch.setattr(faults, "step", steps.append)
    repo.write("f0.txt", "probe\n")
    repo.vcs("commit", "-A", "-m", "probe")
    assert "state:written" in steps and "state:renamed" in steps
    point = steps.index("state:renamed")

    def interrupt_at(name):
        def step(reached):
            if reached == name:
                raise KeyboardInterrupt
        return step

    for n, step in enumerate(steps):
        repo.write("f1.txt", f"version {n}\n")
        before = len(Repository.find(bytes(repo.root)))
        monkeypatch.setattr(faults, "step", interrupt_at(step))
        r = repo.vcs("commit", "-A", "-m", f"at {step}", ok=False)
        monkeypatch.setattr(faults, "step", real_step)
        assert r.code == 130 and "interrupted" in r.err, (step, r.code, r.err)
        repo.vcs("verify")
        assert len(Repository.find(bytes(repo.root))) == before + (n >= point), step
        repo.vcs("commit", "-A", "-m", f"after {step}", ok=False)  # the next commit works
        repo.vcs("verify")
