"""Each command as a user runs it: in a real folder, through click and as a process."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest


def test_init_refuses_to_clobber(repo):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    r = repo.vcs("init", ok=3)
    assert "already exists" in r.err
    assert repo.vcs("log", "--oneline").text.startswith("0 ")


def test_init_in_named_folder_and_storage_policy(empty_dir):
    empty_dir.vcs("init", "sub", "--storage", "full")
    assert (empty_dir.root / "sub/.vcs").is_dir()
    assert 'policy = "full"' in (empty_dir.root / "sub/.vcs/config.toml").read_text()


def test_not_a_repository(empty_dir):
    r = empty_dir.vcs("status", ok=3)
    assert r.err.startswith("error: not inside a vcs repository") and "vcs init" in r.err


def test_add_rm_and_status(repo):
    repo.write("a.txt", "a\n")
    repo.write("dir/b.txt", "b\n")
    repo.write("dir/sub/c.txt", "c\n")
    assert repo.vcs("status").text == "? a.txt\n? dir/\n"
    repo.vcs("add", "dir")
    assert repo.vcs("status").text == "A dir/b.txt\nA dir/sub/c.txt\n? a.txt\n"
    repo.vcs("commit", "-m", "dir only")
    assert repo.vcs("status").text == "? a.txt\n"
    repo.vcs("rm", "dir/b.txt")
    assert not (repo.root / "dir/b.txt").exists()
    repo.vcs("rm", "--cached", "dir/sub/c.txt")
    assert (repo.root / "dir/sub/c.txt").exists()
    assert repo.vcs("status").text == "R dir/b.txt\nR dir/sub/c.txt\n? a.txt\n"
    repo.vcs("commit", "-m", "rm")
    assert repo.vcs("status").text == "? a.txt\n? dir/\n"
    os.unlink(repo.root / "a.txt")
    repo.vcs("add", "nothing-here", ok=2)


def test_an_untracked_folder_is_one_line(repo):
    """As git's status: a folder holding no tracked file is one line, `? dir/` (the topmost
    such folder, within the paths asked for); a folder holding tracked files lists its
    untracked files and folders; `-u all` lists every file, `-u no` none; ignored files
    fold the same way; --json says `dir/` too; commit -A still adds every file."""
    repo.write("a/t.txt", "t\n")
    repo.vcs("commit", "-A", "-m", "zero")
    for name in (".venv/bin/python", ".venv/lib/site.py", "a/b/c/x.txt", "a/u.txt", "new.txt"):
        repo.write(name, f"{name}\n")
    folded = "? .venv/\n? a/b/\n? a/u.txt\n? new.txt\n"
    every = "? .venv/bin/python\n? .venv/lib/site.py\n? a/b/c/x.txt\n? a/u.txt\n? new.txt\n"
    assert repo.vcs("status").text == folded == repo.run("status").text
    assert repo.vcs("status", "-u", "normal").text == folded
    for form in (["-u", "all"], ["-uall"], ["--untracked-files=all"], ["--untracked-files", "all"]):
        assert repo.vcs("status", *form).text == every == repo.run("status", *form).text, form
    assert repo.vcs("status", "-u", "no").text == "" == repo.run("status", "--untracked-files=no").text
    assert "some" in repo.vcs("status", "-u", "some", ok=2).err
    assert repo.vcs("status", cwd=repo.root / "a").text == "? ../.venv/\n? b/\n? u.txt\n? ../new.txt\n"
    assert repo.vcs("status", cwd=repo.root / "a/b").text.splitlines()[1] == "? ./"
    assert repo.vcs("status", "a/b/c").text == "? a/b/c/\n"
    assert repo.vcs("status", "a/b/c/x.txt").text == "? a/b/c/x.txt\n"
    assert [json.loads(line) for line in repo.vcs("status", "--json").text.splitlines()][:2] == \
        [{"path": ".venv/", "status": "untracked"}, {"path": "a/b/", "status": "untracked"}]
    repo.write(".vcsignore", "*.log\nbuild/\n")
    for name in ("build/x/o.o", "mixed/u.txt", "mixed/i.log", "mixed/deep/d.log", "only/l.log"):
        repo.write(name, f"{name}\n")
    shown = repo.vcs("status", "--ignored").text.splitlines()
    assert [line for line in shown if line[0] == "I"] == ["I build/", "I mixed/deep/", "I mixed/i.log", "I only/"]
    assert "? mixed/" in shown and "? only/" not in shown
    assert "I mixed/deep/d.log" in repo.vcs("status", "--ignored", "-u", "all").text
    repo.vcs("commit", "-A", "-m", "one")
    assert len(json.loads(repo.vcs("show", "--json").text)["files"]) == 7


def test_status_missing_and_commit_paths(repo):
    repo.write("a", "a\n")
    repo.write("b", "b\n")
    repo.vcs("commit", "-A", "-m", "ab")
    os.unlink(repo.root / "a")
    repo.write("b", "b2\n")
    assert repo.vcs("status").text == "M b\n! a\n"
    repo.vcs("commit", "-m", "only b", "b")
    assert repo.vcs("status").text == "! a\n"
    repo.vcs("commit", "-A", "-m", "a removed")
    assert repo.vcs("status").text == ""
    assert repo.vcs("log", "--oneline", "-n", "1").text.split()[2:] == ["(HEAD", "->", "main)", "a", "removed"]


def test_nothing_to_commit_exits_1(repo):
    r = repo.vcs("commit", "-m", "x", ok=1)
    assert "nothing to commit" in r.err
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    assert "nothing to commit" in repo.vcs("commit", "-A", "-m", "again", ok=1).err


def test_several_messages_are_paragraphs(repo):
    """-m twice: subject and body, joined by a blank line as git does, both through
    click (in-process) and through the fast path (a process)."""
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "subject", "-m", "body")
    repo.write("a", "b\n")
    repo.run("commit", "-m", "one", "--message=two\n", "-mthree")
    repo.write("a", "c\n")
    repo.run("commit", "-m", "only\n")
    messages = [json.loads(line)["message"] for line in repo.vcs("log", "--json").text.splitlines()]
    assert messages == ["only\n", "one\n\ntwo\n\nthree", "subject\n\nbody"]


def test_commit_message_from_editor(repo, tmp_path, monkeypatch):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "from the editor\\n\\nbody\\n" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    repo.write("a", "a\n")
    repo.vcs("commit", "-A")
    assert "from the editor" in repo.vcs("log").text
    empty = tmp_path / "empty.sh"
    empty.write_text('#!/bin/sh\nprintf "# only a comment\\n" > "$1"\n')
    empty.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(empty))
    repo.write("a", "b\n")
    r = repo.vcs("commit", ok=2)
    assert "empty" in r.err
    assert repo.vcs("status").text == "M a\n"


def test_works_from_a_subfolder_and_with_C(repo):
    repo.write("top.txt", "t\n")
    repo.write("sub/deeper/f.txt", "f\n")
    repo.vcs("commit", "-A", "-m", "x")
    sub = repo.root / "sub/deeper"
    assert repo.vcs("cat", "0", "f.txt", cwd=sub).out == b"f\n"
    assert repo.vcs("cat", "0", "../../top.txt", cwd=sub).out == b"t\n"
    repo.write("sub/deeper/f.txt", "f2\n")
    assert repo.vcs("status", cwd=sub).text == "M f.txt\n"
    assert repo.vcs("-C", str(repo.root), "status", cwd=repo.root.parent).text == "M sub/deeper/f.txt\n"
    assert repo.vcs("-C", "sub", "status").text == "M deeper/f.txt\n"  # -C DIR: as if started in DIR


def test_paths_are_shown_relative_to_the_current_folder(repo, tmp_path):
    """As git's status: in sub/, sub/f.txt is `f.txt` and top.txt `../top.txt`, so a path
    printed can be typed back; diff --stat, log --stat, add, rm and a checkout's refusal
    say them the same way; --json and patch headers stay relative to the root."""
    names = ["top.txt", "sub/f.txt", "sub/deeper/g.txt", "other/o.txt"]
    for name in names:
        repo.write(name, f"{name}\n")
    repo.vcs("commit", "-A", "-m", "zero")
    for name in names:
        repo.write(name, "changed\n")
    sub = repo.root / "sub"
    shown = ["../other/o.txt", "deeper/g.txt", "f.txt", "../top.txt"]  # in the root's order, as git
    assert repo.run("status", cwd=sub).text == "".join(f"M {p}\n" for p in shown)
    assert repo.vcs("status", cwd=sub / "deeper").text.splitlines()[1:3] == ["M g.txt", "M ../f.txt"]
    assert [json.loads(line)["path"] for line in repo.vcs("status", "--json", cwd=sub).text.splitlines()] == \
        sorted(names)
    stat = repo.vcs("diff", "--stat", cwd=sub).text
    assert [line.split("|")[0].strip() for line in stat.splitlines()[:-1]] == shown
    assert repo.vcs("diff", "--name-only", cwd=sub).text.splitlines() == shown
    assert "diff --git a/sub/f.txt b/sub/f.txt\n" in repo.vcs("diff", cwd=sub).text
    assert json.loads(repo.vcs("diff", "--json", "f.txt", cwd=sub).text)["path"] == "sub/f.txt"
    repo.vcs("restore", *shown[:2], cwd=sub)  # what status printed, typed back
    assert repo.vcs("status", cwd=sub).text == "M f.txt\nM ../top.txt\n"
    repo.vcs("commit", "-A", "-m", "one")
    assert " f.txt " in repo.vcs("log", "--stat", "-n", "1", cwd=sub).text
    assert " ../top.txt " in repo.vcs("show", "--stat", cwd=sub).text
    repo.write("sub/new.txt", "n\n")
    assert repo.vcs("add", "new.txt", cwd=sub).text == "adding new.txt\n"
    assert repo.vcs("rm", "--cached", "new.txt", cwd=sub).text == "removing new.txt\n"
    repo.write("top.txt", "edited\n")
    assert "\n  ../top.txt" in repo.vcs("checkout", "0", cwd=sub, ok=3).err
    from vcs.model.objects import relative
    assert [relative(p, b"a/b") for p in (b"a/b", b"a/bc", b"a/b/c", b"ab/c", b"x")] == \
        [b".", b"../bc", b"c", b"../../ab/c", b"../../x"]


def test_revision_syntax(repo):
    for i in range(5):
        repo.write("f", f"{i}\n")
        repo.vcs("commit", "-A", "-m", f"c{i}")
    repo.vcs("tag", "v1", "2")
    ids = [line.split()[1] for line in repo.vcs("log", "--oneline").text.splitlines()][::-1]
    cases = {"0": 0, "4": 4, "-1": 4, "-5": 0, "HEAD": 4, "@": 4, "HEAD~1": 3, "HEAD~4": 0,
             "@~2": 2, "v1": 2, "v1~1": 1, ids[3][:6]: 3, ids[1]: 1}
    for spec, rev in cases.items():
        assert repo.vcs("cat", spec, "f").out == f"{rev}\n".encode(), spec
    r = repo.vcs("cat", "v2", "f", ok=2)
    assert "unknown revision 'v2'" in r.err and "did you mean 'v1'" in r.err
    assert "does not exist" in repo.vcs("cat", "5", "f", ok=2).err
    assert "does not exist" in repo.vcs("cat", "HEAD~9", "f", ok=2).err
    assert "no such option" in repo.vcs("cat", "--bogus", "f", ok=2).err.lower()
    repo.vcs("checkout", "-3")
    assert repo.read("f") == b"2\n"
    assert "(HEAD, tag: v1)" in repo.vcs("log", "--oneline").text


def test_ambiguous_prefix(repo):
    from vcs.repo.repository import Repository
    seen = {}
    for i in range(40):
        repo.write("f", f"{i}\n")
        repo.vcs("commit", "-A", "-m", f"c{i}")
    r = Repository.find(bytes(repo.root))
    for n in range(len(r)):
        h = r.commit_info(n).id.hex()
        seen.setdefault(h[:1], []).append(h)
    prefix = next(k for k, v in seen.items() if len(v) > 1)
    # a 1-digit prefix is too short to be a revision: use the shortest shared prefix of 4+ digits instead
    a, b = seen[prefix][:2]
    common = os.path.commonprefix([a, b])
    if len(common) >= 4:
        assert "ambiguous" in repo.vcs("cat", common, "f", ok=2).err


def test_log_variants(repo):
    repo.write("a.txt", "a\n")
    repo.vcs("commit", "-A", "-m", "first\n\nwith a body")
    repo.write("b.txt", "b\n")
    repo.vcs("commit", "-A", "-m", "second")
    text = repo.vcs("log").text
    assert text.index("revision 1") < text.index("revision 0")
    assert "Author: Test Author <test@example.com>" in text and "    with a body" in text
    assert len(repo.vcs("log", "-n", "1", "--oneline").text.splitlines()) == 1
    assert "revision 0" in repo.vcs("log", "a.txt").text and "revision 1" not in repo.vcs("log", "a.txt").text
    assert "1 file changed" in repo.vcs("log", "--stat", "-n", "1").text
    assert "+b" in repo.vcs("log", "-p", "-n", "1").text
    shown = repo.vcs("show", "0").text
    assert "first" in shown and "+a" in shown
    assert "+b" in repo.vcs("show").text


def test_user_text_is_printed_as_typed(repo):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "[bold]not markup[/] \x1b[31mred")
    out = repo.vcs("log").text
    assert "[bold]not markup[/]" in out and "\x1b" not in out and "\\x1b[31mred" in out


def test_tags(repo):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.vcs("tag", "v1")
    assert "exists" in repo.vcs("tag", "v1", ok=3).err
    repo.vcs("tag", "bad name", ok=2)
    repo.vcs("tag", "12", ok=2)
    assert repo.vcs("tags").text.split()[:2] == ["v1", "0"]


def test_stats_and_verify(repo):
    for i in range(5):
        repo.write("f.txt", "".join(f"line {j} {i if j == i else ''}\n" for j in range(100)))
        repo.vcs("commit", "-A", "-m", f"{i}")
    s = json.loads(repo.vcs("stats", "--json").out)
    f = s["files"][0]
    assert f["path"] == "f.txt" and f["versions"] == 5 and f["whole"] == 1 and f["deltas"] == 4
    assert f["longest_chain"] == 4 and f["current_chain"] == 4
    assert s["totals"]["stored_bytes"] < s["totals"]["raw_bytes"]
    text = repo.vcs("stats").text
    assert "f.txt" in text and "total" in text
    assert "OK" in repo.vcs("verify").text


def test_process_entry_points(repo):
    repo.write("a.txt", "hello\n")
    repo.run("commit", "-A", "-m", "one")
    repo.write("a.txt", "hello\nworld\n")
    repo.run("commit", "-m", "two")
    assert repo.run("cat", "-1", "a.txt").out == b"hello\nworld\n"
    assert repo.run("cat", "-2", "a.txt").out == b"hello\n"
    repo.run("checkout", "-2")
    assert repo.read("a.txt") == b"hello\n"
    r = repo.run("cat", "7", "a.txt", ok=2)
    assert "Traceback" not in r.err and r.err.startswith("error: ")
    assert repo.run("--version").out.startswith(b"vcs ")
    # the installed console script
    script = os.path.join(os.path.dirname(sys.executable), "vcs")
    if os.path.exists(script):
        import subprocess
        p = subprocess.run([script, "log", "--oneline"], cwd=repo.root, capture_output=True)
        assert p.returncode == 0 and p.stdout.count(b"\n") == 1  # HEAD (at -2) and its ancestors


def test_closed_pipe_is_quiet(repo):
    import subprocess
    for i in range(3):
        repo.write("f", "x\n" * 5000 + f"{i}\n")
        repo.vcs("commit", "-A", "-m", f"{i}")
    p = subprocess.run(f"{sys.executable} -m vcs log -p | head -1", shell=True, cwd=repo.root,
                       capture_output=True)
    assert b"Traceback" not in p.stderr and p.stdout.startswith(b"revision 2")


@pytest.mark.parametrize("cmd", [["log"], ["status"], ["diff"], ["cat", "0", "a"], ["stats"], ["verify"]])
def test_read_commands_need_no_write_permission(repo, cmd):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.write("a", "b\n")
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    vcsdir = repo.root / ".vcs"
    modes = {}
    for p in [vcsdir, *vcsdir.rglob("*")]:
        modes[p] = p.stat().st_mode
        p.chmod(p.stat().st_mode & ~0o222)
    try:
        repo.run(*cmd)
        assert "permission" in repo.run("commit", "-m", "x", ok=3).err
    finally:
        for p, m in modes.items():
            p.chmod(m)


def test_commit_of_an_untracked_path_says_so(repo):
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.write("new.txt", "n\n")
    assert "not tracked" in repo.vcs("commit", "-m", "x", "new.txt", ok=2).err
    assert "no such file" in repo.vcs("commit", "-m", "x", "nothere", ok=2).err
    repo.vcs("commit", "-A", "-m", "x", "new.txt")
    assert repo.vcs("status").out == b""


def test_rm_refuses_to_destroy_uncommitted_work(repo):
    repo.write("f", "v1\n")
    repo.vcs("commit", "-A", "-m", "one")
    repo.write("f", "v1\nprecious uncommitted work\n")
    repo.write("g", "brand new\n")
    repo.vcs("add", "g")
    r = repo.vcs("rm", "f", "g", ok=3)
    assert "f" in r.err and "g" in r.err and "--force" in r.err
    assert repo.read("f").endswith(b"precious uncommitted work\n") and repo.read("g") == b"brand new\n"
    repo.vcs("rm", "--cached", "g")
    assert repo.read("g") == b"brand new\n"
    repo.vcs("rm", "--force", "f")
    assert not (repo.root / "f").exists()


def test_status_saving_its_cache_keeps_a_concurrent_add(repo, monkeypatch):
    """status learns stat-cache entries and saves them; an `add` made by another process
    meanwhile must survive that save."""
    import subprocess

    from vcs.porcelain import status as porcelain
    from vcs.repo.repository import Repository
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    os.utime(repo.root / "a", ns=(1_000_000_000, 1_000_000_000))  # same bytes, new stat: a refresh
    repo.write("new", "n\n")
    real_scan = porcelain.scan

    def scan_then_add(*args, **kwargs):
        result = real_scan(*args, **kwargs)
        subprocess.run([sys.executable, "-P", "-m", "vcs", "add", "new"], cwd=repo.root, check=True,
                       capture_output=True)
        return result
    monkeypatch.setattr(porcelain, "scan", scan_then_add)
    refreshed = porcelain.status(Repository.find(bytes(repo.root)))
    assert refreshed.refreshed
    monkeypatch.setattr(porcelain, "scan", real_scan)
    assert repo.vcs("status").text == "A new\n"


def test_absolute_paths_through_a_symlinked_repository_path(repo, tmp_path):
    link = tmp_path / "via-link"
    os.symlink(repo.root, link)
    repo.write("f", "f\n")
    repo.vcs("add", str(link / "f"), cwd=link)
    assert repo.vcs("status").text == "A f\n"
    assert "outside the repository" in repo.vcs("add", str(tmp_path), ok=2).err


def test_tag_options_delete_and_list(repo):
    """Unknown options are usage errors, never tag names; -d deletes; bare `tag` lists."""
    repo.write("a", "a\n")
    repo.vcs("commit", "-A", "-m", "a")
    repo.write("a", "b\n")
    repo.vcs("commit", "-m", "b")
    for argv in (["tag", "-x"], ["tag", "--bogus", "v1"], ["tag", "v1", "-x"]):
        r = repo.vcs(*argv, ok=2)
        assert "no such option" in r.err.lower(), argv
    assert "invalid tag name" in repo.vcs("tag", "--", "-x", ok=2).err
    assert repo.vcs("tags").text == ""
    repo.vcs("tag", "v1", "-2")
    repo.vcs("tag", "v2")
    assert repo.vcs("tag").text == repo.vcs("tags").text
    assert [line.split()[:2] for line in repo.vcs("tag").text.splitlines()] == [["v2", "1"], ["v1", "0"]]
    assert [json.loads(line)["name"] for line in repo.vcs("tag", "--json").text.splitlines()] == ["v2", "v1"]
    r = repo.vcs("tag", "-d", "v1")
    assert "deleted tag v1 (was revision 0)" in r.text
    assert [line.split()[0] for line in repo.vcs("tags").text.splitlines()] == ["v2"]
    r = repo.vcs("tag", "--delete", "v3", ok=2)
    assert "no tag 'v3'" in r.err and "did you mean 'v2'" in r.err
    assert repo.vcs("tag", "-d", ok=2).err
    repo.vcs("tag", "-d", "v2", "v9", ok=2)  # all or nothing
    assert repo.vcs("tags").text.split()[0] == "v2"
    repo.vcs("tag", "v3")
    repo.vcs("tag", "-d", "v2", "v3")
    assert repo.vcs("tags").text == ""
    assert repo.vcs("tag", "a", "0", "extra", ok=2).err


def _editor(tmp_path, monkeypatch, body: str, code: int) -> Path:
    """$EDITOR: a script that saves what it was given to seen.txt, writes `body` and exits `code`."""
    seen = tmp_path / "seen.txt"
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\necho "$1" > "{seen}.name"\ncp "$1" "{seen}"\n'
                      f'printf "{body}" > "$1"\nexit {code}\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    return seen


def test_a_failing_editor_keeps_the_message(repo, tmp_path, monkeypatch):
    """The message is edited in .vcs/COMMIT_EDITMSG, as git's; when the editor fails
    it stays there (comment lines dropped) and the error says how to reuse it."""
    seen = _editor(tmp_path, monkeypatch, "# a comment\\nmy subject\\n\\nmy body\\n", 1)
    repo.write("sub/a", "a\n")
    r = repo.vcs("commit", "-A", ok=3)
    assert "the editor failed" in r.err and "kept in .vcs/COMMIT_EDITMSG" in r.err
    assert "vcs commit -F .vcs/COMMIT_EDITMSG" in r.err
    assert Path(f"{seen}.name").read_text().strip().endswith(".vcs/COMMIT_EDITMSG")
    assert "# Write the commit message" in seen.read_text() and "added: sub/a" in seen.read_text()
    assert repo.read(".vcs/COMMIT_EDITMSG") == b"my subject\n\nmy body\n"
    assert repo.vcs("log").text == ""
    r = repo.vcs("commit", "-A", ok=3, cwd=repo.root / "sub")
    assert "vcs commit -F ../.vcs/COMMIT_EDITMSG" in r.err
    repo.vcs("commit", "-A", "-F", "../.vcs/COMMIT_EDITMSG", cwd=repo.root / "sub")
    assert json.loads(repo.vcs("log", "--json").text)["message"] == "my subject\n\nmy body\n"
    # An editor that fails before anything is written keeps nothing, and says so.
    _editor(tmp_path, monkeypatch, "", 1)
    repo.write("sub/a", "b\n")
    r = repo.vcs("commit", ok=3)
    assert "kept" not in r.err and "set $VISUAL or $EDITOR" in r.err


def test_a_commit_that_fails_after_the_editor_keeps_the_message(repo, tmp_path, monkeypatch):
    _editor(tmp_path, monkeypatch, "written in the editor\\n", 0)
    repo.write("a", "a\n")
    repo.vcs("add", "a")
    trace = tmp_path / "trace"
    repo.run("commit", env={"VCS_TRACE": str(trace)})
    ops = [line.split() for line in trace.read_text().splitlines() if line.startswith("io ")]
    last_edit = max(i for i, (_, _, _, path) in enumerate(ops) if "COMMIT_EDITMSG" in path)
    first_commit_io = int(ops[last_edit + 1][1])  # the commit's first write after the editor's
    repo.write("a", "b\n")
    r = repo.run("commit", env={"VCS_FAIL_AT": f"{first_commit_io}:ENOSPC"}, ok=3)
    assert "nothing was committed" in r.err and "kept in .vcs/COMMIT_EDITMSG" in r.err, r.err
    assert repo.read(".vcs/COMMIT_EDITMSG") == b"written in the editor\n"
    repo.run("commit", "-F", ".vcs/COMMIT_EDITMSG")
    assert json.loads(repo.vcs("log", "--json", "-n", "1").text)["message"] == "written in the editor\n"


def test_commit_message_from_a_file_or_stdin(repo):
    repo.write("a", "a\n")
    repo.write("msg.txt", "from a file\n\n#1 keeps its hash line\n")
    repo.vcs("add", "a")
    repo.vcs("commit", "-F", "msg.txt", "a")
    repo.write("a", "b\n")
    repo.run("commit", "--file", "-", input=b"from stdin\n")
    messages = [json.loads(line)["message"] for line in repo.vcs("log", "--json").text.splitlines()]
    assert messages == ["from stdin\n", "from a file\n\n#1 keeps its hash line\n"]
    repo.write("a", "c\n")
    assert "cannot be used together" in repo.vcs("commit", "-m", "x", "-F", "msg.txt", ok=2).err
    assert "cannot read nothere" in repo.vcs("commit", "-F", "nothere", ok=2).err


def test_a_guessed_author_is_warned_about(repo, monkeypatch):
    """As git and Mercurial: a commit whose author is guessed from the login name and
    host says so, and what to run, every time until user.name and user.email are set."""
    monkeypatch.delenv("VCS_AUTHOR_NAME")
    monkeypatch.delenv("VCS_AUTHOR_EMAIL")
    monkeypatch.setenv("LOGNAME", "someone")
    for i in range(2):
        repo.write("a", f"{i}\n")
        r = repo.run("commit", "-A", "-m", f"c{i}")
        assert r.err.startswith("warning: committed as someone <someone@") and r.err.count("\n") == 1, r.err
        assert 'vcs config set --user user.name "Your Name"' in r.err and "user.email" in r.err
    repo.vcs("config", "set", "--user", "user.name", "Some One")
    repo.write("a", "x\n")
    r = repo.vcs("commit", "-m", "name set")
    assert "committed as Some One <someone@" in r.err and "user.name" not in r.err and "user.email" in r.err
    repo.vcs("config", "set", "user.email", "one@example.com")
    repo.write("a", "y\n")
    assert repo.vcs("commit", "-m", "both set").err == ""
    repo.vcs("config", "unset", "user.email")
    monkeypatch.setenv("VCS_AUTHOR_EMAIL", "env@example.com")
    repo.write("a", "z\n")
    assert repo.vcs("commit", "-m", "from the environment").err == ""
    assert json.loads(repo.vcs("log", "--json", "-n", "1").text)["author"] == "Some One <env@example.com>"


def test_log_takes_revisions_and_starts_there(repo):
    """`vcs log REV` (or -r REV) shows REV and its ancestors; words that are neither a
    revision nor a path that exists or existed are errors that name them, as git's
    "ambiguous argument"; a word that is both needs --."""
    repo.write("a.txt", "a\n")
    repo.vcs("commit", "-A", "-m", "r0")
    repo.write("b.txt", "b\n")
    repo.vcs("commit", "-A", "-m", "r1")
    repo.write("a.txt", "a2\n")
    repo.vcs("commit", "-A", "-m", "r2")
    repo.vcs("tag", "v2")
    repo.vcs("checkout", "1")
    repo.write("b.txt", "b3\n")
    repo.vcs("commit", "-A", "-m", "r3")  # on top of 1: 2 is not an ancestor of HEAD
    os.unlink(repo.root / "b.txt")
    repo.vcs("commit", "-A", "-m", "r4")

    def revs(*args, run=repo.vcs):
        return [int(line.split()[0]) for line in run("log", "--oneline", *args).text.splitlines()]

    assert revs() == [4, 3, 1, 0]  # HEAD and its ancestors, as git
    assert revs("HEAD") == revs("@") == [4, 3, 1, 0]
    assert revs("HEAD~1") == revs("-r", "HEAD~1") == revs("HEAD~1", run=repo.run) == [3, 1, 0]
    assert revs("v2") == revs("2") == revs("-r", "-3") == revs("--rev=v2", run=repo.run) == [2, 1, 0]
    assert revs("2", "3") == revs("-r", "2", "3") == [3, 2, 1, 0]
    assert revs("-n", "2", "v2") == [2, 1]
    assert revs("2", "a.txt") == revs("v2", "--", "a.txt", run=repo.run) == [2, 0]
    assert revs("b.txt") == revs("--", "b.txt") == [4, 3, 1]  # b.txt is gone from disk: it existed
    assert revs("-r", "3", "b.txt", run=repo.run) == [3, 1]
    assert revs("--", "HAED") == [] and revs("--", "nothing", run=repo.run) == []
    for run in (repo.vcs, repo.run):
        r = run("log", "HAED", ok=2)
        assert "ambiguous argument 'HAED'" in r.err and "did you mean 'HEAD'" in r.err, r.err
        r = run("log", "9", ok=2)
        assert "ambiguous argument '9'" in r.err and "does not exist" in r.err
        assert "ambiguous argument 'HEAD~5'" in run("log", "HEAD~5", ok=2).err
        r = run("log", "a.txt", "2", ok=2)
        assert "ambiguous argument '2'" in r.err and "revisions come before paths" in r.err
    repo.write("1", "a file named like a revision\n")
    r = repo.vcs("log", "1", ok=2)
    assert "ambiguous argument '1': both a revision and a path" in r.err and "--" in r.err
    assert revs("1", "--") == [1, 0]
    assert revs("--", "1") == []  # untracked, never committed: no revisions
    assert "-r" in repo.vcs("log", "--help").text
