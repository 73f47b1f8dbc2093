"""`vcs stats` and `vcs replay`: how versions are stored, and how one is rebuilt.

stats counts each file's versions, whole and delta, its chains and bytes;
replay rebuilds one version step by step and times each step. What only a delta
history can show. Returns records for `vcs.cli.render` and never prints.
"""
from __future__ import annotations

import os

from vcs.errors import UsageError
from vcs.model.objects import show
from vcs.records import record
from vcs.repo.repository import Repository
from vcs.repo.revisions import resolve
from vcs.storage.log import FLAG_SNAPSHOT
from vcs.worktree.scan import in_scope


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
