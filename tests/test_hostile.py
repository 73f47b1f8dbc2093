"""Hostile input: tampered repositories, symlinks, control characters, files that change
while being committed. Refused before anything is written, or stored exactly."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from vcs.porcelain.commit import commit
from vcs.model.objects import Change, Commit, Entry, commit_id, content_id, serialize_commit, serialize_manifest
from vcs.repo.repository import Repository

HOSTILE = [b"/etc/evil", b"../evil", b"a/../../evil", b".vcs/evil", b".VCS/evil", b".Vcs/state",
           b"a//evil", b"a/./evil", b"nul\0evil", b"new\nline", b"carriage\rreturn", b""]


def forge(repo_root, changes, snapshot=None, message="forged", edit=lambda record: record):
    """Append a commit to the repository as an attacker would: ids and checksums all
    consistent, so only vcs's own rules stand in the way (`edit` may change the
    record's bytes first)."""
    r = Repository.find(bytes(repo_root))
    with r.lock():
        r.refresh()
        head = r.head_rev()
        with r.transaction("forge") as tx:
            parent = r.state.head
            if snapshot is not None:
                listing = snapshot
            else:
                files = dict(r.manifest(head))
                for ch in changes:
                    if ch.entry is None:
                        files.pop(ch.path, None)
                    else:
                        files[ch.path] = ch.entry
                listing = serialize_manifest(files)
            record = serialize_commit(Commit(parents=(parent,), tree=content_id(listing), author="Mallory <m@x>",
                                             date=int(time.time()), tz=0, message=message, changes=tuple(changes)))
            record = edit(record)
            cid = commit_id(record)
            if snapshot is not None:
                r.objects.put(listing)
            r.changelog.append(cid, record, len(listing), (head,), snapshot is not None)
            tx.view.heads.add(cid)  # HEAD stays: the victim checks the forged one out
    return len(Repository.find(bytes(repo_root))) - 1


@pytest.mark.parametrize("path", HOSTILE, ids=repr)
def test_hostile_paths_in_a_change_list_are_refused(repo, tmp_path, path):
    repo.write("ok.txt", "ok\n")
    repo.vcs("commit", "-A", "-m", "ok")
    r = Repository.find(bytes(repo.root))
    with r.lock(), r.transaction("forge"):
        oid, _ = r.objects.put(b"pwned\n")
    rev = forge(repo.root, [Change(path, Entry("f", oid)), Change(b"zz-other.txt", Entry("f", oid))])
    before = repo.tree()
    outside = sorted(os.listdir(repo.root.parent))
    res = repo.vcs("checkout", str(rev), ok=False)
    assert res.code in (2, 3, 4) and "error:" in res.err, res
    assert repo.tree() == before                         # nothing written in the tree...
    assert sorted(os.listdir(repo.root.parent)) == outside  # ...nor beside it
    assert not (repo.root / ".vcs" / "evil").exists()
    assert repo.vcs("verify", ok=False).code == 4


@pytest.mark.parametrize("path", HOSTILE, ids=repr)
def test_hostile_paths_in_a_stored_listing_are_refused(repo, path):
    repo.write("ok.txt", "ok\n")
    repo.vcs("commit", "-A", "-m", "ok")
    listing = path + b"\0" + b"00" * 16 + b"f\n"
    rev = forge(repo.root, [], snapshot=listing)
    before = repo.tree()
    res = repo.vcs("checkout", str(rev), ok=False)
    assert res.code in (3, 4) and "error:" in res.err
    assert repo.tree() == before


def test_never_writes_through_a_symlink(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(str(outside), repo.root / "a")
    repo.write("keep.txt", "k\n")
    repo.vcs("commit", "-A", "-m", "a is a symlink to a folder outside")
    r = Repository.find(bytes(repo.root))
    with r.lock(), r.transaction("forge"):
        oid, _ = r.objects.put(b"evil\n")
    rev = forge(repo.root, [Change(b"a/evil", Entry("f", oid))])
    res = repo.vcs("checkout", str(rev), ok=False)
    assert res.code in (3, 4) and "error:" in res.err
    assert os.listdir(outside) == []
    # an untracked symlink placed in the way is not followed either
    repo2_root = tmp_path / "second"
    repo2_root.mkdir()
    from tests.conftest import Repo
    repo2 = Repo(repo2_root)
    repo2.vcs("init")
    repo2.write("d/f.txt", "f\n")
    repo2.vcs("commit", "-A", "-m", "d/f")
    os.unlink(repo2_root / "d/f.txt")
    os.rmdir(repo2_root / "d")
    repo2.vcs("commit", "-A", "-m", "no d")
    os.symlink(str(outside), repo2_root / "d")
    res = repo2.vcs("checkout", "0", ok=False)
    assert res.code == 3 and "d" in res.err
    res = repo2.vcs("checkout", "0", "--force", ok=False)
    assert os.listdir(outside) == []


def test_control_characters_in_names_are_kept_and_printed_escaped(repo):
    names = ["esc\x1b[31mred.txt", "bell\x07.txt", "tab\there.txt", "del\x7f.txt"]
    for n in names:
        repo.write(n, f"{n!r}\n")
    repo.vcs("commit", "-A", "-m", "control \x1b[2J characters")
    repo.vcs("checkout", "0", "--force")
    assert set(repo.tree()) == set(names)
    for n in names:
        repo.write(n, "changed\n")
    outputs = [repo.vcs("status").out, repo.vcs("log").out, repo.vcs("diff").out, repo.vcs("diff", "--stat").out,
               repo.vcs("log", "--stat").out]
    for out in outputs:
        for byte in out:
            assert byte in (0x09, 0x0A) or 0x20 <= byte < 0x7F or byte >= 0x80, (out, byte)
    repo.vcs("commit", "-m", "changed")
    repo.vcs("checkout", "0")
    for n in names:
        assert repo.read(n) == f"{n!r}\n".encode()


def test_file_changing_while_committed(repo, monkeypatch):
    from vcs.worktree import files as worktree
    repo.write("live.log", "first\n")
    repo.vcs("commit", "-A", "-m", "first")
    repo.write("live.log", "second\n")
    real_read = worktree.read
    calls = []

    def growing(root, path, kind):
        data = real_read(root, path, kind)
        calls.append(path)
        with open(os.path.join(root, path), "ab") as f:  # the writer appends after every read
            f.write(b"more\n")
        return data
    monkeypatch.setattr(worktree, "read", growing)
    warnings = []
    r = Repository.find(bytes(repo.root), warn=warnings.append)
    commit(r, "while growing")
    monkeypatch.setattr(worktree, "read", real_read)
    assert any("live.log" in w and "changing" in w for w in warnings)
    repo.vcs("verify")  # what was stored hashes to its id
    stored = repo.vcs("cat", "-1", "live.log").out
    assert stored.startswith(b"second\n") and stored.endswith(b"more\n")


def test_bad_input_gives_errors_not_tracebacks(repo, monkeypatch, tmp_path):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.vcs("config", "set", "alias.st", "status '")
    r = repo.run("st", ok=2)
    assert "alias 'st' cannot be read" in r.err and "Traceback" not in r.err
    repo.vcs("config", "unset", "alias.st")
    (repo.root / ".vcs/config.toml").write_text("[user\nname = \n")
    r = repo.run("stauts", ok=False)
    assert r.code == 3 and "not valid TOML" in r.err and "Traceback" not in r.err
    (repo.root / ".vcs/config.toml").write_text('[storage]\npolicy = "auto"\n')
    repo.write(".vcsignore", "[z-a]\na\\\\\n!\n*.tmp\n")
    repo.write("x.tmp", "t\n")
    r = repo.run("status")
    assert "Traceback" not in r.err and "is skipped" in r.err and "x.tmp" not in r.text
    repo.write("a", "b\n")
    r = repo.run("commit", env={"EDITOR": "/nonexistent/editor", "VISUAL": ""}, ok=False)
    assert r.code == 3 and "editor" in r.err and "Traceback" not in r.err
    r = repo.run("cat", "HEAD" + "~" * 3000, "a", ok=2)
    assert "does not exist" in r.err and "Traceback" not in r.err


def test_a_symlinked_folder_in_the_tree_is_never_followed(repo, tmp_path):
    """A folder the user replaced by a symlink to somewhere else: checkout and rm never
    delete or write there, add and commit never read there."""
    outside = tmp_path / "outside"
    outside.mkdir()
    repo.write("d/f", "data\n")
    repo.write("z", "1\n")
    repo.vcs("commit", "-A", "-m", "one")
    repo.vcs("rm", "d/f")
    repo.write("z", "2\n")
    repo.vcs("commit", "-A", "-m", "two")
    repo.vcs("checkout", "0")
    (outside / "d").mkdir()
    os.rename(repo.root / "d/f", outside / "d/f")
    os.rmdir(repo.root / "d")
    os.symlink(outside / "d", repo.root / "d")
    repo.vcs("checkout", "1", ok=False)
    assert (outside / "d/f").read_bytes() == b"data\n"     # not deleted through the link
    repo.vcs("checkout", "0", "--force", ok=False)
    assert (outside / "d/f").read_bytes() == b"data\n"
    repo.vcs("rm", "--force", "d/f", ok=False)
    assert (outside / "d/f").read_bytes() == b"data\n"
    (outside / "s").write_bytes(b"secret\n")
    os.symlink(outside, repo.root / "lnk")
    repo.vcs("add", "lnk/s", ok=False)
    repo.vcs("commit", "-A", "-m", "with a link", ok=False)
    for rev_line in repo.vcs("log", "--json").text.splitlines():
        import json
        assert all(not f["path"].startswith("lnk/") for f in json.loads(rev_line).get("files", []))


def test_an_unreadable_folder_is_not_recorded_as_deleted(repo):
    import shutil
    import subprocess
    import sys
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is not installed")
    repo.write("d/c", "c\n")
    repo.write("e", "e\n")
    repo.vcs("commit", "-A", "-m", "one")
    (repo.root / "d").chmod(0)
    try:
        cmd = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search",
               sys.executable, "-P", "-m", "vcs"]
        probe = subprocess.run([*cmd, "status"], cwd=repo.root, capture_output=True, text=True)
        if probe.returncode != 0 or "cannot read the folder" not in probe.stderr:
            pytest.skip(f"cannot drop the right to read any folder here: {probe.stderr[-200:]}")
        assert "! d/c" not in probe.stdout
        r = subprocess.run([*cmd, "commit", "-A", "-m", "x"], cwd=repo.root, capture_output=True, text=True)
        assert r.returncode == 1 and "nothing to commit" in r.stderr  # d/c is not recorded as deleted
    finally:
        (repo.root / "d").chmod(0o755)
    assert repo.vcs("status").text == ""


# -- names the file system cannot hold ---------------------------------------------------

LONG = [b"x" * 256, b"d/" + b"y" * 300 + b"/f", b"/".join([b"z" * 200] * 21)]


def test_path_length_limits_are_the_file_systems():
    from vcs.model.objects import path_problem
    assert path_problem(b"x" * 255) is None
    assert path_problem(b"/".join([b"z" * 200] * 20) + b"/" + b"w" * 75) is None  # 4,095 bytes
    assert "255 bytes" in path_problem(b"x" * 256)
    assert "4,095 bytes" in path_problem(b"/".join([b"z" * 200] * 20) + b"/" + b"w" * 76)


@pytest.mark.parametrize("path", LONG, ids=["component", "inner-component", "total"])
def test_a_path_too_long_for_the_file_system_is_refused_by_import(repo, path):
    from test_gitio import _commit, _inline, _stream
    res = repo.vcs("import", input=_stream(_commit(_inline(b"ok.txt", b"ok\n") + _inline(path, b"x\n"))), ok=2)
    assert "refusing the path" in res.err and "bytes" in res.err and "nothing was imported" in res.err
    assert len(Repository.find(bytes(repo.root))) == 0


def test_a_path_too_long_for_the_file_system_is_refused_by_add(repo):
    deep = "/".join(["z" * 200] * 21)
    res = repo.vcs("add", deep, ok=2)
    assert "cannot track" in res.err and "4,095 bytes" in res.err and "Traceback" not in res.err


# -- caches in .vcs/ are read back like everything else ----------------------------------

def _forge_tree_cache(repo, entries):
    import marshal

    from vcs.storage.log import seal
    r = Repository.find(bytes(repo.root))
    body = marshal.dumps((1, r.state.head, entries))
    (repo.root / ".vcs" / "tree-cache").write_bytes(seal(body))


@pytest.mark.parametrize("bad", [b"../escape.txt", b"/tmp/abs-escape.txt", b".vcs/x", b"a//b", b"wrong-id"],
                         ids=repr)
def test_a_forged_tree_cache_is_not_trusted(repo, bad):
    repo.write("a.txt", "a\n")
    repo.write("b.txt", "b\n")
    repo.vcs("commit", "-A", "-m", "two")
    r = Repository.find(bytes(repo.root))
    good = sorted((p, e.kind, e.id) for p, e in r.manifest(0).items())
    pwned = content_id(b"pwned\n")
    with r.lock(), r.transaction("test"):
        r.objects.put(b"pwned\n")  # stored, so only the binding to the tree id can catch it
    if bad == b"wrong-id":
        entries = [(b"a.txt", "f", pwned), good[1]]  # well formed, every id stored
    else:
        entries = good + [(bad, "f", pwned)]
    _forge_tree_cache(repo, entries)
    outside = sorted(os.listdir(repo.root.parent))
    res = repo.vcs("restore", ".")
    assert "tree-cache" in res.err  # ignored, with a warning
    assert sorted(os.listdir(repo.root.parent)) == outside and not os.path.exists("/tmp/abs-escape.txt")
    assert repo.tree() == {"a.txt": b"a\n", "b.txt": b"b\n"}
    _forge_tree_cache(repo, entries)
    res = repo.vcs("verify", ok=4)
    assert "tree-cache" in res.text
    _forge_tree_cache(repo, entries)
    repo.write("a.txt", "a2\n")
    repo.vcs("commit", "-m", "on top")
    assert repo.vcs("cat", "1", "b.txt").out == b"b\n" and repo.vcs("cat", "0", "a.txt").out == b"a\n"
    assert b"pwned" not in repo.vcs("diff", "0", "1").out
    repo.vcs("verify")


def test_a_forged_dirstate_path_is_not_trusted(repo):
    from vcs.worktree import dirstate
    repo.write("a.txt", "a\n")
    repo.vcs("commit", "-A", "-m", "one")
    victim = repo.root.parent / "victim.txt"
    victim.write_text("not vcs's\n")
    path = str(repo.root / ".vcs" / "dirstate")
    ds = dirstate.load(path)
    ds.files[b"../victim.txt"] = dirstate.Tracked(dirstate.NORMAL, "f", content_id(b"not vcs's\n"))
    dirstate.save(path, ds)
    res = repo.vcs("verify", ok=4)
    assert "dirstate" in res.text
    res = repo.vcs("status")
    assert "dirstate" in res.err and "../victim" not in res.text
    dirstate.save(path, ds)
    repo.write("a.txt", "a1\n")
    repo.vcs("commit", "-m", "two")
    repo.vcs("checkout", "0")
    assert victim.read_text() == "not vcs's\n"


def test_a_forged_ignore_cache_is_caught_by_verify(repo):
    repo.write(".vcsignore", "*.log\n")
    repo.write("keep.txt", "k\n")
    repo.write("x.log", "x\n")
    assert repo.vcs("status").text == "? .vcsignore\n? keep.txt\n"
    cache = repo.root / ".vcs" / "ignore-cache"
    from vcs.storage.log import seal, unseal
    digest = unseal(cache.read_bytes(), str(cache)).split(b"\n")[0]
    cache.write_bytes(seal(digest + b"\n1 ^.*$\n"))  # ignore everything
    assert "ignore-cache" in repo.vcs("verify", ok=4).text


# -- numbers too long to read: int() refuses more than 4,300 digits -------------------------

HUGE = "9" * 5000


@pytest.mark.parametrize("args, code, says", [
    (("log", "-n", HUGE, "--oneline"), 0, ""),  # a limit past any history shows all of it, as git
    (("log", f"--limit={HUGE}"), 0, ""),
    (("--no-pager", "log", "-n", HUGE), 0, ""),  # (click's parser, not the fast path)
    (("diff", "-U", HUGE), 0, ""),
    (("show", "-U", HUGE), 0, ""),
    (("cat", HUGE, "a"), 2, "does not exist"),
    (("cat", "-" + HUGE, "a"), 2, "does not exist"),
    (("cat", f"HEAD~{HUGE}", "a"), 2, "HEAD has only 1 ancestors"),
    (("checkout", HUGE), 2, "does not exist"),
    (("diff", HUGE), 2, "does not exist"),
], ids=["log-n", "log-limit", "log-n-click", "diff-U", "show-U", "cat", "cat-negative", "cat-tilde",
        "checkout", "diff-rev"])
def test_a_number_too_long_to_read_is_an_error_or_all(repo, args, code, says):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.write("a", "a\nb\n")
    repo.vcs("commit", "-A", "-m", "b")
    r = repo.run(*args, ok=code)
    assert "Traceback" not in r.err and says in r.err
    assert len(r.err) < 300  # the number is not echoed back whole
    if args[0] == "log" and code == 0:
        assert r.text.count("\n") >= 2  # both revisions


@pytest.mark.parametrize("stream, says", [
    (f"blob\nmark :{HUGE}\ndata 1\na\n", "malformed mark"),
    (f"blob\nmark :1\ndata {HUGE}\n", "is too large"),
    (f"commit refs/heads/main\ncommitter A <a@b> 1 +0000\ndata 1\nm\nfrom :{HUGE}\n", "malformed mark"),
    (f"commit refs/heads/main\ncommitter A <a@b> 1 +0000\ndata 1\nm\nM 100644 :{HUGE} f\n", "malformed mark"),
    (f"reset refs/tags/t\nfrom :{HUGE}\n", "malformed mark"),
], ids=["blob-mark", "data", "from", "M", "reset"])
def test_a_number_too_long_in_an_import_stream_is_an_error(repo, stream, says):
    r = repo.run("import", input=stream.encode(), ok=2)
    assert "Traceback" not in r.err and says in r.err and len(r.err) < 300
    assert len(Repository.find(bytes(repo.root))) == 0


@pytest.mark.parametrize("which, value, says", [
    ("repository", "[" * 5000 + "]" * 5000, "is nested too deeply"),
    ("user", "[" * 5000 + "]" * 5000, "is nested too deeply"),
    ("repository", "{a = " * 5000 + "1" + "}" * 5000, "is nested too deeply"),
    ("repository", HUGE, "holds a number too long to read"),        # the simple form vcs writes
    ("user", f"[{HUGE}]", "holds a number too long to read"),  # a form only tomllib reads
], ids=["array", "user-array", "table", "simple-number", "user-toml-number"])
def test_a_config_file_vcs_cannot_read_is_an_error_on_every_command(repo, value, says, which):
    path = repo.root / ".vcs/config.toml" if which == "repository" else \
        Path(os.environ["XDG_CONFIG_HOME"]) / "vcs/config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[user]\nname = {value}\n")
    for args in (("status",), ("tags",)):  # fast path and click
        r = repo.run(*args, ok=3)
        assert "Traceback" not in r.err and says in r.err and str(path) in r.err, r.err


def test_forged_numbers_in_the_state_file_are_corruption(repo):
    from vcs.storage.log import seal
    state = repo.root / ".vcs/state"
    state.write_bytes(seal(f"vcs-state 1\nhead -\nobjects {HUGE} 0\ncommits 0 0\n".encode()))
    r = repo.run("status", ok=4)
    assert "Traceback" not in r.err and "malformed" in r.err and "set_int_max_str_digits" not in r.err


def test_a_lock_timeout_that_is_not_a_number_is_a_usage_error(repo):
    repo.write("a", "a\n")
    for value in ("ten", "nan"):
        r = repo.run("commit", "-A", "-m", "a", env={"VCS_LOCK_TIMEOUT": value}, ok=2)
        assert "VCS_LOCK_TIMEOUT must be a number of seconds" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize("date", [b"99999999999999999999999 +0000", b"%s +0000" % (b"9" * 5000),
                                  b"1700000000 +9999", b"1700000000 +10039", b"1700000000 +1500"],
                         ids=lambda d: d[-30:].decode())
def test_a_forged_date_vcs_never_writes_is_corruption_not_a_crash(repo, date):
    """A date or time zone vcs never writes (import refuses or replaces them): log and
    show name the commit as corrupt, verify reports it; nothing crashes."""
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    rev = forge(repo.root, [], edit=lambda rec: re.sub(rb"\ndate [^\n]*\n", b"\ndate %s\n" % date, rec, count=1))
    for args in (("log", str(rev)), ("show", str(rev)), ("export",)):
        r = repo.run(*args, ok=4)
        assert "Traceback" not in r.err and "commit 1 " in r.err and "has a date vcs never writes" in r.err, r.err
        assert len(r.err) < 400
    r = repo.run("verify", ok=4)
    assert "revision 1" in r.text + r.err and "date" in r.text + r.err


def test_a_local_offset_past_any_real_time_zone_commits_in_utc(repo):
    """TZ=X-20 is a valid POSIX TZ; no offset past 14 hours may be stored (git's
    fast-import would refuse it), so the commit is made in +0000, and log still reads it."""
    repo.write("a", "a\n")
    repo.run("commit", "-A", "-m", "far east", env={"TZ": "FAR-20"})
    repo.write("a", "b\n")
    repo.run("commit", "-A", "-m", "india", env={"TZ": "IST-5:30"})
    r = repo.run("log", "--json")
    assert [json.loads(line)["tz"] for line in r.text.splitlines()] == ["+0530", "+0000"]
    repo.run("verify")


def test_the_dates_and_zones_a_commit_may_hold():
    from vcs.model.objects import format_tz, parse_date, parse_tz
    assert [parse_date(d) for d in (b"0", b"-1", b"18446744073709551615", b"-18446744073709551615")] == \
        [0, -1, 2**64 - 1, -(2**64 - 1)]
    for bad in (b"18446744073709551616", b"-18446744073709551616", b"9" * 21, b"9" * 5000, b"", b"-", b"1e5", b"--1"):
        assert parse_date(bad) is None, bad
    for zone, minutes in ((b"+0000", 0), (b"-0530", -330), (b"+1400", 840), (b"-1400", -840), (b"+1359", 839)):
        assert parse_tz(zone) == minutes and (zone == b"-0000" or format_tz(minutes) == zone)
    for bad in (b"+1401", b"-1500", b"+0060", b"+9999", b"+051800", b"+05", b"0000", b"+00a0", b"\xb9\xb9\xb9\xb9\xb9"):
        assert parse_tz(bad) is None, bad
