"""verify: rebuild every stored version and check every record, commit and ref.

Records are checked in log order. A record's base always comes before it, so
one pass can keep the rebuilt text of each record that later records still
need and drop it after its last dependent: a corrupt record fails itself and
every version rebuilt from it, and no other.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import NamedTuple

from vcs import delta
from vcs import dirstate as dirstatemod
from vcs.errors import CorruptError, VcsError
from vcs.objects import content_id, parse_manifest, show
from vcs.repo import Repository
from vcs.store import ENTRY_SIZE, NO_BASE


class Problem(NamedTuple):
    what: str       # "object", "commit", "ref", "file"
    name: str       # id or file name
    message: str
    where: str = ""  # path and revision, when known


class VerifyResult:
    def __init__(self) -> None:
        self.objects = 0
        self.commits = 0
        self.problems: list[Problem] = []

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(repo: Repository, progress: Callable[[int, int], None] | None = None) -> VerifyResult:
    result = VerifyResult()
    problems = result.problems
    objects = repo.objects.log
    commits = repo.commits

    _check_lengths(repo, problems)

    # Commits first: they say which objects are tree listings and name the paths.
    where: dict[bytes, str] = {}
    manifests: dict[bytes, int] = {}
    cids: dict[bytes, int] = {}
    for rev in range(len(commits)):
        try:
            info = commits.info(rev)
            cids[info.id] = rev
            commit = repo.read_commit(rev)
        except VcsError as e:
            problems.append(Problem("commit", f"revision {rev}", e.message))
            continue
        parent = info.base
        if commit.parent is None and parent != NO_BASE or \
                commit.parent is not None and cids.get(commit.parent) != parent:
            problems.append(Problem("commit", info.id.hex()[:12], "its parent does not match the index",
                                    f"revision {rev}"))
        manifests.setdefault(commit.manifest, rev)
        for ch in commit.changes:
            if ch.entry is not None and ch.entry.id not in where:
                where[ch.entry.id] = f"{show(ch.path)} in revision {rev}"
        result.commits += 1

    # Every object record, rebuilt and hashed.
    n_objects = len(objects)
    bases: list[int] = []
    infos = []
    for n in range(n_objects):
        try:
            info = objects.info(n)
        except CorruptError as e:
            infos.append(None)
            bases.append(NO_BASE)
            problems.append(Problem("object", f"record {n}", e.message))
            continue
        infos.append(info)
        bases.append(info.base if info.is_delta else NO_BASE)
    dependents = [0] * n_objects
    for b in bases:
        if b != NO_BASE:
            dependents[b] += 1
    texts: dict[int, list[bytes]] = {}
    bad: set[int] = set()
    listing_ids: dict[bytes, list[bytes]] = {}
    for n, info in enumerate(infos):
        if progress:
            progress(n, n_objects)
        if info is None:
            bad.add(n)
            continue
        name = info.id.hex()[:12]
        place = where.get(info.id) or (f"tree listing of revision {manifests[info.id]}"
                                       if info.id in manifests else "")
        try:
            if info.is_delta and info.base in bad:
                raise CorruptError(f"its delta base (record {info.base}) is corrupt")
            payload = objects.payload(info)
            if info.is_delta:
                base = texts.get(info.base)
                if base is None:
                    raise CorruptError(f"its delta base (record {info.base}) is not available")
                lines = delta.apply_checked(base, payload, infos[info.base].size)
            else:
                lines = delta.split_lines(payload)
            data = b"".join(lines)
            if len(data) != info.size or content_id(data) != info.id:
                raise CorruptError("it rebuilds to content that does not match its id")
            if info.id in manifests:
                listing_ids[info.id] = [e.id for e in parse_manifest(data, f"tree listing {name}").values()]
            if dependents[n]:
                texts[n] = lines
        except VcsError as e:
            bad.add(n)
            problems.append(Problem("object", name, e.message, place))
        if info.is_delta and info.base in texts:
            dependents[info.base] -= 1
            if dependents[info.base] == 0:
                del texts[info.base]
        result.objects += 1

    all_ids = {info.id for info in infos if info is not None}
    for mid, rev in manifests.items():
        if mid not in all_ids:
            problems.append(Problem("object", mid.hex()[:12], "missing from the store",
                                    f"tree listing of revision {rev}"))
            continue
        for fid in listing_ids.get(mid, []):
            if fid not in all_ids:
                problems.append(Problem("object", fid.hex()[:12], "missing from the store",
                                        f"listed in revision {rev}"))

    _check_refs(repo, cids, problems)
    return result


def _check_lengths(repo: Repository, problems: list[Problem]) -> None:
    for name, (n, size) in (("objects", repo.state.objects), ("commits", repo.state.commits)):
        for ext, want in ((".idx", n * ENTRY_SIZE), (".dat", size)):
            path = repo.path("store", name + ext)
            try:
                actual = os.path.getsize(path)
            except OSError:
                actual = -1
            if actual < want:
                problems.append(Problem("file", path, f"is {max(actual, 0)} bytes, "
                                                      f"the state says {want} are committed"))


def _check_refs(repo: Repository, cids: dict[bytes, int], problems: list[Problem]) -> None:
    if repo.state.head is not None and repo.state.head not in cids:
        problems.append(Problem("ref", "HEAD", f"names commit {repo.state.head.hex()[:12]}, "
                                               "which is not in the store"))
    try:
        for name, oid in repo.tags().items():
            if oid not in cids:
                problems.append(Problem("ref", f"tag {name}", f"names commit {oid.hex()[:12]}, "
                                                             "which is not in the store"))
    except VcsError as e:
        problems.append(Problem("ref", "tags", e.message))
    try:
        dirstatemod.load(repo.path("dirstate"))
    except VcsError as e:
        problems.append(Problem("file", "dirstate", e.message,
                                "delete .vcs/dirstate to rebuild it from HEAD (marks from `vcs add` are lost)"))
    if os.path.exists(repo.path("checkout")):
        problems.append(Problem("file", "checkout", "a checkout was interrupted",
                                "run `vcs checkout REV` to finish it"))
