"""A tool people enjoy: colour, pager, JSON, ignore rules, config, aliases, completion,
help, did-you-mean, replay. Run as a user runs vcs: through click and as a process."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time

import pytest

from conftest import Repo


def history(repo, n=3):
    for i in range(n):
        repo.write("a.txt", "".join(f"line {j} {i if j == i else ''}\n" for j in range(30)))
        repo.write("b.bin", bytes([i]) * 10 + b"\0")
        repo.vcs("commit", "-A", "-m", f"commit {i}\n\nbody {i}")
    repo.vcs("tag", "v1", "1")


def in_pty(root, *args, env=None, unset=(), interact=None) -> tuple[int, bytes]:
    """Run vcs with a terminal as stdout (what a user at a terminal sees); `interact(fd)`
    may type at it first, returning what it read meanwhile."""
    environ = {k: v for k, v in {**os.environ, **(env or {})}.items() if k not in unset}
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(root)
        os.execve(sys.executable, [sys.executable, "-P", "-m", "vcs", *args], environ)
    out = interact(fd) if interact else b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out


def _plain(shown: bytes) -> bytes:
    """Terminal output without its escape sequences (colours, cursor moves)."""
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", shown)


# -- colour --------------------------------------------------------------------------

def test_colour_on_a_terminal_and_never_in_a_pipe(repo, monkeypatch):
    history(repo)
    monkeypatch.delenv("NO_COLOR", raising=False)
    piped = repo.run("diff", "0", "1").out
    assert b"\x1b[" not in piped
    code, shown = in_pty(repo.root, "--no-pager", "diff", "0", "1", env={"TERM": "xterm"})
    assert code == 0 and b"\x1b[32m+" in shown


@pytest.mark.parametrize("flag, config, env, coloured", [
    ("always", None, {}, True), ("never", "always", {"FORCE_COLOR": "1"}, False),
    (None, "always", {"NO_COLOR": "1"}, True), (None, "never", {"FORCE_COLOR": "1"}, False),
    (None, None, {"FORCE_COLOR": "1"}, True), (None, None, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    (None, "auto", {"FORCE_COLOR": "1"}, True), ("auto", None, {}, False),
])
def test_colour_precedence_flag_config_environment(repo, monkeypatch, flag, config, env, coloured):
    history(repo)
    monkeypatch.delenv("NO_COLOR", raising=False)
    if config:
        repo.vcs("config", "set", "ui.color", config)
    args = ([f"--color={flag}"] if flag else []) + ["diff", "0", "1"]
    out = repo.run(*args, env=env).out
    assert (b"\x1b[" in out) == coloured


def test_term_dumb_turns_colour_off(repo, monkeypatch):
    history(repo)
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, shown = in_pty(repo.root, "--no-pager", "diff", "0", "1", env={"TERM": "dumb"})
    assert code == 0 and b"\x1b[3" not in shown


# -- pager ---------------------------------------------------------------------------

def test_pager_on_a_terminal_only(repo, tmp_path):
    history(repo)
    capture = tmp_path / "paged.txt"
    pager = tmp_path / "pager.sh"
    pager.write_text(f'#!/bin/sh\necho "LESS=$LESS" > {capture}\ncat >> {capture}\n')
    pager.chmod(0o755)
    code, shown = in_pty(repo.root, "log", env={"VCS_PAGER": str(pager)}, unset=("LESS",))
    assert code == 0 and capture.exists()
    paged = capture.read_text()
    assert "commit 2" in paged and "commit 2" not in shown.decode(errors="replace")
    assert "LESS=FRX" in paged  # set only when LESS is unset
    capture.unlink()
    in_pty(repo.root, "log", env={"VCS_PAGER": str(pager), "LESS": "-S"})
    assert "LESS=-S" in capture.read_text()
    capture.unlink()
    code, shown = in_pty(repo.root, "--no-pager", "log", env={"VCS_PAGER": str(pager)})
    assert not capture.exists() and b"commit 2" in shown
    assert repo.run("log", env={"VCS_PAGER": str(pager)}).out.count(b"revision") == 3  # a pipe: no pager
    assert not capture.exists()


def test_pager_order_config_then_pager_env(repo, tmp_path):
    history(repo)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    repo.vcs("config", "set", "ui.pager", f"cat > {first}")
    in_pty(repo.root, "log", env={"PAGER": f"cat > {second}"}, unset=("VCS_PAGER",))
    assert first.exists() and not second.exists()


@pytest.mark.parametrize("args", [("log", "-p"), ("show",), ("diff", "0")])
def test_closed_pager_ends_quietly(repo, args):
    for i in range(3):  # each diff far more than a pipe holds
        repo.write("f.txt", "".join(f"{i} line {j}\n" for j in range(8000)))
        repo.vcs("commit", "-A", "-m", f"{i}")
    code, shown = in_pty(repo.root, *args, env={"VCS_PAGER": "head -c 100"})
    assert code == 0, shown
    assert b"Traceback" not in shown and b"Broken pipe" not in shown


def _interrupt_in_pager(root, tmp_path, args, pager_reads: str) -> tuple[int, bytes]:
    """Run vcs in a pty through a pager that, like less, ignores Ctrl-C; press Ctrl-C
    once the pager has read (`pager_reads`: a shell command), wait, then quit the pager."""
    ready, quit_ = tmp_path / "ready", tmp_path / "quit"
    pager = tmp_path / "pager.sh"
    pager.write_text(f"#!/bin/sh\ntrap '' INT\n{pager_reads}\ntouch {ready}\n"
                     f"while [ ! -e {quit_} ]; do sleep 0.02; done\n")
    pager.chmod(0o755)

    def press_ctrl_c(fd) -> bytes:
        deadline = time.monotonic() + 20
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.write(fd, b"\x03")
        out = b""
        # vcs answers Ctrl-C at once: give a wrong message time to show while the pager runs
        while select.select([fd], [], [], 0.5)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
        quit_.touch()
        return out

    return in_pty(root, *args, env={"VCS_PAGER": str(pager)}, interact=press_ctrl_c)


@pytest.mark.parametrize("args", [("log", "-p"), ("show",)])
@pytest.mark.parametrize("pager_reads", ["head -c 1000 > /dev/null", "cat > /dev/null"],
                         ids=["while-writing", "after-writing"])
def test_ctrl_c_in_the_pager_writes_nothing_into_it_and_exits_130(repo, tmp_path, args, pager_reads):
    """Ctrl-C reaches vcs and the pager alike. Whether vcs was still writing (the pager
    stopped reading) or only waiting for the pager to be quit, it writes nothing to the
    terminal the pager draws on, waits for the pager, and exits 130, as git does."""
    for i in range(3):
        repo.write("f.txt", "".join(f"{i} line {j}\n" for j in range(8000)))
        repo.vcs("commit", "-A", "-m", f"{i}")
    code, shown = _interrupt_in_pager(repo.root, tmp_path, args, pager_reads)
    assert code == 130, shown
    assert b"interrupted" not in shown and b"Traceback" not in shown and b"Error" not in shown, shown


# -- JSON ----------------------------------------------------------------------------

def test_json_outputs_parse_and_follow_the_schema(repo):
    history(repo)
    repo.write("a.txt", "changed\n")
    repo.write("new.txt", "n\n")
    status = [json.loads(line) for line in repo.vcs("status", "--json").text.splitlines()]
    assert {"path": "a.txt", "status": "modified"} in status and {"path": "new.txt", "status": "untracked"} in status
    log = [json.loads(line) for line in repo.vcs("log", "--json").text.splitlines()]
    assert [e["rev"] for e in log] == [2, 1, 0]
    first = log[-1]
    assert set(first) >= {"rev", "id", "parent", "author", "date", "tz", "message", "tags", "head", "files",
                          "chain_starts"}
    assert first["parent"] is None and log[0]["head"] and log[1]["tags"] == ["v1"]
    assert {f["path"] for f in first["files"]} == {"a.txt", "b.bin"} and first["chain_starts"]
    show = json.loads(repo.vcs("show", "1", "--json").text)
    files = {f["path"]: f for f in show["files"]}
    assert files["a.txt"]["status"] == "modified" and files["a.txt"]["added"] == files["a.txt"]["removed"] == 2
    assert files["b.bin"]["binary"] is True
    assert [json.loads(line) for line in repo.vcs("tags", "--json").text.splitlines()] == \
        [{"name": "v1", "rev": 1, "id": log[1]["id"]}]
    stat = [json.loads(line) for line in repo.vcs("diff", "--json").text.splitlines()]
    assert stat == [{"path": "a.txt", "status": "modified", "added": 1, "removed": 30, "binary": False,
                     "old_mode": "100644", "new_mode": "100644"}]
    stats = json.loads(repo.vcs("stats", "--json").text)
    assert stats["totals"]["versions"] >= 4


# -- ignore rules --------------------------------------------------------------------

def test_vcsignore(repo):
    repo.write(".vcsignore", "*.log\nbuild/\n!keep.log\n/top-only.txt\n")
    repo.write("src/app.py", "print()\n")
    repo.write("debug.log", "x\n")
    repo.write("keep.log", "kept\n")
    repo.write("build/out.o", "o\n")
    repo.write("top-only.txt", "t\n")
    repo.write("sub/top-only.txt", "s\n")
    assert repo.vcs("status").text.splitlines() == [
        "? .vcsignore", "? keep.log", "? src/", "? sub/"]
    ignored = repo.vcs("status", "--ignored").text.splitlines()
    assert "I debug.log" in ignored and "I build/" in ignored and "I top-only.txt" in ignored
    repo.vcs("commit", "-A", "-m", "honours .vcsignore")
    assert set(repo.vcs("show", "--json").text and json.loads(repo.vcs("show", "--json").text)["files"][i]["path"]
               for i in range(4)) == {".vcsignore", "keep.log", "src/app.py", "sub/top-only.txt"}
    repo.vcs("add", "debug.log")  # named explicitly: added anyway
    assert repo.vcs("status").text == "A debug.log\n"
    # the translation is cached: later commands do not import pathspec
    p = subprocess.run([sys.executable, "-P", "-c", "import sys; sys.argv=['vcs','status']\nfrom vcs.cli import main\n"
                        "try:\n main()\nexcept SystemExit:\n pass\nprint('pathspec' in sys.modules, file=sys.stderr)"],
                       cwd=repo.root, capture_output=True, text=True)
    assert p.stderr.strip().endswith("False"), p.stderr
    repo.write(".vcsignore", "*.log\n")  # changed: translated again
    assert "? build/" in repo.vcs("status").text


# -- config and aliases ------------------------------------------------------------

def test_config_commands(repo, monkeypatch):
    assert repo.vcs("config", "get", "user.name", ok=1).out == b""
    repo.vcs("config", "set", "user.name", "Repo Name")
    repo.vcs("config", "set", "user.name", "User Name", "--user")
    assert repo.vcs("config", "get", "user.name").text == "Repo Name\n"
    assert repo.vcs("config", "get", "user.name", "--user").text == "User Name\n"
    listed = repo.vcs("config", "list").text
    assert "user.name = Repo Name" in listed and "storage.policy = auto" in listed
    repo.vcs("config", "unset", "user.name")
    assert repo.vcs("config", "get", "user.name").text == "User Name\n"
    bad = repo.vcs("config", "set", "user.nmae", "x", ok=2).err  # a usage error, as git's
    assert "unknown config key 'user.nmae'" in bad and "did you mean 'user.name'" in bad and "ui.pager" in bad
    assert "invalid config key" in repo.vcs("config", "set", "nodot", "x", ok=2).err
    assert "must be one of" in repo.vcs("config", "set", "storage.policy", "fast", ok=2).err
    monkeypatch.delenv("VCS_AUTHOR_NAME")
    repo.vcs("config", "set", "user.email", "cfg@example.com")
    monkeypatch.delenv("VCS_AUTHOR_EMAIL")
    repo.write("f", "f\n")
    repo.vcs("commit", "-A", "-m", "by config")
    assert "User Name <cfg@example.com>" in repo.vcs("log").text


def test_per_path_storage_rules(repo):
    repo.vcs("config", "set", "storage.rules.*.png", "full")
    repo.vcs("config", "set", "storage.rules.logs/*", "delta")
    for i in range(6):
        repo.write("img.png", b"\x89PNG" + bytes(range(200)) * 20 + bytes([i]))
        repo.write("logs/app.log", "".join(f"entry {j}\n" for j in range(100 + i)))
        repo.write("other.txt", "".join(f"line {j}\n" for j in range(100 + i)))
        repo.vcs("commit", "-A", "-m", f"{i}")
    files = {f["path"]: f for f in json.loads(repo.vcs("stats", "--json").text)["files"]}
    assert files["img.png"]["deltas"] == 0 and files["img.png"]["whole"] == 6
    assert files["logs/app.log"]["whole"] == 1 and files["logs/app.log"]["deltas"] == 5
    assert files["other.txt"]["deltas"] > 0


def test_alias(repo):
    history(repo)
    repo.vcs("config", "set", "alias.lg", "log --oneline -n 2")
    out = repo.run("lg").text.splitlines()
    assert len(out) == 2 and out[0].startswith("2 ")
    repo.vcs("config", "set", "alias.bad", "frobnicate")
    assert "not a vcs command" in repo.run("bad", ok=2).err


# -- help, did you mean, completion -------------------------------------------------

def test_every_command_has_a_summary_and_an_example(repo):
    from vcs.cli import cli
    for name, command in cli.commands.items():
        text = repo.vcs(name, "--help").text
        assert "Example" in text, name
        assert command.get_short_help_str(), name
    for sub in ("get", "set", "unset", "list"):
        assert "Example" in repo.vcs("config", sub, "--help").text


def test_mistyped_command_and_revision_get_did_you_mean(repo):
    history(repo)
    r = repo.run("stauts", ok=2)
    assert "did you mean" in r.err and "'status'" in r.err and "Traceback" not in r.err
    assert "did you mean 'v1'" in repo.run("cat", "v2", "a.txt", ok=2).err


@pytest.mark.parametrize("args, command", [
    (("status", "-a"), "status"),               # click's parser
    (("log", "--stats"), "log"),
    (("log", "-n", "x"), "log"),
    (("cat",), "cat"),
    (("config", "set", "user.name"), "config set"),
    (("diff", "--stats"), "diff"),              # vcs's own check of revision arguments
    (("cat", "--bogus", "a.txt"), "cat"),
])
def test_usage_errors_have_one_style_naming_the_command(repo, args, command):
    """Every usage error, click's or vcs's: `error:` then `hint:` naming the real
    command's help, exit 2; never click's Usage/Try/Error block nor a literal COMMAND."""
    history(repo)
    for r in (repo.run(*args, ok=2), repo.vcs(*args, ok=2)):
        lines = r.err.splitlines()
        assert lines[0].startswith("error: ") and lines[-1].startswith("hint: "), r.err
        assert f"`vcs {command} --help`" in lines[-1], r.err
        assert "Usage:" not in r.err and "Try " not in r.err and "Error:" not in r.err
        assert "COMMAND" not in r.err and r.out == b""
    assert "did you mean '--stat'" in repo.run("log", "--stats", ok=2).err


@pytest.mark.parametrize("args", [("-C", "nowhere", "status"), ("-C", "nowhere", "tag"), ("-C", "nowhere", "log")])
def test_errors_before_a_command_read_alike_on_both_paths(repo, args):
    """One reporter (vcs/cli/errors.py): a failure before the command runs gives the same
    lines and exit code whichever parser read the command line (the fast path in a
    process, click in the runner), and a usage error ends with a hint there too."""
    fast, slow = repo.run(*args, ok=2), repo.vcs(*args, ok=2)
    assert fast.err == slow.err and fast.err.splitlines()[-1] == "hint: see `vcs --help`", fast.err
    repo.vcs("config", "set", "alias.bad", "nosuch x")
    assert repo.run("bad", ok=2).err.splitlines()[-1] == "hint: see `vcs --help`"


def test_each_kind_of_error_has_its_exit_code():
    from vcs import errors
    from vcs.cli.errors import exit_code_for
    kinds = [errors.VcsError, errors.UsageError, errors.StateError, errors.NothingToDo, errors.BusyError,
             errors.CorruptError, errors.DeltaError]
    assert [exit_code_for(kind("x")) for kind in kinds] == [3, 2, 3, 1, 5, 4, 4]
    assert [exit_code_for(e) for e in (KeyboardInterrupt(), BrokenPipeError(), OSError(28, "full"))] == [130, 0, 3]


def test_did_you_mean_only_close_names_and_say_which_git_commands_vcs_lacks(repo):
    for typo, meant in [("comit", "commit"), ("statsu", "status"), ("chekout", "checkout"), ("tgas", "tags")]:
        r = repo.vcs(typo, ok=2)
        assert r.err.startswith(f"error: unknown command '{typo}'") and f"'{meant}'" in r.err, r.err
    assert "did you mean" not in repo.vcs("frobnicate", ok=2).err
    for git_only, suggestion in [("rebase", None), ("reflog", "vcs op log"),
                                 ("switch", "vcs checkout"), ("bisect", None)]:
        r = repo.vcs(git_only, ok=2)
        assert f"vcs has no `{git_only}` command" in r.err, r.err
        assert "did you mean" not in r.err and "'rm'" not in r.err and "'stats'" not in r.err
        if suggestion:
            assert suggestion in r.err


def test_help_command_prints_what_help_does(repo):
    for words in [(), ("log",), ("config",), ("config", "set")]:
        assert repo.vcs("help", *words).out == repo.vcs(*words, "--help").out, words
    r = repo.vcs("help", "comit", ok=2)
    assert "unknown command 'comit'" in r.err and "'commit'" in r.err
    assert "help" in repo.vcs("--help").text


@pytest.mark.parametrize("args", [("show", "0"), ("log", "-p"), ("diff", "0", "-1"), ("cat", "0", "big.txt"),
                                  ("export",)])
def test_a_reader_that_goes_away_ends_the_command_with_0(repo, args):
    """`vcs show 0 | head -1`: as log and diff, whichever parser read the command line."""
    repo.write("big.txt", "".join(f"line {i}\n" for i in range(30000)))
    repo.vcs("commit", "-A", "-m", "big")
    repo.write("big.txt", "changed\n")
    repo.vcs("commit", "-A", "-m", "small")
    p = subprocess.Popen([sys.executable, "-P", "-m", "vcs", *args], cwd=repo.root, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    assert p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait() == 0 and err == b"", err


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_and_revision_completion(repo, shell):
    history(repo)
    script = repo.run("completion", shell).text
    assert "_VCS_COMPLETE" in script
    env = {"_VCS_COMPLETE": "bash_complete", "COMP_WORDS": "vcs checkout v", "COMP_CWORD": "2"}
    got = repo.run(env=env).text
    assert "v1" in got


def _complete(repo, words: str, cwd=None) -> list[str]:
    """What vcs answers bash's completion request for the last of `words`, as bash asks."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {"_VCS_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    return [line for line in repo.run(env=env, cwd=cwd).text.splitlines() if line]


def test_paths_complete_where_commands_take_paths(repo):
    """Tracked paths, one folder level at a time and relative to the current folder (for
    `add`, untracked files too), as `path` items the bash script marks as file names."""
    for name in ("a.txt", "src/app.py", "src/lib/x.py"):
        repo.write(name, f"{name}\n")
    repo.vcs("commit", "-A", "-m", "files")
    repo.write("new.txt", "untracked\n")
    assert _complete(repo, "vcs status ") == ["path,a.txt", "path,src/"]
    assert _complete(repo, "vcs status src/") == ["path,src/app.py", "path,src/lib/"]
    repo.write("newdir/f.txt", "untracked in an untracked folder\n")
    assert _complete(repo, "vcs add n") == ["path,new.txt", "path,newdir/"]
    assert _complete(repo, "vcs add newdir/") == ["path,newdir/f.txt"]
    assert _complete(repo, "vcs status n") == []  # not tracked: bash's own file names take over
    for words in ("vcs rm s", "vcs commit -m x s", "vcs log s", "vcs diff 0 s", "vcs restore s",
                  "vcs cat 0 s", "vcs replay -1 s", "vcs stats s"):
        assert _complete(repo, words) == ["path,src/"], words
    assert _complete(repo, "vcs status a", cwd=repo.root / "src") == ["path,app.py"]
    assert _complete(repo, "vcs checkout H") == ["plain,HEAD"]  # revisions stay plain


def test_bash_script_falls_back_to_file_names(repo):
    script = repo.run("completion", "bash").text
    assert re.search(r"complete -o default .*-F _vcs_completion vcs", script), script
    assert "'path'" in script and "compopt -o filenames" in script


def test_bash_completes_paths_and_file_names_for_real(repo, tmp_path):
    """Real bash in a pty: TAB after `vcs status s` completes the tracked folder; after
    `vcs status z` (untracked only) bash's own file names complete."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    repo.write("src/app.py", "x\n")
    repo.vcs("commit", "-A", "-m", "src")
    repo.write("zebra.log", "untracked\n")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "vcs").write_text(f'#!/bin/sh\nexec {sys.executable} -P -m vcs "$@"\n')
    (bindir / "vcs").chmod(0o755)
    (tmp_path / "rc").write_text(f'PS1="$ "\nbind "set enable-bracketed-paste off"\n'
                                 f'eval "$(vcs completion bash)"\n')
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "TERM": "dumb"}
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(repo.root)
        os.execve(bash, [bash, "--noprofile", "--rcfile", str(tmp_path / "rc"), "-i"], env)

    def until(expected: bytes) -> bytes:
        seen, deadline = b"", time.monotonic() + 15
        while expected not in seen and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                seen += os.read(fd, 65536)
        return seen

    try:
        until(b"$ ")
        os.write(fd, b"vcs status s\t")
        assert b"vcs status src/" in until(b"src/")
        os.write(fd, b"\x15vcs status z\t")  # ^U clears the line
        assert b"zebra.log" in until(b"zebra.log")
        os.write(fd, b"\x15exit\n")
    finally:
        os.close(fd)
        os.waitpid(pid, 0)


# -- replay and log's chain marks -----------------------------------------------------

def test_replay_shows_the_chain(repo):
    for i in range(5):
        repo.write("f.txt", "".join(f"line {j} {i if j == i else ''}\n" for j in range(200)))
        repo.vcs("commit", "-A", "-m", f"{i}")
    text = repo.vcs("replay", "-1", "f.txt").text
    assert "4 deltas on a whole version" in text and "whole  revision      0" in text
    assert text.count("delta  revision") == 4 and "ok" in text and "rebuilt in" in text
    steps = [json.loads(line) for line in repo.vcs("replay", "3", "f.txt", "--json").text.splitlines()]
    assert [s["step"] for s in steps] == ["whole", "delta", "delta", "delta", "check"]
    assert steps[-1]["ok"] and steps[1]["rev"] == 1 and steps[1]["hunks"] == 1


def test_log_marks_where_a_chain_starts(repo):
    repo.vcs("config", "set", "storage.rules.*.bin", "full")
    for i in range(3):
        repo.write("f.txt", "".join(f"line {j} {i if j == i else ''}\n" for j in range(200)))
        repo.write("x.bin", f"{i}" * 100)
        repo.vcs("commit", "-A", "-m", f"{i}")
    log = [json.loads(line) for line in repo.vcs("log", "--json").text.splitlines()]
    assert log[-1]["chain_starts"] == ["f.txt", "x.bin"] and log[0]["chain_starts"] == ["x.bin"]
    assert "Whole:  x.bin" in repo.vcs("log", "-n", "1").text
    assert repo.vcs("log", "--oneline").text.splitlines()[0].split()[5] == "*"


# -- progress bars and piped output ----------------------------------------------------

def test_progress_bars_on_a_terminal_only(repo, tmp_path):
    """checkout, verify, export and import draw a transient bar on a terminal's stderr
    (VCS_PROGRESS_DELAY=0 so the test need not take half a second); piped, nothing."""
    for i in range(2):
        for n in range(40):
            repo.write(f"d/f{n:02d}.txt", f"file {n} version {i}\n")
        repo.vcs("commit", "-A", "-m", f"v{i}")
    now = {"VCS_PROGRESS_DELAY": "0", "TERM": "xterm"}
    stream = tmp_path / "history.fi"
    for args, shown in [(("checkout", "0"), "checking out"), (("verify",), "verifying"),
                        (("export", "-o", str(stream)), "exporting")]:
        code, out = in_pty(repo.root, *args, env=now)
        assert code == 0 and shown.encode() in out, (args, out)
        piped = repo.run(*args, env=now)
        assert shown not in piped.err and b"\x1b" not in piped.out, args
    other = Repo(tmp_path / "other")
    other.root.mkdir()
    other.vcs("init")
    code, out = in_pty(other.root, "import", str(stream), env=now)
    # an import cannot know its total: it counts the commits read so far
    assert code == 0 and re.search(rb"importing commits\s+2\b", _plain(out)), out
    # With the default delay, a quick checkout draws nothing even on a terminal.
    code, out = in_pty(repo.root, "checkout", "1", env={"TERM": "xterm"}, unset=("VCS_PROGRESS_DELAY",))
    assert code == 0 and b"checking out" not in out


def test_piped_output_is_never_wrapped(repo):
    """However narrow the terminal says it is, piped output keeps every line whole:
    `vcs diff > x.patch` applies, and long messages and paths stay on one line."""
    long_line = "x = " + "word " * 80 + "\n"
    name = "a-rather-long-folder-name/and-a-file-name-longer-than-any-narrow-terminal.txt"
    repo.write(name, "first\n" + long_line)
    repo.vcs("commit", "-A", "-m", "subject " + "long " * 40)
    repo.write(name, "second\n" + long_line + long_line)
    narrow = {"COLUMNS": "20", "LINES": "5"}
    patch = repo.run("diff", env=narrow).out
    assert ("+" + long_line).encode() in patch
    for args in [("log",), ("log", "--oneline"), ("status",), ("stats",), ("diff", "--stat")]:
        out = repo.run(*args, env=narrow).text
        if args[0] == "log":
            assert "subject " + "long " * 39 + "long" in out, args
        else:
            assert name in out, (args, out)
    repo.vcs("restore", name)
    subprocess.run(["git", "apply", "-"], cwd=repo.root, input=patch, check=True)
    assert repo.read(name) == ("second\n" + long_line + long_line).encode()


def test_stats_is_a_table_on_a_terminal_and_text_in_a_pipe(repo):
    history(repo)
    code, shown = in_pty(repo.root, "stats", env={"TERM": "xterm", "COLUMNS": "120"})
    assert code == 0 and b"a.txt" in shown and "─".encode() in shown, shown  # rich's box lines
    piped = repo.run("stats").out
    assert b"a.txt" in piped and "─".encode() not in piped and b"\x1b" not in piped
