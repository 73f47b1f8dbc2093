"""Annotate: the line origins kept with the history name, for every line, the revision
that wrote it (git blame's rule through merges, and --first-parent), read without a
walk; a repository without them builds them; verify rebuilds and compares; a kill at
every step of that build leaves the repository sound."""
from __future__ import annotations

import json
import os
import signal

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.test_faults import run, trace
from vcs.repo import origins as originsmod
from vcs.repo.commits import commit_tree
from vcs.repo.repository import Repository
from vcs.repo.verify import verify


def _commit(repo, parents, files, message="m"):
    with repo.lock(), repo.transaction("commit") as tx:
        rev, cid, _, _ = commit_tree(repo, parents, files, author="A <a@example.com>", date=1_700_000_000 + len(repo),
                                     tz=0, message=message)
        tx.view.committed(cid, [repo.commit_info(p).id for p in parents])
    return rev


def _edit(draw, lines: list[bytes], tag: bytes) -> list[bytes]:
    """Insertions and deletions only (no line moves), each new line unique: the revision
    that wrote a line is then a fact, whatever diff finds it."""
    out = list(lines)
    for k in range(draw(st.integers(0, 4))):
        if out and draw(st.booleans()):
            at = draw(st.integers(0, len(out) - 1))
            del out[at:at + draw(st.integers(1, 3))]
        else:
            at = draw(st.integers(0, len(out)))
            out[at:at] = [b"%s.%d.%d\n" % (tag, k, i) for i in range(draw(st.integers(1, 3)))]
    return out


def _writer(line: bytes) -> int:
    return int(line.split(b".")[0][1:])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_histories_name_the_revision_that_wrote_each_line(data):
    draw = data.draw
    repo = Repository.memory()
    contents: list[dict[bytes, list[bytes]]] = []  # per revision: path -> lines
    parents_of: list[tuple[int, ...]] = []
    for r in range(draw(st.integers(1, 9))):
        tag = b"r%d" % r
        if r >= 2 and draw(st.integers(0, 3)) == 0:
            p1, p2 = sorted(draw(st.lists(st.integers(0, r - 1), min_size=2, max_size=2, unique=True)))
            if draw(st.booleans()):
                p1, p2 = p2, p1
            parents = (p1, p2)
            side = contents[draw(st.sampled_from(parents))]
            files = {p: _edit(draw, side[p], tag) if draw(st.booleans()) else list(side[p]) for p in side}
            for p in contents[p1]:
                files.setdefault(p, None)
        else:
            parents = (draw(st.integers(0, r - 1)),) if r else ()
            base = contents[parents[0]] if parents else {}
            files = {p: _edit(draw, base.get(p, []), tag) for p in (b"a", b"b")
                     if draw(st.booleans()) or not base}
            if base and draw(st.integers(0, 5)) == 0:
                files[draw(st.sampled_from(sorted(base)))] = None
        rev = _commit(repo, parents, {p: None if v is None else ("f", b"".join(v)) for p, v in files.items()})
        if rev != len(contents):  # the same commit again: not appended
            continue
        tree = dict(contents[parents[0]]) if parents else {}
        for p, v in files.items():
            if v is None:
                tree.pop(p, None)
            else:
                tree[p] = v
        contents.append(tree)
        parents_of.append(parents)
    fresh = originsmod.in_memory(repo)
    for rev, tree in enumerate(contents):
        for path, lines in tree.items():
            got = originsmod.origins_at(repo, rev, path)
            assert got[0] == lines
            assert got[1] == [_writer(x) for x in lines], (rev, path)
            assert originsmod.origins_at(repo, rev, path, origins=fresh) == got
            assert originsmod.origins_at(repo, rev, path, origins="walk") == got
            first = originsmod.origins_at(repo, rev, path, first_parent=True)[1]
            assert first == [_first_parent_writer(contents, parents_of, rev, path, x) for x in lines]
            assert originsmod.origins_at(repo, rev, path, True, "walk")[1] == first
    assert verify(repo).ok


def _first_parent_writer(contents, parents_of, rev, path, line) -> int:
    """The oldest revision down the first-parent line from which the line is there throughout."""
    while parents_of[rev] and line in contents[parents_of[rev][0]].get(path, ()):
        rev = parents_of[rev][0]
    return rev


def test_a_merge_takes_each_line_from_the_parent_it_came_from():
    repo = Repository.memory()
    base = _commit(repo, (), {b"f": ("f", b"a\nb\nc\n")})
    ours = _commit(repo, (base,), {b"f": ("f", b"a\nours\nb\nc\n")})
    theirs = _commit(repo, (base,), {b"f": ("f", b"a\nb\nc\ntheirs\n")})
    merge = _commit(repo, (ours, theirs), {b"f": ("f", b"a\nours\nb\nc\ntheirs\nmerge\n")})
    assert originsmod.origins_at(repo, merge, b"f")[1] == [base, ours, base, base, theirs, merge]
    assert originsmod.origins_at(repo, merge, b"f", True)[1] == [base, ours, base, base, merge, merge]
    # a merge that takes theirs whole takes their origins whole, as git blame does
    took = _commit(repo, (ours, theirs), {b"f": ("f", b"a\nb\nc\ntheirs\n")}, "took theirs")
    assert originsmod.origins_at(repo, took, b"f")[1] == [base, base, base, theirs]
    assert originsmod.origins_at(repo, took, b"f", True)[1] == [base, base, base, took]


def test_the_author_read_from_a_record_s_first_lines_is_the_parsed_one():
    from vcs.model.objects import parse_author
    repo = Repository.memory()
    base = _commit(repo, (), {b"f": ("f", b"a\n")})
    ours = _commit(repo, (base,), {b"f": ("f", b"b\n"), b"g": ("f", b"author x\n")})
    with repo.lock(), repo.transaction("commit") as tx:
        theirs, cid, _, _ = commit_tree(repo, (base,), {b"h": ("f", b"h\n")}, author="Zo\u00eb <z@x>", date=-5,
                                        tz=-330, message="author me\ndate 1 +0000\n", committer=("C <c@x>", 7, 60))
        tx.view.committed(cid, [repo.commit_info(base).id])
    merge = _commit(repo, (ours, theirs), {b"h": ("f", b"h\n")})
    for rev in (base, ours, theirs, merge):
        c = repo.read_commit(rev)
        assert repo.read_author(rev) == (c.author, c.date, c.tz)
    assert repo.read_author(theirs) == ("Zo\u00eb <z@x>", -5, -330)
    # a record it cannot read plainly is parsed whole, and that says what is wrong
    import pytest
    from vcs.errors import CorruptError
    with pytest.raises(CorruptError):
        parse_author(b"tree x\nauthor a\n\n")


def test_long_histories_cut_their_chains():
    repo = Repository.memory()
    text = [b"line %d\n" % i for i in range(50)]
    rev = _commit(repo, (), {b"f": ("f", b"".join(text))})
    for i in range(120):
        text[i % 50] = b"edit %d\n" % i
        rev = _commit(repo, (rev,), {b"f": ("f", b"".join(text))})
    log = repo.origins.log
    assert max(log.info(n).depth for n in range(len(log))) <= 50
    assert any(log.info(n).depth == 0 for n in range(1, len(log)))
    want = [int(t.split()[1]) + 1 if t.startswith(b"edit") else 0 for t in text]
    assert originsmod.origins_at(Repository(repo.root, store=repo.store), rev, b"f")[1] == want


# -- the command -----------------------------------------------------------------------

def _history(repo):
    repo.write("f.txt", "one\ntwo\nthree\n")
    repo.vcs("commit", "-A", "-m", "first")
    repo.write("f.txt", "one\n  two\nthree\nfour\n")
    repo.vcs("commit", "-A", "-m", "second")


def test_annotate_and_blame(repo):
    _history(repo)
    out = repo.vcs("annotate", "f.txt").text.splitlines()
    assert [line.split()[0] for line in out] == ["0", "1", "0", "1"]
    assert out[1].endswith(") " + "  two") and "Test Author" in out[1] and out[3].startswith("1 ")
    assert repo.vcs("blame", "f.txt").text.splitlines() == out
    assert [line.split()[0] for line in repo.vcs("annotate", "-r", "0", "f.txt").text.splitlines()] == ["0"] * 3
    assert [line.split()[0] for line in repo.vcs("annotate", "-w", "f.txt").text.splitlines()] == ["0", "0", "0", "1"]
    rows = [json.loads(x) for x in repo.vcs("annotate", "--json", "-L", "2,3", "f.txt").text.splitlines()]
    assert [(r["line"], r["revision"], r["text"]) for r in rows] == [(2, 1, "  two\n"), (3, 0, "three\n")]
    assert rows[0]["author"] == "Test Author <test@example.com>" and len(rows[0]["id"]) == 32
    assert [json.loads(x)["line"] for x in repo.vcs("annotate", "--json", "-L", "3,+5", "f.txt").text.splitlines()] == [3, 4]
    r = repo.vcs("annotate", "nope.txt", ok=2)
    assert "nope.txt is not a file in revision 1" in r.err
    assert "START,END" in repo.vcs("annotate", "-L", "x", "f.txt", ok=2).err
    assert "only 4 lines" in repo.vcs("annotate", "-L", "9,10", "f.txt", ok=2).err
    assert repo.run("annotate", "-L", "1,1", "f.txt").text == repo.vcs("annotate", "-L", "1,1", "f.txt").text


def _forget_origins(root) -> None:
    """Make the repository as an older vcs left it: no line origins at all."""
    state = root / ".vcs" / "state"
    r = Repository(os.fsencode(root))
    with r.lock():
        from vcs.repo.state import State
        old = r.state
        body = old.serialize()
        (root / ".vcs" / "store" / "origins.idx").unlink()
        (root / ".vcs" / "store" / "origins.dat").unlink()
        from vcs.storage.log import seal, unseal
        text = unseal(body, str(state))
        text = b"\n".join(x for x in text.split(b"\n") if not x.startswith(b"log origins "))
        state.write_bytes(seal(text))
        assert State.parse(state.read_bytes(), str(state)).logs["origins"] == (0, 0)


def test_a_repository_without_origins_builds_them(repo):
    _history(repo)
    want = repo.vcs("annotate", "f.txt").text
    _forget_origins(repo.root)
    assert repo.vcs("verify").code == 0
    repo.write("g.txt", "g\n")
    repo.vcs("commit", "-A", "-m", "third")  # made while they are missing: not written
    assert len(Repository(os.fsencode(repo.root)).origins) == 0
    assert repo.vcs("annotate", "f.txt").text == want
    r = Repository(os.fsencode(repo.root))
    assert len(r.origins) == len(r.filelog) and originsmod.complete(r)
    assert repo.vcs("verify").code == 0
    assert repo.vcs("annotate", "g.txt").text.split()[0] == "2"
    _forget_origins(repo.root)  # `vcs upgrade` builds them too
    assert "built the line origins of 3 file versions" in repo.vcs("upgrade").text
    assert "nothing to do" in repo.vcs("upgrade").text
    assert repo.vcs("annotate", "f.txt").text == want


def test_a_read_only_repository_annotates_in_memory(repo):
    _history(repo)
    want = repo.vcs("annotate", "f.txt").text
    _forget_origins(repo.root)
    if os.geteuid() == 0:
        return  # root writes anyway; the build in memory is the random-history test's
    os.chmod(repo.root / ".vcs", 0o555)
    try:
        assert repo.vcs("annotate", "f.txt").text == want
    finally:
        os.chmod(repo.root / ".vcs", 0o755)


def test_kill_at_every_step_of_building_the_origins(tmp_path):
    root, probe = tmp_path / "w", tmp_path / "probe"
    for r in (root, probe):
        r.mkdir()
        assert run(r, "init").returncode == 0
        for i in range(3):
            (r / "f.txt").write_text("".join(f"line {j} {i if j % 3 == i else ''}\n" for j in range(30)))
            assert run(r, "commit", "-A", "-m", f"c{i}").returncode == 0
        _forget_origins(r)
    def who(r):
        return [(x["line"], x["revision"], x["text"]) for x in map(json.loads, r.stdout.splitlines())]

    want = who(run(probe, "annotate", "--json", "f.txt"))
    assert {x[1] for x in want} == {1, 2}
    _forget_origins(probe)
    steps = [x.split(" ", 1)[1] for x in trace(probe, tmp_path, "annotate", "f.txt") if x.startswith("step ")]
    assert any(s.startswith("origins") for s in steps), steps
    for step in steps:
        r = run(root, "annotate", "f.txt", env={"VCS_CRASH_AT": step})
        assert r.returncode in (-signal.SIGKILL, 0), (step, r.stderr)
        v = run(root, "verify")
        assert v.returncode == 0, (step, v.stdout, v.stderr)
        assert who(run(root, "annotate", "--json", "f.txt")) == want, step
        _forget_origins(root)


def test_a_forged_count_is_refused_not_allocated():
    from array import array

    import pytest

    from vcs.storage import origins as records
    with pytest.raises(ValueError, match="more lines"):
        records.decode_whole(array("I", [0, 0xFFFFFFF0, 5, 0, 0xFFFFFFFF]).tobytes(), 10)
    with pytest.raises(ValueError, match="more lines"):
        records.apply_delta(array("I", [1, 0, 0, 0xFFFFFFF0, 5, 0]).tobytes(), ([1, 2], [1, 2]), 3, 10)
    assert records.decode_whole(records.encode_whole([4, 4, 7], [4, 4, 9]), 3) == ([4, 4, 7], [4, 4, 9])


def test_line_range_past_the_end_or_reversed():
    """-L 9 on a 4-line file names its length (not "END before START"); -L 3,2 is lines 2
    to 3, as git blame swaps a reversed range."""
    import pytest
    from vcs.errors import UsageError
    from vcs.porcelain.annotate import parse_range
    with pytest.raises(UsageError, match="only 4 lines"):
        parse_range("9", 4)
    with pytest.raises(UsageError, match="only 4 lines"):
        parse_range("9,", 4)
    assert parse_range("3,2", 4) == (1, 3)
    assert parse_range("4,1", 4) == (0, 4)
    with pytest.raises(UsageError, match="counted from 1"):
        parse_range("0,2", 4)
    with pytest.raises(UsageError, match="counted from 1"):
        parse_range("2,+0", 4)


def test_damaged_origins_are_built_anew_not_refused(repo):
    """A flipped bit in any byte of the kept origins (records or index), or their data cut
    short: annotate warns and answers right from origins built in memory. They are derived
    data; refusing left annotate of the file broken for good, as verify repairs nothing."""
    _history(repo)
    store = repo.root / ".vcs" / "store"
    want = {f: repo.vcs("annotate", f).text for f in ("f.txt",)}
    want_old = repo.vcs("annotate", "-r", "0", "f.txt").text
    for name in ("origins.dat", "origins.idx"):
        good = (store / name).read_bytes()
        for i in range(0, len(good), max(1, len(good) // 24)):
            bad = bytearray(good)
            bad[i] ^= 0x10
            (store / name).write_bytes(bytes(bad))
            r = repo.vcs("annotate", "f.txt")
            assert r.text == want["f.txt"], (name, i, r.err)
            assert repo.vcs("annotate", "-r", "0", "f.txt").text == want_old
        (store / name).write_bytes(good)
    good = (store / "origins.dat").read_bytes()
    (store / "origins.dat").write_bytes(good[:-5])
    r = repo.vcs("annotate", "f.txt")
    assert r.text == want["f.txt"] and "built anew in memory" in r.err
    assert repo.vcs("verify", ok=4).code == 4
