"""Appending commits to the store: the one writer of history.

`commit_tree` stores a commit's new file versions (deltas against the path's
version in a parent, when the policy agrees), appends the commit record with its
parents, its tree listing when a chain of listings starts anew, and each changed
path's file history entry. `vcs commit`, `vcs import` and, later, merge all
append history through it. Callers hold the lock and an open transaction; it
moves no ref and touches no working file.
"""
from __future__ import annotations

from bisect import bisect_left

from vcs.model.objects import (Change, Commit, Entry, Manifest, ObjectId, check_path, commit_id, content_id,
                               file_on_path, move_headers, serialize_commit,
                               serialize_manifest)
from vcs.repo import origins
from vcs.repo.repository import Repository
from vcs.storage.objects import store_listing_whole


def commit_tree(repo: Repository, parents, files: dict, *, author: str, date: int, tz: int,
                message: str, base: Manifest | None = None, committer=None,
                extra: tuple = (), moves: dict | None = None,
                line_origins: bool = True) -> tuple[int, ObjectId, Manifest, list[bytes]]:
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
    (same parents, tree, metadata) is not appended twice. `moves` maps a path the
    commit writes to ("rename" or "copy", the first parent's path it came from): kept
    in the record (vcs.model.objects.moves) where the source is in the first parent.
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
            move = (moves or {}).get(path)
            if not old and move is not None and move[1] in parent_manifest:
                old = [parent_manifest[move[1]].id]  # a renamed file's delta is against its source
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
    changed = {ch.path for ch in changes if ch.entry is not None}
    kept = {dst: (kind, src) for dst, (kind, src) in (moves or {}).items()
            if dst in changed and src in parent_manifest and src != dst and kind in ("rename", "copy")}
    extra = tuple(extra) + move_headers(kept)
    listing = serialize_manifest(manifest)
    record = serialize_commit(Commit(parents=tuple(ObjectId(repo.commit_info(p).id) for p in parents),
                                     tree=content_id(listing), author=author, date=date, tz=tz,
                                     message=message, changes=tuple(changes), committer=committer,
                                     extra=tuple(extra)))
    cid = commit_id(record)
    rev = repo.changelog.find(cid)
    if rev is None:
        rev = _append_commit(repo, cid, record, listing, parents)
        _record_history(repo, rev, changes, parents, trees, line_origins=line_origins)
    return rev, cid, manifest, displaced


def append_record(repo: Repository, cid: ObjectId, record: bytes, listing: bytes, parents: tuple[int, ...],
                  changes, trees: list[Manifest], is_ancestor=None, deflated: bytes | None = None) -> int:
    """Append a commit record made elsewhere (a sync), as it is: its listing (already
    rebuilt and checked against the record's tree id) stored whole when a chain starts,
    and each changed path's history entry. `trees`: each parent's listing;
    `is_ancestor`: a faster answer to changelog.is_ancestor, if the caller has one;
    `deflated`: the record's raw deflate as it arrived (checked)."""
    rev = _append_commit(repo, cid, record, listing, parents, deflated)
    # A sync leaves the line origins to the first annotate (which builds what is
    # missing): they are derived, and making them would cost a clone four times its time.
    _record_history(repo, rev, changes, parents, trees, is_ancestor, line_origins=False)
    return rev


def _append_commit(repo: Repository, cid: ObjectId, record: bytes, listing: bytes, parents: tuple[int, ...],
                   deflated: bytes | None = None) -> int:
    """Append the commit; store its tree listing whole when the policy says a new chain starts.

    The commit's changed files are its listing's delta against its first parent's, so
    the listing chain is the chain of first parents back to the last whole listing.
    """
    first = repo.changelog.info(parents[0]) if parents else None
    snapshot = store_listing_whole(repo.policy, len(listing), first)
    if snapshot:
        repo.objects.put(listing)
    return repo.changelog.append(cid, record, len(listing), parents, snapshot, deflated)


def _record_history(repo: Repository, rev: int, changes, parents: tuple[int, ...], trees: list[Manifest],
                    is_ancestor=None, line_origins: bool = True) -> None:
    """A file history entry for each path the commit changed (vcs.storage.filelog), and
    their line origins if `line_origins` and the origins are complete so far."""
    filelog, is_ancestor = repo.filelog, is_ancestor or repo.changelog.is_ancestor
    pairs = list(zip(parents, trees))
    # The line origins are written with their entries when they are complete so far;
    # else the first annotate builds them all (vcs.repo.origins).
    with_origins = line_origins and origins.complete(repo)
    for slot, ch in enumerate(changes):
        n = filelog.record(ch.path, ch.entry.id if ch.entry is not None else None, rev, slot, pairs, is_ancestor)
        if with_origins:
            origins.record(repo, n, trees[0] if trees else None, trees[1] if len(trees) > 1 else None,
                           filelog.source(n))
