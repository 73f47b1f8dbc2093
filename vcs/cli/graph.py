"""The lines of `vcs log --graph`: history drawn in ASCII, one column per line of work.

Modelled on git's graph.c (the same pictures, so a git user reads them at a glance):

    *   merge             `*` a commit; `|` a line going on down; `\\` a line branching
    |\\                    off to the right (a merge's further parents); `/` a line
    | * their side        moving left, joining another or closing a gap; `_` a line
    * | our side          crossing several columns at once; `*-.` an octopus merge
    |/
    * base

Commits come in the order log shows them (every commit before its parents). Each has
a column: the one a line of its children waits in, else a new one on the right.
`update` takes the next commit and its parents (as the log shows them: parents it
does not show are left out or replaced by their nearest shown ancestors, so lines
always end at a commit on screen), and works out the columns below it: its own
column now waits for its first parent, its further parents get columns to its right,
and a parent some other line already waits for joins that line instead. `mapping`
says, for each character position of the row (two per column), which column below
the line there is heading for. The rows a commit draws, in order:

    pre-commit   (octopus merges only) rows that widen the gap the merge needs
    commit       `*` in the commit's column, `|` (or `\\`, `/`) for the others
    post-merge   (merges) the edges to the further parents: `|\\`, `|\\ \\`, `/|`
    collapsing   lines move left half a column per row, as `/`, until every line
                 stands in its column; a line that must cross a gap moves at once, as `_`
    padding      `|` for every column, as long as the commit's text needs rows

The text of a commit goes beside its rows, starting on the commit row. Pure: no
repository, no output; `vcs.cli.render` prints the rows.
"""
from __future__ import annotations

PADDING, PRE_COMMIT, COMMIT, POST_MERGE, COLLAPSING = range(5)


class Graph:
    def __init__(self):
        self.columns: list = []      # what the lines above the current commit wait for
        self.below: list = []        # what they wait for below it
        self.mapping: list[int] = []     # for each character: the column below it heads for, -1: none
        self.old_mapping: list[int] = []  # the mapping before the last collapsing row
        self.commit = None
        self.parents: list = []
        self.index = self.prev_index = 0  # the commit's column (this one's and the last one's)
        self.width = 0               # characters every row of this commit is padded to
        self.layout = 0              # a merge: 0 if its first parent's column is to its left, else 1
        self.added = self.prev_added = 0  # columns the merge adds to its right (-1: none, it joins one)
        self.expansion = 0
        self.state = self.prev_state = PADDING

    @property
    def finished(self) -> bool:
        """Whether every row of the current commit has been drawn."""
        return self.state == PADDING

    def _go(self, state: int) -> None:
        self.prev_state, self.state = self.state, state

    # -- the columns ------------------------------------------------------------------

    def update(self, commit, parents) -> None:
        """The next commit and the parents the graph draws for it (call once its previous
        commit's rows are all drawn)."""
        self.commit, self.parents = commit, list(parents)
        self.prev_index = self.index
        self.columns, self.below = self.below, []
        self.mapping = [-1] * (2 * (len(self.columns) + len(self.parents)))
        self.width = 0
        self.prev_added, self.added = self.added, 0
        # The commit's own column, or a new one at the right when no line waits for it.
        here = self.columns.index(commit) if commit in self.columns else len(self.columns)
        for i, waits_for in enumerate(self.columns + ([] if here < len(self.columns) else [commit])):
            if i == here:
                self.index, self.layout = i, -1
                for parent in self.parents:
                    self._place(parent, i)
                if not self.parents:
                    self.width += 2
            else:
                self._place(waits_for, -1)
        while len(self.mapping) > 1 and self.mapping[-1] < 0:
            self.mapping.pop()
        self.expansion = 0
        self.state = PRE_COMMIT if self._widening() else COMMIT

    def _place(self, target, commit_column: int) -> None:
        """Give `target` its column below (a line already waiting for it is its column)
        and say where on the row the line heading there starts."""
        if target in self.below:
            to = self.below.index(target)
        else:
            to = len(self.below)
            self.below.append(target)
        if len(self.parents) > 1 and commit_column >= 0 and self.layout == -1:
            # A merge's first parent: if a line to the left waits for it already, the
            # merge leans left (`/|`) and adds one column fewer.
            distance = commit_column - to
            shift = 2 * distance - 3 if distance > 1 else 1
            self.layout = 0 if distance > 0 else 1
            self.added = len(self.parents) + self.layout - 2
            at = self.width + (self.layout - 1) * shift
            self.width += 2 * self.layout
        elif self.added > 0 and self.width >= 2 and to == self.mapping[self.width - 2]:
            # A merge's edge heading for the column the last edge went to: they join at
            # once (`|\|`) instead of running side by side.
            at = self.width - 2
            self.added = -1
        else:
            at = self.width
            self.width += 2
        self.mapping[at] = to

    def _dashes(self) -> int:
        """How many `--` an octopus merge's commit row draws: one pair a parent past the
        second (one fewer when it leans left)."""
        return len(self.parents) + self.layout - 3

    def _widening(self) -> bool:
        return (len(self.parents) >= 3 and self.index < len(self.columns) - 1
                and self.expansion < 2 * self._dashes())

    def _in_place(self) -> bool:
        """Whether every line stands in its column (one that is half a column to the right
        draws `/` and so arrives on the next row)."""
        return all(t < 0 or t == i // 2 for i, t in enumerate(self.mapping))

    # -- the rows -----------------------------------------------------------------------

    def next_line(self) -> tuple[str, bool]:
        """The next row of the current commit (padded to its width), and whether it is
        the commit's own row."""
        if self.commit is None:
            return "", False
        draw = {PADDING: self._padding_row, PRE_COMMIT: self._pre_commit_row, COMMIT: self._commit_row,
                POST_MERGE: self._post_merge_row, COLLAPSING: self._collapsing_row}[self.state]
        is_commit = self.state == COMMIT
        row = draw()
        return row.ljust(self.width), is_commit

    def padding_line(self) -> str:
        """A row for text between a commit's rows (a blank line, a diff): the next row if
        some are left, else the lines going straight down."""
        if self.state != COMMIT:
            return self.next_line()[0]
        row = []
        for col in self.columns:
            row.append("|" + " " * (2 * (len(self.parents) - 2) if col == self.commit and len(self.parents) > 2
                                    else 1))
        self.prev_state = PADDING
        return "".join(row).ljust(self.width)

    def _padding_row(self) -> str:
        return "| " * len(self.below)

    def _pre_commit_row(self) -> str:
        row, seen = [], False
        for i, col in enumerate(self.columns):
            if col == self.commit:
                seen = True
                row.append("|" + " " * self.expansion)
            elif seen and self.expansion == 0:
                row.append("\\" if self.prev_state == POST_MERGE and self.prev_index < i else "|")
            elif seen:
                row.append("\\")
            else:
                row.append("|")
            row.append(" ")
        self.expansion += 1
        if not self._widening():
            self._go(COMMIT)
        return "".join(row)

    def _old(self, i: int) -> int:
        return self.old_mapping[i] if i < len(self.old_mapping) else -1

    def _commit_row(self) -> str:
        row, seen = [], False
        for i, col in enumerate(self.columns + ([] if self.commit in self.columns else [self.commit])):
            if col == self.commit and not seen:
                seen = True
                row.append("*")
                dashes = self._dashes() if len(self.parents) > 2 else 0
                if dashes > 0:
                    row.append("-" * (2 * dashes - 1) + ".")
            elif seen and self.added > 1:
                row.append("\\")
            elif seen and self.added == 1:
                # Right after a merge's post-merge row, the line that was `\` there stays `\`.
                row.append("\\" if self.prev_state == POST_MERGE and self.prev_added > 0 and self.prev_index < i
                           else "|")
            elif (self.prev_state == COLLAPSING and self._old(2 * i + 1) == i
                  and (self.mapping[2 * i] if 2 * i < len(self.mapping) else -1) < i):
                row.append("/")
            else:
                row.append("|")
            row.append(" ")
        if len(self.parents) > 1:
            self._go(POST_MERGE)
        else:
            self._go(PADDING if self._in_place() else COLLAPSING)
        return "".join(row)

    def _post_merge_row(self) -> str:
        row, seen, first_seen = [], False, False
        for i, col in enumerate(self.columns + ([] if self.commit in self.columns else [self.commit])):
            if col == self.commit and not seen:
                seen = True
                kind = self.layout  # 0: `/`, 1: `|`, 2: `\`, the further parents all `\`
                for j in range(len(self.parents)):
                    row.append("/|\\"[kind])
                    if kind < 2:
                        kind += 1
                    elif self.added > 0 or j < len(self.parents) - 1:
                        row.append(" ")
                if self.added == 0:
                    row.append(" ")
            elif seen:
                row.append("\\ " if self.added > 0 else "| ")
            else:
                row.append("|")
                if self.layout != 0 or i != self.index - 1:
                    row.append("_" if first_seen else " ")
            if col == self.parents[0]:
                first_seen = True
        self._go(PADDING if self._in_place() else COLLAPSING)
        return "".join(row)

    def _collapsing_row(self) -> str:
        """Every line not in its column yet moves half a column left (`/`); the first that
        must cross a gap of several columns crosses it at once (`_`)."""
        old = self.mapping
        new = [-1] * len(old)
        crossing = crossing_to = -1
        for i, target in enumerate(old):
            if target < 0:
                continue
            if 2 * target == i:
                new[i] = target
            elif new[i - 1] < 0:
                new[i - 1] = target
                if crossing < 0:
                    crossing, crossing_to = i, target
                    for j in range(2 * target + 3, i - 2, 2):
                        new[j] = target
            elif new[i - 1] != target:
                # Another line is just to the left, heading elsewhere: step over it.
                new[i - 2] = target
                if crossing < 0:
                    crossing, crossing_to = i - 1, target
                    for j in range(2 * target + 3, i - 2, 2):
                        new[j] = target
            # else the line to the left heads for the same column: this one joins it
        self.old_mapping = list(new)
        if new and new[-1] < 0:
            new.pop()
        row, crossed = [], False
        for i, target in enumerate(new):
            if target < 0:
                row.append(" ")
            elif 2 * target == i:
                row.append("|")
            elif target == crossing_to and i != crossing - 1:
                if i != 2 * target + 3:
                    new[i] = -1  # only the crossing's first segment goes on to the next row
                crossed = True
                row.append("_")
            else:
                if crossed and i < crossing:
                    new[i] = -1
                row.append("/")
        self.mapping = new
        if self._in_place():
            self._go(PADDING)
        return "".join(row)
