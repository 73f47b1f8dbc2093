"""Who wrote each line: the line origins of a file history entry, made as it is written.

`record` runs inside the transaction that appends a commit, for each file history
entry the commit made: the origins of the path's version in the first parent (or of
the path it was renamed from), with the lines the commit wrote given the commit's
revision, by the diff git blame makes (vcs.diff.linediff.blame_diff: Myers, where the
stored deltas use the histogram; on click's history 99.3% of lines then name the
commit git blame names). Through a merge a line comes from the parent it came from, as
git blame says: lines the first parent has keep its origins, then lines the second
parent has keep its, and only the rest are the merge's; a version equal to the second
parent's takes that parent's origins whole. The first-parent origins give every line
a merge brought in to the merge (`--first-parent`).

`build` writes the records a repository lacks (one made before them, or a commit made
while they were incomplete), from the file history and the versions, in order: the
same function computes them at commit time and afterwards, so both give the same
bytes. `origins_at` answers annotate: one look-up of the entry, one chain of records.
"""
from __future__ import annotations

from vcs.errors import CorruptError
from vcs.storage.objects import LARGE_TEXT
from vcs.storage.log import MemoryLog
from vcs.storage.origins import OriginLog


def complete(repo) -> bool:
    return len(repo.origins) == len(repo.filelog)


def compute(repo, n: int, first_tree, second_tree, read, source=None, norm=None):
    """(origins, first-parent origins, base entry, regions, exact) of file history
    entry n; base and regions are set when the arrays may be a delta of the base's
    (the first parent's version) by the text's diff, and exact when they are.
    `first_tree`, `second_tree`: the listings of the entry's commit's parents (None
    where it has none). `read(m)`: entry m's arrays. `source`: the path the version
    was renamed or copied from, if any. `norm`: what each line is compared as
    (`annotate -w`), else its bytes."""
    filelog = repo.filelog

    def _diff(repo, old_id, old_lines, new_id, new_lines) -> list:
        if old_id == new_id and not norm:
            return []
        big = _big(repo, old_id, new_id)
        if big is not None:
            return big
        from vcs.diff.linediff import blame_diff  # only writing origins diffs: annotate reads
        a, b = old_lines(), new_lines()
        return blame_diff([norm(x) for x in a], [norm(x) for x in b]) if norm else blame_diff(a, b)

    e = filelog.entry(n)
    if e.version is None:
        return [], [], None, None, True
    rev = e.linkrev
    text: list = []

    def lines():
        if not text:
            text.append(repo.objects.shared_lines(e.version, e.path) if not _is_big(repo, e.version)
                        else [b""] * _line_count(repo.objects.read(e.version, e.path)))
        return text[0]
    old1, old2, e1, e2 = bases(repo, n, first_tree, second_tree, source)

    def lines_of(m):
        entry = filelog.entry(m)
        return lambda: repo.objects.shared_lines(entry.version, entry.path)

    if e1 is not None and (e2 is None or e.version != old2.id):
        d1, f1 = read(e1)
        regions = _diff(repo, old1.id, lines_of(e1), e.version, lines)
        theirs = {}
        if e2 is not None:
            d2 = read(e2)[0]
            regions2 = _diff(repo, old2.id, lines_of(e2), e.version, lines)
            theirs = _unchanged(regions2, len(d2), len(d2) + sum(b2 - b1 - (a2 - a1) for a1, a2, b1, b2 in regions2))
        default, first = [], []
        pos = 0
        for a1, a2, b1, b2 in regions:
            default += d1[pos:a1]
            first += f1[pos:a1]
            default += [d2[theirs[j]] if j in theirs else rev for j in range(b1, b2)] if theirs \
                else [rev] * (b2 - b1)
            first += [rev] * (b2 - b1)
            pos = a2
        default += d1[pos:]
        first += f1[pos:]
        return default, first, e1, regions, True
    if e2 is not None:
        d2 = read(e2)[0]
        regions = _diff(repo, old2.id, lines_of(e2), e.version, lines)
        default = _apply(d2, regions, rev)
        if e1 is None:
            return default, [rev] * len(default), None, None, True
        # Usually still a delta of the first parent's (OriginLog.append checks it is).
        regions = _diff(repo, old1.id, lines_of(e1), e.version, lines)
        return default, _apply(read(e1)[1], regions, rev), e1, regions, False
    return [rev] * len(lines()), [rev] * len(lines()), None, None, True


def _is_big(repo, oid) -> bool:
    return repo.objects.info(oid).size > LARGE_TEXT


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _big(repo, old_id, new_id) -> list | None:
    """The diff of two versions one of which is over the size the store line-diffs
    (LARGE_TEXT), made without lines as the store does: a version that only grew at
    its end keeps the old lines, any other change rewrites every line. None when
    both are small."""
    if not (_is_big(repo, old_id) or _is_big(repo, new_id)):
        return None
    old, new = repo.objects.read(old_id), repo.objects.read(new_id)
    n_old, n_new = _line_count(old), _line_count(new)
    if new.startswith(old) and (not old or old.endswith(b"\n")):
        return [(n_old, n_old, n_old, n_new)] if n_new > n_old else []
    return [(0, n_old, 0, n_new)] if n_old or n_new else []


def bases(repo, n: int, first_tree, second_tree, source=None) -> tuple:
    """(the version in the first parent, in the second, and their entries) that entry
    n's origins are made from: the path's (or its source's) versions in the commit's
    parents, where they differ, each given by the entry the first-parent line reaches."""
    e = repo.filelog.entry(n)
    rev = e.linkrev
    parents = repo.parents(rev)
    old1 = (first_tree or {}).get(source or e.path)
    old2 = (second_tree or {}).get(e.path)
    if old2 is not None and old1 is not None and old2.id == old1.id:
        old2 = None
    e1 = entry_at(repo, source or e.path, old1.id, parents[0]) if old1 is not None else None
    e2 = entry_at(repo, e.path, old2.id, parents[1]) if old2 is not None else None
    return old1, old2, e1, e2


def entry_at(repo, path: bytes, version, rev: int) -> int | None:
    """The entry that gave `path` its `version` in revision `rev`, as git blame finds it:
    down the first-parent line from rev to the commit that made it. (The same version
    made on two lines of work has two entries, and their origins differ.)"""
    filelog = repo.filelog
    made = {}
    for m in filelog.made(path, version):
        r = filelog.linkrev(m)
        if r <= rev:
            made.setdefault(r, m)
    if len(made) <= 1:
        return next(iter(made.values()), None)
    oldest = min(made)
    r = rev
    while r is not None and r >= oldest:
        if r in made:
            return made[r]
        parents = repo.parents(r)
        r = parents[0] if parents else None
    return None


def _apply(base, regions, rev):
    out, pos = [], 0
    for a1, a2, b1, b2 in regions:
        out += base[pos:a1]
        out += [rev] * (b2 - b1)
        pos = a2
    out += base[pos:]
    return out


def _unchanged(regions, n_old: int, n_new: int) -> dict[int, int]:
    """new line -> old line, for the lines a diff leaves as they were."""
    out, i, j = {}, 0, 0
    for a1, a2, b1, b2 in regions + [(n_old, n_old, n_new, n_new)]:
        while j < b1:
            out[j] = i
            i += 1
            j += 1
        i, j = a2, b2
    return out


def record(repo, n: int, first_tree, second_tree, source=None, origins: OriginLog | None = None) -> None:
    """Append the origins of entry n (the next record)."""
    origins = repo.origins if origins is None else origins
    if len(origins) != n:
        raise CorruptError(f"internal: origins for entry {n} after {len(origins)} records")
    default, first, base, regions, exact = compute(repo, n, first_tree, second_tree,
                                                   lambda m: origins.read(m, repo.filelog.linkrev), source)
    origins.append(default, first, repo.filelog.linkrev(n), base, regions, exact)


def build(repo, progress=None, origins: OriginLog | None = None) -> int:
    """Append the records missing from `origins` (the repository's, or one built from
    nothing in memory); the number appended. Call inside a transaction for the
    repository's own."""
    origins = repo.origins if origins is None else origins
    filelog = repo.filelog
    todo = range(len(origins), len(filelog))
    trees_of: dict[int, tuple] = {}
    for i, n in enumerate(todo):
        rev = filelog.linkrev(n)
        trees = trees_of.get(rev)
        if trees is None:
            parents = repo.parents(rev)
            trees_of.clear()
            trees = trees_of[rev] = (repo.manifest(parents[0]) if parents else None,
                                     repo.manifest(parents[1]) if len(parents) > 1 else None)
            if len(repo._manifests) > 8:
                keep = {p: repo._manifests[p] for p in parents if p in repo._manifests}
                repo._manifests.clear()
                repo._manifests.update(keep)
        record(repo, n, trees[0], trees[1], filelog.source(n), origins)
        if progress is not None:
            progress(i + 1, len(todo))
    return len(todo)


def _trees(repo, rev: int) -> tuple:
    parents = repo.parents(rev)
    return (repo.manifest(parents[0]) if parents else None, repo.manifest(parents[1]) if len(parents) > 1 else None)


def in_memory(repo, progress=None) -> OriginLog:
    """Every entry's origins built anew in memory (a read-only repository, verify)."""
    origins = OriginLog(MemoryLog("origins"), repo.filelog.linkrev)
    build(repo, progress, origins)
    return origins


def walk(repo, n: int, norm=None) -> tuple:
    """Entry n's arrays computed by walking its history (every entry it is made from,
    oldest first), with lines compared as `norm` gives them: `annotate -w`, and the
    reference the stored origins are tested against."""
    filelog = repo.filelog
    done: dict[int, tuple] = {}
    todo = [n]
    while todo:
        m = todo[-1]
        if m in done:
            todo.pop()
            continue
        first, second = _trees(repo, filelog.linkrev(m))
        need = [b for b in bases(repo, m, first, second, filelog.source(m))[2:] if b is not None and b not in done]
        if need:
            todo += need
            continue
        todo.pop()
        done[m] = compute(repo, m, first, second, done.__getitem__, filelog.source(m), norm)[:2]
    return done[n]


def origins_at(repo, rev: int, path: bytes, first_parent: bool = False, origins=None):
    """(the version's lines, each line's revision) of `path` in revision `rev`; None if
    the path is not a file there. `origins`: the log to read (default the
    repository's), "walk" to walk the history instead, or a function giving what each
    line is compared as, to walk it so."""
    entry = repo.manifest(rev).get(path)
    if entry is None:
        return None
    filelog = repo.filelog
    n = entry_at(repo, path, entry.id, rev)
    if n is None:
        raise CorruptError(f"no file history entry gives {path!r} its version in revision {rev}",
                           hint="run `vcs verify`")
    if origins == "walk" or callable(origins):
        default, first = walk(repo, n, None if origins == "walk" else origins)
    else:
        origins = repo.origins if origins is None else origins
        default, first = origins.read(n, filelog.linkrev)
    lines = repo.objects.read_lines(entry.id, path)
    revs = first if first_parent else default
    if len(revs) != len(lines):
        raise CorruptError(f"the line origins of {path!r} in revision {rev} do not match its "
                           f"{len(lines)} lines", hint="run `vcs verify`")
    return lines, revs
