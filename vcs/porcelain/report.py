"""Read-only porcelain: log, diff, show, cat, tags and stats.

Every function returns plain data for `vcs.cli.render`; none of them prints or
changes the repository (status may save the stat cache, as git's does).
"""
from __future__ import annotations

import os

from vcs.worktree import files as worktree
from vcs.worktree.dirstate import REMOVED
from vcs.errors import UsageError
from vcs.model.objects import Commit, Entry, Manifest, ObjectId, show
from vcs.records import record
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve
from vcs.worktree.scan import in_scope, scan
from vcs.storage.log import FLAG_SNAPSHOT


# -- log -------------------------------------------------------------------------------

# One revision for `log`: diffs is a list of FileDiff with --stat or -p, else None;
# chain_starts the paths whose version this revision stored whole (a chain starts).
LogEntry = record("LogEntry", "rev id parents commit tags head diffs chain_starts", defaults=(None, ()))


def log(repo: Repository, limit: int | None = None, paths: list[str] | None = None,
        with_diffs: bool = False, revs: list[str] | None = None,
        starts: list[int] | None = None) -> list[LogEntry]:
    """Revisions, newest first in topological order: `revs` alone, else `starts` and
    their ancestors, else HEAD and its ancestors; only those touching `paths` if given."""
    scope = [repo.relpath(p) for p in paths] if paths else None
    tags_by_id: dict[bytes, list[str]] = {}
    for name, oid in repo.tags().items():
        tags_by_id.setdefault(oid, []).append(name)
    head = repo.state.head
    entries = []
    if revs:
        order = [resolve(repo, r) for r in revs]
    else:
        if not starts:
            starts = [] if repo.head_rev() is None else [repo.head_rev()]
        order = repo.changelog.topo_order(starts)
        if scope is not None:
            touched = _revs_touching(repo, scope, starts)
            if touched is not None:
                order = [r for r in order if r in touched]
    for rev in order:
        if limit is not None and len(entries) >= limit:
            break
        commit = repo.read_commit(rev)
        if scope is not None and not any(in_scope(c.path, scope) for c in commit.changes):
            continue
        info = repo.commit_info(rev)
        diffs = commit_diffs(repo, rev, commit, scope) if with_diffs else None
        entries.append(LogEntry(rev, ObjectId(info.id), repo.parents(rev), commit,
                                sorted(tags_by_id.get(info.id, [])), info.id == head, diffs,
                                _chain_starts(repo, rev, commit)))
    return entries


def _revs_touching(repo: Repository, scope: list[bytes], starts: list[int]) -> set[int] | None:
    """The revisions in the starts' ancestry that changed these paths, from their file
    histories: no commit is read that did not. None when a path has no history from
    there (a folder: its files' histories are not indexed by folder, so every commit's
    changes are read instead)."""
    revs: set[int] = set()
    filelog, is_ancestor = repo.filelog, repo.changelog.is_ancestor
    for start in starts:
        tree = repo.manifest(start)
        for path in scope:
            here = tree.get(path)
            entry = filelog.entry_for(path, here.id if here is not None else None, start, is_ancestor)
            if entry is None or not path:
                return None
            revs.update(filelog.linkrev(n) for n in filelog.ancestry(entry))
    return revs


def log_args(repo: Repository, words: list[str], revs: list[str]) -> tuple[list[int], list[str]]:
    """(the revisions `vcs log` starts from, the paths it follows), from its words, by
    git's rule.

    -r REVs are revisions. With `--`, the words before it are revisions and those
    after it paths. Without, the leading words that name revisions are revisions and
    the rest paths; a word that is also a file on disk is ambiguous, and a path must
    exist on disk or in some revision's changes, so a mistyped revision is an error
    that names it (with resolve's did-you-mean), never an empty log.
    """
    starts = [resolve(repo, r) for r in revs]
    if "--" in words:
        at = words.index("--")
        return starts + [resolve(repo, w) for w in words[:at]], list(words[at + 1:])
    first_path = 0
    for word in words:
        try:
            rev = resolve(repo, word)
        except UsageError:
            break
        if os.path.lexists(word):
            raise UsageError(f"ambiguous argument {word!r}: both a revision and a path",
                             hint=f"put -- between revisions and paths: `vcs log {word} --` for the revision, "
                                  f"`vcs log -- {word}` for the path")
        starts.append(rev)
        first_path += 1
    paths = list(words[first_path:])
    for word in paths:
        if not os.path.lexists(word) and not _existed(repo, repo.relpath(word)):
            raise _neither(repo, word)
    return starts, paths


def _existed(repo: Repository, path: bytes) -> bool:
    """Whether some revision changed `path` (or, for a folder, a file under it): asked only
    of a path that is not on disk, so reading every commit is rare."""
    return any(in_scope(c.path, [path]) for rev in range(len(repo) - 1, -1, -1)
               for c in repo.read_commit(rev).changes)


def _neither(repo: Repository, word: str) -> UsageError:
    """The error for a word that is no path: why it is no revision either."""
    nowhere = f"ambiguous argument {word!r}: neither a path in the working tree or its history nor a revision"
    try:
        resolve(repo, word)
    except UsageError as e:
        return UsageError(f"{nowhere} ({e.message})", hint=e.hint)
    return UsageError(f"{nowhere} here (a revision after a path)",
                      hint="revisions come before paths: vcs log [REV...] [--] [PATH...]")


def _chain_starts(repo: Repository, rev: int, commit: Commit) -> tuple[bytes, ...]:
    """The files this revision stored whole: where their chains (re)start. Only the
    record that introduced a version tells: a later commit reusing it stored nothing."""
    starts = []
    for c in commit.changes:
        if c.entry is None:
            continue
        info = repo.objects.info(c.entry.id, c.path)
        if not info.is_delta and repo.introduced_by(c.entry.id, c.path) == rev:
            starts.append(c.path)
    return tuple(starts)


# -- diffs ------------------------------------------------------------------------------

class FileDiff:
    """A file that differs between two sides; its data is loaded on demand."""

    __slots__ = ("path", "old", "new", "old_data", "new_data")

    def __init__(self, path: bytes, old: Entry | None, new: Entry | None):
        self.path, self.old, self.new = path, old, new
        self.old_data: bytes | None = None
        self.new_data: bytes | None = None


def commit_diffs(repo: Repository, rev: int, commit: Commit | None = None,
                 scope: list[bytes] | None = None, load: bool = True) -> list[FileDiff]:
    """What revision `rev` changed against its parent."""
    commit = commit or repo.read_commit(rev)
    parent = repo.manifest(repo.parent_rev(rev)) if commit.changes else {}
    diffs = [FileDiff(c.path, parent.get(c.path), c.entry) for c in commit.changes
             if in_scope(c.path, scope)]
    if load:
        for d in diffs:
            _load(repo, d, None)
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
            _load(repo, d, seen if len(revs) < 2 else None)
    return diffs


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
        d.old_data = repo.objects.read(d.old.id, d.path)
    if d.new is not None:
        if working is not None and d.path in working:
            d.new_data = working[d.path]
        elif working is not None:
            d.new_data = worktree.read(repo.root, d.path, d.new.kind)
        else:
            d.new_data = repo.objects.read(d.new.id, d.path)


# -- show and cat -------------------------------------------------------------------------

def show_rev(repo: Repository, rev_spec: str) -> LogEntry:
    rev = resolve(repo, rev_spec)
    return log(repo, revs=[str(rev)], with_diffs=True)[0]


def cat(repo: Repository, rev_spec: str, path_arg: str) -> bytes:
    rev = resolve(repo, rev_spec)
    path = repo.relpath(path_arg)
    manifest = repo.manifest(rev)
    entry = manifest.get(path)
    if entry is None:
        import difflib
        close = difflib.get_close_matches(path.decode("utf-8", "replace"),
                                          [p.decode("utf-8", "replace") for p in manifest], n=1)
        raise UsageError(f"{show(path)} is not in revision {rev}",
                         hint=f"did you mean {close[0]!r}?" if close else None)
    return repo.objects.read(entry.id, path)


# -- replay --------------------------------------------------------------------------------

# One step of a rebuild: kind ("whole" or "delta"), the revision that stored the
# record, the record number, bytes stored, hunks (deltas), lines added and removed,
# the text's size after the step, and the microseconds the step took.
ReplayStep = record("ReplayStep", "kind rev record stored hunks added removed size micros")
ReplayReport = record("ReplayReport", "path rev id steps check_micros ok whole_micros")


def replay(repo: Repository, rev_spec: str, path_arg: str) -> ReplayReport:
    """Rebuild a version step by step, timing each step: what `vcs replay` shows."""
    import time
    from vcs.diff import delta
    from vcs.storage.objects import replay_step, whole_us
    from vcs.model.objects import content_id
    rev = resolve(repo, rev_spec)
    path = repo.relpath(path_arg)
    entry = repo.manifest(rev).get(path)
    if entry is None:
        raise UsageError(f"{show(path)} is not in revision {rev}")
    objects = repo.objects
    chain = objects.chain(objects.info(entry.id, path))
    steps = []
    lines: list[bytes] = []
    for i, info in enumerate(chain):
        hunks = added = removed = 0
        if i:  # what the delta does, read before (and outside) the timed step
            shape = delta.decode(objects.log.payload(info), lines, chain[i - 1].size)
            hunks = len(shape)
            added = sum(len(new) for _, _, new in shape)
            removed = sum(end - start for start, end, _ in shape)
        started = time.perf_counter()
        lines = replay_step(lines, objects.log.payload(info), chain[i - 1] if i else None)
        micros = (time.perf_counter() - started) * 1e6
        steps.append(ReplayStep("whole" if i == 0 else "delta", repo.introduced_by(info.id, path), info.n,
                                info.stored, hunks, added, removed, info.size, micros))
    started = time.perf_counter()
    data = b"".join(lines)
    ok = len(data) == chain[-1].size and content_id(data) == entry.id
    check = (time.perf_counter() - started) * 1e6
    return ReplayReport(path, rev, entry.id, steps, check, ok, whole_us(len(data)))


# -- stats ---------------------------------------------------------------------------------

class FileStats:
    """How one file's versions are stored."""

    def __init__(self, path: bytes):
        self.path = path
        self.versions = self.whole = self.deltas = self.longest_chain = 0
        self.current_chain: int | None = None  # None: not in HEAD
        self.stored = 0   # bytes in the store for this file's versions
        self.raw = 0      # bytes of those versions in full


# The repository's totals: stored = bytes of file versions in the store, raw = the
# same versions in full, listings = tree listings stored whole, store_bytes and
# disk_bytes = everything under .vcs/ (apparent size, blocks on disk).
Stats = record("Stats", "policy commits files versions whole deltas stored raw listings listing_bytes "
                        "store_bytes disk_bytes")


def stats(repo: Repository, paths: list[str] | None = None) -> Stats:
    scope = [repo.relpath(p) for p in paths] if paths else None
    objects = repo.objects
    per_path: dict[bytes, set[bytes]] = {}
    manifests: set[bytes] = set()
    for rev in range(len(repo)):
        commit = repo.read_commit(rev)
        if repo.commit_info(rev).flags & FLAG_SNAPSHOT:
            manifests.add(commit.tree)
        for c in commit.changes:
            if c.entry is not None and in_scope(c.path, scope):
                per_path.setdefault(c.path, set()).add(c.entry.id)
    head = repo.manifest(repo.head_rev())
    rows = []
    seen_ids: set[bytes] = set()
    total = FileStats(b"")
    for path in sorted(per_path):
        row = FileStats(path)
        for oid in per_path[path]:
            info = objects.info(oid, path)
            row.versions += 1
            row.deltas += info.is_delta
            row.whole += not info.is_delta
            row.longest_chain = max(row.longest_chain, info.depth)
            row.stored += info.stored
            row.raw += info.size
            if oid not in seen_ids:
                seen_ids.add(oid)
                total.versions += 1
                total.deltas += info.is_delta
                total.whole += not info.is_delta
                total.stored += info.stored
                total.raw += info.size
        if path in head:
            row.current_chain = objects.info(head[path].id, path).depth
        rows.append(row)
    listing_bytes = sum(objects.info(m).stored for m in manifests)
    apparent, disk = _du(repo.dir)
    return Stats(repo.policy, len(repo), rows, total.versions, total.whole, total.deltas,
                 total.stored, total.raw, len(manifests), listing_bytes, apparent, disk)


def _du(top: str) -> tuple[int, int]:
    apparent = disk = 0
    for dirpath, _, names in os.walk(top):
        for name in names:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            apparent += st.st_size
            disk += st.st_blocks * 512
    return apparent, disk


def tags(repo: Repository) -> list[tuple[str, int, ObjectId]]:
    return sorted(((name, repo.rev_of(oid), oid) for name, oid in repo.tags().items()),
                  key=lambda t: (-t[1], t[0]))

