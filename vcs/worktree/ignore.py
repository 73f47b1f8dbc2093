"""Ignore rules: `.vcsignore` at the root of the working tree, in gitignore syntax.

The `pathspec` library translates each pattern to a regular expression (the hard
part of gitignore's rules: `**`, anchoring, negation, directory patterns). Its
import costs about 20 ms, more than a whole `vcs status`, so the translation is
cached in `.vcs/ignore-cache` with the hash of the `.vcsignore` it came from;
later runs match with `re` alone. Matching follows gitignore (as pathspec's
GitIgnoreSpec does): the last matching pattern wins, except that a file pattern
outranks a directory pattern that matched earlier.

`.gitignore` is not read.
"""
from __future__ import annotations

import os

import xxhash

from vcs.errors import VcsError
from vcs.storage.log import atomic_write, seal, unseal

FILE = ".vcsignore"
_CACHE = "ignore-cache"
_DIR_GROUP = "ps_d"  # pathspec's name for the group that marks a directory match


class Ignore:
    def __init__(self, patterns: list[tuple[str, bool]]):
        import re
        self._patterns = []
        for rx, include in patterns:
            try:
                self._patterns.append((re.compile(rx), include))
            except re.error:
                pass  # translate() already warned about (and dropped) a pattern it could not read

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def match(self, path: bytes, is_dir: bool = False) -> bool:
        """Whether a path (relative, `/`-separated) is ignored; folders as `dir/`."""
        text = path.decode("utf-8", "surrogateescape") + ("/" if is_dir else "")
        result = None
        priority = 0
        for rx, include in self._patterns:
            m = rx.match(text)
            if m is None:
                continue
            dir_mark = m.groupdict().get(_DIR_GROUP)
            p = 1 if dir_mark else 2
            if (include and dir_mark) or p >= priority:
                result, priority = include, p
        return bool(result)

    def covers(self, path: bytes, is_dir: bool = False) -> bool:
        """Whether the path or any folder above it is ignored."""
        parts = path.split(b"/")
        for i in range(1, len(parts)):
            if self.match(b"/".join(parts[:i]), True):
                return True
        return self.match(path, is_dir)


def load(root: bytes, vcs_dir: str, warn=None) -> Ignore | None:
    """The rules of the working tree's `.vcsignore`, or None if there is none."""
    source = _source(root)
    if source is None:
        return None
    digest = xxhash.xxh3_64_hexdigest(source).encode()
    cache = os.path.join(vcs_dir, _CACHE)
    try:
        cached = _cached(cache, digest)
        if cached is not None:
            return Ignore(cached)
    except (OSError, ValueError, VcsError):
        pass  # no cache, an old one, or a corrupt one: it is only a cache, translate again
    patterns = translate(source, warn)
    body = digest + b"\n" + b"".join(b"%d %s\n" % (inc, rx.encode("utf-8", "surrogateescape"))
                                      for rx, inc in patterns)
    try:
        atomic_write(cache, seal(body), durable=False)
    except OSError:
        pass  # a read-only repository: translate each time
    return Ignore(patterns)


def _source(root: bytes) -> bytes | None:
    try:
        with open(os.path.join(root, FILE.encode()), "rb") as f:
            return f.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _cached(cache: str, digest: bytes) -> list[tuple[str, bool]] | None:
    """The cached patterns if the cache is for this `.vcsignore`, else None; a
    malformed line fails it (ValueError)."""
    with open(cache, "rb") as f:
        body = unseal(f.read(), cache)
    head, _, rest = body.partition(b"\n")
    if head != digest:
        return None
    lines = [line for line in rest.split(b"\n") if line]
    if any(line[:2] not in (b"0 ", b"1 ") for line in lines):
        raise ValueError("a malformed line")
    return [(line[2:].decode("utf-8", "surrogateescape"), line[:1] == b"1") for line in lines]


def cache_problem(root: bytes, vcs_dir: str) -> str | None:
    """Why `.vcs/ignore-cache` does not hold what `.vcsignore` says, or None (for
    verify; a cache for an older `.vcsignore` is stale, which is fine)."""
    source = _source(root)
    cache = os.path.join(vcs_dir, _CACHE)
    if source is None or not os.path.exists(cache):
        return None
    try:
        cached = _cached(cache, xxhash.xxh3_64_hexdigest(source).encode())
    except VcsError as e:
        return e.message
    except (OSError, ValueError) as e:
        return f"it cannot be read: {e}"
    if cached is not None and cached != translate(source):
        return f"its patterns are not those of {FILE}"
    return None


def translate(source: bytes, warn=None) -> list[tuple[str, bool]]:
    """gitignore lines -> (regular expression, include) pairs, by pathspec. A line
    that cannot be read is skipped with a warning, as git skips it."""
    import re

    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern
    out = []
    for number, line in enumerate(source.decode("utf-8", "surrogateescape").splitlines(), 1):
        try:
            rx, include = GitIgnoreSpecPattern.pattern_to_regex(line)
            if rx is not None:
                re.compile(rx)
        except Exception as e:  # pathspec's GitIgnorePatternError, or a bad [range]
            if warn:
                warn(f"{FILE} line {number}: cannot read the pattern {line!r} ({e}); it is skipped")
            continue
        if rx is not None and include is not None:
            out.append((rx, bool(include)))
    return out
