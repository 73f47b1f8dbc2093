"""Porcelain: init, status, add, rm, commit, tag, config, git import/export.

Each function takes the repository (never a global), does one job and returns
plain data; none of them prints. Read-only queries live in `vcs.porcelain.report`.
"""
from __future__ import annotations

import os
import time
from bisect import bisect_left

from vcs import faults
from vcs.worktree import files as worktree
from vcs.worktree.dirstate import ADDED, NO_ID, NORMAL, REMOVED, Dirstate, Tracked
from vcs.errors import NothingToDo, StateError, UsageError, VcsError
from vcs.storage.objects import store_listing_whole
from vcs.model.refs import refname_problem
from vcs.model.objects import (Change, Commit, Entry, Manifest, ObjectId, check_path, commit_id, content_id,
                         file_on_path, local_tz, serialize_commit, serialize_manifest)
from vcs.records import record
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve
from vcs.repo.journal import check_no_interrupted_checkout, without_own_writes, write_pending
from vcs.worktree.scan import Scan, fold_folders, in_scope, scan


# -- init ----------------------------------------------------------------------------

def init(directory: str, policy: str = "auto") -> Repository:
    return Repository.init(os.fsencode(os.path.abspath(directory)), policy)


# -- status --------------------------------------------------------------------------

def status(repo: Repository, paths: list[str] | None = None, ignored: bool = False,
           untracked: str = "normal") -> Scan:
    """What changed in the working tree; saves what the stat cache learned if it can.

    untracked, as git's --untracked-files: `normal` lists a folder that holds no
    tracked file as one entry (`dir/`), `all` lists every file, `no` none. After an
    interrupted checkout, its own writes are not changes (the warning says what to run).
    """
    ds = repo.dirstate()
    without_own_writes(repo, ds)
    scope = _scope(repo, paths)
    result = scan(repo.root, ds, scope, untracked=untracked != "no", warn=repo.warn, ignore=repo.ignore(),
                  list_ignored=ignored)
    if untracked == "normal":
        fold_folders(result, ds.files, scope)
    if result.refreshed:
        _save_cache_if_free(repo, ds)
    return result


def _save_cache_if_free(repo: Repository, ds: Dirstate) -> None:
    lock = repo.try_lock()
    if lock is None:
        return  # another writer is busy, or the repository is read-only: skip the cache
    try:
        repo.refresh()
        # Another process may have changed the dirstate since it was read (an add, an
        # rm, a commit): merge only what was learned, into the dirstate as it is now.
        current = repo.dirstate()
        if current.parent != ds.parent:
            return
        for path, t in current.files.items():
            seen = ds.files.get(path)
            if seen is not None and (seen.state, seen.kind, seen.id) == (t.state, t.kind, t.id):
                t.mode, t.size, t.mtime, t.ino = seen.mode, seen.size, seen.mtime, seen.ino
        repo.save_dirstate(current)
    except (OSError, VcsError):
        pass  # only a cache: the next command learns it again
    finally:
        lock.release()


def _scope(repo: Repository, paths: list[str] | None) -> list[bytes] | None:
    if not paths:
        return None
    return [repo.relpath(p) for p in paths]


# -- add and rm ----------------------------------------------------------------------

def add(repo: Repository, paths: list[str]) -> list[bytes]:
    """Track files; a folder adds the untracked files under it. Returns what was added."""
    with repo.lock():
        repo.refresh()
        ds = repo.dirstate()
        ignore = repo.ignore()
        added = []
        for arg in paths:
            rel = repo.relpath(arg)
            if len(rel) > 255:
                check_path(rel)  # a name too long to stat, let alone check out
            st = worktree.lstat(repo.root, rel) if rel else None
            if rel and st is not None:
                found = [rel]
            else:
                # A folder adds what it holds but what .vcsignore covers; a file named
                # on the command line is added even if ignored (as Mercurial does).
                skip = (lambda folder: ignore.match(folder, True)) if ignore else None  # not walked
                found = [p for p in worktree.stat_tree(repo.root, rel, skip) if not (ignore and ignore.covers(p))]
                if not found and not os.path.isdir(os.path.join(repo.root, rel)):
                    raise UsageError(f"{arg}: no such file or folder")
            for path in sorted(found):
                check_path(path)
                t = ds.files.get(path)
                if t is None:
                    ds.files[path] = Tracked(ADDED, "f", NO_ID)
                    added.append(path)
                elif t.state == REMOVED:
                    t.state = NORMAL
                    t.cache(None)
                    added.append(path)
        repo.save_dirstate(ds)
        return added


def rm(repo: Repository, paths: list[str], cached: bool = False, force: bool = False) -> list[bytes]:
    """Stop tracking files (and delete them unless `cached`). Returns what was removed.

    As git: deleting a file whose content is not committed (an added file, or one with
    uncommitted changes) is refused unless `force`; `cached` keeps the files anyway.
    """
    with repo.lock():
        repo.refresh()
        ds = repo.dirstate()
        scope = [repo.relpath(p) for p in paths]
        targets = sorted(p for p, t in ds.files.items() if t.state != REMOVED and in_scope(p, scope))
        if not targets:
            raise UsageError(f"not tracked: {', '.join(paths)}", hint="`vcs status` lists tracked files")
        if not cached and not force:
            result = scan(repo.root, ds, targets, untracked=False, warn=repo.warn)
            unsaved = sorted(result.modified + result.added)
            if unsaved:
                names = "\n  ".join(repo.show(p) for p in unsaved[:20])
                raise StateError(f"these files have changes that are not committed:\n  {names}",
                                 hint="commit them first, keep them with `vcs rm --cached`, "
                                      "or delete them anyway with `vcs rm --force`")
        for path in targets:
            t = ds.files[path]
            if t.state == ADDED:
                del ds.files[path]
            else:
                t.state = REMOVED
            if not cached:
                worktree.remove(repo.root, path)
        repo.save_dirstate(ds)
        return targets


# -- commit --------------------------------------------------------------------------

CommitResult = record("CommitResult", "rev id message changed removed new_records")


def commit(repo: Repository, message, *, addremove: bool = False,
           paths: list[str] | None = None, date: int | None = None) -> CommitResult:
    """Record the tracked files (or `paths`) as a new revision on top of HEAD."""
    with repo.lock():
        repo.refresh()
        faults.step("commit:locked")
        check_no_interrupted_checkout(repo)
        ds = repo.dirstate()
        scope = _scope(repo, paths)
        if scope is not None and not addremove:
            _check_known(ds, scope, paths or [], repo.root)
        result = scan(repo.root, ds, scope, untracked=addremove, keep_data=True, warn=repo.warn,
                      ignore=repo.ignore() if addremove else None)
        if addremove:
            for path in result.untracked:
                check_path(path)
                st = worktree.lstat(repo.root, path)
                if st is None:
                    continue
                data, st, kind = worktree.read_stable(repo.root, path, st, repo.warn)
                ds.files[path] = Tracked(ADDED, kind, NO_ID)
                result.added.append(path)
                result.seen[path] = _seen(kind, data, st)
            for path in result.missing:
                if ds.files[path].state == ADDED:
                    del ds.files[path]
                else:
                    ds.files[path].state = REMOVED
                    result.removed.append(path)
            result.untracked, result.missing = [], []
        head = repo.wc_rev()
        parent_manifest = repo.manifest(head)
        for path in result.missing:
            if ds.files[path].state == ADDED:
                repo.warn(f"{repo.show(path)} was added but is missing; it is not committed")
        changed = sorted(result.modified + result.added)
        removed = sorted(result.removed)
        if not changed and not removed:
            raise NothingToDo("nothing to commit",
                              hint="`vcs add` new files, or use `vcs commit -A` to add them all")
        text = message(result) if callable(message) else message
        if not text.strip():
            raise UsageError("aborting commit: the message is empty")

        author, guessed = repo.author()
        try:
            with repo.transaction("commit") as tx:
                before = len(repo.objects.log)
                files: dict = {path: (result.seen[path].kind, result.seen[path].data or b"") for path in changed}
                files.update({path: None for path in removed})
                now = int(time.time()) if date is None else date
                rev, cid, manifest, displaced = commit_tree(repo, head, files, author=author, date=now,
                                                            tz=local_tz(now), message=text,
                                                            base=parent_manifest)
                new_records = len(repo.objects.log) - before
                tx.view.committed(cid, [repo.commit_info(head).id] if head is not None else [])
                tx.description = f"commit {rev} {_summary(text)!r}"
        except OSError as e:
            raise StateError(f"cannot write {e.filename or 'the repository'}: {e.strerror}; nothing was committed",
                             hint="free some space or fix the disk, then commit again") from None
        faults.step("commit:done")
        if guessed:
            repo.warn(_guessed_author(author, guessed))
        # The commit is made; now the dirstate follows it.
        for path in changed:
            seen = result.seen[path]
            t = Tracked(NORMAL, seen.kind, manifest[path].id)
            t.cache(seen.st)
            ds.files[path] = t
        # A file whose place a new one took (`a` became a folder `a/`, or a folder a
        # file) is gone from disk and from the commit: removed, as git does.
        removed = sorted(removed + displaced)
        for path in removed:
            ds.files.pop(path, None)
        ds.parent = cid
        repo.remember_tree(rev, manifest)
        try:
            repo.save_dirstate(ds)
        except OSError as e:
            repo.warn(f"committed, but could not save the stat cache ({e.strerror}); "
                      "the next command rebuilds it")
        return CommitResult(rev, cid, text, changed, removed, new_records)


def _guessed_author(author: str, guessed: list[str]) -> str:
    """The warning for an author guessed from the login name and host, as git and
    Mercurial give one: what was guessed and what to run."""
    examples = {"user.name": '"Your Name"', "user.email": "you@example.com"}
    run = " and ".join(f"`vcs config set --user {key} {examples[key]}`" for key in guessed)
    keys = " and ".join(guessed)
    return (f"committed as {author}: {keys} {'is' if len(guessed) == 1 else 'are'} not set, so "
            f"{'it was' if len(guessed) == 1 else 'they were'} guessed from the login name and host; "
            f"set {'it' if len(guessed) == 1 else 'them'} with {run}")


def _append_commit(repo: Repository, cid: ObjectId, record: bytes, listing: bytes, parents: tuple[int, ...]) -> int:
    """Append the commit; store its tree listing whole when the policy says a new chain starts.

    The commit's changed files are its listing's delta against its first parent's, so
    the listing chain is the chain of first parents back to the last whole listing.
    """
    first = repo.changelog.info(parents[0]) if parents else None
    snapshot = store_listing_whole(repo.policy, len(listing), first)
    if snapshot:
        repo.objects.put(listing)
    return repo.changelog.append(cid, record, len(listing), parents, snapshot)


def _record_history(repo: Repository, rev: int, changes, parents: tuple[int, ...], trees: list[Manifest]) -> None:
    """A file history entry for each path the commit changed (vcs.storage.filelog)."""
    filelog, is_ancestor = repo.filelog, repo.changelog.is_ancestor
    pairs = list(zip(parents, trees))
    for slot, ch in enumerate(changes):
        filelog.record(ch.path, ch.entry.id if ch.entry is not None else None, rev, slot, pairs, is_ancestor)


def _summary(message: str) -> str:
    """A message's first line, for the operation log."""
    lines = message.strip().splitlines()
    return lines[0][:72] if lines else ""


def _seen(kind, data, st):
    from vcs.worktree.scan import Seen
    return Seen(kind, content_id(data), st, data)


def _check_known(ds: Dirstate, scope: list[bytes], args: list[str], root: bytes) -> None:
    """Each path given to commit must name tracked files (as git: a pathspec must match)."""
    for rel, arg in zip(scope, args):
        if not rel or any(in_scope(p, [rel]) for p in ds.files):
            continue
        if worktree.lstat(root, rel) is None and not os.path.isdir(os.path.join(root, rel)):
            raise UsageError(f"{arg}: no such file or folder")
        raise UsageError(f"{arg} is not tracked", hint="`vcs add` it first, or use `vcs commit -A`")


def upgrade(repo: Repository) -> int:
    """Upgrade the repository to the current format (taking the lock does it); returns the
    format it had."""
    before = repo.format
    with repo.lock():
        pass
    return before


# -- config -------------------------------------------------------------------------

def _config_files(user: bool) -> list[str]:
    """The files `vcs config` reads: the user's alone with --user (or outside a
    repository), else the repository's, then the user's."""
    from vcs.repo import config
    if user:
        return config.files(None)
    try:
        return config.files(Repository.find().root)
    except StateError:
        return config.files(None)  # outside a repository: the user's config alone


def config_get(key: str, user: bool = False):
    """A key's value: from one file with --user, else as vcs sees it (repository, then user)."""
    from vcs.repo import config
    config.split_key(key)
    return config.get([config.load(path) for path in _config_files(user)], key)


def config_set(key: str, value: str | None, user: bool = False) -> str:
    """Set (or, with value None, unset) a key; returns the file written."""
    from contextlib import nullcontext

    from vcs.repo import config
    if value is not None:
        config.check(key, value)
    repo = None if user else Repository.find()
    path = config.user_config_path() if repo is None else repo.path("config.toml")
    with nullcontext() if repo is None else repo.lock():
        cfg = config.load(path)
        if repo is not None and value is None and config.lookup(cfg, key) is None:
            raise UsageError(f"{key} is not set in {path}")
        config.assign(cfg, key, value)
        config.save(path, cfg)
    return path


def config_list(user: bool = False) -> list[tuple[str, object, str]]:
    """(key, value, file) for every key set, the repository's over the user's."""
    from vcs.repo import config
    seen: dict[str, tuple[str, object, str]] = {}
    for path in reversed(_config_files(user)):
        for key, value in config.flatten(config.load(path)).items():
            seen[key] = (key, value, path)
    return sorted(seen.values())


# -- tags ---------------------------------------------------------------------------

def valid_tag_name(name: str) -> bool:
    """No spaces or ~^:\\ (they would make it a revision expression), not a number,
    HEAD or @ (those are revisions already), no leading `-` (it would read as an
    option; git refuses it too): git's refname rules, and not a number."""
    return refname_problem(name) is None and not name.isdigit()


def tag(repo: Repository, name: str, rev_spec: str | None = None, force: bool = False) -> tuple[str, int]:
    if not valid_tag_name(name):
        raise UsageError(f"invalid tag name {name!r}",
                         hint="a tag name has no spaces or ~^:\\, does not start with -, and is not a number, "
                              "HEAD or @")
    with repo.lock():
        repo.refresh()
        rev = resolve(repo, rev_spec or "HEAD")
        tags = repo.tags()
        if name in tags and not force:
            raise StateError(f"tag {name!r} already exists (revision {repo.rev_of(tags[name])})",
                             hint="use --force to move it")
        with repo.transaction(f"tag {name} at {rev}") as tx:
            tx.view.tags[name] = repo.commit_info(rev).id
        return name, rev


def tag_delete(repo: Repository, names: list[str]) -> list[tuple[str, int]]:
    """Delete tags; (name, the revision it named) for each. All or nothing: an unknown
    name deletes none."""
    with repo.lock():
        repo.refresh()
        tags = repo.tags()
        for name in names:
            if name not in tags:
                import difflib
                close = difflib.get_close_matches(name, list(tags), n=1, cutoff=0.5)
                raise UsageError(f"no tag {name!r}; no tag was deleted",
                                 hint=f"did you mean {close[0]!r}?" if close else "`vcs tag` lists the tags")
        deleted = [(name, repo.rev_of(tags[name])) for name in dict.fromkeys(names)]
        with repo.transaction("tag -d " + " ".join(name for name, _ in deleted)) as tx:
            for name, _ in deleted:
                del tx.view.tags[name]
        return deleted


# -- git interop: commit_tree, import, export -------------------------------------------

def commit_tree(repo: Repository, parents, files: dict, *, author: str, date: int, tz: int,
                message: str, base: Manifest | None = None, committer=None,
                extra: tuple = ()) -> tuple[int, ObjectId, Manifest, list[bytes]]:
    """Append a commit whose tree is its first parent's with `files` changed; (rev, id, its
    tree, the files it displaced).

    `parents` are revision numbers (a merge has two; an int or None for one or none).
    `files` maps a path to an `Entry` already in the store, to a `(kind, data)` pair to
    store, or to None to remove it. Data is stored as `commit` stores it: a delta
    against the path's version in a parent when the policy agrees. A file and a
    folder cannot share a name, so a new path displaces, as git's index does, a file
    on its way (`a` when `a/b` arrives) and the files under it (`a/...` when a file
    `a` arrives): they are removed in the same commit. `base` is the first parent's
    tree if the caller has it. Call it with the lock held, inside `repo.transaction()`;
    it moves neither a ref nor the dirstate nor any working file. An identical commit
    (same parents, tree, metadata) is not appended twice.
    """
    parents = () if parents is None else (parents,) if isinstance(parents, int) else tuple(parents)
    parent_manifest = (repo.manifest(parents[0]) if parents else {}) if base is None else base
    trees = [parent_manifest] + [repo.manifest(p) for p in parents[1:]]
    manifest: Manifest = dict(parent_manifest)
    changes = []
    displaced: list[bytes] = []
    parent_paths: list[bytes] | None = None  # sorted, once a new path needs them
    for path in sorted(files):
        check_path(path)
        value = files[path]
        if value is None:
            if manifest.pop(path, None) is not None:
                changes.append(Change(path, None))
            continue
        if isinstance(value, Entry):
            repo.objects.info(value.id, path)  # it must be stored already
            entry = value
        else:
            kind, data = value
            old = [t[path].id for t in trees if path in t]
            entry = Entry(kind, repo.objects.put(data, old[0] if old else None, path,
                                                 other_base=old[1] if len(old) > 1 else None)[0])
        if path not in manifest and manifest:
            if parent_paths is None:
                parent_paths = sorted(parent_manifest)
            inside = path + b"/"
            first = last = bisect_left(parent_paths, inside)
            while last < len(parent_paths) and parent_paths[last].startswith(inside):
                last += 1
            folder = file_on_path(path, manifest)
            # Removals first: a commit's changes are replayed in order.
            for gone in ([folder] if folder is not None else []) + parent_paths[first:last]:
                if manifest.pop(gone, None) is not None:
                    changes.append(Change(gone, None))
                    if gone not in files:  # else the caller removes it anyway
                        displaced.append(gone)
        if manifest.get(path) != entry:
            manifest[path] = entry
            changes.append(Change(path, entry))
    listing = serialize_manifest(manifest)
    record = serialize_commit(Commit(parents=tuple(ObjectId(repo.commit_info(p).id) for p in parents),
                                     tree=content_id(listing), author=author, date=date, tz=tz,
                                     message=message, changes=tuple(changes), committer=committer,
                                     extra=tuple(extra)))
    cid = commit_id(record)
    rev = repo.changelog.find(cid)
    if rev is None:
        rev = _append_commit(repo, cid, record, listing, parents)
        _record_history(repo, rev, changes, parents, trees)
    return rev, cid, manifest, displaced


# checkout: the CheckoutResult, or None with checkout_error saying why it was refused.
ImportResult = record("ImportResult", "commits revisions merges tags skipped_tags branches head head_ref "
                                      "gitlinks checkout checkout_error")

# Pending records are written out (past the committed end, so still invisible and
# rolled back on error) every so often, so a long import does not hold them all.
IMPORT_FLUSH_BYTES = 64 << 20
IMPORT_FLUSH_COMMITS = 2000


def import_git(repo: Repository, stream, progress=None) -> ImportResult:
    """Import a `git fast-export` stream (a binary file) into an empty repository.

    All or nothing: the whole import is one transaction, so a bad stream (a hostile
    path, a cut-short stream) leaves the repository empty. Then the working tree is
    checked out at the default branch's tip (main, master, else the last commit's
    branch); if untracked files are in the way, the import stands and checkout_error
    says why the checkout did not happen.
    """
    from vcs.interop.git import importer as gitimport
    from vcs.interop.git import stream as gitio
    with repo.lock():
        repo.refresh()
        check_no_interrupted_checkout(repo)
        if len(repo):
            raise StateError(f"this repository already has {len(repo)} revisions; `vcs import` needs an empty one",
                             hint="run `vcs init NEWDIR` and import into NEWDIR")
        if repo.dirstate().files:
            raise StateError("files were added to this repository but not committed; `vcs import` needs an "
                             "empty one", hint="`vcs rm --cached` them, or import into a new repository")
        try:
            with repo.transaction("import") as tx:
                flushed = [0, 0]

                def commit(parent, base, files, author, date, tz, message):
                    rev, _, manifest, _ = commit_tree(repo, parent, files, author=author, date=date,
                                                      tz=tz, message=message, base=base)
                    size, count = repo.objects.log.data_size(), len(repo.changelog)
                    if size - flushed[0] > IMPORT_FLUSH_BYTES or count - flushed[1] > IMPORT_FLUSH_COMMITS:
                        for name in ("objects", "changelog", "filelog"):
                            repo._log(name).flush()
                        flushed[:] = [repo.objects.log.data_size(), len(repo.changelog)]
                    return rev, manifest

                summary = gitimport.Importer(commit, repo.manifest, repo.warn, progress).run(gitio.Reader(stream))
                if not summary.commits:
                    raise NothingToDo("the stream has no commits; nothing was imported",
                                      hint="export with `git fast-export --all`")
                tags, skipped = {}, []
                for raw, rev in sorted(summary.tags.items()):
                    name = raw.decode("utf-8", "surrogateescape")
                    if not valid_tag_name(name):
                        repo.warn(f"tag {name!r} is not a valid vcs tag name; it is skipped")
                        skipped.append(name)
                        continue
                    tags[name] = repo.commit_info(rev).id
                tx.view.tags.update(tags)
                tx.view.heads = {repo.commit_info(r).id for r in repo.changelog.heads()}
                # HEAD names the default branch's tip; the working tree follows by checkout.
                tx.view.branches[tx.view.head_branch] = repo.commit_info(summary.head).id
                tx.description = f"import {summary.commits} commits"
                # Before the commit point: if the process dies between it and the
                # checkout, the next command says what happened and what to run.
                write_pending(repo, repo.commit_info(summary.head).id, f"import {summary.commits}")
        except BaseException as e:
            _drop_stale_journal(repo)
            if isinstance(e, OSError):
                raise StateError(f"cannot write {e.filename or 'the repository'}: {e.strerror}; nothing was "
                                 "imported", hint="free some space or fix the disk, then import again") from None
            raise
    faults.step("import:committed")
    checked_out, error = None, None
    try:
        from vcs.porcelain.checkout import checkout
        checked_out = checkout(repo, repo.state.view.head_branch)
    except StateError as e:
        error = e
    return ImportResult(summary.commits, summary.revisions, summary.merges, sorted(tags), skipped,
                        summary.branches, summary.head, summary.head_ref, summary.gitlinks, checked_out, error)


def _drop_stale_journal(repo: Repository) -> None:
    """An import that did not commit leaves no pending checkout behind."""
    try:
        os.unlink(repo.path("checkout"))
    except OSError:
        pass


def export_git(repo: Repository, out, progress=None):
    """Write the whole history to `out` (a binary file) as a `git fast-import` stream.

    Reads only; takes no lock (a commit made meanwhile is not in the stream).
    Returns a gitio.ExportSummary.
    """
    from vcs.interop.git import stream as gitio
    return gitio.export(repo, out, repo.warn, progress)
