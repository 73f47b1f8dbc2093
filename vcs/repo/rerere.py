"""Remembered resolutions (git's rerere, on by default here): a conflict seen and resolved
once is resolved the same way when it comes back.

A conflict is known by the hash of its kind and its base's, ours' and theirs' entries
(kind and id), so the same three versions meet again (a merge aborted and redone, the
same change picked onto the same file) and nothing else does. When a merge commit is
made, each conflict's resolution (the entry the commit gave the path, or none: the file
was deleted) is kept in `.vcs/rerere`, sealed as every file in .vcs/:

    vcs-rerere 1
    KEYHEX KINDHEXID | -      one line per conflict, oldest first (at most MAX_ENTRIES)

The resolved content itself is in the objects store (the commit put it there). The
file is read back like every other: a line that is malformed, or names content the
store does not hold, is refused (a warning says so) and the rest still used; a file
that fails its seal is ignored, and rewritten with the next resolution.
`merge.rerere = false` in the config turns it all off.
"""
from __future__ import annotations

from vcs.errors import CorruptError
from vcs.model.objects import GIT_MODES, ID_SIZE, Entry, content_id
from vcs.storage.log import atomic_write, seal, unseal

_HEADER = b"vcs-rerere 1"
MAX_ENTRIES = 10_000  # the oldest go first (git prunes resolutions after 60 days)


def enabled(repo) -> bool:
    return repo.config("merge.rerere", True) not in (False, "false")


def key(kind: str, base: Entry | None, ours: Entry | None, theirs: Entry | None) -> bytes:
    parts = [kind.encode()] + [b"-" if e is None else e.kind.encode() + e.id for e in (base, ours, theirs)]
    return content_id(b"rerere\0" + b"\0".join(parts))


def load(repo) -> dict[bytes, Entry | None]:
    """key -> resolution (None: the file was deleted), for the lines that pass the checks."""
    return _read(repo, repo.warn)


def problem(repo) -> str | None:
    """What is wrong with .vcs/rerere, or None (for verify)."""
    said: list[str] = []
    _read(repo, said.append)
    return "; ".join(said) or None


def _read(repo, warn) -> dict[bytes, Entry | None]:
    path = repo.path("rerere")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return {}
    except OSError as e:
        warn(f"cannot read .vcs/rerere ({e.strerror}); remembered resolutions are not used")
        return {}
    try:
        body = unseal(data, path)
    except CorruptError as e:
        warn(f"ignored .vcs/rerere: {e.message}; remembered resolutions are not used")
        return {}
    lines = body.split(b"\n")
    if lines[0] != _HEADER or lines[-1] != b"":
        warn("ignored .vcs/rerere: it is not a rerere file of this version")
        return {}
    out: dict[bytes, Entry | None] = {}
    bad = 0
    for line in lines[1:-1]:
        try:
            k, sp, value = line.partition(b" ")
            k = bytes.fromhex(k.decode("ascii"))
            if not sp or len(k) != ID_SIZE:
                raise ValueError
            if value == b"-":
                out[k] = None
                continue
            kind, oid = value[:1].decode("ascii"), bytes.fromhex(value[1:].decode("ascii"))
            if kind not in GIT_MODES or len(oid) != ID_SIZE or repo.objects.find(oid) is None:
                raise ValueError
            out[k] = Entry(kind, oid)
        except (ValueError, UnicodeDecodeError):
            bad += 1
    if bad:
        warn(f".vcs/rerere: {bad} remembered resolution{'s' * (bad != 1)} refused (malformed, or naming "
                  "content the store does not hold)")
    return out


def remember(repo, resolutions: dict[bytes, Entry | None]) -> None:
    """Add resolutions (after the merge commit that made them is committed). A failure
    to write costs only the memory of them: it is a warning."""
    if not resolutions:
        return
    known = load(repo)
    for k in resolutions:
        known.pop(k, None)  # the newest resolution of a conflict wins, and moves to the end
    known.update(resolutions)
    items = list(known.items())[-MAX_ENTRIES:]
    body = [_HEADER] + [k.hex().encode() + b" " + (b"-" if e is None else e.kind.encode() + e.id.hex().encode())
                        for k, e in items]
    try:
        atomic_write(repo.path("rerere"), seal(b"\n".join(body) + b"\n"), durable=False)
    except OSError as e:
        repo.warn(f"the resolutions could not be remembered ({e.strerror})")
