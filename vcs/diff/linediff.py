"""The line diff engine: histogram diff with a Myers fallback, and git's sliding rules.

Pure functions on lists of lines (bytes). The same engine makes the stored deltas
(`vcs.diff.delta`) and the displayed diffs (`vcs.diff.patch`), so what `vcs diff` shows is
what the store keeps.

How it works: the common prefix and suffix are set aside and equal lines are
interned to small ints. Histogram diff (git's xdiff, JGit) picks the
lowest-occurrence line common to both sides as an anchor and works on the regions
left and right of it, with an explicit stack rather than recursion. Where every
common line occurs more than 64 times it falls back to Myers' O(ND) algorithm,
after dropping the lines found on one side only, so two unrelated files are not
quadratic. Both have work budgets; past them a region is reported as replaced,
which keeps pathological inputs bounded. Finally change groups are slid as git's
xdl_change_compact does (with its indent heuristic), so hunks match git's.
"""
from __future__ import annotations

import gc
from bisect import bisect_left
try:  # what collections.Counter counts with, in C, without importing collections (1.2 ms a process)
    from _collections import _count_elements
except ImportError:  # another Python
    def _count_elements(mapping, iterable):
        for x in iterable:
            mapping[x] = mapping.get(x, 0) + 1


def _counts(items) -> dict:
    """How many times each item occurs (a plain dict, as Counter would hold)."""
    counts: dict = {}
    _count_elements(counts, items)
    return counts
from itertools import compress
from operator import ne

Region = tuple[int, int, int, int]   # a[a1:a2] is replaced by b[b1:b2]

# Histogram diff ignores lines occurring more often than this in a region (git's value).
_MAX_OCCURRENCES = 64
# Lines histogram diff may scan, beyond 4 per input line, before it changes method.
_SCAN_BUDGET = 20_000
# Inputs with more lines than this are diffed with the garbage collector paused: the
# diff allocates many small objects and never makes reference cycles.
_GC_PAUSE_LINES = 4000


def diff(a: list[bytes], b: list[bytes], trim: bool = True,
         indent_heuristic: bool = True) -> list[Region]:
    """Changed regions (a1, a2, b1, b2): a[a1:a2] is replaced by b[b1:b2].

    Sorted, each non-empty on at least one side, separated by at least one equal line.
    The result is git's `diff --histogram` (the same sliding rules place the hunks),
    except that the common prefix and suffix are set aside first, which can change the
    choice on highly repetitive text, and that pathological inputs take cheaper paths.
    trim=False diffs the whole texts as git's histogram does (slower where a large file
    changed little; a merge needs it to cut changes where git does). indent_heuristic=
    False leaves a group that can slide at its lowest place, as git's merges do.
    """
    n, m = len(a), len(b)
    prefix = _run_forward(a, b, 0, 0, min(n, m))
    if prefix == n == m:
        return []
    if trim:
        suffix = _run_backward(a, b, n, m, min(n, m) - prefix)
    else:
        prefix = suffix = 0
    changed_a = bytearray(n)
    changed_b = bytearray(m)
    paused = n + m > _GC_PAUSE_LINES and gc.isenabled()
    if paused:
        gc.disable()
    try:
        _diff_middle(a, b, prefix, n - suffix, m - suffix, changed_a, changed_b)
        _compact(a, changed_a, changed_b, indent_heuristic)
        _compact(b, changed_b, changed_a, indent_heuristic)
        return _regions(changed_a, changed_b)
    finally:
        if paused:
            gc.enable()


# Search steps blame_diff's Myers may take (a few seconds at worst) before it settles
# for the histogram's diff: a large rewrite needs more than a diff's own budget.
_BLAME_BUDGET = 4_000_000


def blame_diff(a: list[bytes], b: list[bytes]) -> list[Region]:
    """The diff `git blame` makes between two versions: Myers' algorithm after the
    common prefix and suffix are set aside (git's xdl_trim_ends; blame ignores
    --diff-algorithm up to git 2.39 at least), then git's sliding rules. The
    histogram `git diff` uses may align a repeated line (a blank line, a closing
    bracket) differently in a large rewrite: annotate follows blame's choice."""
    n, m = len(a), len(b)
    prefix = _run_forward(a, b, 0, 0, min(n, m))
    if prefix == n == m:
        return []
    suffix = _run_backward(a, b, n, m, min(n, m) - prefix)
    changed_a, changed_b = bytearray(n), bytearray(m)
    a_mid, b_mid = a[prefix:n - suffix], b[prefix:m - suffix]
    if not a_mid or not b_mid or set(a_mid).isdisjoint(b_mid):  # nothing in common: one change
        changed_a[prefix:n - suffix] = b"\1" * len(a_mid)
        changed_b[prefix:m - suffix] = b"\1" * len(b_mid)
    else:
        canonical = dict(zip(a_mid, a_mid))
        ax = list(map(canonical.__getitem__, a_mid))
        bx = list(map(canonical.get, b_mid, b_mid))
        budget = [max(_myers_budget(n, m), _BLAME_BUDGET)]
        _myers(ax, bx, changed_a, changed_b, prefix, prefix, budget)
        if budget[0] < 0:  # a rewrite Myers could not finish in time: histogram's answer
            return diff(a, b)
    _compact(a, changed_a, changed_b, True)
    _compact(b, changed_b, changed_a, True)
    return _regions(changed_a, changed_b)


def _common_tail_lines(a: list[bytes], b: list[bytes]) -> int:
    """How many whole lines at the end trim_common_tail leaves out of the diff."""
    x, y = b"".join(a), b"".join(b)
    block = 1024
    smaller = min(len(x), len(y))
    trimmed = 0
    while block + trimmed <= smaller and x[len(x) - trimmed - block:len(x) - trimmed] == \
            y[len(y) - trimmed - block:len(y) - trimmed]:
        trimmed += block
    if not trimmed:
        return 0
    region = x[len(x) - trimmed:]
    newline = region.find(b"\n")
    recovered = trimmed if newline < 0 else newline + 1
    cut = trimmed - recovered  # bytes at the end, whole lines
    lines = size = 0
    for line in reversed(a):
        if size + len(line) > cut:
            break
        size += len(line)
        lines += 1
    return lines if size == cut else 0


def _run_forward(x: list, y: list, i: int, j: int, limit: int) -> int:
    """Length of the equal run x[i:], y[j:], at most limit. Gallops so long runs cost C time."""
    k = 0
    while k < limit and k < 4:
        if x[i + k] != y[j + k]:
            return k
        k += 1
    step = 8
    while k < limit:
        s = min(step, limit - k)
        if x[i + k:i + k + s] == y[j + k:j + k + s]:
            k += s
            step *= 2
        elif s <= 8:
            while x[i + k] == y[j + k]:
                k += 1
            return k
        else:
            step = s // 2
    return k


def _run_backward(x: list, y: list, i: int, j: int, limit: int) -> int:
    """Length of the equal run ending just before x[i], y[j], at most limit."""
    k = 0
    while k < limit and k < 4:
        if x[i - k - 1] != y[j - k - 1]:
            return k
        k += 1
    step = 8
    while k < limit:
        s = min(step, limit - k)
        if x[i - k - s:i - k] == y[j - k - s:j - k]:
            k += s
            step *= 2
        elif s <= 8:
            while x[i - k - 1] == y[j - k - 1]:
                k += 1
            return k
        else:
            step = s // 2
    return k


def _diff_middle(a, b, lo, a_hi, b_hi, changed_a, changed_b) -> None:
    """Mark changed lines of a[lo:a_hi] against b[lo:b_hi] (the part after trimming)."""
    if lo == a_hi or lo == b_hi:
        changed_a[lo:a_hi] = b"\1" * (a_hi - lo)
        changed_b[lo:b_hi] = b"\1" * (b_hi - lo)
        return
    # Intern: make equal lines the same object, with three passes that run in C. Then
    # comparing two lines, or two runs of lines, is mostly an identity check, and dict
    # lookups reuse each line's cached hash.
    a_mid = a[lo:a_hi]
    b_mid = b[lo:b_hi]
    canonical = dict(zip(a_mid, a_mid))
    ax = list(map(canonical.__getitem__, a_mid))
    bx = list(map(canonical.get, b_mid, b_mid))
    _histogram(ax, bx, changed_a, changed_b, lo)


# Histogram diff (the algorithm of JGit and git's xhistogram.c, written anew): in a
# region, find the common run built around the line with the fewest occurrences in a
# (then the longest such run, then the first in b), keep it, and diff the parts left
# and right of it the same way. Unique lines thus anchor the diff, as in patience
# diff, but a region without unique lines still splits at rare ones. When every
# common line of a region occurs more than 64 times, Myers' algorithm does the region.
#
# Where git rebuilds a hash index of each region, we index a once: the sorted positions
# of each line, so a line's count in any region is two bisections. Runs are extended
# with slice comparisons (C speed), and after a run the scan of b skips past it.

def _histogram(ax, bx, changed_a, changed_b, offset) -> None:
    # occurrences: line -> its position in ax if unique, else the sorted list of them.
    # Built in C but for the loop over repeated lines.
    n = len(ax)
    occurrences: dict[bytes, int | list[int]]
    occurrences = dict(zip(reversed(ax), range(n - 1, -1, -1)))
    if (len(occurrences) * (_MAX_OCCURRENCES + 2) <= n
            and min(_counts(ax).values()) > _MAX_OCCURRENCES + 1):
        # Every line is too common to anchor anything (a cheap answer to what the first
        # _find_anchor would find after scanning all of bx).
        if occurrences.keys().isdisjoint(bx):
            changed_a[offset:offset + n] = b"\1" * n
            changed_b[offset:offset + len(bx)] = b"\1" * len(bx)
        else:
            _myers(ax, bx, changed_a, changed_b, offset, offset, [_myers_budget(n, len(bx))])
        return
    if len(occurrences) < n:
        first = map(occurrences.__getitem__, ax)
        repeats = list(compress(range(n), map(ne, first, range(n))))
        for i in repeats:
            v = ax[i]
            positions = occurrences[v]
            if type(positions) is int:
                occurrences[v] = [positions, i]
            else:
                positions.append(i)
    # Each kept anchor costs a scan of its region, so a diff made of many tiny anchors
    # (every other line changed, say) is quadratic: git's takes seconds there. Past a
    # budget of scanned lines, large regions are split at once at all their lines
    # unique on both sides (patience diff's anchors) instead, and regions without such
    # lines go to Myers. Ordinary diffs never reach the budget and match git's.
    budget = 4 * (len(ax) + len(bx)) + _SCAN_BUDGET
    myers_budget = [_myers_budget(len(ax), len(bx))]  # shared by all Myers calls
    stack = [(0, len(ax), 0, len(bx))]
    while stack:
        a_lo, a_hi, b_lo, b_hi = stack.pop()
        if a_lo == a_hi or b_lo == b_hi:
            changed_a[offset + a_lo:offset + a_hi] = b"\1" * (a_hi - a_lo)
            changed_b[offset + b_lo:offset + b_hi] = b"\1" * (b_hi - b_lo)
            continue
        if budget < 0 and a_hi - a_lo + b_hi - b_lo > 64:
            anchors = _unique_anchors(ax, bx, a_lo, a_hi, b_lo, b_hi, occurrences)
            if not anchors:
                _myers(ax[a_lo:a_hi], bx[b_lo:b_hi], changed_a, changed_b,
                       offset + a_lo, offset + b_lo, myers_budget)
                continue
            for i, j in reversed(anchors):
                stack.append((i + 1, a_hi, j + 1, b_hi))
                a_hi, b_hi = i, j
            stack.append((a_lo, a_hi, b_lo, b_hi))
            continue
        found, visits = _find_anchor(ax, bx, a_lo, a_hi, b_lo, b_hi, occurrences)
        budget -= visits
        if found is None:
            changed_a[offset + a_lo:offset + a_hi] = b"\1" * (a_hi - a_lo)
            changed_b[offset + b_lo:offset + b_hi] = b"\1" * (b_hi - b_lo)
        elif found is _TOO_COMMON:
            _myers(ax[a_lo:a_hi], bx[b_lo:b_hi], changed_a, changed_b,
                   offset + a_lo, offset + b_lo, myers_budget)
        else:
            s1, e1, s2, e2 = found
            stack.append((e1, a_hi, e2, b_hi))
            stack.append((a_lo, s1, b_lo, s2))


def _unique_anchors(ax, bx, a_lo, a_hi, b_lo, b_hi, occurrences) -> list[tuple[int, int]]:
    """Line pairs (i, j) unique on both sides of the region: the longest chain in order."""
    b_counts = _counts(bx[b_lo:b_hi])
    pairs = []
    for j in range(b_lo, b_hi):
        v = bx[j]
        if b_counts[v] != 1:
            continue
        positions = occurrences.get(v)
        if positions is None:
            continue
        if type(positions) is int:
            if a_lo <= positions < a_hi:
                pairs.append((positions, j))
        else:
            first = bisect_left(positions, a_lo)
            if first < len(positions) and positions[first] < a_hi and (
                    first + 1 == len(positions) or positions[first + 1] >= a_hi):
                pairs.append((positions[first], j))
    # Longest increasing subsequence of i (pairs come in j order), patience-style.
    tails: list[int] = []      # smallest last i of a chain of each length
    tail_pair: list[int] = []  # the pair ending that chain
    previous = [-1] * len(pairs)
    for k, (i, _j) in enumerate(pairs):
        t = bisect_left(tails, i)
        if t == len(tails):
            tails.append(i)
            tail_pair.append(k)
        else:
            tails[t] = i
            tail_pair[t] = k
        previous[k] = tail_pair[t - 1] if t else -1
    chain = []
    k = tail_pair[-1] if tail_pair else -1
    while k >= 0:
        chain.append(pairs[k])
        k = previous[k]
    chain.reverse()
    return chain


_TOO_COMMON = (-1, -1, -1, -1)


def _find_anchor(ax, bx, a_lo, a_hi, b_lo, b_hi, occurrences):
    """(The common run to keep: (s1, e1, s2, e2), None or _TOO_COMMON; lines scanned)."""
    best = None
    best_len = 0
    best_count = _MAX_OCCURRENCES + 1
    has_common = False
    get = occurrences.get
    spans: dict[bytes, tuple[int, int]] = {}  # line -> its index range in occurrences

    def span(v, positions):
        found = spans.get(v)
        if found is None:
            first = bisect_left(positions, a_lo)
            found = spans[v] = (first, bisect_left(positions, a_hi, first))
        return found

    def count_in_region(w):
        positions = occurrences[w]
        if type(positions) is int:
            return 1
        w_first, w_last = span(w, positions)
        return w_last - w_first

    visits = 0
    j = b_lo
    while j < b_hi:
        visits += 1
        j_next = j + 1
        v = bx[j]
        positions = get(v)
        if positions is None:
            j = j_next
            continue
        if type(positions) is int:
            if not a_lo <= positions < a_hi:
                j = j_next
                continue
            positions = (positions,)
            first, last = 0, 1
        else:
            first, last = span(v, positions)
        count = last - first
        if not count:
            j = j_next
            continue
        has_common = True
        if count > best_count:
            j = j_next
            continue
        k = first
        while k < last:
            i = positions[k]
            back = _run_backward(ax, bx, i, j, min(i - a_lo, j - b_lo))
            fwd = _run_forward(ax, bx, i + 1, j + 1, min(a_hi - i - 1, b_hi - j - 1))
            s1, e1, s2, e2 = i - back, i + 1 + fwd, j - back, j + 1 + fwd
            rarest = count
            if rarest > 1:
                for w in ax[s1:e1]:
                    c = count_in_region(w)
                    if c < rarest:
                        rarest = c
                        if c == 1:
                            break
            if j_next < e2:
                j_next = e2
            if best_len < e1 - s1 or rarest < best_count:
                best = (s1, e1, s2, e2)
                best_len = e1 - s1
                best_count = rarest
            # The next occurrence worth trying starts after this run.
            k = bisect_left(positions, e1, k + 1, last)
        j = j_next
    if has_common and best_count > _MAX_OCCURRENCES:
        return _TOO_COMMON, visits
    return best, visits


# Myers' O(ND) diff, linear-space form ("An O(ND) Difference Algorithm and Its
# Variations", 1986): search forward from the region's top-left corner and backward
# from its bottom-right corner, one edit at a time, until the two frontiers meet on a
# diagonal; that "middle snake" splits the region in two, done the same way (with an
# explicit stack). Before that, lines found on one side only are marked changed and
# dropped: they cannot match, and without this two unrelated files would cost N*M.
# Past about sqrt(N) edits a split settles for the furthest-reaching frontier point,
# as git does, so the worst case stays near N*sqrt(N) at the cost of minimality; a
# budget on the total work bounds even that.

def _myers_budget(n: int, m: int) -> int:
    # Two unrelated texts over a few distinct lines still cost about N*sqrt(N) steps:
    # past this many (about a second), what is left is reported as replaced.
    return 4 * (n + m) + 200_000


def _myers(x, y, changed_a, changed_b, a_at, b_at, budget: list[int]) -> None:
    """Mark the changed lines of x (at changed_a[a_at:]) against y (changed_b[b_at:]).

    budget[0] is the number of search steps left to the whole diff; this uses some.
    """
    in_x, in_y = set(x), set(y)
    size_x, size_y = len(x), len(y)
    keep_x = keep_y = None
    if not in_x <= in_y:
        keep_x = [i for i, v in enumerate(x) if v in in_y]
        x = [x[i] for i in keep_x]
    if not in_y <= in_x:
        keep_y = [j for j, v in enumerate(y) if v in in_x]
        y = [y[j] for j in keep_y]
    flags_x, flags_y = _myers_changes(x, y, budget)
    for flags, keep, changed, at, size in ((flags_x, keep_x, changed_a, a_at, size_x),
                                           (flags_y, keep_y, changed_b, b_at, size_y)):
        if keep is None:
            changed[at:at + size] = flags
        else:
            changed[at:at + size] = b"\1" * size
            for pos, flag in zip(keep, flags):
                if not flag:
                    changed[at + pos] = 0


def _myers_changes(x: list, y: list, budget: list[int],
                   max_cost: int = 0) -> tuple[bytearray, bytearray]:
    """Changed-line flags of x and y for a near-minimal diff (max_cost: tests only)."""
    flags_x, flags_y = bytearray(len(x)), bytearray(len(y))
    if not max_cost:
        max_cost = 256
        while max_cost * max_cost < len(x) + len(y):
            max_cost *= 2
    stack = [(0, len(x), 0, len(y))]
    while stack:
        lo1, hi1, lo2, hi2 = stack.pop()
        k = _run_forward(x, y, lo1, lo2, min(hi1 - lo1, hi2 - lo2))
        lo1 += k
        lo2 += k
        k = _run_backward(x, y, hi1, hi2, min(hi1 - lo1, hi2 - lo2))
        hi1 -= k
        hi2 -= k
        if lo1 == hi1 or lo2 == hi2 or budget[0] < 0:
            flags_x[lo1:hi1] = b"\1" * (hi1 - lo1)
            flags_y[lo2:hi2] = b"\1" * (hi2 - lo2)
            continue
        mid1, mid2, cost = _middle_snake(x, y, lo1, hi1, lo2, hi2, max_cost)
        budget[0] -= cost * cost
        stack.append((mid1, hi1, mid2, hi2))
        stack.append((lo1, mid1, lo2, mid2))
    return flags_x, flags_y


def _middle_snake(x, y, lo1, hi1, lo2, hi2, max_cost) -> tuple[int, int, int]:
    """A point (i, j) on a shortest (or, past max_cost, a good) edit path of the box,
    and the number of edit rounds it took."""
    # Diagonal d holds points with i - j == d; fwd[d] is the furthest i reached on it
    # going forward, bwd[d] the smallest i reached going backward.
    dmin, dmax = lo1 - hi2, hi1 - lo2
    fmid, bmid = lo1 - lo2, hi1 - hi2
    odd = (fmid - bmid) & 1
    base = 1 - dmin
    fwd = [-1] * (dmax - dmin + 3)
    bwd = [hi1 + 1] * (dmax - dmin + 3)
    fwd[fmid + base] = lo1
    bwd[bmid + base] = hi1
    fmin = fmax = fmid
    bmin = bmax = bmid
    cost = 0
    while True:
        cost += 1
        # Widen the band of diagonals by one, keeping it inside the box.
        if fmin > dmin:
            fmin -= 1
            fwd[fmin - 1 + base] = -1
        else:
            fmin += 1
        if fmax < dmax:
            fmax += 1
            fwd[fmax + 1 + base] = -1
        else:
            fmax -= 1
        for d in range(fmax, fmin - 1, -2):
            left, right = fwd[d - 1 + base], fwd[d + 1 + base]
            i = left + 1 if left >= right else right
            j = i - d
            if i < hi1 and j < hi2 and x[i] == y[j]:
                k = _run_forward(x, y, i, j, min(hi1 - i, hi2 - j))
                i += k
                j += k
            fwd[d + base] = i
            if odd and bmin <= d <= bmax and bwd[d + base] <= i:
                return i, j, cost

        if bmin > dmin:
            bmin -= 1
            bwd[bmin - 1 + base] = hi1 + 1
        else:
            bmin += 1
        if bmax < dmax:
            bmax += 1
            bwd[bmax + 1 + base] = hi1 + 1
        else:
            bmax -= 1
        for d in range(bmax, bmin - 1, -2):
            left, right = bwd[d - 1 + base], bwd[d + 1 + base]
            i = left if left < right else right - 1
            j = i - d
            if i > lo1 and j > lo2 and x[i - 1] == y[j - 1]:
                k = _run_backward(x, y, i, j, min(i - lo1, j - lo2))
                i -= k
                j -= k
            bwd[d + base] = i
            if not odd and fmin <= d <= fmax and i <= fwd[d + base]:
                return i, j, cost

        if cost >= max_cost:
            # Too expensive to be minimal: split at the frontier point furthest along.
            best_f = best_f1 = -1
            for d in range(fmax, fmin - 1, -2):
                i = min(fwd[d + base], hi1)
                j = i - d
                if j > hi2:
                    i, j = hi2 + d, hi2
                if i + j > best_f:
                    best_f, best_f1 = i + j, i
            best_b = best_b1 = hi1 + hi2 + 1
            for d in range(bmax, bmin - 1, -2):
                i = max(lo1, bwd[d + base])
                j = i - d
                if j < lo2:
                    i, j = lo2 + d, lo2
                if i + j < best_b:
                    best_b, best_b1 = i + j, i
            if (hi1 + hi2) - best_b < best_f - (lo1 + lo2):
                return best_f1, best_f - best_f1, cost
            return best_b1, best_b - best_b1, cost


# --------------------------------------------------------------------------- sliding

# A group of inserted (or deleted) lines whose first line equals the line after it can
# slide down by one, and up when its last line equals the line before it: the diff is
# as small either way, only the hunk boundaries differ. git slides each group as far as
# it goes (merging groups that touch), lines it up with a change on the other side if it
# can, and otherwise picks the position its indent heuristic scores best (or, without
# it, leaves the group at the lowest place it slid to). We follow the same rules (git's
# xdl_change_compact) so that hunks come out as git's. `changed` marks this side's
# changed lines; `other` the other side's, whose groups pair with ours in order (group
# k lies between the k-th and (k+1)-th unchanged lines on both sides).

def _compact(lines: list[bytes], changed: bytearray, other: bytearray,
             indent_heuristic: bool) -> None:
    n = len(changed)
    first = changed.find(1)
    if first < 0:
        return
    # Position on the group holding `first`; the k-th group on each side follows k
    # unchanged lines, and here k == first.
    g = _Group(changed, first, _end_of_run(changed, first))
    go = _Group(other, 0, 0)
    go.end = _end_of_run(other, 0)
    go.skip(first)

    while True:
        while True:
            size = g.end - g.start
            end_matching_other = -1
            while g.slide_up(lines):
                go.previous()
            earliest_end = g.end
            if go.end > go.start:
                end_matching_other = g.end
            while g.slide_down(lines):
                go.next()
                if go.end > go.start:
                    end_matching_other = g.end
            if size == g.end - g.start:
                break

        if g.end == earliest_end:
            pass  # it cannot move
        elif end_matching_other != -1:
            # Line it up with the last change on the other side it can reach.
            while go.end == go.start and g.slide_up(lines):
                go.previous()
        elif indent_heuristic:
            best_shift = _best_shift(lines, g.end, size, earliest_end)
            while g.end > best_shift and g.slide_up(lines):
                go.previous()

        # Jump to the next group with changed lines here, moving `go` as many groups on.
        if g.end == n:
            return
        following = changed.find(1, g.end)
        if following < 0:
            return
        steps = following - g.end
        g.start, g.end = following, _end_of_run(changed, following)
        go.skip(steps)


def _end_of_run(flags: bytearray, start: int) -> int:
    """First index at or after start whose flag is 0 (or len(flags))."""
    end = flags.find(0, start)
    return len(flags) if end < 0 else end


class _Group:
    """A (possibly empty) run of changed lines [start, end) in one side's flags."""

    __slots__ = ("flags", "start", "end")

    def __init__(self, flags: bytearray, start: int, end: int):
        self.flags, self.start, self.end = flags, start, end

    def next(self) -> None:
        self.start = self.end + 1
        self.end = _end_of_run(self.flags, self.start)

    def previous(self) -> None:
        self.end = self.start - 1
        self.start = self.flags.rfind(0, 0, self.end) + 1

    def skip(self, steps: int) -> None:
        """Move `steps` groups on, jumping over runs of unchanged lines at once."""
        if not steps:
            return
        flags = self.flags
        pos = self.end  # an unchanged line (or the end) that starts the next step
        while True:
            nxt = flags.find(1, pos)
            if nxt < 0:
                nxt = len(flags)
            if nxt - pos >= steps or nxt == len(flags):
                pos = min(pos + steps, len(flags))
                break
            steps -= nxt - pos
            pos = _end_of_run(flags, nxt)
        self.start = pos
        self.end = _end_of_run(flags, pos)

    def slide_down(self, lines: list[bytes]) -> bool:
        start, end, flags = self.start, self.end, self.flags
        if end < len(flags) and lines[start] == lines[end]:
            flags[start] = 0
            flags[end] = 1
            self.start = start + 1
            self.end = _end_of_run(flags, end + 1)
            return True
        return False

    def slide_up(self, lines: list[bytes]) -> bool:
        start, end, flags = self.start, self.end, self.flags
        if start > 0 and lines[start - 1] == lines[end - 1]:
            flags[start - 1] = 1
            flags[end - 1] = 0
            self.end = end - 1
            self.start = flags.rfind(0, 0, start - 1) + 1
            return True
        return False


# git's indent heuristic: among the positions a group can slide to, prefer splits next
# to blank lines and at lower indentation. The weights are git's (tuned by Michael
# Haggerty on a corpus of human-made diffs); scores only compare with each other.
_MAX_INDENT = 200
_MAX_BLANKS = 20
_MAX_SLIDING = 100
_START_OF_FILE_PENALTY = 1
_END_OF_FILE_PENALTY = 21
_TOTAL_BLANK_WEIGHT = -30
_POST_BLANK_WEIGHT = 6
_RELATIVE_INDENT_PENALTY = -4
_RELATIVE_INDENT_WITH_BLANK_PENALTY = 10
_RELATIVE_OUTDENT_PENALTY = 24
_RELATIVE_OUTDENT_WITH_BLANK_PENALTY = 17
_RELATIVE_DEDENT_PENALTY = 23
_RELATIVE_DEDENT_WITH_BLANK_PENALTY = 17
_INDENT_WEIGHT = 60
_GIT_SPACE = b" \t\n\r"  # git's isspace()


def _indent(line: bytes) -> int:
    """Columns of leading whitespace (tab stops of 8), or -1 for a blank line."""
    rest = line.lstrip(_GIT_SPACE)
    lead = line[:len(line) - len(rest)]
    if b"\t" not in lead:
        width = lead.count(b" ")
    else:
        width = 0
        for c in lead:
            if c == 32:
                width += 1
            elif c == 9:
                width += 8 - width % 8
            if width >= _MAX_INDENT:
                break
    if width >= _MAX_INDENT:
        return _MAX_INDENT
    return width if rest else -1


def _split_score(lines: list[bytes], split: int) -> tuple[int, int]:
    """(effective indent, penalty) of cutting `lines` just above line `split`."""
    n = len(lines)
    end_of_file = split >= n
    indent = -1 if end_of_file else _indent(lines[split])
    pre_blank, pre_indent = 0, -1
    for i in range(split - 1, -1, -1):
        pre_indent = _indent(lines[i])
        if pre_indent != -1:
            break
        pre_blank += 1
        if pre_blank == _MAX_BLANKS:
            pre_indent = 0
            break
    post_blank, post_indent = 0, -1
    for i in range(split + 1, n):
        post_indent = _indent(lines[i])
        if post_indent != -1:
            break
        post_blank += 1
        if post_blank == _MAX_BLANKS:
            post_indent = 0
            break

    penalty = 0
    if pre_indent == -1 and pre_blank == 0:
        penalty += _START_OF_FILE_PENALTY
    if end_of_file:
        penalty += _END_OF_FILE_PENALTY
    blank_after = 1 + post_blank if indent == -1 else 0
    total_blank = pre_blank + blank_after
    penalty += _TOTAL_BLANK_WEIGHT * total_blank + _POST_BLANK_WEIGHT * blank_after
    if indent == -1:
        indent = post_indent
    any_blanks = total_blank != 0
    if indent == -1 or pre_indent == -1:
        pass
    elif indent > pre_indent:
        penalty += (_RELATIVE_INDENT_WITH_BLANK_PENALTY if any_blanks
                    else _RELATIVE_INDENT_PENALTY)
    elif indent < pre_indent:
        if post_indent != -1 and post_indent > indent:
            penalty += (_RELATIVE_OUTDENT_WITH_BLANK_PENALTY if any_blanks
                        else _RELATIVE_OUTDENT_PENALTY)
        else:
            penalty += (_RELATIVE_DEDENT_WITH_BLANK_PENALTY if any_blanks
                        else _RELATIVE_DEDENT_PENALTY)
    return indent, penalty


def _best_shift(lines: list[bytes], end: int, size: int, earliest_end: int) -> int:
    """The end position, at most `end`, where a slid group of `size` lines scores best."""
    best_shift = -1
    best_indent = best_penalty = 0
    for shift in range(max(earliest_end, end - size - 1, end - _MAX_SLIDING), end + 1):
        indent1, penalty1 = _split_score(lines, shift)
        indent2, penalty2 = _split_score(lines, shift - size)
        indent, penalty = indent1 + indent2, penalty1 + penalty2
        if best_shift == -1 or (
                _INDENT_WEIGHT * ((indent > best_indent) - (indent < best_indent))
                + penalty - best_penalty <= 0):
            best_shift, best_indent, best_penalty = shift, indent, penalty
    return best_shift


def _regions(changed_a: bytearray, changed_b: bytearray) -> list[Region]:
    """Pair the groups of changed lines of both sides into regions."""
    n, m = len(changed_a), len(changed_b)
    regions = []
    i = j = 0
    while True:
        next_a = changed_a.find(1, i)
        next_b = changed_b.find(1, j)
        if next_a < 0:
            next_a = n
        if next_b < 0:
            next_b = m
        equal = min(next_a - i, next_b - j)
        i += equal
        j += equal
        if i == n and j == m:
            return regions
        end_a = _end_of_run(changed_a, i) if i < n else n
        end_b = _end_of_run(changed_b, j) if j < m else m
        regions.append((i, end_a, j, end_b))
        i, j = end_a, end_b
