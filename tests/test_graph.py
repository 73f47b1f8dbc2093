"""`log --graph`'s layout (vcs.cli.graph): expected pictures for the shapes of history
people meet, and git's own `log --graph` on random histories (forks, merges, octopus
merges, several roots), character for character."""
from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from vcs.cli.graph import Graph


def rows(history: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """The rows for commits in log order, each commit's row followed by its name."""
    g, out = Graph(), []
    for name, parents in history:
        g.update(name, parents)
        row, is_commit = g.next_line()
        while not is_commit:
            out.append(row)
            row, is_commit = g.next_line()
        out.append(row + name)
        while not g.finished:
            out.append(g.next_line()[0])
    return out


def draw(history: list[tuple[str, tuple[str, ...]]]) -> str:
    return "\n".join(r.rstrip() for r in rows(history)) + "\n"


SHAPES = {
    "a line": ([("c", ("b",)), ("b", ("a",)), ("a", ())], """\
* c
* b
* a
"""),
    "a merge": ([("m", ("a", "b")), ("b", ("base",)), ("a", ("base",)), ("base", ())], """\
*   m
|\\
| * b
* | a
|/
* base
"""),
    "two heads (a fork)": ([("x", ("base",)), ("y", ("base",)), ("base", ())], """\
* x
| * y
|/
* base
"""),
    "two merges, one of main into the branch": (
        [("m2", ("m1", "t2")), ("t2", ("t1",)), ("t1", ("tb", "m1")), ("m1", ("base",)), ("tb", ("base",)),
         ("base", ())], """\
*   m2
|\\
| * t2
| *   t1
| |\\
| |/
|/|
* | m1
| * tb
|/
* base
"""),
    "an octopus": ([("o", ("a", "b", "c")), ("c", ("base",)), ("b", ("base",)), ("a", ("base",)), ("base", ())], """\
*-.   o
|\\ \\
| | * c
| * | b
| |/
* / a
|/
* base
"""),
    "a criss-cross": ([("m", ("x", "y")), ("y", ("a", "b")), ("x", ("b", "a")), ("a", ("r",)), ("b", ("r",)),
                       ("r", ())], """\
*   m
|\\
| *   y
| |\\
* | | x
|\\| |
| |/
|/|
| * a
* | b
|/
* r
"""),
    "two roots": ([("b", ("a",)), ("a", ()), ("y", ("x",)), ("x", ())], """\
* b
* a
* y
* x
"""),
}


@pytest.mark.parametrize("name", SHAPES)
def test_shapes(name):
    history, picture = SHAPES[name]
    assert draw(history) == picture


def test_the_text_of_a_commit_goes_beside_its_rows():
    """A multi-line entry (log without --oneline): the first line on the commit's row,
    the others on the rows after it, then padding rows as long as it needs."""
    g = Graph()
    out = []
    for name, parents in [("m", ("a", "b")), ("b", ("a",)), ("a", ())]:
        g.update(name, parents)
        if out:
            out.append(g.padding_line())  # the blank line between entries
        row, _ = g.next_line()
        out.append(row + f"commit {name}")
        for line in ("Author: A", "", f"    {name}"):
            out.append(g.next_line()[0] + line)
        while not g.finished:
            out.append(g.next_line()[0])
    assert "\n".join(out) == (  # as git's `log --graph` draws it
        "*   commit m\n"
        "|\\  Author: A\n"
        "| | \n"
        "| |     m\n"
        "| | \n"
        "| * commit b\n"
        "|/  Author: A\n"
        "|   \n"
        "|       b\n"
        "| \n"
        "* commit a\n"
        "  Author: A\n"
        "  \n"
        "      a")


# -- against git ---------------------------------------------------------------------------

def random_history(rnd: random.Random) -> list[tuple[int, ...]]:
    """Each commit's parents among the few before it: mostly one, often two, now and then
    three or four, a new root now and then."""
    shape = [()]
    for i in range(1, rnd.randint(3, 25)):
        k = rnd.choices([1, 2, 3, 4], [6, 3, 1, 0.5])[0]
        among = range(max(0, i - rnd.randint(1, 8)), i)
        ps = tuple(rnd.sample(among, min(k, len(among))))
        shape.append(() if rnd.random() < 0.05 else ps)
    return shape


def git_graph(root, shape: list[tuple[int, ...]]) -> tuple[str, list[tuple[str, tuple[str, ...]]]]:
    """git's `log --graph --all` of that history (made with fast-import, one commit a
    minute), and its commits in git's order with their parents."""
    subprocess.run(["git", "init", "-q", "--bare", str(root)], check=True)
    stream = []
    for n, parents in enumerate(shape):
        stream.append(f"commit refs/heads/h{n}\nmark :{n + 1}\ncommitter C <c@example.com> {1_700_000_000 + 60 * n} "
                      f"+0000\ndata {len(f'c{n}')}\nc{n}\n")
        if not parents:
            stream[-1] = f"reset refs/heads/h{n}\n" + stream[-1]
        for word, p in zip(["from"] + ["merge"] * len(parents), parents):
            stream.append(f"{word} :{p + 1}\n")
        stream.append("\n")
    has_child = {p for ps in shape for p in ps}
    stream += [f"reset refs/heads/h{n}\nfrom :{n + 1}\n\n" for n in range(len(shape)) if n in has_child]
    stream += [f"reset refs/heads/h{n}\n\n" for n in range(len(shape)) if n in has_child]  # not a branch tip
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input="".join(stream).encode(), check=True)

    def git(*args) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout
    picture = git("log", "--graph", "--all", "--format=%s")
    order = [line.split() for line in git("log", "--all", "--topo-order", "--format=%s %P").splitlines()]
    name = {sha.strip(): s for s, sha in (line.split() for line in git("log", "--all", "--format=%s %H").splitlines())}
    return picture, [(words[0], tuple(name[p] for p in words[1:])) for words in order]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_random_histories_look_as_in_git(tmp_path):
    rnd = random.Random(11)
    for n in range(40):
        picture, history = git_graph(tmp_path / f"g{n}", random_history(rnd))
        assert "\n".join(rows(history)) + "\n" == picture, n  # exact: trailing spaces and all
