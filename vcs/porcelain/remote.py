"""Working with others: clone, fetch, pull, push and the remotes in the config.

The porcelain decides what moves and records it; a `Remote` moves the commits. The
cli picks the implementation from the URL (vcs's own protocol for a vcs repository,
git for a git host: vcs.interop) and passes it in, so this module never imports a
transport.

The contract a transport implements (`Remote`):

- `fetch(repo)` is called with the repository's lock held and a transaction open
  (`repo.transaction(...)`, as `vcs import` holds one). It appends every commit the
  local repository lacks (through vcs.repo.commits, each record and file version
  checked: hashes, path rules, sizes, refnames) and returns the remote's refs as
  `RemoteRefs`, in local ids: every id it names is stored locally once it returns.
  It moves no ref and opens no transaction of its own: this module records the
  remote-tracking refs in the same transaction, so the commits and the refs that
  name them land at one commit point (a kill or a dropped connection before it
  leaves the repository as it was). Anything else it keeps in `.vcs/` (a mirror, a
  marks file) must stay right if that transaction rolls back: write it keyed by
  commit ids and check it against the store when read, never trust it.
- `push(repo, updates, force)` is called with no local lock held (it only reads the
  local repository). `updates` maps a branch to (the id the remote had for it as
  far as we know, or None for a new branch; the id to set, or None to delete it).
  It sends what the remote lacks and moves the remote's branches, each one only if
  it still names the expected old id (a compare-and-swap under the remote's lock),
  and, unless `force`, only as a fast-forward. It returns a status per branch: `ok`,
  `up to date`, or a refusal starting with `rejected` (`rejected: not a
  fast-forward`, `rejected: the remote branch moved`, `rejected: <why>`). A
  transport failure (a dropped connection, a refused stream) raises a VcsError:
  the remote is then as before, or as after for a branch reported nowhere.
- `close()` ends the connection (idempotent).

Ids are local vcs commit ids everywhere in this interface; the git transport maps
them to git ids on its side.

The cli (vcs/cli/remotes.py, `connect`) picks the implementation: vcs.interop.vcs for a
vcs repository (in process for a local path, `vcs serve --stdio` over ssh), and for a
git URL `vcs.interop.git.remote.connect(url, name)`, which returns a connected Remote
(`name`: the remote's name in the config, None during a clone).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Protocol

from vcs import faults
from vcs.errors import StateError, UsageError
from vcs.model.objects import ObjectId
from vcs.model.refs import branch_name_problem, refname_problem
from vcs.repo import config as configmod
from vcs.repo.repository import Repository


@dataclass(frozen=True)
class RemoteRefs:
    head: str | None              # the branch the remote has checked out (None: detached or empty)
    branches: dict[str, bytes]    # branch -> commit id, in local vcs ids (after fetch)
    tags: dict[str, bytes] = field(default_factory=dict)  # tag -> commit id, local ids


class Remote(Protocol):
    def fetch(self, repo: Repository) -> RemoteRefs: ...

    def push(self, repo: Repository, updates: dict[str, tuple[bytes | None, bytes | None]],
             force: bool) -> dict[str, str]: ...

    def close(self) -> None: ...


# The cli's function that opens a Remote for a URL (and the remote's name, for its config).
Connect = Callable[[str, "str | None"], Remote]


@dataclass(frozen=True)
class RefMove:
    name: str
    old: bytes | None
    new: bytes | None


@dataclass(frozen=True)
class FetchResult:
    remote: str
    url: str
    commits: int                  # commits stored by this fetch
    moved: list[RefMove]          # remote-tracking branches (REMOTE/BRANCH) that moved
    new_tags: list[str]
    skipped_tags: list[str]       # a tag the remote names otherwise than ours: ours is kept
    head: str | None              # the remote's checked-out branch


@dataclass(frozen=True)
class PullResult:
    fetch: FetchResult
    branch: str | None            # the local branch pulled into
    upstream: str                 # REMOTE/BRANCH
    outcome: str                  # 'up to date', 'fast-forward', 'diverged', 'ahead', 'no branch'
    old: bytes | None
    new: bytes | None
    checkout: object | None       # the CheckoutResult of a fast-forward


@dataclass(frozen=True)
class PushResult:
    remote: str
    url: str
    statuses: dict[str, str]      # branch -> ok / up to date / rejected: ...
    moved: list[RefMove]          # (local branch, its old and new id on the remote)

    @property
    def rejected(self) -> list[str]:
        return [b for b, s in self.statuses.items() if s.startswith("rejected")]


@dataclass(frozen=True)
class CloneResult:
    path: str
    url: str
    fetch: FetchResult
    branch: str | None
    checkout: object | None


# -- the remotes in the config ----------------------------------------------------------

def _config_path(repo: Repository) -> str:
    return repo.path("config.toml")


def _load(repo: Repository) -> dict:
    return configmod.load(_config_path(repo)) if os.path.exists(_config_path(repo)) else {}


def remotes(repo: Repository) -> dict[str, dict]:
    """name -> its settings (url, and vcs: the remote command) from the repository's config."""
    table = _load(repo).get("remote") or {}
    if not isinstance(table, dict):
        raise StateError(f"`remote` in {_config_path(repo)} is not a table", hint="fix or remove it")
    return {name: value for name, value in table.items() if isinstance(value, dict) and "url" in value}


def remote_url(repo: Repository, name: str) -> str:
    found = remotes(repo).get(name)
    if found is None:
        known = ", ".join(sorted(remotes(repo))) or "none"
        raise UsageError(f"no remote named {name!r} (remotes: {known})",
                         hint="add one with `vcs remote add NAME URL`")
    url = found["url"]
    if not isinstance(url, str) or not url:
        raise StateError(f"remote.{name}.url in {_config_path(repo)} is not a string", hint="fix it")
    return url


def check_remote_name(name: str) -> None:
    problem = refname_problem(name) or ("it contains '/'" if "/" in name else None) \
        or ("it contains '.'" if "." in name else None)
    if problem:
        raise UsageError(f"{name!r} cannot name a remote: {problem}", hint="use letters, digits, - and _")


def add_remote(repo: Repository, name: str, url: str) -> None:
    check_remote_name(name)
    if not url or url.startswith("-") or any(c in url for c in "\0\n\r"):
        raise UsageError(f"{url!r} is not a URL or path a remote can have")
    with repo.lock():
        cfg = _load(repo)
        table = cfg.setdefault("remote", {})
        if name in table:
            raise UsageError(f"a remote named {name!r} exists already ({table[name].get('url')})",
                             hint="`vcs remote remove` it first, or choose another name")
        table[name] = {"url": url}
        configmod.save(_config_path(repo), cfg)


def remove_remote(repo: Repository, name: str) -> int:
    """Forget a remote and its remote-tracking branches; how many branches went."""
    with repo.lock():
        remote_url(repo, name)
        with repo.transaction(f"remote remove {name}") as tx:
            gone = [r for r in tx.view.remotes if r.startswith(name + "/")]
            for r in gone:
                del tx.view.remotes[r]
        cfg = _load(repo)
        del cfg["remote"][name]
        configmod.save(_config_path(repo), cfg)
        return len(gone)


def rename_remote(repo: Repository, old: str, new: str) -> None:
    check_remote_name(new)
    with repo.lock():
        remote_url(repo, old)
        cfg = _load(repo)
        if new in cfg["remote"]:
            raise UsageError(f"a remote named {new!r} exists already")
        with repo.transaction(f"remote rename {old} {new}") as tx:
            for r in [r for r in tx.view.remotes if r.startswith(old + "/")]:
                tx.view.remotes[new + r[len(old):]] = tx.view.remotes.pop(r)
        cfg["remote"][new] = cfg["remote"].pop(old)
        configmod.save(_config_path(repo), cfg)


def list_remotes(repo: Repository) -> list[tuple[str, str]]:
    return sorted((name, str(value["url"])) for name, value in remotes(repo).items())


# -- fetch --------------------------------------------------------------------------------

def fetch(repo: Repository, name: str, remote: Remote, url: str = "") -> FetchResult:
    """Bring the remote's new commits and record its branches as NAME/BRANCH, its new
    tags as tags: one transaction."""
    with repo.lock():
        return _fetch_locked(repo, name, remote, url)


def _fetch_locked(repo: Repository, name: str, remote: Remote, url: str) -> FetchResult:
    with repo.transaction(f"fetch {name}") as tx:
        before = len(repo)
        refs = remote.fetch(repo)
        faults.step("fetch:received")
        moved, new_tags, skipped = _record(repo, tx.view, name, refs)
        count = len(repo) - before
        if not moved and not new_tags and not count:
            tx.view = tx.start.view.copy()  # nothing changed: no operation is recorded
    faults.step("fetch:committed")
    return FetchResult(name, url, count, moved, new_tags, skipped, refs.head)


def _record(repo: Repository, view, name: str, refs: RemoteRefs):
    """Set NAME/BRANCH to the remote's branches (and drop those it no longer has), add
    the tags we lack."""
    for ref_id in (*refs.branches.values(), *refs.tags.values()):
        if repo.changelog.find(ref_id) is None:
            raise StateError(f"the remote named commit {bytes(ref_id).hex()[:12]}, which it did not send",
                             hint="nothing was fetched; the remote may be broken")
    prefix = name + "/"
    moved = []
    for ref in sorted(r for r in view.remotes if r.startswith(prefix) and r[len(prefix):] not in refs.branches):
        moved.append(RefMove(ref, view.remotes.pop(ref), None))
    for branch, oid in sorted(refs.branches.items()):
        problem = refname_problem(branch)
        if problem:
            raise StateError(f"the remote names a branch {branch[:60]!r}: {problem}", hint="nothing was fetched")
        ref = prefix + branch
        old = view.remotes.get(ref)
        if old != oid:
            view.remotes[ref] = ObjectId(oid)
            moved.append(RefMove(ref, old, oid))
    from vcs.porcelain.tags import valid_tag_name
    new_tags, skipped = [], []
    for tag, oid in sorted(refs.tags.items()):
        if not valid_tag_name(tag):
            skipped.append(tag)
        elif tag not in view.tags:
            view.tags[tag] = ObjectId(oid)
            new_tags.append(tag)
        elif view.tags[tag] != oid:
            skipped.append(tag)
    return moved, new_tags, skipped


# -- pull ---------------------------------------------------------------------------------

def pull(repo: Repository, name: str, remote: Remote, branch: str | None = None, url: str = "") -> PullResult:
    """Fetch, then move the current branch to REMOTE/BRANCH when that is a fast-forward
    (and the working tree with it, through checkout's machinery; uncommitted changes
    to files it writes are refused, naming them)."""
    from vcs.porcelain.merge import merge
    with repo.lock():
        result = _fetch_locked(repo, name, remote, url)
        view = repo.state.view
        local = view.head_branch
        if local is None:
            return PullResult(result, None, "", "no branch", None, None, None)
        theirs_name = branch or local
        upstream = f"{name}/{theirs_name}"
        theirs = view.remotes.get(upstream)
        if theirs is None:
            raise UsageError(f"the remote {name!r} has no branch {theirs_name!r}",
                             hint="`vcs pull REMOTE BRANCH` names one; `vcs branch -r` lists what was fetched")
        ours = view.branches.get(local)
        if ours == theirs:
            return PullResult(result, local, upstream, "up to date", ours, theirs, None)
        their_rev = repo.rev_of(theirs)
        if ours is not None:
            our_rev = repo.rev_of(ours)
            if repo.changelog.is_ancestor(their_rev, our_rev):
                return PullResult(result, local, upstream, "ahead", ours, theirs, None)
            if not repo.changelog.is_ancestor(our_rev, their_rev):
                return PullResult(result, local, upstream, "diverged", ours, theirs, None)
        if view.merge is not None:
            raise StateError("a merge is in progress; pull cannot move the branch under it",
                             hint="conclude it (`vcs commit`) or `vcs merge --abort`, then pull again")
        faults.step("pull:fetched")
        # The fast-forward: the branch moves with the working tree, through merge's
        # machinery (refused, naming them, when uncommitted changes are in the way).
        done = merge(repo, upstream, ff="only", command="pull")
        return PullResult(result, local, upstream, "fast-forward", ours, theirs, done)


# -- push ---------------------------------------------------------------------------------

def push(repo: Repository, name: str, remote: Remote, branches: list[str] | None = None,
         force: bool = False, url: str = "", delete: bool = False) -> PushResult:
    """Send BRANCH (default: the current one) to the remote: what it lacks, then the
    branch moves there if that is a fast-forward (or --force). The remote-tracking
    branch follows, in one local transaction."""
    view = repo.state.view
    if not branches:
        if view.head_branch is None:
            raise StateError("HEAD is detached: there is no branch to push",
                             hint="`vcs push REMOTE BRANCH` names one")
        branches = [view.head_branch]
    updates: dict[str, tuple[bytes | None, bytes | None]] = {}
    for branch in branches:
        problem = branch_name_problem(branch)
        if problem:
            raise UsageError(f"{branch!r} is not a branch name: {problem}")
        new = None if delete else view.branches.get(branch)
        if new is None and not delete:
            raise UsageError(f"there is no branch {branch!r} to push",
                             hint="commit first, or name an existing branch (`vcs branch`)")
        updates[branch] = (view.remotes.get(f"{name}/{branch}"), new)
    statuses = remote.push(repo, updates, force)
    faults.step("push:sent")
    moved = [RefMove(b, updates[b][0], updates[b][1]) for b, s in statuses.items() if s in ("ok", "up to date")]
    if moved:
        with repo.lock():
            with repo.transaction(f"push {name}") as tx:
                for m in moved:
                    ref = f"{name}/{m.name}"
                    if m.new is None:
                        tx.view.remotes.pop(ref, None)
                    elif repo.changelog.find(m.new) is not None:
                        tx.view.remotes[ref] = ObjectId(m.new)
    return PushResult(name, url, statuses, moved)


# -- clone --------------------------------------------------------------------------------

def clone(dest: str, url: str, connect: Connect, policy: str = "auto",
          warn: Callable[[str], None] | None = None) -> CloneResult:
    """A new repository at `dest` with everything the remote has, the remote as
    `origin`, and its checked-out branch checked out.

    Built in a temporary folder beside `dest` and renamed into place when whole: a
    clone that is killed or fails leaves no repository at `dest` (the temporary
    folder, `.NAME.vcs-clone-PID`, is removed on failure, and a killed clone's by the
    next clone into `dest`)."""
    import shutil
    from vcs.porcelain.checkout import checkout
    dest = os.path.abspath(dest)
    if os.path.lexists(dest) and (not os.path.isdir(dest) or os.listdir(dest)):
        raise StateError(f"{dest} exists and is not an empty folder", hint="clone into a new folder")
    parent, base = os.path.split(dest)
    if not os.path.isdir(parent):
        raise StateError(f"{parent} is not a folder", hint="create it first")
    _remove_dead_clones(parent, base)
    tmp = os.path.join(parent, f".{base}.vcs-clone-{os.getpid()}")
    remote = connect(url, None)
    try:
        repo = Repository.init(os.fsencode(tmp), policy)
        if warn is not None:  # what the fetch warns of (git commits that lose a signature, ...)
            repo.warn = warn
        cfg = configmod.load(repo.path("config.toml"))
        cfg["remote"] = {"origin": {"url": url}}
        configmod.save(repo.path("config.toml"), cfg)
        with repo.lock():
            with repo.transaction("clone") as tx:
                refs = remote.fetch(repo)
                faults.step("clone:received")
                moved, new_tags, skipped = _record(repo, tx.view, "origin", refs)
                usable = sorted(b for b in refs.branches if branch_name_problem(b) is None)
                head = refs.head if refs.head in usable else \
                    next((b for b in ("main", "master") if b in usable), None) or (usable[0] if usable else None)
                if head is not None:
                    tx.view.branches[head] = ObjectId(refs.branches[head])
                    tx.view.head_branch = head
                    tx.view.heads.add(ObjectId(refs.branches[head]))
                elif refs.head is not None and branch_name_problem(refs.head) is None:
                    tx.view.head_branch = refs.head  # an empty remote: HEAD on its unborn branch
                tx.description = f"clone {url}"
            count = len(repo)
            faults.step("clone:fetched")
            done = checkout(repo, head) if head is not None else None
        remote.close()
        faults.step("clone:checked-out")
        if os.path.isdir(dest):
            _move_into(tmp, dest)
        else:
            os.rename(tmp, dest)
    except BaseException:
        remote.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result = FetchResult("origin", url, count, moved, new_tags, skipped, refs.head)
    return CloneResult(dest, url, result, head, done)


def _move_into(tmp: str, dest: str) -> None:
    """The finished clone moved into `dest`, an empty folder that stays the same folder
    (a shell in it, its permissions): renaming a folder over it would leave both behind.
    Its files first, `.vcs/` last, so `dest` is a repository only once it has them all."""
    from vcs.repo.repository import VCS_DIR
    for name in sorted(os.listdir(tmp)):
        if name != VCS_DIR:
            os.rename(os.path.join(tmp, name), os.path.join(dest, name))
    os.rename(os.path.join(tmp, VCS_DIR), os.path.join(dest, VCS_DIR))
    os.rmdir(tmp)


def _remove_dead_clones(parent: str, base: str) -> None:
    """The temporary folders of clones into `base` whose process is gone (killed)."""
    import shutil
    prefix = f".{base}.vcs-clone-"
    for name in os.listdir(parent):
        pid = name[len(prefix):]
        if name.startswith(prefix) and pid.isdigit() and len(pid) < 10 and not _alive(int(pid)):
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True

