"""Which removed file a new one is: exact and similar contents, as git's rename detection.

A new file is the removed one when their contents are equal, or when at least half of
the larger one's bytes are lines the other holds too (git's similarity index, and its
default threshold: `-M50%`; git counts chunks of up to 64 bytes ending at a newline,
which are lines for text). Each removed file is the source of one new file at most,
the best pairs first; files of very different sizes are never compared (the smaller
could not reach the threshold). Pure: contents in, pairs out.
"""
from __future__ import annotations

from collections import Counter

THRESHOLD = 50  # percent, as git's default
MAX_PAIRS = 250_000  # git's diff.renameLimit is 1,000 files a side (a million pairs): in Python, fewer


def similarity(a: bytes, b: bytes) -> int:
    """The share (0-100) of the larger content's bytes that are lines both hold."""
    if a == b:
        return 100
    big = max(len(a), len(b))
    if not big:
        return 100
    left, right = Counter(a.splitlines(True)), Counter(b.splitlines(True))
    if len(left) > len(right):
        left, right = right, left
    common = sum(len(line) * min(n, right[line]) for line, n in left.items() if line in right)
    return common * 100 // big


def pair(removed: dict[bytes, bytes], added: dict[bytes, bytes],
         threshold: int = THRESHOLD) -> dict[bytes, tuple[bytes, int]]:
    """new path -> (the removed path it is, similarity %): equal contents first (the same
    name, then any), then the most similar pairs at or above `threshold`."""
    found: dict[bytes, tuple[bytes, int]] = {}
    by_content: dict[bytes, list[bytes]] = {}
    for path, data in sorted(removed.items()):
        by_content.setdefault(data, []).append(path)
    used: set[bytes] = set()
    for dst, data in sorted(added.items()):
        sources = [s for s in by_content.get(data, ()) if s not in used]
        if sources:
            name = dst.rsplit(b"/", 1)[-1]
            src = next((s for s in sources if s.rsplit(b"/", 1)[-1] == name), sources[0])
            found[dst] = (src, 100)
            used.add(src)
    left = {p: d for p, d in removed.items() if p not in used}
    right = {p: d for p, d in added.items() if p not in found}
    if not left or not right or len(left) * len(right) > MAX_PAIRS:
        return found
    scores = []
    for src, a in left.items():
        for dst, b in right.items():
            small, big = sorted((len(a), len(b)))
            if big and small * 100 < big * threshold:
                continue
            score = similarity(a, b)
            if score >= threshold:
                scores.append((-score, src, dst))
    for score, src, dst in sorted(scores):
        if src not in used and dst not in found:
            found[dst] = (src, -score)
            used.add(src)
    return found
