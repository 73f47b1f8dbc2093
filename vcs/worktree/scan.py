"""Compare the working tree with the dirstate: what is modified, added, removed,
missing or untracked, reading only the files whose stat changed.
"""
from __future__ import annotations

import os

from vcs.worktree import files as worktree
from vcs.worktree.dirstate import ADDED, NORMAL, REMOVED, UNCACHED, Dirstate
from vcs.model.objects import content_id, folders
from vcs.records import record


# A file as it is now in the working tree: kind, content id, lstat, and its bytes
# when the caller asked to keep them (else None).
Seen = record("Seen", "kind id st data", defaults=(None,))


class Scan:
    """Paths by status, sorted; the files read along the way."""

    def __init__(self) -> None:
        self.modified: list[bytes] = []
        self.added: list[bytes] = []
        self.removed: list[bytes] = []
        self.missing: list[bytes] = []
        self.untracked: list[bytes] = []
        self.clean: list[bytes] = []
        self.ignored: list[bytes] = []  # untracked files the ignore rules cover (when asked for)
        self.unresolved: list[bytes] = []  # a merge's conflicts not marked resolved (set by status)
        self.renamed: list[tuple] = []  # (source, destination, similarity %): the next commit's renames (status)
        self.seen: dict[bytes, Seen] = {}  # files read: modified and added
        self.refreshed = False  # the stat cache learned something worth saving

    @property
    def changed(self) -> bool:
        return bool(self.modified or self.added or self.removed or self.missing)


def in_scope(path: bytes, scope: list[bytes] | None) -> bool:
    """Whether `path` is one of the paths, or under one of the folders, in `scope`."""
    if scope is None:
        return True
    for p in scope:
        if not p or path == p or path.startswith(p + b"/"):
            return True
    return False


def scan(root: bytes, ds: Dirstate, scope: list[bytes] | None = None, *, untracked: bool = True,
         keep_data: bool = False, warn=None, ignore=None, list_ignored: bool = False) -> Scan:
    """Status of every file in scope; updates the stat cache in `ds` in place.

    A tracked file whose lstat matches its cached (mode, size, mtime, inode) is
    clean without being read; the others are read and hashed. Untracked files the
    `ignore` rules cover are left out (listed as ignored if list_ignored); ignored
    folders are not even walked unless they hold tracked files or are asked for.
    """
    result = Scan()
    files = ds.files
    unreadable: list[tuple[bytes, str]] = []
    tracked = files.keys() if scope is None else [p for p in files if in_scope(p, scope)]
    if untracked:
        on_disk: dict[bytes, os.stat_result] = {}
        skip = _skip_ignored(ignore, files) if ignore and not list_ignored else None
        for base in _walk_roots(scope):
            on_disk.update(worktree.stat_tree(root, base, skip, unreadable))
            if base and base not in on_disk:
                st = worktree.lstat(root, base)
                if st is not None:
                    on_disk[base] = st
        if scope is not None:
            on_disk = {p: st for p, st in on_disk.items() if in_scope(p, scope)}
    else:
        on_disk = {}
        checked: set[bytes] = set()
        for p in tracked:
            st = worktree.lstat(root, p, checked)
            if st is not None:
                on_disk[p] = st
    clean = result.clean
    pop = on_disk.pop
    for path in tracked:
        t = files[path]
        st = pop(path, None)
        # The common case first, inline: a clean file whose stat has not changed.
        if st is not None and st.st_mtime_ns == t.mtime and st.st_size == t.size and \
                st.st_ino == t.ino and st.st_mode == t.mode and t.state == NORMAL and t.mtime != UNCACHED:
            clean.append(path)
            continue
        if t.state == REMOVED:
            result.removed.append(path)
            continue
        if st is None:
            if unreadable and _under(path, unreadable):
                continue  # in a folder that cannot be read: unknown, not missing
            result.missing.append(path)
            continue
        data, st, kind = worktree.read_stable(root, path, st, warn)
        oid = content_id(data)
        if t.state == ADDED:
            result.added.append(path)
        elif oid == t.id and kind == t.kind:
            t.cache(st)
            result.refreshed = True
            clean.append(path)
            continue
        else:
            result.modified.append(path)
        result.seen[path] = Seen(kind, oid, st, data if keep_data else None)
    for folder, reason in unreadable:
        if warn:
            warn(f"cannot read the folder {worktree.show(folder) or '.'} ({reason}); "
                 "its files are left as they were")
    if untracked and ignore:
        for path in sorted(on_disk):
            (result.ignored if ignore.covers(path) else result.untracked).append(path)
        if not list_ignored:
            result.ignored = []
    else:
        result.untracked = sorted(on_disk) if untracked else []
    for name in ("modified", "added", "removed", "missing"):
        getattr(result, name).sort()
    return result


def fold_folders(result: Scan, files, scope: list[bytes] | None = None) -> None:
    """List an untracked folder as one entry, `dir/`, as git's status does.

    Each untracked file becomes the topmost folder above it (within `scope`) that holds
    no tracked file, and each ignored file the topmost that holds no tracked and no
    untracked file (a folder with an untracked file in it is `? dir/`; its ignored
    files are listed). Done on the scan's lists, so the scan itself costs the same.
    """
    if not any(b"/" in p for p in result.untracked) and not any(b"/" in p for p in result.ignored):
        return  # nothing in a folder: nothing to fold (and no need to list the tracked folders)
    tracked = folders(files)
    untracked = result.untracked
    result.untracked = _fold(untracked, tracked, scope)
    if result.ignored:
        result.ignored = _fold(result.ignored, tracked | folders(untracked), scope)


def _fold(paths: list[bytes], keep: set[bytes], scope: list[bytes] | None) -> list[bytes]:
    """Sorted paths with each replaced by its topmost folder (then `/`) not in `keep` and
    within `scope`; the files of one folder are neighbours in sorted order, so it
    stays sorted, and each folder appears once."""
    out: list[bytes] = []
    for path in paths:
        at = path.find(b"/")
        while at != -1:
            folder = path[:at]
            if folder not in keep and in_scope(folder, scope):
                path = folder + b"/"
                break
            at = path.find(b"/", at + 1)
        if not out or out[-1] != path:
            out.append(path)
    return out


def _under(path: bytes, folders: list[tuple[bytes, str]]) -> bool:
    return any(not f or path.startswith(f + b"/") for f, _ in folders)


def _skip_ignored(ignore, files):
    """A test for folders not to walk: ignored, and holding no tracked file."""
    tracked_dirs = folders(files)  # walked even if ignored: they hold tracked files
    return lambda folder: folder not in tracked_dirs and ignore.match(folder, True)




def _walk_roots(scope: list[bytes] | None) -> list[bytes]:
    if scope is None or b"" in scope:
        return [b""]
    return sorted(set(scope))
