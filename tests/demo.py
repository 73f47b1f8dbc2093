"""`make demo`: a scripted walkthrough of vcs on a fresh temporary repository.

Every step is a real `vcs` process, printed with its output, as a user would type it.
"""
from __future__ import annotations

import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

VCS = str(Path(sys.executable).parent / "vcs")
SOURCE = Path(__file__).resolve().parents[1] / "vcs" / "storage" / "objects.py"  # a real text file to version


def run(*args: str, cwd: Path, show_output: bool = True, limit: int = 40) -> None:
    print(f"\n\033[1m$ vcs {shlex.join(args)}\033[0m" if sys.stdout.isatty() else f"\n$ vcs {shlex.join(args)}")
    p = subprocess.run([VCS, *args], cwd=cwd, capture_output=True)
    out = p.stdout.decode("utf-8", "replace").splitlines()
    if show_output:
        for line in out[:limit]:
            print(line)
        if len(out) > limit:
            print(f"... ({len(out) - limit} more lines)")
    sys.stdout.write(p.stderr.decode("utf-8", "replace"))
    if p.returncode not in (0, 1):
        sys.exit(f"demo failed: vcs {shlex.join(args)} exited {p.returncode}")


def merging(work: Path) -> None:
    """README's "Merging": feature joins main cleanly, then again through a conflict."""
    print("\nMerging: feature joins main (a clean merge is committed at once).")
    run("merge", "feature", cwd=work)
    print("\nBoth lines change the same line of feature.txt:")
    run("checkout", "feature", cwd=work)
    (work / "feature.txt").write_bytes(b"a feature, started from v1\n- documented in English\n")
    run("commit", "-m", "Feature: docs in English", cwd=work)
    run("checkout", "main", cwd=work)
    (work / "feature.txt").write_bytes(b"a feature, started from v1\n- documented, with examples\n")
    run("commit", "-m", "Feature docs need examples", cwd=work)
    run("merge", "feature", cwd=work)
    print("   feature.txt now holds (zdiff3 markers, labelled with each side):")
    print("   " + (work / "feature.txt").read_text().replace("\n", "\n   ").rstrip())
    run("status", cwd=work)
    (work / "feature.txt").write_bytes(b"a feature, started from v1\n- documented in English, with examples\n")
    print("   (feature.txt edited by hand)")
    run("resolve", "--mark", "feature.txt", cwd=work)
    run("commit", cwd=work)
    run("log", "--graph", "--oneline", "-n", "7", cwd=work)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="vcs-demo-"))
    os.environ.setdefault("VCS_AUTHOR_NAME", "Demo User")
    os.environ.setdefault("VCS_AUTHOR_EMAIL", "demo@example.com")
    try:
        print(f"A fresh repository in {work}")
        run("init", cwd=work)
        text = SOURCE.read_bytes()
        (work / "history.py").write_bytes(text)
        rng = random.Random(1)
        blob = bytearray(rng.randbytes(64 * 1024))
        (work / "logo.bin").write_bytes(blob)
        run("status", cwd=work)
        run("commit", "-A", "-m", "Import history.py and a binary logo", cwd=work)

        lines = text.split(b"\n")
        lines.insert(10, b"# A comment added in the second version.")
        (work / "history.py").write_bytes(b"\n".join(lines))
        run("diff", cwd=work)
        run("commit", "-m", "Add a comment", cwd=work)

        lines = [line.replace(b"REPLAY_RATIO", b"REPLAY_BUDGET") for line in lines]
        (work / "history.py").write_bytes(b"\n".join(lines))
        blob[1000:1016] = b"sixteen new byte"
        (work / "logo.bin").write_bytes(blob)
        run("commit", "-m", "Rename REPLAY_RATIO; touch up the logo", cwd=work)
        run("tag", "v1", cwd=work)

        (work / "notes.txt").write_bytes(b"no final newline here")
        run("commit", "-A", "-m", "Add notes", cwd=work)

        run("log", "--oneline", cwd=work)
        run("log", "-n", "1", "--stat", cwd=work)
        run("checkout", "0", cwd=work)
        print(f"   (history.py now has {len((work / 'history.py').read_bytes().splitlines())} lines; "
              f"notes.txt exists: {(work / 'notes.txt').exists()})")
        run("checkout", "main", cwd=work)
        run("diff", "0", "-1", "--stat", cwd=work)
        run("diff", "1", "v1", cwd=work, limit=30)
        run("cat", "-1", "notes.txt", cwd=work)
        print()
        run("cat", "v1~2", "history.py", cwd=work, limit=8)
        run("show", "-1", cwd=work)

        print("\nBranches: a line of work from v1, while main goes on.")
        run("checkout", "-b", "feature", "v1", cwd=work)
        (work / "feature.txt").write_bytes(b"a feature, started from v1\n")
        run("commit", "-A", "-m", "Start a feature", cwd=work)
        run("checkout", "main", cwd=work)
        (work / "notes.txt").write_bytes(b"no final newline here, and more notes on main")
        run("commit", "-m", "More notes on main", cwd=work)
        run("branch", "-v", cwd=work)
        run("heads", cwd=work)
        run("log", "--graph", "--oneline", "main", "feature", cwd=work)
        merging(work)
        run("stats", cwd=work)
        run("replay", "-1", "history.py", cwd=work)
        annotating(work)
        undoing(work)
        working_with_others(work)
        with_a_git_host(work)
        run("verify", cwd=work)
        print("\nThat was vcs. `vcs --help` lists every command.")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(f"{work}-friend", ignore_errors=True)
        shutil.rmtree(f"{work}-git", ignore_errors=True)


def annotating(work: Path) -> None:
    """README's "Who wrote each line, and renames": annotate, mv, log --follow."""
    print("\nWho wrote each line: read from the history as it was written, no walk over it.")
    run("annotate", "-L", "8,13", "history.py", cwd=work)
    run("mv", "history.py", "storage/objects.py", cwd=work)
    run("status", cwd=work)
    text = (work / "storage/objects.py").read_bytes().replace(b"REPLAY_BUDGET", b"REPLAY_LIMIT", 1)
    (work / "storage/objects.py").write_bytes(text)
    run("commit", "-m", "Move history.py into storage/", cwd=work)
    print("   annotate follows the file back through its rename:")
    run("annotate", "-L", "8,13", "storage/objects.py", cwd=work)
    run("log", "--follow", "--oneline", "storage/objects.py", cwd=work)
    run("show", "--stat", cwd=work)


def undoing(work: Path) -> None:
    """README's "Undoing things": commit, amend, undo, undo, redo, stash."""
    print("\nUndoing things: every operation is recorded, and each can be undone.")
    (work / "notes.txt").write_bytes(b"no final newline here\nand a second line\n")
    run("commit", "-m", "Fix the notse", cwd=work)
    run("commit", "--amend", "-m", "Fix the notes", cwd=work)
    run("undo", cwd=work)
    run("undo", cwd=work)
    run("status", cwd=work)
    run("redo", cwd=work)
    run("log", "--oneline", "-n", "2", cwd=work)
    run("log", "--hidden", "--oneline", cwd=work)
    run("op", "log", "-n", "3", cwd=work)
    (work / "notes.txt").write_bytes(b"half-done work\n")
    run("stash", "-m", "half-done", cwd=work)
    run("status", cwd=work)
    run("stash", "list", cwd=work)
    run("stash", "pop", cwd=work)
    run("status", cwd=work)


def working_with_others(work: Path) -> None:
    """README's "Working with others": a clone in another folder, a push back, a pull."""
    friend = Path(f"{work}-friend")
    print(f"\nWorking with others: a friend clones this repository into {friend.name}/.")
    run("clone", str(work), str(friend), cwd=work.parent)
    print(f"   (in {friend.name}/)")
    (friend / "friend.txt").write_bytes(b"written by a friend\n")
    run("commit", "-A", "-m", "A friend's file", cwd=friend)
    run("push", cwd=friend)
    print(f"   (back in {work.name}/: the push moved main, not the working files)")
    run("status", cwd=work)
    run("checkout", "main", cwd=work)
    # history.py is storage/objects.py since the annotate step's `vcs mv`
    (work / "storage/objects.py").write_bytes((work / "storage/objects.py").read_bytes() + b"# one more line\n")
    run("commit", "-m", "One more line", "storage/objects.py", cwd=work)
    print(f"   (in {friend.name}/)")
    run("pull", cwd=friend)
    run("log", "--oneline", "-n", "3", cwd=friend)
    run("remote", "list", "-v", cwd=friend)


def with_a_git_host(work: Path) -> None:
    """README's "With a git host": publish to a bare git repository (a stand-in for GitHub),
    a commit made with git comes back by pull, and git's ids name revisions."""
    if shutil.which("git") is None:
        print("\nWith a git host: skipped (git is not installed; vcs needs it for git remotes only).")
        return
    host = Path(f"{work}-git")
    bare, clone = host / "project.git", host / "clone"

    def git(*args: str, cwd: Path = host) -> str:
        print(f"\n$ git {shlex.join(args)}")
        env = {**os.environ, "GIT_AUTHOR_NAME": "Git User", "GIT_AUTHOR_EMAIL": "git@example.com",
               "GIT_COMMITTER_NAME": "Git User", "GIT_COMMITTER_EMAIL": "git@example.com"}
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=True).stdout
        print(out, end="")
        return out

    host.mkdir()
    print("\nWith a git host: publish main to a bare git repository, as to GitHub.")
    git("init", "-q", "--bare", "-b", "main", str(bare))
    run("remote", "add", "github", str(bare), cwd=work)
    run("push", "github", cwd=work)
    git("log", "--oneline", "-n", "3", cwd=bare)
    print("   (someone works with git on the same repository)")
    git("clone", "-q", str(bare), str(clone))
    (clone / "from-git.txt").write_text("written with git\n")
    git("add", "from-git.txt", cwd=clone)
    git("commit", "-q", "-m", "A file written with git", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    sha = git("rev-parse", "--short=8", "HEAD", cwd=clone).strip()
    run("pull", "github", cwd=work)
    run("show", "--stat", sha, cwd=work)


if __name__ == "__main__":
    main()
