"""The changelog: every commit, in the order this repository stored them.

A commit's revision number is its place in the log (0 is the first commit this
repository stored, as in Mercurial): local and stable, never sent anywhere. Parents
are commit ids inside the hashed record (vcs.model.objects); a parent is always stored
before its children, so revision numbers are a topological order. An entry's base is
only ever a delta pointer: the commit whose tree listing this commit's changes apply
to (its first parent), with FLAG_SNAPSHOT where the listing is stored whole instead.

Reading a commit checks its record against its id. The graph questions (parents,
ancestors, is X an ancestor of Y) read records as they go, newest first, and stop
as soon as they can: revision numbers only decrease along parents.
"""
from __future__ import annotations

from vcs.errors import CorruptError
from vcs.model.objects import Commit, ObjectId, commit_id, parse_author, parse_commit
from vcs.storage.log import FLAG_SNAPSHOT, NO_BASE, BaseLog, Info


class Changelog:
    def __init__(self, log: BaseLog):
        self.log = log
        self._parents: dict[int, tuple[int, ...]] = {}
        self._ids: dict[bytes, int] | None = None

    def __len__(self) -> int:
        return len(self.log)

    def info(self, rev: int) -> Info:
        return self.log.info(rev)

    def record(self, rev: int) -> bytes:
        """A commit's record, checked against the commit's id."""
        info = self.log.info(rev)
        data = self.log.payload(info)
        if commit_id(data) != info.id:
            raise CorruptError(f"commit {rev} ({info.id.hex()[:12]}) does not match its id",
                               hint="run `vcs verify`")
        return data

    def read(self, rev: int) -> Commit:
        commit = parse_commit(self.record(rev), name=f"commit {rev} ({self.log.info(rev).id.hex()[:12]})")
        if rev not in self._parents:
            self._parents[rev] = self._revs(rev, commit.parents)
        return commit

    def author(self, rev: int) -> tuple[str, int, int]:
        """(author, date, tz), from the record's first lines (checked against its id)."""
        return parse_author(self.record(rev), name=f"commit {rev} ({self.log.info(rev).id.hex()[:12]})")

    def tree_id(self, rev: int) -> ObjectId:
        """A commit's tree id, without parsing its changes (a big tree's first commit
        lists every file)."""
        data = self.record(rev)
        first = data[:data.find(b"\n")]
        try:
            if not first.startswith(b"tree ") or len(first) != 5 + 32:
                raise ValueError
            return ObjectId(bytes.fromhex(first[5:].decode("ascii")))
        except ValueError:
            raise CorruptError(f"commit {rev} is malformed") from None

    def parents(self, rev: int) -> tuple[int, ...]:
        """The revision numbers of a commit's parents, the first parent first (read from
        the header of its record: the changes and message are not parsed)."""
        cached = self._parents.get(rev)
        if cached is None:
            data = self.record(rev)
            ids = []
            at = data.find(b"\n") + 1
            while data.startswith(b"parent ", at):
                end = data.find(b"\n", at)
                try:
                    ids.append(ObjectId(bytes.fromhex(data[at + 7:end].decode("ascii"))))
                except ValueError:
                    raise CorruptError(f"commit {rev} is malformed", hint="run `vcs verify`") from None
                at = end + 1
            cached = self._parents[rev] = self._revs(rev, tuple(ids))
        return cached

    def first_parent(self, rev: int) -> int | None:
        """A commit's first parent from its index entry (the listing's delta pointer is the
        first parent, which every read of the record checks): `REV~N` reads N entries, no
        record."""
        cached = self._parents.get(rev)
        if cached is not None:
            return cached[0] if cached else None
        base = self.log.info(rev).base
        return None if base == NO_BASE else base

    def _revs(self, rev: int, parents: tuple[ObjectId, ...]) -> tuple[int, ...]:
        out = []
        for p in parents:
            n = self.find(p)
            if n is None or n >= rev:
                raise CorruptError(f"commit {rev} names a parent {p.hex()[:12]} that is not stored before it",
                                   hint="run `vcs verify`")
            out.append(n)
        base = self.log.info(rev).base
        if (base != NO_BASE or out) and base != (out[0] if out else NO_BASE):
            raise CorruptError(f"commit {rev}: its index entry and its record disagree on its first parent",
                               hint="run `vcs verify`")
        return tuple(out)

    def find(self, oid: bytes) -> int | None:
        if self._ids is not None and len(self._ids) == len(self.log):
            return self._ids.get(oid)
        return self.log.find(oid)

    def rev_of(self, oid: bytes) -> int:
        n = self.find(oid)
        if n is None:
            raise CorruptError(f"commit {oid.hex()[:12]} is missing from the store", hint="run `vcs verify`")
        return n

    def ids(self) -> dict[bytes, int]:
        """id -> revision number for every commit (built once, kept while the log is the same)."""
        if self._ids is None or len(self._ids) != len(self.log):
            self._ids = self.log.ids()
        return self._ids

    def append(self, cid: ObjectId, record: bytes, listing_size: int, parents: tuple[int, ...],
               snapshot: bool, deflated: bytes | None = None) -> int:
        """Append a commit; its tree listing is stored whole (snapshot) or as the record's
        changes against its first parent's. `deflated`: the record's raw deflate, checked
        by the caller (a sync received it so)."""
        first = self.log.info(parents[0]) if parents else None
        if snapshot or first is None:
            self.log.append(cid, record, size=listing_size, base=first.n if first else NO_BASE,
                            extra_flags=FLAG_SNAPSHOT, deflated=deflated)
        else:
            self.log.append(cid, record, size=listing_size, base=first.n, depth=first.depth + 1,
                            chain=first.chain, deflated=deflated)
        rev = len(self.log) - 1
        self._parents[rev] = tuple(parents)
        if self._ids is not None and len(self._ids) == rev:
            self._ids[cid] = rev
        return rev

    # -- the graph ------------------------------------------------------------------

    def ancestors(self, heads, first_parent: bool = False):
        """The heads and all their ancestors, each once, highest revision first: every
        commit comes before its parents (a topological order, newest first)."""
        import heapq  # here: its import costs a commit 1 ms
        queue = [-h for h in set(heads)]
        heapq.heapify(queue)
        seen = set(heads)
        while queue:
            rev = -heapq.heappop(queue)
            yield rev
            parents = self.parents(rev)
            for p in parents[:1] if first_parent else parents:
                if p not in seen:
                    seen.add(p)
                    heapq.heappush(queue, -p)

    def is_ancestor(self, a: int, b: int) -> bool:
        """Whether a is b or one of b's ancestors."""
        if a > b:
            return False
        for rev in self.ancestors([b]):
            if rev == a:
                return True
            if rev < a:
                return False
        return False

    # Merge bases: each revision met on the way down from both sides carries a bit per
    # side; the first revisions met with both bits are common ancestors, and everything
    # below one is painted stale, as git's paint_down_to_common does. Here the queue is
    # ordered by revision number instead of date: numbers only decrease along parents,
    # so a revision comes off the queue after all its descendants that were met, its
    # bits complete, and the answer is exact (git needs remove_redundant after its walk,
    # because dates can lie). The walk stops when only stale revisions are queued.
    _OURS, _THEIRS, _STALE = 1, 2, 4

    def merge_bases(self, a, b) -> list[int]:
        """The lowest common ancestors of a and b (each a revision, or several), highest
        first: the common ancestors that are no other common ancestor's ancestors.
        Empty when the two histories share nothing; [a] when a is an ancestor of b."""
        import heapq
        flags: dict[int, int] = {}
        for side, revs in ((self._OURS, a), (self._THEIRS, b)):
            for rev in ([revs] if isinstance(revs, int) else revs):
                flags[rev] = flags.get(rev, 0) | side
        queue = [-rev for rev in flags]
        heapq.heapify(queue)
        active = len(queue)  # queued revisions that are not stale
        both, stale = self._OURS | self._THEIRS, self._STALE
        bases = []
        while queue and active:
            rev = -heapq.heappop(queue)
            f = flags[rev]
            if not f & stale:
                active -= 1
                if f & both == both:
                    bases.append(rev)
                    f |= stale
            for p in self.parents(rev):
                old = flags.get(p)
                if old is None:
                    flags[p] = f
                    heapq.heappush(queue, -p)
                    active += not f & stale
                elif old | f != old:
                    flags[p] = old | f
                    active -= bool(f & stale and not old & stale)
        return bases

    def topo_order(self, heads, first_parent: bool = False):
        """The heads and their ancestors, every commit before its parents, and the lines
        of history not intermixed: as git's --topo-order, a merge is followed by the line
        it merged in, then by its first parent's line. `first_parent`: only first
        parents are followed (git's --first-parent).

        A generator that reads only as far down as it must (`log -n 20` reads about 20
        commits): a revision's children all have higher numbers, so once the walk down by
        number (`ancestors`) has passed a revision, its count of children not yet shown
        is complete, and whether it is ready is known."""
        parents = (lambda r: self.parents(r)[:1]) if first_parent else self.parents
        walk = self.ancestors(heads, first_parent)
        waiting: dict[int, int] = {}  # children not yet shown, of the revisions walked past
        lowest = [len(self)]  # the lowest revision the walk has passed

        def walk_past(rev: int) -> None:
            while lowest[0] > rev:
                r = next(walk)  # rev is an ancestor of a head: the walk reaches it
                waiting.setdefault(r, 0)
                for p in parents(r):
                    waiting[p] = waiting.get(p, 0) + 1
                lowest[0] = r

        heads = set(heads)
        if heads:
            walk_past(min(heads))
        ready = sorted(h for h in heads if not waiting[h])
        while ready:
            rev = ready.pop()
            yield rev
            for p in parents(rev):
                walk_past(p)
                waiting[p] -= 1
                if not waiting[p]:
                    ready.append(p)

    def only(self, heads, common) -> list[int]:
        """The revisions reachable from `heads` and not from `common`, highest first
        (what an operation added to the visible history, or hid). A walk down by
        revision number, which is topological: once a revision is taken from the queue
        no child can still mark it, and the walk stops when only common ones are left."""
        import heapq
        WANTED, COMMON = 1, 2
        state: dict[int, int] = {}
        for rev in heads:
            state.setdefault(rev, WANTED)
        for rev in common:
            state[rev] = COMMON
        queue = [-r for r in state]
        heapq.heapify(queue)
        pending = sum(1 for s in state.values() if s == WANTED)
        out = []
        while queue and pending:
            rev = -heapq.heappop(queue)
            mark = state[rev]
            if mark == WANTED:
                pending -= 1
                out.append(rev)
            for p in self.parents(rev):
                old = state.get(p)
                if old is None:
                    state[p] = mark
                    heapq.heappush(queue, -p)
                    pending += mark == WANTED
                elif old == WANTED and mark == COMMON:
                    state[p] = COMMON
                    pending -= 1
        return out

    def heads(self, revs=None) -> list[int]:
        """The revisions among `revs` (default: all) that are no other's parent."""
        revs = range(len(self)) if revs is None else revs
        has_child = set()
        for rev in revs:
            has_child.update(self.parents(rev))
        return [r for r in revs if r not in has_child]
