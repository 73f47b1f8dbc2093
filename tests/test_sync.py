"""vcs to vcs: clone, remote, fetch, pull and push as a user runs them, over a local path,
file:// and ssh (tests/dummyssh.py stands in for ssh and runs the remote command here)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import Repo
from vcs.errors import UsageError
from vcs.interop.vcs import transport
from vcs.repo.repository import Repository

DUMMYSSH = f"{sys.executable} {Path(__file__).with_name('dummyssh.py')}"
BIN = str(Path(sys.executable).parent)


@pytest.fixture
def ssh_env(monkeypatch):
    """`vcs` on PATH for the remote side, and dummyssh as ssh."""
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ["PATH"])
    monkeypatch.setenv("VCS_SSH", DUMMYSSH)


def make_source(tmp_path: Path) -> Repo:
    src = Repo(tmp_path / "src")
    src.root.mkdir()
    src.vcs("init")
    src.write("a.txt", "one\n")
    src.write("bin/data.bin", bytes(range(256)) * 40)
    src.write("run.sh", "#!/bin/sh\necho hi\n", mode=0o755)
    os.symlink("a.txt", src.root / "link")
    src.vcs("commit", "-A", "-m", "first")
    src.vcs("tag", "v1")
    src.vcs("checkout", "-b", "feature")
    src.write("a.txt", "one\ntwo\n")
    src.vcs("commit", "-m", "feature work")
    src.vcs("checkout", "main")
    src.write("b.txt", "bee\n")
    src.vcs("commit", "-A", "-m", "second")
    return src


def clone(tmp_path: Path, url: str, name: str = "dst", storage: str | None = None) -> Repo:
    dst = Repo(tmp_path / name)
    Repo(tmp_path).vcs("clone", url, name, *(["--storage", storage] if storage else []))
    return dst


def view(root: Path):
    return Repository(os.fsencode(root)).state.view


@pytest.mark.parametrize("how", ["path", "file", "ssh", "subprocess"])
def test_clone_has_everything(tmp_path, how, ssh_env, monkeypatch):
    """A local path in process, or (subprocess) through `vcs serve --stdio` as a child."""
    if how == "subprocess":
        monkeypatch.setenv("VCS_SYNC_SUBPROCESS", "1")
    src = make_source(tmp_path)
    url = {"file": f"file://{src.root}", "ssh": f"localhost:{src.root}"}.get(how, str(src.root))
    dst = clone(tmp_path, url)
    assert dst.tree() == src.tree()
    assert os.access(dst.root / "run.sh", os.X_OK) and os.readlink(dst.root / "link") == "a.txt"
    v, s = view(dst.root), view(src.root)
    assert v.head_branch == "main" and v.branches == {"main": s.branches["main"]}
    assert v.remotes == {f"origin/{b}": oid for b, oid in s.branches.items()}
    assert v.tags == s.tags
    assert dst.vcs("log", "--oneline", "origin/feature").text.count("\n") == 2
    assert dst.vcs("remote", "list", "-v").text == f"origin\t{url}\n"
    dst.vcs("verify")
    # Every revision's id and files are the source's.
    import json

    def log(repo: Repo, rev: str):
        return [{k: v for k, v in json.loads(line).items() if k not in ("branches", "rev", "parent", "head")}
                for line in repo.vcs("log", "--json", rev).text.splitlines()]

    for ours, theirs in (("main", "main"), ("origin/feature", "feature"), ("v1", "v1")):
        assert log(dst, ours) == log(src, theirs)


def test_clone_checks_out_the_sources_branch(tmp_path):
    src = make_source(tmp_path)
    src.vcs("checkout", "feature")
    dst = clone(tmp_path, str(src.root))
    assert view(dst.root).head_branch == "feature" and dst.read("a.txt") == b"one\ntwo\n"


def test_clone_refusals_leave_nothing(tmp_path):
    src = make_source(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    r = Repo(tmp_path).vcs("clone", str(src.root), "full", ok=3)
    assert "not an empty folder" in r.err
    r = Repo(tmp_path).vcs("clone", str(tmp_path / "nothing"), "d", ok=3)
    assert "nothing does not exist" in r.err and not (tmp_path / "d").exists()
    assert [p.name for p in tmp_path.iterdir() if "clone" in p.name] == []
    # An empty repository clones to an empty one, on its unborn branch.
    Repo(tmp_path).vcs("init", "-b", "trunk", "empty")
    dst = clone(tmp_path, str(tmp_path / "empty"), "e")
    assert view(dst.root).head_branch == "trunk" and len(Repository(os.fsencode(dst.root))) == 0


def test_push_fetch_pull_round(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    b = clone(tmp_path, str(src.root), "b")
    a.write("a.txt", "one\nfrom a\n")
    a.vcs("commit", "-m", "from a")
    r = a.vcs("push")
    assert "main:" in r.text and "->" in r.text
    assert a.vcs("push").text.endswith("everything up to date\n")
    # The receiver's working tree is untouched; its status says the branch moved.
    assert src.read("a.txt") == b"one\n"
    st = src.vcs("status")
    assert st.text == "" and "branch main was moved" in st.err and "vcs checkout main" in st.err
    r = src.vcs("commit", "-A", "-m", "would drop", ok=3)
    assert "was moved" in r.err
    src.vcs("checkout", "main")
    assert src.read("a.txt") == b"one\nfrom a\n" and src.vcs("status").err == ""
    # b fetches: origin/main moves, main does not; merge origin/main fast-forwards.
    r = b.vcs("fetch")
    assert "1 new commit" in r.text and "origin/main" in r.text
    assert b.read("a.txt") == b"one\n"
    b.vcs("merge", "origin/main")
    assert b.read("a.txt") == b"one\nfrom a\n"
    assert b.vcs("fetch").text.endswith("already up to date\n")
    # Pull fast-forwards the branch and the working tree.
    a.write("c.txt", "sea\n")
    a.vcs("commit", "-A", "-m", "c")
    a.vcs("push", "origin", "main")
    r = b.vcs("pull")
    assert "fast-forward main" in r.text and b.read("c.txt") == b"sea\n"
    assert b.vcs("pull").text.endswith("main is up to date with origin/main\n")
    for repo in (src, a, b):
        repo.vcs("verify")


def test_push_refuses_a_non_fast_forward(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    b = clone(tmp_path, str(src.root), "b")
    a.write("a.txt", "a\n")
    a.vcs("commit", "-m", "a")
    a.vcs("push")
    b.write("a.txt", "b\n")
    b.vcs("commit", "-m", "b")
    r = b.vcs("push", ok=3)
    assert "rejected: not a fast-forward" in r.text and "vcs fetch origin" in r.err
    assert view(src.root).branches["main"] == view(a.root).branches["main"]
    # pull says the lines diverged, and how to merge; the merge then pushes.
    r = b.vcs("pull", ok=3)
    assert "diverged" in r.err and "vcs merge origin/main" in r.err
    b.vcs("merge", "origin/main", ok=1)
    b.write("a.txt", "a and b\n")
    b.vcs("resolve", "--mark", "a.txt")
    b.vcs("commit", "-m", "merged")
    b.vcs("push")
    assert view(src.root).branches["main"] == view(b.root).branches["main"]
    # --force drops only the commits the pusher has seen there: b's merge, pushed since
    # a's last fetch, is kept (as git's --force-with-lease; the git transport's too).
    merged = view(src.root).branches["main"]
    r = a.vcs("push", "--force", "origin", "main", ok=3)
    assert "rejected: the remote branch moved" in r.text and "vcs fetch origin" in r.err
    assert view(src.root).branches["main"] == merged
    a.vcs("fetch")
    a.vcs("push", "--force", "origin", "main")
    assert view(src.root).branches["main"] == view(a.root).branches["main"]
    src.vcs("verify")


def test_pull_refuses_uncommitted_changes_it_touches(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    src.write("a.txt", "changed upstream\n")
    src.vcs("commit", "-m", "upstream")
    a.write("a.txt", "my edit\n")
    a.write("b.txt", "my other edit\n")
    r = a.vcs("pull", ok=3)
    assert "a.txt" in r.err and a.read("a.txt") == b"my edit\n"
    # It names the command the user ran, and what to run again.
    assert "pull would overwrite" in r.err and "then pull again" in r.err and "merge" not in r.err
    assert view(a.root).remotes["origin/main"] == view(src.root).branches["main"]  # fetched all the same
    a.vcs("restore", "a.txt")
    a.vcs("pull")
    assert a.read("a.txt") == b"changed upstream\n" and a.read("b.txt") == b"my other edit\n"


def test_push_a_new_branch_and_delete_it(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    a.vcs("checkout", "-b", "topic")
    a.write("t.txt", "t\n")
    a.vcs("commit", "-A", "-m", "topic")
    a.vcs("push", "origin", "HEAD")  # HEAD: the current branch, as git takes it
    assert view(src.root).branches["topic"] == view(a.root).branches["topic"]
    assert view(a.root).remotes["origin/topic"] == view(a.root).branches["topic"]
    r = a.vcs("push", "-d", "origin", "topic", ok=3)
    assert "needs --force" in r.text
    a.vcs("push", "-d", "--force", "origin", "topic")
    assert "topic" not in view(src.root).branches and "origin/topic" not in view(a.root).remotes
    src.vcs("verify")


def test_remote_commands(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    a.vcs("remote", "add", "up", str(src.root))
    assert a.vcs("remote", "list").text == "origin\nup\n"
    assert a.vcs("remote").text == "origin\nup\n"  # alone, it lists, as git's
    assert a.vcs("remote", "-v").text == a.vcs("remote", "list", "-v").text == f"origin\t{src.root}\nup\t{src.root}\n"
    a.vcs("fetch", "up")
    assert "up/main" in view(a.root).remotes
    a.vcs("remote", "rename", "up", "upstream")
    assert "upstream/main" in view(a.root).remotes and "up/main" not in view(a.root).remotes
    a.vcs("log", "-n", "1", "upstream/main")
    a.vcs("remote", "remove", "upstream")
    assert not [r for r in view(a.root).remotes if r.startswith("upstream/")]
    assert a.vcs("remote", "list").text == "origin\n"
    assert "no remote named 'nope'" in a.vcs("fetch", "nope", ok=2).err
    assert "cannot name a remote" in a.vcs("remote", "add", "a/b", "x", ok=2).err
    assert "exists already" in a.vcs("remote", "add", "origin", "x", ok=2).err


def test_ssh_urls_become_argv_never_a_shell_line(tmp_path, ssh_env):
    where = transport.parse("ssh://ada@example.com:2222/srv/my project")
    assert transport.argv(where, "ssh -i key", "vcs") == [
        "ssh", "-i", "key", "-p", "2222", "ada@example.com", "vcs serve --stdio '/srv/my project'"]
    assert transport.parse("ada@host:work/p").path == "work/p"
    assert transport.parse("file:///srv/p").kind == "local"
    for bad in ("ssh://-oProxyCommand=touch%20pwned/x", "-oProxyCommand=x:path", "ssh://host", "ftp://host/x"):
        with pytest.raises(UsageError):
            transport.argv(transport.parse(bad))
    # A path holding shell syntax reaches the remote vcs as one word: nothing runs.
    src = make_source(tmp_path)
    odd = tmp_path / "odd $(touch pwned) 'q'"
    src.root.rename(odd)
    log = tmp_path / "ssh.log"
    r = Repo(tmp_path).run("clone", f"ssh://me@localhost{odd}", "d", env={"DUMMYSSH_LOG": str(log)})
    assert r.code == 0 and not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    assert (tmp_path / "d" / "a.txt").read_bytes() == b"one\n"
    assert "me@localhost" in log.read_text()
    # The remote vcs command comes from remote.NAME.vcs.
    d = Repo(tmp_path / "d")
    d.vcs("config", "set", "remote.origin.vcs", f"{sys.executable} -m vcs")
    d.run("fetch", env={"DUMMYSSH_LOG": str(log)})
    assert "-m vcs serve" in log.read_text().splitlines()[-1]


def test_push_over_ssh_and_serve_rules(tmp_path, ssh_env):
    src = make_source(tmp_path)
    a = clone(tmp_path, f"ssh://localhost{src.root}", "a")
    a.write("n.txt", "n\n")
    a.vcs("commit", "-A", "-m", "n")
    a.vcs("push")
    assert view(src.root).branches["main"] == view(a.root).branches["main"]
    # serve never searches upwards nor serves a folder without .vcs/.
    (src.root / "sub").mkdir()
    r = Repo(tmp_path).vcs("clone", str(src.root / "sub"), "x", ok=3)
    assert "not a vcs repository" in r.err
    assert "--stdio" in Repo(tmp_path).vcs("serve", str(src.root), ok=2).err


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_repository_is_served(tmp_path):
    src = make_source(tmp_path)
    for dirpath, dirs, files in os.walk(src.root / ".vcs"):
        for n in files:
            os.chmod(os.path.join(dirpath, n), 0o444)
    os.chmod(src.root / ".vcs", 0o555)
    try:
        dst = clone(tmp_path, str(src.root))
        assert dst.tree() == src.tree()
    finally:
        os.chmod(src.root / ".vcs", 0o755)


def test_pushing_again_sends_nothing_and_pull_sends_the_change(tmp_path):
    from vcs.interop.vcs.client import VcsRemote
    from vcs.porcelain import remote as porcelain
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    a.write("bin/data.bin", bytes(range(256)) * 40 + b"\nmore\n")
    a.vcs("commit", "-m", "more")
    repo = Repository(os.fsencode(a.root))

    def pushed() -> int:
        remote = VcsRemote(transport.argv(transport.parse(str(src.root))), str(src.root), "origin")
        porcelain.push(Repository(os.fsencode(a.root)), "origin", remote)
        remote.close()
        return remote.bytes_sent

    first, again = pushed(), pushed()
    assert again < 100 < first < 2000, (first, again)  # the delta, not the file: nor the history
    del repo


def test_fetch_brings_new_tags_and_keeps_ours(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    src.vcs("tag", "v2", "feature")
    src.vcs("tag", "-d", "v1")
    src.vcs("tag", "v1", "main")
    r = a.vcs("fetch")
    assert "new tags: v2" in r.text and "kept our tags v1" in r.text
    assert view(a.root).tags["v2"] == view(src.root).tags["v2"]
    assert view(a.root).tags["v1"] != view(src.root).tags["v1"]


def test_push_sends_a_version_only_an_unpushed_branch_had(tmp_path):
    """A file going back to an old version, or to one made on a branch never pushed: the
    receiver lacks it, and gets it."""
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    a.vcs("checkout", "-b", "local-only")
    a.write("a.txt", "made on an unpushed branch\n")
    a.vcs("commit", "-m", "local")
    a.vcs("checkout", "main")
    a.write("a.txt", "made on an unpushed branch\n")
    a.write("b.txt", "one\n")  # a.txt's first version, on another path
    a.vcs("commit", "-m", "same contents on main")
    a.write("a.txt", "one\n")  # back to an old version
    a.vcs("commit", "-m", "back")
    a.vcs("push")
    src.vcs("checkout", "main")
    assert src.read("a.txt") == b"one\n" and src.read("b.txt") == b"one\n"
    assert src.vcs("cat", "main~1", "a.txt").out == b"made on an unpushed branch\n"
    src.vcs("verify")


def test_push_to_a_branch_with_a_merge_in_progress_is_refused(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    src.write("a.txt", "main side\n")
    src.vcs("commit", "-m", "main side")
    src.vcs("checkout", "feature")
    src.write("a.txt", "feature side\n")
    src.vcs("commit", "-m", "feature side")
    src.vcs("checkout", "main")
    src.vcs("merge", "feature", ok=1)
    a.vcs("fetch")
    a.vcs("merge", "origin/main")
    a.write("z.txt", "z\n")
    a.vcs("commit", "-A", "-m", "z")
    r = a.vcs("push", ok=3)
    assert "a merge is in progress" in r.text
    src.vcs("merge", "--abort")
    a.vcs("push")


def test_a_server_of_another_protocol_version_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "fake.py"
    fake.write_text("import sys, struct\nsys.stdout.buffer.write(struct.pack('>cI', b'H', 10) + b'vcs-sync 9')\n"
                    "sys.stdout.flush()\nsys.stdin.buffer.read()\n")
    monkeypatch.setenv("VCS_SSH", f"{sys.executable} {fake}")
    r = Repo(tmp_path).vcs("clone", "host:repo", "d", ok=3)
    assert "speaks b'vcs-sync 9'" in r.err and "upgrade vcs" in r.err and not (tmp_path / "d").exists()


@pytest.mark.parametrize("policy", ["delta", "full"])
def test_a_clone_stores_by_its_own_policy(tmp_path, policy):
    src = make_source(tmp_path)
    for i in range(30):
        src.write("a.txt", "".join(f"line {j}\n" for j in range(i + 1)))
        src.vcs("commit", "-m", f"grow {i}")
    dst = clone(tmp_path, str(src.root), storage=policy)
    import json
    stats = json.loads(Repo(tmp_path / "dst").vcs("stats", "--json").text)
    a = next(f for f in stats["files"] if f["path"] == "a.txt")
    assert (a["whole"], a["deltas"] > 0) == ((1, True) if policy == "delta" else (a["versions"], False))
    dst.vcs("verify")


def test_an_ssh_path_starting_with_dash_is_a_path_there(tmp_path, ssh_env):
    """`host:-x` names the folder `-x` in the login's home, never an option of the remote
    `vcs serve` (`host:--help` made it print its help into the stream)."""
    assert transport.argv(transport.parse("h:--help"), "ssh", "vcs")[-1] == "vcs serve --stdio ./--help"
    assert transport.argv(transport.parse("ssh://h/-x"), "ssh", "vcs")[-1] == "vcs serve --stdio /-x"
    src = make_source(tmp_path)
    src.root.rename(tmp_path / "--help")
    r = Repo(tmp_path).run("clone", "localhost:--help", "d", env={"DUMMYSSH_HOME": str(tmp_path)})
    assert r.code == 0, r.err
    assert (tmp_path / "d" / "a.txt").read_bytes() == b"one\n"


def test_clone_into_the_empty_folder_one_is_in(tmp_path):
    """`mkdir x && cd x && vcs clone SRC .`: the clone lands in that very folder (its
    permissions kept), as git's does; renaming a new folder over it left the shell in a
    deleted folder, where the next `vcs status` said "No such file or directory"."""
    src = make_source(tmp_path)
    here = tmp_path / "here"
    here.mkdir(mode=0o750)
    before = os.stat(here)
    Repo(here).run("clone", str(src.root), ".")
    after = os.stat(here)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert Repo(here).read("a.txt") == b"one\n" and (here / ".vcs").is_dir()
    assert Repo(here).run("status").code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here", "src"]  # no hidden folder left


def test_push_to_a_remote_made_anew_sends_everything(tmp_path, ssh_env):
    """The remote-tracking branches say what the remote had; a remote made anew (deleted,
    then `vcs init` again) has none of it. A push trusts only the refs the remote sends:
    it failed with "the pushing client sent commit X, whose parent it did not send"."""
    src = make_source(tmp_path)
    a = clone(tmp_path, f"ssh://localhost{src.root}", "a")
    import shutil
    shutil.rmtree(src.root)
    src.root.mkdir()
    src.vcs("init")
    a.write("n.txt", "n\n")
    a.vcs("commit", "-A", "-m", "n")
    a.vcs("push")
    assert view(src.root).branches["main"] == view(a.root).branches["main"]
    src.vcs("verify")


def test_a_login_script_that_prints_is_named_as_such(tmp_path, ssh_env, monkeypatch):
    """A remote whose shell prints a banner before `vcs serve` answers: the error shows what
    came back and says what to look at, not "sent a frame of 1701602159 bytes"."""
    src = make_source(tmp_path)
    monkeypatch.setenv("VCS_SSH", f"sh -c 'echo Welcome to the server; exec sh -c \"$2\"' ssh")
    r = Repo(tmp_path).run("clone", f"localhost:{src.root}", "d", ok=3)
    assert "did not answer as `vcs serve` does" in r.err and "'Welco'" in r.err and ".bashrc" in r.err
    assert "Traceback" not in r.err and not (tmp_path / "d").exists()


def test_a_clone_leaves_the_line_origins_to_the_first_annotate(tmp_path):
    src = make_source(tmp_path)
    src.write("a.txt", "one\ntwo\n")
    src.vcs("commit", "-m", "two")
    expected = src.vcs("annotate", "--json", "a.txt").text
    a = clone(tmp_path, str(src.root), "a")
    repo = Repository(os.fsencode(a.root))
    assert len(repo.origins) < len(repo.filelog)  # a sync does not make them: they are derived
    assert a.vcs("annotate", "--json", "a.txt").text == expected  # built now, the same answer
    repo = Repository(os.fsencode(a.root))
    assert len(repo.origins) == len(repo.filelog)
    a.write("a.txt", "one\ntwo\nthree\n")
    a.vcs("commit", "-m", "three")  # complete again: a commit writes its own
    repo = Repository(os.fsencode(a.root))
    assert len(repo.origins) == len(repo.filelog)
    a.vcs("verify")


def test_checkout_of_a_remote_branch_name_creates_the_branch(tmp_path):
    src = make_source(tmp_path)  # its branch feature changes a.txt
    a = clone(tmp_path, str(src.root), "a")
    assert "feature" not in view(a.root).branches
    out = a.vcs("checkout", "feature").text  # as git's: a new branch from origin/feature
    assert "switched to a new branch 'feature'" in out
    v = view(a.root)
    assert v.head_branch == "feature" and v.branches["feature"] == v.remotes["origin/feature"]
    assert (a.root / "a.txt").read_bytes() == b"one\ntwo\n"
    assert "no-such" in a.vcs("checkout", "no-such", ok=2).err  # nothing of that name anywhere
    # Two remotes with the branch: ambiguous, so nothing is guessed.
    a.vcs("checkout", "main")
    a.vcs("branch", "-D", "feature")
    a.vcs("remote", "add", "up", str(src.root))
    a.vcs("fetch", "up")
    a.vcs("checkout", "feature", ok=2)
    assert "feature" not in view(a.root).branches


def test_log_decorates_remote_tracking_branches_as_git_does(tmp_path):
    src = make_source(tmp_path)
    a = clone(tmp_path, str(src.root), "a")
    first = a.vcs("log", "--oneline", "-n", "1").text
    assert "(HEAD -> main, origin/main)" in first
    a.write("c.txt", "c\n")
    a.vcs("commit", "-A", "-m", "ahead")
    lines = a.vcs("log", "--oneline", "-n", "2").text.splitlines()
    assert "(HEAD -> main)" in lines[0] and "(origin/main)" in lines[1]
    assert "(origin/feature)" in a.vcs("log", "--oneline", "-n", "1", "origin/feature").text
