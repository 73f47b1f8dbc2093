"""A git repository as a remote (vcs.interop.git.remote), against bare git repositories
made here (no network): clone, incremental fetch, pull, push back with the same git ids,
refusals, a git id prefix as a revision, hostile URLs and content, git missing."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from vcs.errors import ToolMissing, TransportError, UsageError
from vcs.interop.git import remote as gitremote
from vcs.interop.git.remote import GitRemote
from vcs.interop.git.urls import git_url, is_git_url
from vcs.porcelain import remote as porcelain
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {"GIT_AUTHOR_NAME": "Ann Author", "GIT_AUTHOR_EMAIL": "ann@example.com",
           "GIT_AUTHOR_DATE": "1700000000 +0100", "GIT_COMMITTER_NAME": "Cy Committer",
           "GIT_COMMITTER_EMAIL": "cy@example.com", "GIT_COMMITTER_DATE": "1700000100 -0730",
           "GIT_CONFIG_NOSYSTEM": "1"}


def git(*args, cwd=None, input=None, env=None) -> str:
    p = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True,
                       env={**os.environ, **GIT_ENV, **(env or {})})
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout.decode("utf-8", "surrogateescape")


class Upstream:
    """A bare git repository (the remote) and a git working clone that pushes to it."""

    def __init__(self, tmp: Path):
        self.bare = tmp / "upstream.git"
        self.work = tmp / "gitwork"
        git("init", "-q", "--bare", "-b", "main", str(self.bare))
        git("init", "-q", "-b", "main", str(self.work))
        git("remote", "add", "origin", str(self.bare), cwd=self.work)
        self.n = 0

    def commit(self, path="f.txt", data=None, message=None, branch="main", push=True, env=None) -> str:
        self.n += 1
        f = self.work / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(data if data is not None else f"line {self.n}\n".encode())
        git("add", "-A", cwd=self.work)
        git("commit", "-q", "-m", message or f"commit {self.n}", cwd=self.work, env=env)
        if push:
            git("push", "-q", "origin", f"HEAD:refs/heads/{branch}", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work).strip()

    def log(self, ref="main") -> str:
        return git("log", "--format=%H %P%n%an <%ae> %ad%n%cn <%ce> %cd%n%B", "--date=raw", ref, cwd=self.bare)

    def tip(self, ref="main") -> str:
        return git("rev-parse", ref, cwd=self.bare).strip()


def clone(up: Upstream, dest: Path) -> Repository:
    porcelain.clone(str(dest), str(up.bare), lambda url, name: GitRemote(url, name))
    return Repository(os.fsencode(dest))


def fetch(repo: Repository, up: Upstream):
    return porcelain.fetch(repo, "origin", GitRemote(str(up.bare), "origin"))


def push(repo: Repository, up: Upstream, force=False, branches=None):
    return porcelain.push(repo, "origin", GitRemote(str(up.bare), "origin"), branches, force)


def vcs_commit(repo: Repository, path: str, data: bytes, message: str) -> bytes:
    from tests.conftest import Repo
    work = Repo(Path(os.fsdecode(repo.root)))
    work.write(path, data)
    work.vcs("add", path)
    work.vcs("commit", "-m", message)
    repo.refresh()
    return bytes(repo.state.view.head)


def git_id(repo: Repository, vcs_id: bytes) -> str:
    return gitremote.known_map(repo).to_git[bytes(vcs_id)].hex()


@pytest.fixture(scope="module")
def _template(tmp_path_factory) -> Path:
    """The upstream history, made once: each test gets a copy."""
    tmp = tmp_path_factory.mktemp("upstream")
    u = Upstream(tmp)
    u.commit("README", b"hello\n")
    u.commit("src/a.py", b"print(1)\r\nno final newline")
    os.chmod(u.work / "src/a.py", 0o755)
    u.commit("src/a.py", b"print(2)\n")
    git("checkout", "-q", "-b", "side", cwd=u.work)
    u.commit("side.txt", b"side\n", branch="side")
    git("checkout", "-q", "main", cwd=u.work)
    u.commit("b.bin", bytes(range(256)))
    git("merge", "-q", "--no-ff", "-m", "merge side", "side", cwd=u.work)
    git("push", "-q", "origin", "main", cwd=u.work)
    git("tag", "-a", "v1", "-m", "version 1", cwd=u.work)
    git("tag", "light", "HEAD~1", cwd=u.work)
    git("push", "-q", "origin", "--tags", cwd=u.work)
    return tmp


@pytest.fixture
def up(_template, tmp_path) -> Upstream:
    for name in ("upstream.git", "gitwork"):
        shutil.copytree(_template / name, tmp_path / name, symlinks=True)
    u = Upstream.__new__(Upstream)
    u.bare, u.work, u.n = tmp_path / "upstream.git", tmp_path / "gitwork", 100
    git("remote", "set-url", "origin", str(u.bare), cwd=u.work)
    return u


def test_clone_has_every_commit_branch_and_tag(up, tmp_path):
    repo = clone(up, tmp_path / "c")
    view = repo.state.view
    assert view.head_branch == "main"
    assert set(view.remotes) == {"origin/main", "origin/side"}
    assert set(view.tags) == {"v1", "light"}
    assert len(repo) == int(git("rev-list", "--count", "--all", cwd=up.bare))
    # Every git commit is mapped, and each one's vcs commit has git's tree.
    for sha in git("rev-list", "--all", cwd=up.bare).split():
        rev = resolve(repo, sha)
        files = {p: repo.objects.read(e.id, p) for p, e in repo.manifest(rev).items()}
        listing = git("ls-tree", "-r", "-z", sha, cwd=up.bare).split("\0")[:-1]
        want = {}
        for line in listing:
            meta, path = line.split("\t", 1)
            want[os.fsencode(path)] = subprocess.run(["git", "cat-file", "blob", meta.split()[2]], cwd=up.bare,
                                                     capture_output=True).stdout
        assert files == want
    assert (tmp_path / "c" / "src" / "a.py").read_bytes() == b"print(2)\n"
    assert os.access(tmp_path / "c" / "src" / "a.py", os.X_OK)
    assert view.branches["main"] == view.remotes["origin/main"]
    assert git_id(repo, view.branches["main"]) == up.tip()


def test_git_id_prefix_is_a_revision(up, tmp_path):
    repo = clone(up, tmp_path / "c")
    sha = git("rev-parse", "main~1", cwd=up.bare).strip()
    rev = resolve(repo, sha[:8])
    assert gitremote.known_map(repo).to_git[bytes(repo.commit_info(rev).id)].hex() == sha
    assert resolve(repo, sha) == rev  # all 40 digits too
    with pytest.raises(UsageError):
        resolve(repo, "0" * 40)
    from tests.conftest import Repo
    shown = Repo(tmp_path / "c").vcs("show", sha[:10]).text
    assert git("log", "-1", "--format=%s", sha, cwd=up.bare).strip() in shown


def test_fetch_brings_only_new_commits(up, tmp_path, monkeypatch):
    repo = clone(up, tmp_path / "c")
    counted = []

    class Counting(gitremote.Importer):
        def run(self, r):
            summary = super().run(r)
            counted.append(self.commits)
            return summary
    monkeypatch.setattr(gitremote, "Importer", Counting)
    assert fetch(repo, up).commits == 0 and counted == []  # nothing new: no export at all
    new = [up.commit("c.txt", b"c\n"), up.commit("c.txt", b"cc\n")]
    result = fetch(repo, up)
    assert result.commits == 2 and counted == [2]
    repo.refresh()
    assert git_id(repo, repo.state.view.remotes["origin/main"]) == new[-1]
    assert repo.state.view.branches["main"] != repo.state.view.remotes["origin/main"]  # fetch moves no branch


def test_pull_fast_forwards(up, tmp_path):
    repo = clone(up, tmp_path / "c")
    sha = up.commit("src/a.py", b"print(3)\n")
    result = porcelain.pull(repo, "origin", GitRemote(str(up.bare), "origin"))
    assert result.outcome == "fast-forward"
    assert (tmp_path / "c" / "src" / "a.py").read_bytes() == b"print(3)\n"
    repo.refresh()
    assert git_id(repo, repo.state.view.branches["main"]) == sha


def test_push_back_keeps_every_git_id(up, tmp_path):
    # Commits git wrote that vcs does not store exactly: a committer who is not the
    # author, in another zone; an encoding; a signature (a gpgsig header).
    up.commit("latin.txt", b"x\n", message="caf\xe9".encode("latin-1").decode("latin-1"),
              env={"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "i18n.commitEncoding",
                   "GIT_CONFIG_VALUE_0": "ISO-8859-1"}, push=False)
    raw = git("cat-file", "commit", "HEAD", cwd=up.work).encode("utf-8", "surrogateescape")
    head, _, body = raw.partition(b"\n\n")
    sig = b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    signed = git("hash-object", "-t", "commit", "-w", "--stdin", cwd=up.work,
                 input=head + b"\n" + sig + b"\n\n" + body).strip()
    git("update-ref", "refs/heads/main", signed, cwd=up.work)
    git("push", "-q", "origin", "main", cwd=up.work)
    before = up.log()
    warnings = []
    porcelain.clone(str(tmp_path / "c"), str(up.bare), lambda url, name: GitRemote(url, name))
    repo = Repository(os.fsencode(tmp_path / "c"), warn=warnings.append)
    # pull (nothing new), then commit on top and push: the old commits are git's own
    porcelain.pull(repo, "origin", GitRemote(str(up.bare), "origin"))
    mine = vcs_commit(repo, "mine.txt", b"mine\n", "made in vcs")
    result = push(repo, up)
    assert result.statuses == {"main": "ok"}
    assert up.log("main~1") == before
    assert git("rev-parse", "main~1", cwd=up.bare).strip() == signed
    assert git_id(repo, mine) == up.tip()
    git("fsck", "--strict", cwd=up.bare)
    assert push(repo, up).statuses == {"main": "up to date"}  # again: nothing sent
    assert git("rev-list", "--count", "--all", cwd=tmp_path / "c" / ".vcs" / "git" / "mirror.git") == \
        git("rev-list", "--count", "--all", cwd=up.bare)
    # A second clone sees the vcs-made commit with the id it got at its first push.
    other = clone(up, tmp_path / "d")
    assert resolve(other, up.tip()) == other.rev_of(other.state.view.branches["main"])
    assert other.state.view.branches["main"] == mine


def test_fetch_warns_once_about_signatures(up, tmp_path):
    raw = git("cat-file", "commit", "HEAD", cwd=up.work).encode()
    head, _, body = raw.partition(b"\n\n")
    sig = b"gpgsig -----BEGIN PGP SIGNATURE-----\n abc\n -----END PGP SIGNATURE-----"
    signed = git("hash-object", "-t", "commit", "-w", "--stdin", cwd=up.work,
                 input=head + b"\n" + sig + b"\n\nsigned\n").strip()
    git("push", "-q", "origin", f"{signed}:refs/heads/signed", cwd=up.work)
    repo = Repository.init(os.fsencode(tmp_path / "c"))
    warnings = []
    repo = Repository(os.fsencode(tmp_path / "c"), warn=warnings.append)
    fetch(repo, up)
    said = [w for w in warnings if "signature" in w]
    assert len(said) == 1 and "1 carry a signature" in said[0]
    cloned = []  # a clone says it too
    porcelain.clone(str(tmp_path / "d"), str(up.bare), lambda url, name: GitRemote(url, name), warn=cloned.append)
    assert len([w for w in cloned if "1 carry a signature" in w]) == 1


def test_push_refused_when_not_a_fast_forward_then_forced(up, tmp_path):
    repo = clone(up, tmp_path / "c")
    theirs = up.commit("theirs.txt", b"theirs\n")
    vcs_commit(repo, "ours.txt", b"ours\n", "ours")
    result = push(repo, up)
    assert result.statuses == {"main": "rejected: not a fast-forward"}
    assert up.tip() == theirs
    git("fsck", cwd=up.bare)
    # --force with what we saw of the remote (it moved since): still refused
    assert push(repo, up, force=True).statuses == {"main": "rejected: the remote branch moved"}
    assert up.tip() == theirs
    fetch(repo, up)
    repo.refresh()
    assert push(repo, up, force=True).statuses == {"main": "ok"}
    assert up.tip() == git_id(repo, repo.state.view.branches["main"])
    git("fsck", cwd=up.bare)


def test_push_new_branch_and_delete(up, tmp_path):
    repo = clone(up, tmp_path / "c")
    from vcs.porcelain.branch import create
    create(repo, "topic")
    repo.refresh()
    assert push(repo, up, branches=["topic"]).statuses == {"topic": "ok"}
    assert up.tip("topic") == up.tip("main")
    repo.refresh()
    result = porcelain.push(repo, "origin", GitRemote(str(up.bare), "origin"), ["topic"], delete=True)
    assert result.statuses == {"topic": "ok"}
    assert "topic" not in git("branch", cwd=up.bare)


def test_hostile_content_is_refused_whole(up, tmp_path):
    repo = clone(up, tmp_path / "c")
    state = repo.path("state")
    before = Path(state).read_bytes()
    up.commit(".vcs/config.toml", b"[x]\n")  # git allows the name; vcs never writes into .vcs/
    with pytest.raises(UsageError, match=r"\.vcs"):
        fetch(repo, up)
    assert Path(state).read_bytes() == before


def test_is_git_url(tmp_path):
    bare = tmp_path / "b.git"
    git("init", "-q", "--bare", str(bare))
    work = tmp_path / "w"
    git("init", "-q", str(work))
    (tmp_path / "v").mkdir()
    Repository.init(os.fsencode(tmp_path / "v"))
    for url in ("https://github.com/x/y", "http://h/x", "git://h/x", "git@github.com:x/y", "host:x/y.git",
                "ssh://git@h/x", "ssh://h/x.git", "git+ssh://h/x", "git+file:///x", str(bare), str(work),
                f"file://{bare}"):
        assert is_git_url(url), url
    for url in ("ssh://h/x", "me@h:x", str(tmp_path / "v"), str(tmp_path / "nothing"), "relative/nothing"):
        assert not is_git_url(url), url


@pytest.mark.parametrize("url", ["-oProxyCommand=touch /tmp/x", "ssh://-oProxyCommand=x/y",
                                 "git+ssh://-oProxyCommand=x/y", "-h:x.git", "ext::sh -c touch% /tmp/x",
                                 "git+ext::sh", "fd::3", "a\nb", "ftp://h/x"])
def test_hostile_urls_are_refused(url):
    with pytest.raises(UsageError):
        git_url(url)


def test_git_missing_is_a_clear_error(up, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ToolMissing, match="git is not installed"):
        GitRemote(str(up.bare))
    from vcs.cli.errors import exit_code_for
    assert exit_code_for(ToolMissing("x")) == 3


def test_unreachable_remote_is_a_transport_error(tmp_path):
    repo = Repository.init(os.fsencode(tmp_path / "c"))
    gone = tmp_path / "gone.git"
    git("init", "-q", "--bare", str(gone))
    r = GitRemote(str(gone))
    shutil.rmtree(gone)
    with repo.lock():
        with pytest.raises(TransportError, match="git ls-remote"):
            with repo.transaction("fetch"):
                r.fetch(repo)
    assert len(Repository(os.fsencode(tmp_path / "c"))) == 0


def test_map_is_checked_and_optional(up, tmp_path):
    from vcs.repo.verify import verify
    from vcs.storage import gitmap
    repo = clone(up, tmp_path / "c")
    path = gitremote.map_path(repo)
    assert verify(repo).ok
    data = bytearray(Path(path).read_bytes())
    data[len(gitmap.HEADER) + 3] ^= 1  # the first record
    Path(path).write_bytes(bytes(data))
    assert not verify(repo).ok
    # A torn last record (a crash mid-append) is no corruption; the next append cuts it.
    good = gitmap._record(b"a" * 16, b"b" * 20)
    Path(path).write_bytes(gitmap.HEADER + good + good[:-1] + b"\0")
    assert gitmap.read(path).to_git == {b"a" * 16: b"b" * 20}
    gitmap.append(path, [(b"c" * 16, b"d" * 20)])
    assert len(Path(path).read_bytes()) == len(gitmap.HEADER) + 2 * gitmap.RECORD
    os.unlink(path)
    assert len(gitmap.read(path)) == 0  # no map: an older repository, or one that never met git


def test_through_the_cli(up, tmp_path):
    from tests.conftest import Repo
    Repo(tmp_path).vcs("clone", str(up.bare), "one")
    Repo(tmp_path).vcs("clone", f"git+file://{up.bare}", "two")
    one, two = Repo(tmp_path / "one"), Repo(tmp_path / "two")
    assert one.tree() == {"README": b"hello\n", "src/a.py": b"print(2)\n", "side.txt": b"side\n",
                          "b.bin": bytes(range(256))}
    one.write("new.txt", "new\n")
    one.vcs("add", "new.txt")
    one.vcs("commit", "-m", "new in one")
    assert "main" in one.vcs("push").text
    assert "up to date" in one.vcs("push").text
    two.vcs("pull")
    assert two.read("new.txt") == b"new\n"
    sha = up.tip()
    assert "new in one" in two.vcs("show", sha[:8]).text
    assert git("log", "-1", "--format=%s", cwd=up.bare).strip() == "new in one"
    # git missing: a clear error, exit 3, nothing changed
    r = two.run("fetch", ok=3, env={"PATH": str(tmp_path / "no-bin")})
    assert "git is not installed" in r.err and "Traceback" not in r.err


def test_publish_a_vcs_history_to_an_empty_git_repository(tmp_path):
    from tests.conftest import Repo
    bare = tmp_path / "empty.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    Repo(tmp_path).vcs("clone", str(bare), "fromempty")  # an empty remote: an empty clone
    work = Repo(tmp_path / "w")
    work.root.mkdir()
    work.vcs("init")
    for n in range(3):
        work.write("a.txt", f"{n}\n" * (n + 1))
        work.write(f"dir/{n}", b"\x00binary" * n)
        work.vcs("add", "a.txt", f"dir/{n}")
        work.vcs("commit", "-m", f"vcs {n}")
    work.vcs("branch", "other")
    work.vcs("remote", "add", "origin", str(bare))
    work.vcs("push")
    git("fsck", "--strict", cwd=bare)
    assert git("log", "--format=%s", "main", cwd=bare).split("\n")[:3] == ["vcs 2", "vcs 1", "vcs 0"]
    assert git("show", "main:a.txt", cwd=bare) == "2\n2\n2\n"
    repo = Repository(os.fsencode(work.root))
    assert git_id(repo, repo.state.view.branches["main"]) == git("rev-parse", "main", cwd=bare).strip()
    # a clone of what was published comes back as the same vcs commits
    Repo(tmp_path).vcs("clone", str(bare), "back")
    back = Repository(os.fsencode(tmp_path / "back"))
    assert back.state.view.branches["main"] == repo.state.view.branches["main"]


def test_names_vcs_refuses_are_skipped_with_a_warning(up, tmp_path):
    tip = up.tip()
    for ref in ("refs/heads/HEAD", "refs/heads/-evil", "refs/tags/HEAD"):
        git("update-ref", ref, tip, cwd=up.bare)
    warnings = []
    repo = Repository.init(os.fsencode(tmp_path / "c"))
    repo = Repository(os.fsencode(tmp_path / "c"), warn=warnings.append)
    fetch(repo, up)
    repo.refresh()
    assert set(repo.state.view.remotes) == {"origin/main", "origin/side"}
    assert "HEAD" not in repo.state.view.tags
    assert sum("is skipped" in w for w in warnings) == 3, warnings


def test_concurrent_pushes_take_turns_in_the_mirror(up, tmp_path):
    import threading
    repo = clone(up, tmp_path / "c")
    vcs_commit(repo, "x.txt", b"x\n", "x")
    results = []

    def one():
        results.append(push(Repository(repo.root), up).statuses["main"])
    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "up to date", "up to date"]
    git("fsck", cwd=up.bare)
    assert len(gitremote.known_map(repo)) == int(git("rev-list", "--count", "--all", cwd=up.bare))


def test_a_merge_made_in_vcs_goes_to_git_with_both_parents(up, tmp_path):
    from tests.conftest import Repo
    Repo(tmp_path).vcs("clone", str(up.bare), "c")
    work = Repo(tmp_path / "c")
    theirs = up.commit("theirs.txt", b"theirs\n")
    work.write("ours.txt", "ours\n")
    work.vcs("add", "ours.txt")
    work.vcs("commit", "-m", "ours")
    assert "rejected" in work.vcs("push", ok=False).err + work.vcs("push", ok=False).text
    work.vcs("fetch")
    work.vcs("merge", "origin/main")
    work.vcs("push")
    git("fsck", "--strict", cwd=up.bare)
    parents = git("rev-list", "--parents", "-n", "1", "main", cwd=up.bare).split()[1:]
    repo = Repository(os.fsencode(work.root))
    ours = repo.commit_info(repo.parents(repo.head_rev())[0]).id
    assert parents == [git_id(repo, ours), theirs]
    listing = git("ls-tree", "-r", "--name-only", "main", cwd=up.bare).split()
    assert sorted(listing) == sorted(p.decode() for p in repo.manifest(repo.head_rev()))
    assert git("show", "main:theirs.txt", cwd=up.bare) == "theirs\n"
    assert git("show", "main:ours.txt", cwd=up.bare) == "ours\n"


@pytest.mark.parametrize("fraction", [0.0, 0.4, 0.98])
def test_a_stream_cut_short_changes_nothing(up, tmp_path, monkeypatch, fraction):
    """git's fast-export cut at a byte offset (its exit code a success): the stream's
    `done` is missing, so nothing is stored; the next fetch brings everything."""
    real = shutil.which("git")
    whole = subprocess.run(["git", "fast-export", "--all", "--use-done-feature"], cwd=up.bare,
                           capture_output=True).stdout
    cut = max(1, int(len(whole) * fraction))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\ncase "$*" in *fast-export*) "{real}" "$@" | head -c {cut}; exit 0;; esac\n'
                       f'exec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    repo = Repository.init(os.fsencode(tmp_path / "c"))
    before = Path(repo.path("state")).read_bytes()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(UsageError, match="line [0-9]+ of the stream"):
        fetch(repo, up)
    assert Path(repo.path("state")).read_bytes() == before
    monkeypatch.setenv("PATH", os.environ["PATH"].split(os.pathsep, 1)[1])
    fetch(Repository(repo.root), up)
    repo = Repository(repo.root)
    assert len(repo) == int(git("rev-list", "--count", "--all", cwd=up.bare))


def test_the_mirror_is_repacked_without_losing_what_the_map_names(up, tmp_path, monkeypatch):
    monkeypatch.setattr(gitremote, "MAX_PACKS", 2)
    repo = clone(up, tmp_path / "c")
    up.commit("theirs.txt", b"theirs\n")
    refused = vcs_commit(repo, "ours.txt", b"ours\n", "refused")
    assert push(repo, up).statuses == {"main": "rejected: not a fast-forward"}
    orphan = git_id(repo, refused)  # in the mirror, named by no ref
    mirror = Path(gitremote.mirror_path(Repository(repo.root)))
    for n in range(4):
        up.commit("more.txt", f"{n}\n".encode())
        fetch(Repository(repo.root), up)
    packs = list((mirror / "objects" / "pack").glob("*.pack"))
    assert len(packs) <= 3 and not list((mirror / "objects").glob("??/*"))  # packed, nothing loose
    git("cat-file", "-e", orphan, cwd=mirror)
    git("fsck", "--no-dangling", cwd=mirror)
    repo = Repository(repo.root)
    from vcs.porcelain.merge import merge
    merge(repo, "origin/main")
    assert push(Repository(repo.root), up).statuses == {"main": "ok"}  # the orphan goes as it was
    assert orphan in git("rev-list", "main", cwd=up.bare).split()


def test_tags_of_other_objects_are_skipped(up, tmp_path):
    blob = git("hash-object", "-w", "--stdin", cwd=up.bare, input=b"a file\n").strip()
    git("tag", "blobtag", blob, cwd=up.bare)
    git("tag", "-a", "-m", "tag of a tag", "nested", "v1", cwd=up.bare)
    git("tag", "treetag", "main^{tree}", cwd=up.bare)
    warnings = []
    Repository.init(os.fsencode(tmp_path / "c"))
    repo = Repository(os.fsencode(tmp_path / "c"), warn=warnings.append)
    fetch(repo, up)
    repo.refresh()
    assert set(repo.state.view.tags) == {"v1", "light"}
    assert len(warnings) == 3 and all("not a commit" in w for w in warnings), warnings


def test_clone_without_a_folder_drops_the_dot_git(up, tmp_path):
    """`vcs clone https://host/x.git` makes `x`, as git's clone does, not `x.git`."""
    from tests.conftest import Repo
    from vcs.cli.render_remote import default_directory
    assert default_directory("https://github.com/pallets/click.git") == "click"
    assert default_directory("git@github.com:pallets/click.git/") == "click"
    assert default_directory("/srv/work/.git") == "work"
    assert default_directory("ssh://host/srv/app.vcs") == "app"
    r = Repo(tmp_path).vcs("clone", f"git+file://{up.bare}")
    assert (tmp_path / "upstream" / "README").read_bytes() == b"hello\n", r.text
