"""`vcs diff` and `vcs cat`: the files that differ between two sides, and one version's bytes.

A side is a revision or the working tree. A FileDiff's data is loaded only when
asked (`--name-only` reads no file). Returns plain data for `vcs.cli.render`
(which writes the patch text) and never prints.
"""
from __future__ import annotations

from vcs.errors import UsageError
from vcs.diff.similar import pair, similarity
from vcs.model.objects import Commit, Entry, Manifest, moves, show
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve
from vcs.worktree import files as worktree
from vcs.worktree.dirstate import REMOVED
from vcs.worktree.scan import in_scope, scan


class FileDiff:
    """A file that differs between two sides; its data is loaded on demand: when
    `old_data`, `new_data` or `similarity` is first read (so `log -p` writes a commit's
    first file before it rebuilds the others), never with `load=False` (`--name-only`).
    A renamed or copied file has its old side at `source` ("rename" or "copy": `how`),
    with the `similarity` (%) of the two."""

    __slots__ = ("path", "old", "new", "_old_data", "_new_data", "_pending", "source", "how", "_similarity")

    def __init__(self, path: bytes, old: Entry | None, new: Entry | None, source: bytes | None = None,
                 how: str | None = None, similarity: int | None = None):
        self.path, self.old, self.new = path, old, new
        self._old_data: bytes | None = None
        self._new_data: bytes | None = None
        self._pending = None  # (repo, the working files' bytes read) until loaded
        self.source, self.how, self._similarity = source, how, similarity

    def _loaded(self) -> None:
        if self._pending is not None:
            repo, working = self._pending
            self._pending = None
            _load(repo, self, working)

    @property
    def old_data(self) -> bytes | None:
        self._loaded()
        return self._old_data

    @property
    def new_data(self) -> bytes | None:
        self._loaded()
        return self._new_data

    @property
    def similarity(self) -> int | None:
        self._loaded()
        return self._similarity


def commit_diffs(repo: Repository, rev: int, commit: Commit | None = None,
                 scope: list[bytes] | None = None, load: bool = True) -> list[FileDiff]:
    """What revision `rev` changed against its parent."""
    commit = commit or repo.read_commit(rev)
    parent = repo.manifest(repo.parent_rev(rev)) if commit.changes else {}
    found = moves(commit)
    renamed = {src for how, src in found.values() if how == "rename"}
    diffs = []
    for c in commit.changes:
        if c.path in renamed and c.entry is None:
            continue  # shown with the file it became
        move = found.get(c.path) if c.entry is not None else None
        if move is not None and move[1] in parent and (in_scope(c.path, scope) or in_scope(move[1], scope)):
            diffs.append(FileDiff(c.path, parent[move[1]], c.entry, move[1], move[0]))
        elif in_scope(c.path, scope):
            diffs.append(FileDiff(c.path, parent.get(c.path), c.entry))
    if load:
        for d in diffs:
            d._pending = (repo, None)
    return diffs


def diff(repo: Repository, revs: list[str], paths: list[str] | None = None,
         load: bool = True) -> list[FileDiff]:
    """Working tree against HEAD (no rev), against REV (one), or REV against REV (two)."""
    if len(revs) > 2:
        raise UsageError("diff takes at most two revisions")
    scope = [repo.relpath(p) for p in paths] if paths else None
    seen: dict[bytes, bytes] = {}
    if len(revs) == 2:
        old = repo.manifest(resolve(repo, revs[0]))
        new = repo.manifest(resolve(repo, revs[1]))
    else:
        old = repo.manifest(resolve(repo, revs[0]) if revs else repo.wc_rev())
        new, seen = _working_manifest(repo, scope)
    diffs = []
    for path in sorted(old.keys() | new.keys()):
        if in_scope(path, scope) and old.get(path) != new.get(path):
            diffs.append(FileDiff(path, old.get(path), new.get(path)))
    if load:
        for d in diffs:
            d._pending = (repo, seen if len(revs) < 2 else None)
        noted = None
        if not revs:  # the working tree against its parent: the moves `vcs mv` noted, as status and commit
            from vcs.porcelain.moves import pending
            noted = pending(repo)
        diffs = _paired(diffs, noted)
    return diffs


def _paired(diffs: list[FileDiff], noted: dict[bytes, bytes] | None = None) -> list[FileDiff]:
    """A removed file and an added one that are alike shown as one rename, as `git diff`
    does (its diff.renames, on by default: equal, then 50% alike); first the moves
    `noted` (destination -> source) pairs, whatever their likeness."""
    gone = {d.path: d for d in diffs if d.new is None}
    new = {d.path: d for d in diffs if d.old is None}
    if not gone or not new:
        return diffs
    # A noted move pairs links too (both links, or both not); found alike, only files.
    found = {dst: (src, similarity(gone[src].old_data, new[dst].new_data))
             for dst, src in (noted or {}).items()
             if dst in new and src in gone and (new[dst].new.kind == "l") == (gone[src].old.kind == "l")}
    used = {src for src, _ in found.values()}
    found.update(pair({p: d.old_data for p, d in gone.items() if p not in used and d.old.kind != "l"},
                      {p: d.new_data for p, d in new.items() if p not in found and d.new.kind != "l"}))
    if not found:
        return diffs
    sources = {src for src, _ in found.values()}
    out = []
    for d in diffs:
        if d.path in sources and d.new is None:
            continue
        if d.path in found and d.old is None:
            src, score = found[d.path]
            r = FileDiff(d.path, gone[src].old, d.new, src, "rename", score)
            r._old_data, r._new_data = gone[src].old_data, d.new_data
            d = r
        out.append(d)
    return out


def _working_manifest(repo: Repository, scope: list[bytes] | None) -> tuple[Manifest, dict[bytes, bytes]]:
    """The tracked files as they are on disk now, with the bytes already read."""
    ds = repo.dirstate()
    result = scan(repo.root, ds, scope, untracked=False, keep_data=True, warn=repo.warn)
    files: Manifest = {}
    data: dict[bytes, bytes] = {}
    missing = set(result.missing)
    for path, t in ds.files.items():
        if t.state == REMOVED or path in missing or not in_scope(path, scope):
            continue
        seen = result.seen.get(path)
        if seen is None:
            files[path] = Entry(t.kind, t.id)
        else:
            files[path] = Entry(seen.kind, seen.id)
            data[path] = seen.data or b""
    return files, data


def _load(repo: Repository, d: FileDiff, working: dict[bytes, bytes] | None) -> None:
    if d.old is not None:
        d._old_data = repo.objects.read(d.old.id, d.source or d.path)
    if d.new is not None:
        if working is not None and d.path in working:
            d._new_data = working[d.path]
        elif working is not None:
            d._new_data = worktree.read(repo.root, d.path, d.new.kind)
        else:
            d._new_data = repo.objects.read(d.new.id, d.path)
    if d.source is not None and d._similarity is None and d._old_data is not None and d._new_data is not None:
        d._similarity = similarity(d._old_data, d._new_data)



def cat(repo: Repository, rev_spec: str, path_arg: str) -> bytes:
    """The exact bytes of a file at a revision (rebuilt and checked against its id)."""
    rev = resolve(repo, rev_spec)
    path = repo.relpath(path_arg)
    entry = repo.entry_at(rev, path)
    if entry is None:
        import difflib
        manifest = repo.manifest(rev)
        close = difflib.get_close_matches(path.decode("utf-8", "replace"),
                                          [p.decode("utf-8", "replace") for p in manifest], n=1)
        raise UsageError(f"{show(path)} is not in revision {rev}",
                         hint=f"did you mean {close[0]!r}?" if close else None)
    return repo.objects.read(entry.id, path)
