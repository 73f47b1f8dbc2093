"""Checkout and restore: make working files equal to a revision, safely.

Every version is rebuilt and checked against its hash into `.vcs/tmp` before the
first working file is touched; then each file is renamed into place (wholly old
or wholly new), never through a symlink. A journal (`.vcs/checkout`) marks a
checkout in progress and lists every path it writes or deletes with what it puts
there, so whichever checkout runs next can tell vcs's own writes from the user's
edits: it finishes or reverses them exactly, and reports none of them as kept.
Local changes are never overwritten unless asked (`--force`).
"""
from __future__ import annotations

import os

from vcs import faults
from vcs.worktree import files as worktree
from vcs.worktree.dirstate import ADDED, NO_ID, NORMAL, REMOVED, Dirstate, Tracked
from vcs.errors import CorruptError, StateError, UsageError, VcsError
from vcs.model.objects import SYMLINK, Entry, Manifest, content_id, show
from vcs.records import record
from vcs.repo.journal import Journal, check_no_interrupted_checkout, half_way, read_journal, write_journal
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve
from vcs.worktree.scan import Scan, in_scope, scan
from vcs.storage.log import make_folder, umask

# kept: files whose local changes the checkout carried over; branch and before: the
# branch HEAD is on after and before it (None: detached); created: it made the branch (-b).
CheckoutResult = record("CheckoutResult", "rev id written deleted kept branch before created",
                        defaults=(None, None, False))

def _remote_branch_for(repo: Repository, name: str) -> str | None:
    """`REMOTE/NAME` when NAME is no branch and names no other revision, and exactly one
    remote has a branch NAME (as `git checkout NAME` creates NAME from it); else None."""
    view = repo.state.view
    if name in view.branches or name in view.tags:
        return None
    found = [r for r in view.remotes if r.split("/", 1)[1] == name]
    if len(found) != 1:
        return None
    try:
        resolve(repo, name)
    except VcsError:
        return found[0]
    return None  # a revision number, an id, ...: that is what it names


def checkout(repo: Repository, rev_spec: str | None, force: bool = False, progress=None,
             new_branch: str | None = None) -> CheckoutResult:
    """Make the working tree equal to a revision, keeping untracked files; with
    `new_branch`, create that branch there (default: HEAD) and put HEAD on it.

    Refuses (naming the files) when it would overwrite or delete uncommitted
    changes, unless `force`. Every version is rebuilt and checked against its
    hash before the first file is touched. After an interrupted checkout, the
    files it wrote or deleted are vcs's (its journal says which), not local changes.
    """
    if new_branch is not None:
        from vcs.porcelain.branch import check_name
        check_name(new_branch)
    with repo.lock():
        repo.refresh()
        merging = repo.state.view.merge
        if merging is not None and not force:
            raise StateError(f"a {merging.op} is in progress", hint="commit it, or `vcs merge --abort`; "
                             "`vcs checkout --force` discards it")
        if new_branch is None and rev_spec is not None:
            tracked = _remote_branch_for(repo, rev_spec)
            if tracked is not None:  # git's: a new branch from the one remote branch of that name
                new_branch, rev_spec = rev_spec, tracked
        if new_branch is not None:
            if new_branch in repo.state.view.branches:
                raise StateError(f"a branch named {new_branch!r} already exists (at revision "
                                 f"{repo.rev_of(repo.state.view.branches[new_branch])})",
                                 hint=f"`vcs checkout {new_branch}` switches to it")
            if rev_spec is None and repo.head_rev() is None:
                return _rename_unborn(repo, new_branch)
        rev = resolve(repo, rev_spec or "HEAD")
        target_id = repo.commit_info(rev).id
        new = repo.manifest(rev)
        wc = repo.state.view.wc
        moved = move_files(repo, repo.manifest(repo.wc_rev()), new, target_id, force, progress)
        try:
            with repo.transaction(f"checkout {rev}" if new_branch is None else f"checkout -b {new_branch} {rev}") as tx:
                before = tx.view.head_branch
                if new_branch is not None:
                    tx.view.branches[new_branch] = target_id
                branch = new_branch or (rev_spec if rev_spec in tx.view.branches else None)
                if branch is not None:
                    tx.view.head_branch = branch
                elif tx.view.head is None or tx.view.head != target_id:
                    tx.view.head_branch, tx.view.detached = None, target_id
                tx.view.wc = target_id
                tx.tree = (wc, target_id)
                tx.view.merge = None  # (--force: the merge in progress is given up)
            faults.step("checkout:head")
            repo.remember_tree(rev, new)
            finish_move(repo, moved.ds)
        except OSError as e:
            raise StateError(f"cannot write {e.filename or 'the repository'}: {e.strerror}; every file of "
                             f"revision {rev} is in place, but the checkout is not recorded as finished",
                             hint=f"fix that, then run `vcs checkout {rev}` to finish it") from None
        return CheckoutResult(rev, target_id, moved.written, moved.deleted, moved.kept, repo.state.view.head_branch,
                              before, new_branch is not None)


def _rename_unborn(repo: Repository, name: str) -> CheckoutResult:
    """`checkout -b NAME` before the first commit: HEAD names NAME instead (as git's)."""
    with repo.transaction(f"checkout -b {name}") as tx:
        before, tx.view.head_branch = tx.view.head_branch, name
    return CheckoutResult(None, None, [], [], [], name, before, True)


# What move_files did: the files written and deleted, the local changes carried over,
# and the dirstate of the tree it left (every file of the target tracked, as in it).
Moved = record("Moved", "written deleted kept ds")


def move_files(repo: Repository, old: Manifest, new: Manifest, target_id, force: bool = False,
               progress=None, note: str | None = None, command: str = "checkout") -> Moved:
    """Make the working files that hold `old`'s versions hold `new`'s, as a checkout does
    (the lock held): refuse to overwrite or delete local changes unless `force`, rebuild
    and check every version into .vcs/tmp, write the journal (naming `target_id`, a
    stored commit whose tree is `new`, and `note`), then move each file into place.
    The caller records the move (a transaction) and then calls `finish_move`."""
    ds = repo.dirstate()
    try:
        journal = read_journal(repo)
    except CorruptError:
        if not force:
            raise
        journal = None
    if journal is not None:
        old = half_way(repo, journal, old, ds)
    result = scan(repo.root, ds, warn=repo.warn)
    writes, deletes, clear, conflicts, kept = _plan(repo, old, new, ds, result, force)
    if conflicts:
        raise _refusal(repo, conflicts, set(result.untracked), new, command)

    # Rebuild and check every version before touching the working tree.
    staged = _stage(repo, [(p, new[p]) for p in writes], progress)
    # What a checkout killed before may have left stays vcs's until one finishes.
    states = {p: list(v) for p, v in journal.states.items()} if journal is not None else {}
    for path in writes + deletes:
        state = new.get(path)
        if state not in states.setdefault(path, []):
            states[path].append(state)
    stats: dict = {}
    what = f"revision {repo.rev_of(target_id)}"
    try:
        write_journal(repo, Journal(repo.state.head, target_id, note or (journal.note if journal else None),
                                    states))
        try:
            _place(repo, deletes, clear, staged, "checkout", stats, progress)
        except OSError as e:
            raise StateError(f"cannot write {show(e.vcs_path)}: {e.strerror}; the checkout of {what} "
                             "stopped half-way (each file is wholly old or wholly new)",
                             hint=f"fix that, then run `vcs checkout {repo.rev_of(target_id)}` to finish it"
                             if note is None else "fix that, then run the command again") from None
    except OSError as e:  # the journal could not be written: nothing was touched
        raise StateError(f"cannot write {e.filename or 'the checkout journal'}: {e.strerror}; nothing in "
                         "the working tree was changed",
                         hint="free some space or fix that, then check out again") from None
    finally:
        _unstage(staged)

    return Moved([p for p, _ in staged], deletes, kept, _dirstate_after(ds, target_id, new, stats, kept))


def _place(repo: Repository, deletes: list[bytes], clear: list[bytes], staged: list[tuple[bytes, bytes]],
           step: str, stats: dict, progress=None) -> None:
    """Delete files, clear folders, and move the staged files into place (each wholly
    old or wholly new), in that order; `stats` gets each written file's stat. An
    OSError names the path it failed at in its `vcs_path`."""
    path = b""
    try:
        for path in deletes:
            worktree.remove(repo.root, path)
        for path in clear:
            worktree.remove_empty_folders(repo.root, path)
        checked: set[bytes] = set()
        for i, (path, tmp) in enumerate(staged):
            stats[path] = worktree.move_into_place(repo.root, path, tmp, staged.stats.get(tmp), checked)
            staged.moved = i + 1
            faults.step(f"{step}:file:{i}")
            if progress:
                progress(len(staged) + i + 1, 2 * len(staged))
    except OSError as e:
        e.vcs_path = path
        raise


def _dirstate_after(ds: Dirstate, target_id: bytes, new: Manifest, stats: dict, kept: list[bytes]) -> Dirstate:
    """The dirstate once the working tree is `new`: the files written cached with their
    new stat, the local changes kept as they were."""
    newds = Dirstate(target_id, {})
    for path, e in new.items():
        t = Tracked(NORMAL, e.kind, e.id)
        prev = ds.files.get(path)
        if path in stats:
            t.cache(stats[path])
        elif path in kept and prev is not None:
            t = prev
        elif prev is not None and prev.state == NORMAL and (prev.kind, prev.id) == (e.kind, e.id):
            t = prev
        newds.files[path] = t
    for path in kept:
        if path not in new and path in ds.files:
            newds.files[path] = ds.files[path]
    return newds


def finish_move(repo: Repository, ds: Dirstate) -> None:
    """After the move is recorded: the dirstate follows, and the journal goes."""
    repo.save_dirstate(ds)
    os.unlink(repo.path("checkout"))


_NO_FORCE = ("merge", "cherry-pick", "revert", "pull")  # commands that have no --force to offer


def _refusal(repo: Repository, conflicts: list[bytes], untracked: set[bytes], new: Manifest,
             command: str = "checkout") -> StateError:
    """The files a checkout will not touch, in two lists with a hint each: uncommitted
    changes to tracked files (`vcs restore` helps), and untracked files or folders in the
    way (it does not; `--force` overwrites an untracked file, but moves no folder away)."""
    def listing(paths: list[bytes]) -> str:
        more = f"\n  ... and {len(paths) - 20} more" if len(paths) > 20 else ""
        return "".join(f"\n  {repo.show(p)}" for p in paths[:20]) + more

    in_the_way = [p for p in conflicts if p in untracked or os.path.isdir(os.path.join(repo.root, p))]
    changes = [p for p in conflicts if p not in in_the_way]
    parts, hints = [], []
    if changes:
        parts.append(f"{command} would overwrite or delete uncommitted changes in:{listing(changes)}")
        hints.append(f"commit them, `vcs restore` them, or use `vcs {command} --force` to discard them"
                     if command not in _NO_FORCE else f"commit them or `vcs restore` them, then {command} again")
    if in_the_way:
        parts.append(f"{'and ' if changes else command + ' would overwrite '}untracked files or folders "
                     f"in its way:{listing(in_the_way)}")
        force = command not in _NO_FORCE and all(p in untracked and p in new for p in in_the_way)
        hints.append("move or remove them, or `vcs add` and commit them, then "
                     + ("check out" if command == "checkout" else command) + " again"
                     + (f", or use `vcs {command} --force` to overwrite them" if force else ""))
    return StateError("\n".join(parts), hint="\n".join(hints))


def _plan(repo: Repository, old: Manifest, new: Manifest, ds: Dirstate, result: Scan, force: bool):
    """Which files a checkout writes and deletes, which it refuses to touch, which
    local changes it carries over.

    A file may be replaced when what is on disk is what the old revision had (nothing
    to lose), or nothing at all, or already the target; otherwise only with `force`.
    Untracked files are never deleted.
    """
    local = set(result.modified) | set(result.added) | set(result.removed) | set(result.missing)
    untracked = set(result.untracked)
    writes: list[bytes] = []
    deletes: list[bytes] = []
    conflicts: list[bytes] = []
    kept: list[bytes] = []

    def on_disk(path: bytes) -> tuple[str, bytes] | None:
        if path in result.seen:
            s = result.seen[path]
            return s.kind, s.id
        t = ds.files.get(path)
        if t is not None and t.state == NORMAL and path not in local:
            return t.kind, t.id
        st = worktree.lstat(repo.root, path)
        if st is None:
            return None
        kind = worktree.kind_of(st) or "f"
        return kind, content_id(worktree.read(repo.root, path, kind))

    for path in sorted(old.keys() | new.keys() | ds.files.keys() | (untracked & new.keys())):
        o, n = old.get(path), new.get(path)
        tracked = path in ds.files and path not in untracked
        if o == n:
            if path not in local:
                continue
            if not force:
                kept.append(path)
            elif n is not None and on_disk(path) != (n.kind, n.id):
                writes.append(path)
            continue
        current = on_disk(path)
        target = (n.kind, n.id) if n else None
        if current == target:
            continue
        if n is None and not (tracked and ds.files[path].state != REMOVED):
            continue  # not tracked here and gone in the target: leave it alone
        if tracked and ds.files[path].state == REMOVED and o is not None and not force:
            conflicts.append(path)  # a pending `vcs rm` the target would undo (not one `old` records)
            continue
        safe = current is None or (o is not None and current == (o.kind, o.id) and tracked)
        if not (safe or force):
            conflicts.append(path)
        elif n is None:
            deletes.append(path)
        else:
            writes.append(path)
    conflicts += _blocked_folders(repo, writes, deletes, untracked, force)
    clear, full_folders = _folders_in_the_way(repo, writes, deletes, set(result.clean) | result.seen.keys())
    conflicts += full_folders
    return writes, deletes, clear, sorted(set(conflicts)), kept


def _folders_in_the_way(repo: Repository, writes: list[bytes], deletes: list[bytes], files: set[bytes]):
    """Folders standing where the target has a file: (ones that will be empty once the
    checkout's deletions are done, and can go; ones holding other files, which block).
    `files`: paths the scan just found to be files (no folder there)."""
    going = set(deletes)
    clear, blocked = [], []
    for path in writes:
        if path in files:
            continue
        full = os.path.join(repo.root, path)
        if os.path.isdir(full) and not os.path.islink(full):
            if any(p not in going for p, _ in worktree.walk(repo.root, path)):
                blocked.append(path)
            else:
                clear.append(path)
    return clear, blocked


def _blocked_folders(repo: Repository, writes: list[bytes], deletes: list[bytes],
                     untracked: set[bytes], force: bool) -> list[bytes]:
    """Files in the way of a folder the checkout must create (an untracked file `a` for `a/b`)."""
    going = set(deletes)
    blocked = []
    no_file: set[bytes] = set()  # folders found not to be a file (a folder, or nothing)
    for path in writes:
        parts = path.split(b"/")
        for i in range(1, len(parts)):
            folder = b"/".join(parts[:i])
            if folder in going or folder in no_file:
                continue
            st = worktree.lstat(repo.root, folder)
            if st is None:
                no_file.add(folder)
            if st is not None:
                if force and folder not in untracked:
                    going.add(folder)
                    deletes.append(folder)
                else:
                    blocked.append(folder)
                break
    return sorted(set(blocked))


class Staged(list):
    """(path, temp file) of each staged file, in order; `stats`: each temp file's stat;
    `moved`: how many of the first ones are in place (their temp files are gone);
    `folder`: the folder they are staged in, removed with the last of them."""

    def __init__(self, folder: bytes):
        super().__init__()
        self.folder = folder
        self.stats: dict[bytes, os.stat_result] = {}
        self.moved = 0


def _staging_folder(repo: Repository) -> bytes:
    """A new, empty folder in .vcs/tmp for one command's staged files. A folder of its
    own, not .vcs/tmp itself: a folder that once held thousands of files keeps its
    hashed index, and creating a file there was measured 6-10x slower than in a new one
    (ext4: 150-190 us against 16-30 us a file)."""
    global _folders_made
    make_folder(repo.tmpdir)
    _folders_made += 1  # one a call: a second staging before the first is unstaged keeps its own
    folder = os.path.join(repo.tmpdir, b"co%d-%d" % (os.getpid(), _folders_made))
    try:
        os.mkdir(folder)
    except FileExistsError:  # left by a killed process that had this pid
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
    return folder


_folders_made = 0


def _stage(repo: Repository, entries: list[tuple[bytes, Entry]], progress=None,
           contents: dict | None = None) -> Staged:
    """Rebuild each version (hash checked) into .vcs/tmp; return (path, temp file).
    `contents`: id -> bytes of versions not stored yet (a merge's). On any error every
    temp file written is removed, and the error names the file."""
    path, tmp = b"", repo.tmpdir
    staged = Staged(b"")
    try:
        staged.folder = _staging_folder(repo)
        mask = umask()
        for i, (path, e) in enumerate(entries):
            tmp = os.path.join(staged.folder, b"%d" % i)
            data = contents.get(e.id) if contents else None
            staged.stats[tmp] = worktree.stage(tmp, repo.objects.read(e.id, path) if data is None else data,
                                               e.kind, mask)
            staged.append((path, tmp))
            if progress:
                progress(i + 1, 2 * len(entries))
    except BaseException as e:
        _unstage(staged)
        if isinstance(e, OSError):
            what = f"{repo.show(path)} (in {os.fsdecode(os.path.relpath(tmp, repo.root))})" if path else \
                os.fsdecode(os.path.relpath(tmp, repo.root))
            raise StateError(f"cannot stage {what}: {e.strerror}",
                             hint="nothing in the working tree was changed; free some space or fix that, "
                                  "then run the command again") from None
        raise
    return staged


def _unstage(staged: Staged) -> None:
    """Remove the temp files not moved into place (those after `moved`), then their folder."""
    for _, tmp in staged[staged.moved:]:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    if staged.folder:
        try:
            os.rmdir(staged.folder)
        except OSError:
            pass  # left for the next writer's clean-up (`_remove_leftovers`), not worth an error
        staged.folder = b""


def restore(repo: Repository, paths: list[str], rev_spec: str | None = None) -> list[bytes]:
    """Put files back as they are in a revision (default: the checked-out one); returns
    the files it changed.

    Only files whose content or mode differs are touched (a mode alone is set with
    chmod), so restoring a clean tree writes nothing and bumps no mtime; a file whose
    stat the dirstate trusts, and whose id there is the target's, is not even read.
    What is written is rebuilt, hash-checked and staged first, as a checkout's files.
    """
    with repo.lock():
        repo.refresh()
        check_no_interrupted_checkout(repo)
        rev = resolve(repo, rev_spec) if rev_spec is not None else repo.wc_rev()
        if rev is None:
            raise StateError("there are no commits yet, so there is nothing to restore")
        manifest = repo.manifest(rev)
        ds = repo.dirstate()
        scope = [repo.relpath(p) for p in paths]
        targets = sorted(p for p in manifest if in_scope(p, scope))
        for rel, arg in zip(scope, paths):
            if not any(in_scope(p, [rel]) for p in manifest):
                raise UsageError(f"{arg} is not in revision {rev}")
        writes, modes = _differing(repo, manifest, targets, ds, scope)
        stats = {}
        staged = _stage(repo, [(p, manifest[p]) for p in writes])
        try:
            checked: set[bytes] = set()
            for path, tmp in staged:
                stats[path] = worktree.move_into_place(repo.root, path, tmp, staged.stats.get(tmp), checked)
                staged.moved += 1
        finally:
            _unstage(staged)
        for path in modes:
            stats[path] = worktree.set_mode(repo.root, path, manifest[path].kind)
        for path in targets:
            e = manifest[path]
            t = ds.files.get(path)
            if t is None:
                t = ds.files[path] = Tracked(ADDED, e.kind, NO_ID)
            elif t.state == REMOVED:
                t.state = NORMAL
            if t.state != NORMAL or (t.kind, t.id) != (e.kind, e.id):
                t.cache(None)
            elif path in stats:
                t.cache(stats[path])
        repo.save_dirstate(ds)
        return sorted(stats)


def _differing(repo: Repository, manifest: Manifest, targets: list[bytes], ds: Dirstate,
               scope: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Which of `targets` differ from `manifest` on disk: (to write, to chmod only).

    The scan reads only files whose stat changed; a clean file holds its dirstate id,
    so it differs exactly when that id is not the target's. A file `vcs rm` left (or
    removed) is looked at directly.
    """
    result = scan(repo.root, ds, scope, untracked=False, warn=repo.warn)
    clean = set(result.clean)
    writes, modes = [], []
    for path in targets:
        e = manifest[path]
        if path in clean:
            t = ds.files[path]
            kind, oid = t.kind, t.id
        elif path in result.seen:
            kind, oid = result.seen[path].kind, result.seen[path].id
        else:
            st = worktree.lstat(repo.root, path)
            if st is None:
                writes.append(path)
                continue
            data, _, kind = worktree.read_stable(repo.root, path, st, repo.warn)
            oid = content_id(data)
        if oid != e.id or (kind == SYMLINK) != (e.kind == SYMLINK):
            writes.append(path)
        elif kind != e.kind:
            modes.append(path)
    return writes, modes
