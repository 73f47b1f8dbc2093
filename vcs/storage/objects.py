"""A file's chain of versions: the storage policy (whole or delta), replay, verify.

Every version of every file (and every tree listing) is a record in one log,
found by its content id. A record holds either the whole text or a line delta
against its base: the file's version in the parent commit. Rebuilding a
version walks back to the whole version its chain starts from, replays the
deltas in order and checks the result against the version's id before anyone
sees it.
"""
from __future__ import annotations

from vcs.diff import delta
from vcs.errors import CorruptError, StateError
from vcs.model.objects import ObjectId, content_id
from vcs.storage.log import NO_BASE, BaseLog, Info

POLICIES = ("auto", "delta", "full")

# The cost model behind the chain-length rule, measured on these machines (1,000
# real and synthetic deltas, `vcs replay` shows the steps): replaying one delta
# (read, check, decode, apply in place) costs about 10 us plus 55 ns per stored
# byte, since a delta of many hunks costs more than one of a few; reading a
# version whole costs about 15 us plus 4 ns per byte (read, check, decompress).
DELTA_US = 10
DELTA_NS_PER_BYTE = 55
WHOLE_US = 15
WHOLE_NS_PER_BYTE = 4
# A chain may cost up to this many whole reads to replay. A whole version is
# several times larger than all of a file's deltas together, so trading replay
# for fewer of them is what keeps the store small (smaller than git's and
# Mercurial's on our benchmarks); a checkout costs at most REPLAY_RATIO + 1 whole
# reads per file, and replaying a 200 KB file's longest chain about 7 ms, against
# the ~25 ms any vcs command takes to start.
REPLAY_RATIO = 8
MAX_CHAIN = 1000      # Mercurial's cap
CHAIN_READ_RATIO = 2  # Mercurial: refuse a chain that reads more than 2x the text
# Texts this large are never line-diffed: the diff would need several times the
# file's size in memory (git never deltifies files over 512 MiB either).
LARGE_TEXT = 8 << 20
# Nor are texts of this many lines: each line costs about 50 bytes of Python objects
# on top of its own, so a file of very short lines would need many times its size.
LARGE_LINES = 1 << 18
# A file that only grows at its end gets a delta without any line diff (its base
# and new text in memory, about twice its size), up to this size.
LARGE_APPEND = 256 << 20


def store_whole(policy: str, size: int, base: Info | None, delta_len: int | None = None,
                lines: int = 0, whole_stored: int = 0, append: bool = False) -> bool:
    """Decide whether a new version of `size` bytes is stored whole.

    Called once before diffing (delta_len None: can a delta be refused already?)
    and once with the delta's length in hand; whole_stored is the stored size of the
    whole version the base's chain starts from.
    """
    # Full policy: every version whole.
    if policy == "full":
        return True
    # A file's first version (no version in the parent) starts a chain.
    if base is None:
        return True
    # Too large to line-diff within a bounded memory (an append needs no line diff).
    if not append and (size > LARGE_TEXT or base.size > LARGE_TEXT or lines > LARGE_LINES):
        return True
    # Delta policy: the literal model, however long the chain.
    if policy == "delta":
        return False
    # Bad delta from chain length: replaying it would cost more than REPLAY_RATIO whole reads.
    if base.depth + 1 > max_chain(size):
        return True
    if delta_len is None:
        return False
    # Bad delta from replay cost: the same bound, counting the bytes of the chain's deltas.
    if replay_us(base.depth + 1, base.chain - whole_stored + delta_len) > REPLAY_RATIO * whole_us(size):
        return True
    # Bad delta from size: not clearly smaller than the text (git: under half).
    if 2 * delta_len >= size:
        return True
    # Bad delta from chain span: the chain would read more than 2x the text.
    if base.chain + delta_len > CHAIN_READ_RATIO * max(size, 1):
        return True
    return False


def store_listing_whole(policy: str, size: int, parent: Info | None) -> bool:
    """Decide whether a commit's tree listing is stored whole (else its changes are its delta).

    The changes are in the commit record anyway, so a delta costs nothing more:
    only chain length matters, and a listing's chain is replayed once per command,
    not once per file, so it may be at least MIN_LISTING_CHAIN long.
    """
    if policy == "full" or parent is None:
        return True
    if policy == "delta":
        return False
    return parent.depth + 1 > max(MIN_LISTING_CHAIN, max_chain(size))


MIN_LISTING_CHAIN = 16


def max_chain(size: int) -> int:
    """The longest chain whose replay could cost at most REPLAY_RATIO reads of the whole
    text (counting deltas only; the byte-aware bound comes once the delta is known)."""
    return min(MAX_CHAIN, max(1, int(REPLAY_RATIO * whole_us(size) / DELTA_US)))


def whole_us(size: int) -> float:
    return WHOLE_US + size * WHOLE_NS_PER_BYTE / 1000


def replay_us(deltas: int, stored: int) -> float:
    return deltas * DELTA_US + stored * DELTA_NS_PER_BYTE / 1000


class Objects:
    """File versions and tree listings, content-addressed, over one log."""

    def __init__(self, log: BaseLog, policy: str = "auto", rules: list[tuple[str, str]] | None = None):
        self.log = log
        self.policy = policy
        self.rules = rules or []  # (glob, policy): storage.rules in the config, the last match wins
        self._ids: dict[bytes, int] | None = None
        self._lookups = 0
        self._lines: dict[bytes, list[bytes]] = {}  # recent versions' lines, for `shared_lines`
        self._lines_size: dict[bytes, int] = {}
        self._lines_bytes = 0

    def find(self, oid: bytes) -> int | None:
        # A few lookups search the index; many (a checkout of a big tree) build a map once.
        if self._ids is None:
            self._lookups += 1
            if self._lookups <= 16:
                return self.log.find(oid)
            self._ids = self.log.ids()
        return self._ids.get(oid)

    def info(self, oid: bytes, path: bytes | None = None) -> Info:
        n = self.find(oid)
        if n is None:
            raise CorruptError(f"object {oid.hex()[:12]}{_for(path)} is missing from the store",
                               hint="run `vcs verify`")
        return self.log.info(n)

    def read(self, oid: bytes, path: bytes | None = None) -> bytes:
        """The exact bytes of a version, rebuilt and checked against its id."""
        return self._rebuild(oid, path, want_lines=False)[0]

    def read_lines(self, oid: bytes, path: bytes | None = None) -> list[bytes]:
        """A version as lines, rebuilt and checked against its id."""
        return self._rebuild(oid, path, want_lines=True)[1]

    def shared_lines(self, oid: bytes, path: bytes | None = None) -> list[bytes]:
        """A version's lines like `read_lines`, from the versions read or stored last
        (up to LINES_KEPT bytes of them) when it is one of them: the caller must not
        change the list. (Writing the line origins reads each path's version before
        and after a commit: the one before is usually the last one stored.)"""
        lines = self._lines.pop(oid, None)
        if lines is None:
            lines = self._from_kept(oid, path)
        else:
            self._lines_bytes -= self._lines_size.pop(oid)
        self._remember_lines(oid, lines)
        return lines

    def _from_kept(self, oid: bytes, path: bytes | None) -> list[bytes]:
        """Rebuilt from the nearest version of its chain whose lines are kept (else from
        the chain's whole version), and checked against its id."""
        info = self.info(oid, path)
        chain = [info]  # back to a kept version, else to the whole one
        while chain[-1].is_delta and (len(chain) == 1 or chain[-1].id not in self._lines):
            if chain[-1].base == NO_BASE or len(chain) > chain[0].depth + 1:
                raise CorruptError(f"record {chain[-1].n} has a broken chain")
            chain.append(self.log.info(chain[-1].base))
        chain.reverse()
        if len(chain) == 1 or chain[0].id not in self._lines:
            return self._rebuild(oid, path, want_lines=True, chain=chain)[1]
        start = 0
        lines = list(self._lines[chain[0].id])
        try:
            for base, payload in zip(chain[start:], self.log.payloads(chain[start + 1:])):
                lines = replay_step(lines, payload, base)
        except CorruptError as e:
            raise CorruptError(f"cannot rebuild {oid.hex()[:12]}{_for(path)}: {e.message}",
                               hint="run `vcs verify` to see every object affected") from None
        data = b"".join(lines)
        if len(data) != info.size or content_id(data) != oid:
            raise CorruptError(f"object {oid.hex()[:12]}{_for(path)} rebuilds to the wrong content",
                               hint="run `vcs verify` to see every object affected")
        return lines

    LINES_KEPT = 32 << 20

    def _remember_lines(self, oid: bytes, lines: list[bytes]) -> None:
        if oid in self._lines:
            return
        size = sum(map(len, lines))
        if size > self.LINES_KEPT // 4:
            return
        while self._lines and self._lines_bytes + size > self.LINES_KEPT:
            old = next(iter(self._lines))
            del self._lines[old]
            self._lines_bytes -= self._lines_size.pop(old)
        self._lines[oid] = lines
        self._lines_size[oid] = size
        self._lines_bytes += size

    def _rebuild(self, oid: bytes, path: bytes | None, want_lines: bool,
                 chain: list[Info] | None = None) -> tuple[bytes, list[bytes]]:
        """Rebuild a version: its chain's whole version, then each delta, then the hash check.

        A version stored whole is never split into lines unless the caller wants them:
        for a big file that is the difference between 1x and 3x its size in memory.
        `chain` is the version's chain if the caller walked it already.
        """
        info = self.info(oid, path) if chain is None else chain[-1]
        try:
            if chain is None:
                chain = self.chain(info)
            payloads = self.log.payloads(chain)
            if len(chain) == 1 and not want_lines:
                data, lines = payloads[0], []
            else:
                # A file that grows at its end replays on bytes, without lines.
                done, text = (0, payloads[0]) if want_lines else _replay_appends(chain, payloads)
                if done == len(chain) - 1 and not want_lines:
                    data, lines = text, []
                else:
                    lines = delta.split_lines(text)
                    for base, payload in zip(chain[done:], payloads[done + 1:]):
                        lines = replay_step(lines, payload, base)
                    data = b"".join(lines)
                    if not want_lines:
                        lines = []
        except CorruptError as e:
            raise CorruptError(f"cannot rebuild {oid.hex()[:12]}{_for(path)}: {e.message}",
                               hint="run `vcs verify` to see every object affected") from None
        if len(data) != info.size or content_id(data) != oid:
            raise CorruptError(f"object {oid.hex()[:12]}{_for(path)} rebuilds to the wrong content",
                               hint="run `vcs verify` to see every object affected")
        return data, lines

    def chain(self, info: Info) -> list[Info]:
        """The records to read, from the chain's whole version to `info`."""
        chain = [info]
        while chain[-1].is_delta:
            if chain[-1].base == NO_BASE or len(chain) > chain[0].depth + 1:
                raise CorruptError(f"record {chain[-1].n} has a broken chain")
            chain.append(self.log.info(chain[-1].base))
        chain.reverse()
        return chain

    def put(self, data: bytes, base_id: bytes | None = None, path: bytes | None = None,
            other_base: bytes | None = None) -> tuple[ObjectId, bool]:
        """Store a version (as a delta against `base_id`, the path's version in the first
        parent, or `other_base`, its version in a merge's second parent, whichever gives
        the smaller delta, if the policy agrees).

        Returns its id and whether a record was added. Identical content is
        stored once; before two contents share an id, their bytes are compared.
        """
        oid = content_id(data)
        if self.find(oid) is not None:
            if self.read(oid, path) != data:
                raise StateError(
                    f"content id collision: {path!r} hashes to {oid.hex()} like different stored content",
                    hint="xxh3-128 is not cryptographic; report this file, it cannot be stored")
            return oid, False
        policy = self.policy_for(path)
        best = None
        if policy != "full":
            for candidate in dict.fromkeys(b for b in (base_id, other_base) if b is not None):
                base = self.info(candidate, path)
                payload = self._delta(base, data, path, policy, oid)
                if payload is not None and (best is None or len(payload) < len(best[1])):
                    best = (base, payload)
        if best is None:
            self._append(oid, data, len(data))
        else:
            self._append(oid, best[1], len(data), best[0])
        return oid, True

    def adopt(self, data: bytes, payload: bytes, base_id: bytes, path: bytes | None = None,
              whole_stored: dict | None = None) -> ObjectId:
        """Store a version that arrived as `payload`, a delta against `base_id` that the
        caller applied and checked against the version's id (a sync): the delta is kept
        if this repository's policy takes it against its own record of the base (its own
        record numbers, chain depth and chain bytes), else the version is stored whole.
        No line diff is made. `whole_stored` (id -> the stored size of the whole version
        its chain starts from) saves walking the base's chain, if the caller keeps it."""
        oid = content_id(data)
        if self.find(oid) is not None:
            return oid
        policy = self.policy_for(path)
        base = self.info(base_id, path)
        if policy != "full":
            start = whole_stored.get(base_id) if whole_stored is not None else None
            if start is None:
                start = self.chain(base)[0].stored
            if not store_whole(policy, len(data), base, len(payload), whole_stored=start, append=True):
                self._append(oid, payload, len(data), base)
                if whole_stored is not None:
                    whole_stored[oid] = start
                return oid
        # A new chain starts here (the rules `put` applies refused this delta).
        self._append(oid, data, len(data))
        if whole_stored is not None:
            whole_stored[oid] = self.info(oid).stored
        return oid

    def put_whole(self, data: bytes, deflated: bytes | None = None) -> ObjectId:
        """Store a version whole that arrived whole (a sync: the sender's policy started a
        chain there), with its raw deflate if it came so (checked by the caller)."""
        oid = content_id(data)
        if self.find(oid) is None:
            info = self.log.append(oid, data, size=len(data), deflated=deflated)
            if self._ids is not None:
                self._ids[oid] = info.n
        return oid

    def _delta(self, base: Info, data: bytes, path: bytes | None, policy: str, oid: bytes = b"") -> bytes | None:
        """The delta that turns `base` into `data`, or None when the policy stores the
        version whole rather than as a delta against this base."""
        payload = self._append_delta(base, data, path)
        if payload is not None and oid and len(data) <= self.LINES_KEPT // 4:
            # An append: the base is the new text's first base.size bytes, which end a
            # line, so both versions' lines are at hand without a rebuild (the line
            # origins of the commit being written read both next).
            lines = delta.split_lines(data)
            self._remember_lines(base.id, lines[:data.count(b"\n", 0, base.size)])
            self._remember_lines(oid, lines)
        # Not a pure append: a line diff, which needs both texts as lines in memory,
        # unless the policy refuses a delta already.
        if payload is None and store_whole(policy, len(data), base, lines=data.count(b"\n")):
            return None
        chain = self.chain(base)  # walked once: for the rebuild and the chain's whole size
        if payload is None:
            base_lines = self._lines.get(base.id)
            if base_lines is None:
                base_lines = self._rebuild(base.id, path, want_lines=True, chain=chain)[1]
            new_lines = delta.split_lines(data)
            # The next version of the path diffs against these without a rebuild (most
            # of an import's cost), and the line origins of the commit read both next.
            self._remember_lines(base.id, base_lines)
            self._remember_lines(oid, new_lines)
            payload = delta.encode(base_lines, delta.make_hunks(base_lines, new_lines), len(data), base.size)
        if store_whole(policy, len(data), base, len(payload), whole_stored=chain[0].stored, append=True):
            return None
        return payload

    def _append_delta(self, base: Info, data: bytes, path: bytes | None) -> bytes | None:
        """The delta for a version that only adds lines at the end of its base, made
        without reading the base or splitting either into lines (a growing log of any
        size); else None.

        The new text starts with the base when its first base.size bytes hash to the
        base's id: the base's bytes are then right here. (Were that an xxh3-128
        collision, the delta would rebuild to text that fails its own id's check on
        the first read: refused, never silently wrong.)"""
        n = base.size
        if len(data) <= n or n > LARGE_APPEND or (n and data[n - 1:n] != b"\n"):
            return None
        with memoryview(data) as view:
            if content_id(view[:n]) != base.id:
                return None
        # The base's last lines (the delta's dictionary): they follow the newline that
        # ends the line CONTEXT_BEFORE lines above its last one.
        at = n - 1
        for _ in range(delta.CONTEXT_BEFORE):
            at = data.rfind(b"\n", 0, at) if at > 0 else -1
            if at < 0:
                break
        return delta.encode_append(delta.split_lines(data[at + 1:n]) if n else [],
                                   data.count(b"\n", 0, n), n, delta.split_lines(data[n:]))

    def policy_for(self, path: bytes | None) -> str:
        """The storage policy for a path: the last matching `storage.rules` glob, else the
        repository's. A glob without `/` matches the file name anywhere (`*.png`)."""
        policy = self.policy
        if path and self.rules:
            from fnmatch import fnmatchcase
            name = path.rsplit(b"/", 1)[-1]
            for glob, rule in self.rules:
                pattern = glob.encode("utf-8", "surrogateescape")
                if fnmatchcase(path if b"/" in pattern else name, pattern):
                    policy = rule
        return policy

    def _append(self, oid: bytes, payload: bytes, size: int, base: Info | None = None) -> None:
        if base is None:
            info = self.log.append(oid, payload, size=size)
        else:
            info = self.log.append(oid, payload, size=size, base=base.n, depth=base.depth + 1,
                                   chain=base.chain, delta=True)
        if self._ids is not None:
            self._ids[oid] = info.n


def replay_step(lines: list[bytes] | None, payload: bytes, base: Info | None, inplace: bool = True) -> list[bytes]:
    """One step of a rebuild, the one place a record is replayed (reads, `vcs replay` and
    verify): a whole version (no base) split into lines, or a delta applied to the lines
    of its base (in place unless the caller still needs them), checked against the base.
    The caller checks the rebuilt text against its id."""
    if base is None:
        return delta.split_lines(payload)
    return delta.apply_checked(lines, payload, base.size, inplace=inplace, check_size=False)


def _replay_appends(chain: list[Info], payloads: list[bytes]) -> tuple[int, bytes]:
    """Replay the chain's leading run of pure appends on bytes: (deltas done, text)."""
    chunks = [payloads[0]]
    n_lines = payloads[0].count(b"\n") + (payloads[0][-1:] not in (b"", b"\n"))
    size = len(payloads[0])
    done = 0
    for base, payload in zip(chain, payloads[1:]):
        new = delta.append_of(payload, n_lines, size, _last_lines(chunks, delta.CONTEXT_BEFORE))
        if new is None:
            break
        chunks.append(new)
        n_lines += new.count(b"\n") + (new[-1:] != b"\n")
        size += len(new)
        done += 1
    return done, b"".join(chunks) if len(chunks) > 1 else chunks[0]


def _last_lines(chunks: list[bytes], k: int) -> bytes:
    """The last k lines of the text made of chunks (which ends with a newline, or is empty)."""
    tail = chunks[-1]
    for chunk in reversed(chunks[:-1]):
        if tail.count(b"\n") > k:
            break
        tail = chunk + tail
    # The text's last newline ends its last line: k lines follow its (k+1)th newline from the end.
    parts = tail.rsplit(b"\n", k + 1)
    return b"\n".join(parts[1:]) if len(parts) == k + 2 else tail


def _for(path: bytes | None) -> str:
    return f" ({path.decode('utf-8', 'replace')})" if path else ""
