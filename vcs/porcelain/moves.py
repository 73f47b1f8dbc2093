"""`vcs mv` and the renames a commit records.

`mv` moves files or folders in the working tree and in the dirstate (the source
removed, the destination added) and notes each file's move in `.vcs/moves` (sealed;
derived state like the dirstate: one that fails its check is ignored with a warning).
The next commit records a noted move as a rename where the source is still removed and
the destination added, and finds the other renames itself among the files it removes
and adds (vcs.diff.similar: equal contents, then at least 50% alike, as git's
default); `status` shows them the same way. Recorded renames go in the commit record
(vcs.model.objects.moves), which `log --follow`, annotate and `diff` read.
"""
from __future__ import annotations

import os

from vcs.diff.similar import THRESHOLD, pair, similarity
from vcs.errors import CorruptError, StateError, UsageError
from vcs.model.objects import Manifest, check_path, content_id, path_problem
from vcs.repo.repository import Repository
from vcs.storage.log import atomic_write, seal, unseal
from vcs.worktree import files as worktree
from vcs.worktree.dirstate import ADDED, NO_ID, REMOVED, Tracked


def _path(repo: Repository) -> str:
    return repo.path("moves")


def pending(repo: Repository) -> dict[bytes, bytes]:
    """The moves `vcs mv` noted since the last commit: destination -> source."""
    try:
        with open(_path(repo), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return {}
    try:
        body = unseal(data, _path(repo))
        out = {}
        for line in body.split(b"\n"):
            if line:
                src, sep, dst = line.partition(b"\0")
                if not sep or path_problem(src) or path_problem(dst):
                    raise CorruptError(f"{_path(repo)} is malformed")
                out[dst] = src
        return out
    except CorruptError as e:
        repo.warn(f"{e.message}; the moves `vcs mv` noted are forgotten (commit finds renames itself)")
        return {}


def save_pending(repo: Repository, moves: dict[bytes, bytes]) -> None:
    if not moves:
        clear_pending(repo)
        return
    atomic_write(_path(repo), seal(b"".join(b"%s\0%s\n" % (src, dst) for dst, src in sorted(moves.items()))))


def clear_pending(repo: Repository) -> None:
    try:
        os.unlink(_path(repo))
    except FileNotFoundError:
        pass


def mv(repo: Repository, sources: list[str], dest: str) -> list[tuple[bytes, bytes]]:
    """Move tracked files or folders to `dest` (into it, if it is a folder or several
    are moved); (source, destination) of each tracked file moved."""
    with repo.lock():
        repo.refresh()
        ds = repo.dirstate()
        target = repo.relpath(dest)
        into = len(sources) > 1 or (target and os.path.isdir(os.path.join(repo.root, target))
                                    and not os.path.islink(os.path.join(repo.root, target)))
        if len(sources) > 1 and not into:
            raise UsageError(f"moving several paths needs a folder to move them into: {dest}",
                             hint="create the folder first")
        plan = []
        for arg in sources:
            src = repo.relpath(arg)
            dst = (target + b"/" if target else b"") + src.rsplit(b"/", 1)[-1] if into else target
            check_path(dst)
            if src == dst or dst.startswith(src + b"/"):
                raise UsageError(f"cannot move {repo.show(src)} into itself")
            inside = [p for p, t in ds.files.items() if t.state != REMOVED and (p == src or p.startswith(src + b"/"))]
            if not inside:
                raise UsageError(f"{arg} is not tracked", hint="`vcs add` it first, or move it yourself")
            if not worktree.parents_real(repo.root, src) or not os.path.lexists(os.path.join(repo.root, src)):
                raise UsageError(f"{arg} is not in the working tree", hint="`vcs restore` it first")
            if os.path.lexists(os.path.join(repo.root, dst)):
                raise StateError(f"{repo.show(dst)} exists already", hint="move it away or remove it first")
            plan.append((src, dst, sorted(inside)))
        moves = pending(repo)
        done = []
        for src, dst, inside in plan:
            worktree.safe_parent(repo.root, dst)
            os.makedirs(os.path.join(repo.root, os.path.dirname(dst)), exist_ok=True)
            os.rename(os.path.join(repo.root, src), os.path.join(repo.root, dst))
            for old in inside:
                new = dst + old[len(src):]
                t = ds.files[old]
                if t.state == ADDED:
                    del ds.files[old]
                else:
                    t.state = REMOVED
                ds.files[new] = Tracked(ADDED, t.kind, NO_ID)
                moves[new] = moves.pop(old, old)
                if moves[new] == new:  # moved back where it was
                    del moves[new]
                done.append((old, new))
        repo.save_dirstate(ds)
        save_pending(repo, moves)
        return done


def find(repo: Repository, parent: Manifest, added: dict[bytes, bytes], removed: list[bytes],
         noted: dict[bytes, bytes] | None = None,
         links: dict[bytes, bytes] | None = None) -> dict[bytes, tuple[bytes, int]]:
    """new path -> (the removed path it was, similarity %): the moves `vcs mv` noted, then
    the files found alike. `added`: the new paths' contents (files, not links); `links`:
    the new symlinks' targets, renamed only as noted (a link is never a file's rename)."""
    found = {}
    for dst, src in (noted or {}).items():
        if dst in (links or {}) and src in removed and src in parent and parent[src].kind == "l":
            found[dst] = (src, similarity(repo.objects.read(parent[src].id, src), links[dst]))
    gone = {p: parent[p] for p in removed if p in parent and parent[p].kind != "l"}
    if not added or not gone:
        return found
    for dst, src in (noted or {}).items():
        if dst in added and src in gone:
            found[dst] = (src, similarity(repo.objects.read(gone[src].id, src), added[dst]))
    used = {s for s, _ in found.values()}
    by_id = {}
    for p, e in gone.items():
        if p not in used:
            by_id.setdefault(e.id, []).append(p)
    for dst, data in sorted(added.items()):  # equal contents, by id: nothing read
        sources = by_id.get(content_id(data)) if dst not in found else None
        if sources:  # the one of the same name first, as git (and vcs.diff.similar.pair)
            name = dst.rsplit(b"/", 1)[-1]
            src = next((s for s in sources if s.rsplit(b"/", 1)[-1] == name), sources[0])
            sources.remove(src)
            found[dst] = (src, 100)
    used = {s for s, _ in found.values()}
    new = {p: d for p, d in added.items() if p not in found}
    sizes = [len(d) for d in new.values()]
    # Only a removed file of a size within 2x of a new one's can be 50% alike.
    rest = {p: repo.objects.read(e.id, p) for p, e in gone.items() if p not in used
            and any(min(n, repo.objects.info(e.id).size) * 100 >= max(n, repo.objects.info(e.id).size) * THRESHOLD
                    for n in sizes)}
    found.update(pair(rest, new, THRESHOLD))
    return found
