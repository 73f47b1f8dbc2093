"""Moving commits between vcs repositories: what the other side lacks, the items that
carry it, and receiving them. The transport (vcs.interop.vcs) frames these items;
this module knows only repositories.

What is sent. Commit ids are global (hashes of the records), revision numbers and
record numbers are not: they never leave a repository. The sender walks the commits
its refs reach that no commit the receiver has reaches (`outgoing`), oldest first,
and for each sends its record as it is, then each file version it introduces that
the receiver cannot have: a version is known to the receiver when a commit it has
recorded that path with that version (the file history says which commits did). A
version goes as it is stored: whole (deflated as stored), or as its stored delta
when the delta's base is a version the receiver has or was sent before it; a delta
whose base the receiver cannot have goes whole.

What is received is checked before it is kept, and kept as this repository would
keep it (`Receiver`): a commit's record must hash to its id, parse (the path rules of
every stored path), name parents stored before it and versions that arrived; its
listing is rebuilt from its first parent's and must hash to its tree id; every
version is rebuilt (a delta applied to this repository's own copy of its base) and
must hash to its id and have its declared size. A delta is stored against this
repository's record of its base, if its own policy takes it (vcs.storage.objects
`adopt`), else the version is stored whole. Nothing is committed here: the caller
holds the transaction, so a stream refused half-way leaves nothing behind.
"""
from __future__ import annotations

import zlib

from vcs.diff import delta
from vcs.errors import CorruptError, DeltaError
from vcs.model.objects import (Manifest, ObjectId, apply_changes, changed_versions, commit_id, content_id,
                               parse_commit, serialize_manifest, show)
from vcs.records import record
from vcs.repo.commits import append_record
from vcs.repo.repository import Repository
from vcs.storage.log import FLAG_DELTA, FLAG_ZLIB, compress

# A file version as sent: base is the id of the version a delta applies to (None:
# whole); size the text's bytes; length the payload's once inflated; stored the
# payload, deflated when flags has FLAG_ZLIB.
Version = record("Version", "oid base size flags length stored")

# What a receiver accepts at most: a file version (vcs stores files up to 4 GiB; a
# sync moves files up to MAX_VERSION, so a forged size cannot make it allocate more),
# and a commit record.
MAX_VERSION = 1 << 30
MAX_RECORD = 64 << 20
# Received records are written out (past the committed end, invisible until the
# transaction commits) every so often, so a big clone does not hold them in memory.
FLUSH_BYTES = 64 << 20


# -- sending ------------------------------------------------------------------------------

def known(repo: Repository, ids) -> list[int]:
    """The revisions of the ids this repository has (others are ignored)."""
    find = repo.changelog.find
    return sorted({r for r in (find(i) for i in ids) if r is not None})


def outgoing(repo: Repository, wanted: list[int], common: list[int]) -> list[int]:
    """The revisions `wanted` reach and `common` does not, oldest first (parents first)."""
    if not wanted:
        return []
    repo.changelog.ids()  # one map of every id: the walk looks each parent up
    return sorted(repo.changelog.only(wanted, common))


def items(repo: Repository, revs: list[int], common: list[int]):
    """("commit", id, record) for each revision, each followed by ("version", Version)
    for every file version it introduces that the receiver lacks."""
    filelog, objects = repo.filelog, repo.objects
    outgoing_set = set(revs)
    sent: set[bytes] = set()
    have: list[set[int]] = []  # the receiver's whole ancestry, computed only if a rare case needs it

    def receiver_has(path: bytes, oid: bytes, trees) -> bool:
        if oid in sent:
            return True
        if not common:
            return False
        # A version in a parent's tree: the receiver has it, or was sent it with that parent.
        if any(t.get(path) is not None and t[path].id == oid for t in trees):
            return True
        # Anything else (a file going back to an old version): a commit the receiver has
        # must have recorded it.
        for n in filelog.made(path, oid):
            linkrev = filelog.linkrev(n)
            if linkrev not in outgoing_set:
                if not have:
                    have.append(set(repo.changelog.ancestors(common)))
                if linkrev in have[0]:
                    return True
        return False

    for rev in revs:
        info = repo.changelog.info(rev)
        data = repo.changelog.record(rev)
        yield "commit", info.id, data, repo.changelog.log.stored(info) if info.flags & FLAG_ZLIB else None
        trees = [repo.manifest(p) for p in repo.parents(rev)] if common else []
        for path, oid in changed_versions(data):
            if receiver_has(path, oid, trees):
                continue
            yield "version", _version(repo, objects, oid, path, lambda p, o: receiver_has(p, o, trees))
            sent.add(oid)


def _version(repo: Repository, objects, oid: bytes, path: bytes, receiver_has) -> Version:
    info = objects.info(oid, path)
    log = objects.log
    if info.is_delta:
        base = log.info(info.base).id
        if receiver_has(path, base):
            return Version(oid, base, info.size, FLAG_DELTA, info.length, log.stored(info))
        data = objects.read(oid, path)
        stored, flags = compress(data)
        return Version(oid, None, len(data), flags, len(data), stored)
    return Version(oid, None, info.size, info.flags & FLAG_ZLIB, info.length, log.stored(info))


# -- receiving ----------------------------------------------------------------------------

class Receiver:
    """Takes commits and versions in the order `items` yields them, checks each and
    appends it (inside the caller's transaction). `source` names the sender in errors."""

    TEXTS_BYTES = 32 << 20  # recent versions kept in memory (and their lines): the next delta's base, often
    TREES = 64              # recent listings kept: the next commit's parent's, often

    def __init__(self, repo: Repository, source: str = "the remote"):
        self.repo = repo
        self.source = source
        self.pending = None  # (id, record, Commit, {version id: path})
        self.texts: dict[bytes, bytes] = {}
        self.text_bytes = 0
        self.trees: dict[int, Manifest] = {}
        self.lines: dict[int, dict[bytes, bytes]] = {}  # each tree's listing, line by line
        self.commits = 0   # commits appended
        self.received = 0  # commit records received (some may be here already)
        self.versions = 0
        self.flushed = repo.objects.log.data_size()
        self.whole_stored: dict[bytes, int] = {}  # for objects.adopt
        # Ancestry of the commits received, as bit sets over revision numbers from the
        # first one received: the file history asks "is A an ancestor of B" for every
        # changed path, and a walk down the graph each time would cost a clone seconds.
        self.first = len(repo)
        self.ancestry: dict[int, int] = {}

    def is_ancestor(self, a: int, b: int) -> bool:
        bits = self.ancestry.get(b)
        if bits is None or a < self.first:
            return self.repo.changelog.is_ancestor(a, b)
        return bool(bits >> (a - self.first) & 1)

    def _note_ancestry(self, rev: int, parents: list[int]) -> None:
        if rev - self.first >= self.MAX_ANCESTRY:
            return
        bits = 1 << (rev - self.first)
        for p in parents:
            if p >= self.first:
                pb = self.ancestry.get(p)
                if pb is None:
                    return  # past MAX_ANCESTRY: the walk answers
                bits |= pb
        self.ancestry[rev] = bits

    MAX_ANCESTRY = 20_000  # commits: at most 50 MB of bits

    def refuse(self, what: str) -> CorruptError:
        return CorruptError(f"{self.source} sent {what}; nothing was received",
                            hint="the remote repository may be damaged (`vcs verify` there) or not what it claims")

    def commit(self, cid: bytes, data: bytes, deflated: bytes | None = None) -> None:
        """A commit's record (`deflated`: its raw deflate, which `data` was inflated from)."""
        self.finish_commit()
        self.received += 1
        if len(data) > MAX_RECORD:
            raise self.refuse(f"a commit record of {len(data)} bytes (at most {MAX_RECORD})")
        if len(cid) != 16 or commit_id(data) != cid:
            raise self.refuse(f"a commit whose record does not match its id {bytes(cid).hex()[:12]}")
        try:
            c = parse_commit(data, name=f"commit {cid.hex()[:12]}")
        except CorruptError as e:
            raise self.refuse(f"a commit that fails its checks ({e.message})") from None
        paths = {ch.entry.id: ch.path for ch in c.changes if ch.entry is not None}
        self.pending = (ObjectId(cid), data, c, paths, deflated)

    def version(self, v: Version) -> None:
        if self.pending is None or v.oid not in self.pending[3]:
            raise self.refuse(f"a file version {bytes(v.oid).hex()[:12]} that no commit before it names")
        path = self.pending[3][v.oid]
        objects = self.repo.objects
        if v.size > MAX_VERSION or v.length > MAX_VERSION or len(v.stored) > MAX_VERSION:
            raise self.refuse(f"a version of {show(path)!r} of {max(v.size, v.length)} bytes (at most {MAX_VERSION})")
        self.versions += 1
        if objects.find(v.oid) is not None:
            return
        payload = self._inflate(v, path)
        if v.flags & FLAG_DELTA:
            if v.base is None or objects.find(v.base) is None:
                raise self.refuse(f"a delta for {show(path)!r} against a version it did not send")
            base, base_lines = self._text(v.base, path)
            try:
                if base_lines is None:
                    lines = delta.apply_checked(delta.split_lines(base), payload, len(base), inplace=True)
                else:
                    lines = delta.apply_checked(base_lines, payload, len(base))
                data = b"".join(lines)
            except DeltaError as e:
                raise self.refuse(f"a delta for {show(path)!r} that does not apply: {e.message}") from None
        else:
            data, lines = payload, None
        if len(data) != v.size or content_id(data) != v.oid:
            raise self.refuse(f"a version of {show(path)!r} whose content does not match its id {v.oid.hex()[:12]}")
        if v.flags & FLAG_DELTA:
            objects.adopt(data, payload, v.base, path, self.whole_stored)
        else:
            objects.put_whole(data, v.stored if v.flags & FLAG_ZLIB else None)
            self.whole_stored[v.oid] = objects.info(v.oid).stored
        self._remember(v.oid, data, lines)

    def _inflate(self, v: Version, path: bytes) -> bytes:
        if not v.flags & FLAG_ZLIB:
            payload = v.stored
        else:
            d = zlib.decompressobj(-15)
            try:
                payload = d.decompress(v.stored, v.length + 1)
            except zlib.error:
                raise self.refuse(f"a version of {show(path)!r} that does not inflate") from None
            if not d.eof or d.unused_data:
                raise self.refuse(f"a version of {show(path)!r} whose deflated bytes do not end where they should")
        if len(payload) != v.length:
            raise self.refuse(f"a version of {show(path)!r} of {len(payload)} bytes that said {v.length}")
        return payload

    def _text(self, oid: bytes, path: bytes) -> tuple[bytes, list[bytes] | None]:
        """A version's bytes, and its lines if a delta made it (then they are at hand)."""
        text = self.texts.get(oid)
        return text if text is not None else (self.repo.objects.read(oid, path), None)

    def _remember(self, oid: bytes, data: bytes, lines: list[bytes] | None) -> None:
        self.texts[oid] = (data, lines)
        self.text_bytes += len(data)
        while self.text_bytes > self.TEXTS_BYTES and len(self.texts) > 1:
            old = next(iter(self.texts))
            self.text_bytes -= len(self.texts.pop(old)[0])

    def _listing(self, parent: int | None, files: Manifest, changes) -> tuple[bytes, dict]:
        """The commit's tree listing (serialize_manifest's bytes), made from its first
        parent's lines with its changes' lines replaced: a commit that changes one file
        of many builds one line, not all of them."""
        base = self.lines.get(parent) if parent is not None else {}
        if base is None:
            return serialize_manifest(files), {}
        lines = dict(base)
        for ch in changes:
            if ch.entry is None:
                lines.pop(ch.path, None)
        added = False
        for path in {ch.path for ch in changes if ch.entry is not None}:
            e = files[path]
            added = added or path not in lines
            lines[path] = b"%s\0%s%s\n" % (path, e.id.hex().encode(), e.kind.encode())
        if len(lines) != len(files):  # cannot be, as apply_changes checked: build it whole
            return serialize_manifest(files), {}
        if added:  # new paths went to the end: sort (the rest is in order already)
            lines = {p: lines[p] for p in sorted(lines)}
        return b"".join(lines.values()), lines

    def _tree(self, rev: int) -> Manifest:
        tree = self.trees.get(rev)
        return tree if tree is not None else self.repo.manifest(rev)

    def finish_commit(self) -> None:
        """Append the pending commit, once all its versions are in."""
        if self.pending is None:
            return
        cid, data, c, paths, deflated = self.pending
        self.pending = None
        repo = self.repo
        if repo.changelog.find(cid) is not None:
            return
        parents = []
        for p in c.parents:
            rev = repo.changelog.find(p)
            if rev is None:
                raise self.refuse(f"commit {cid.hex()[:12]}, whose parent {p.hex()[:12]} it did not send")
            parents.append(rev)
        for oid, path in paths.items():
            if repo.objects.find(oid) is None:
                raise self.refuse(f"commit {cid.hex()[:12]} without its version {oid.hex()[:12]} of {show(path)!r}")
        base = self._tree(parents[0]) if parents else {}
        files = dict(base)
        try:
            apply_changes(files, c.changes)
        except CorruptError as e:
            raise self.refuse(f"commit {cid.hex()[:12]}, which {e.message[2:]}") from None
        listing, lines = self._listing(parents[0] if parents else None, files, c.changes)
        if content_id(listing) != c.tree:
            raise self.refuse(f"commit {cid.hex()[:12]}, whose files do not match its tree id")
        trees = [base] + [self._tree(p) for p in parents[1:]]
        rev = len(repo)
        self._note_ancestry(rev, parents)
        append_record(repo, cid, data, listing, tuple(parents), c.changes, trees, self.is_ancestor, deflated)
        self.commits += 1
        self.trees[rev] = files
        self.lines[rev] = lines
        if len(self.trees) > self.TREES:
            del self.trees[next(iter(self.trees))]
            del self.lines[next(iter(self.lines))]
        if repo.objects.log.data_size() - self.flushed > FLUSH_BYTES:
            for name in ("objects", "changelog", "filelog"):
                repo._log(name).flush()
            self.flushed = repo.objects.log.data_size()

    def end(self) -> None:
        self.finish_commit()
