"""Every command's options and arguments, declared once.

The fast path (vcs/cli/main.py, which parses plain command lines without importing
click), the click app (vcs/cli/clickapp.py, which builds each click command from
this), help and shell completion all read this one description, so the two
parsers cannot drift (tests/test_fastpath.py checks they read every form alike).
Plain records only: no click and no typing here, since every command imports it.

An option's kind says what it takes:
    flag      no value: True when given
    str       a value
    count     a number of 0 or more (see `count`)
    choice    one of `choices`
    optional  alone, a flag ("" as its value); with `=VALUE`, one of `choices` (`--conflict=diff3`)
    multiple  a value that may repeat: a tuple of them all
An argument takes one word (nargs 1) or any number (-1: a tuple); `complete`
names what shell completion offers for it: "revs" (tags, HEAD, the newest
revision numbers), "tracked" (tracked paths) or "paths" (untracked ones too).
A command's settings: `revs` (its revision arguments may be negative numbers,
`-1`: a dash-word is no option to it), `dashdash` (it tells revisions from paths,
or a name from an option, itself and must see `--`), `fast` (the fast path may
parse it: its body needs nothing from click).
"""
from __future__ import annotations

import sys

from vcs.records import record

Option = record("Option", "names dest kind help default choices metavar show_default",
                defaults=(None, (), None, False))
Argument = record("Argument", "name nargs required default metavar complete choices",
                  defaults=(1, None, None, None, None, ()))
# body: the name of its function in vcs/cli/commands.py ("": the command's name; None:
# the click app's own, for help and completion, and a group's); subcommands: a group's
# commands (`vcs config get`).
Command = record("Command", "name help example options arguments body revs dashdash fast subcommands",
                 defaults=((), (), "", False, False, True, ()))


def required(a: Argument) -> bool:
    """click's rule where the spec does not say: an argument with one word and no
    default is required."""
    return a.required if a.required is not None else a.default is None and a.nargs == 1


def help_text(c: Command) -> str:
    """The help click shows: the text, then the example (`\\b` keeps click from
    rewrapping it); an example joins a help that ends in such a block."""
    last = c.help.rsplit("\n\n", 1)[-1]
    joint = "\n" if last.startswith("\b\n") else "\n\n\b\n"
    return f"{c.help}{joint}Example:\n  {c.example}"


def count(text: str) -> int:
    """A count from the command line (-n, -U), for the fast path and click alike.

    A number of more than 18 digits exceeds any history and any file: it means "all",
    as a huge `git log -n` shows everything, and becomes the largest count without
    reaching int(), which refuses numbers of more than 4,300 digits.
    """
    body = text.strip()
    sign = body[:1] if body[:1] in ("+", "-") else ""
    digits = body[len(sign):]
    if len(digits) > 18 and digits.isascii() and digits.isdigit():
        return -sys.maxsize if sign == "-" else sys.maxsize
    return int(text)


_JSON = Option(("--json",), "as_json", "flag", "One JSON object per line (schema: README).")
_BINARY_HELP = "Write binary changes as git's binary patches, which git apply applies."
_USER = Option(("--user",), "user", "flag", "Your config file, not the repository's.")
_FORCE = "Discard uncommitted changes that are in the way."
# Read commands look at the repository as an earlier operation left it (vcs op log).
_AT_OP = Option(("--at-op",), "at_op", "str", "As the repository was after operation OP (`vcs op log`).",
                metavar="OP")
_STYLES = ("merge", "diff3", "zdiff3")
_NO_COMMIT = Option(("--no-commit",), "no_commit", "flag", "Leave a clean result in the working tree for `vcs commit`.")
_ABORT = Option(("--abort",), "abort", "flag", "Give up the merge, cherry-pick or revert in progress: the files it "
                "wrote go back as they were.")

# `vcs` itself: the options before the command. --version and --help are click's.
ROOT = Command(
    "vcs", "vcs: version control on a log of deltas.",
    'vcs init && vcs commit -A -m "first" && vcs log',
    options=(
        Option(("--version",), "version", "version", "Show the version and exit."),
        Option(("-C",), "directory", "str", "Run as if vcs was started in DIR.", metavar="DIR"),
        Option(("--color",), "color", "choice", "Colour the output: auto (on a terminal), always or never.",
               choices=("auto", "always", "never")),
        Option(("--no-pager",), "no_pager", "flag", "Never page log, diff and show."),
    ))

COMMANDS = (
    Command("init", "Create a repository (.vcs/) in DIRECTORY.", "vcs init myproject --storage auto",
            (Option(("--storage",), "storage", "choice", "How file versions are stored.", default="auto",
                    choices=("auto", "delta", "full"), show_default=True),
             Option(("-b", "--initial-branch"), "branch", "str",
                    "The first branch's name (default: init.defaultBranch, else main).", metavar="NAME")),
            (Argument("directory", default="."),)),
    Command("add", "Track files; a folder adds the files under it.", "vcs add README.md src/", (),
            (Argument("paths", -1, required=True, complete="paths"),)),
    Command("rm", "Stop tracking files (and delete them, unless --cached).", "vcs rm --cached build.log",
            (Option(("--cached",), "cached", "flag", "Stop tracking but keep the files on disk."),
             Option(("-f", "--force"), "force", "flag", "Delete files even if their changes are not committed.")),
            (Argument("paths", -1, required=True, complete="tracked"),)),
    Command("commit", "Record the tracked files (or PATHS) as a new revision.", 'vcs commit -A -m "Add the parser"',
            (Option(("-m", "--message"), "messages", "multiple",
                    "The commit message (otherwise $VISUAL or $EDITOR opens); several -m are paragraphs."),
             Option(("-F", "--file"), "file", "str", "Read the message from FILE (- for stdin).", metavar="FILE"),
             Option(("-A", "--addremove"), "addremove", "flag",
                    "Also add untracked files and record missing ones as removed."),
             Option(("--amend",), "amend", "flag", "Replace the last commit (its message, and its files with "
                    "your changes added); the old one stays, hidden."),
             Option(("--no-edit",), "no_edit", "flag", "With --amend: keep the message, open no editor."),
             Option(("-p", "--interactive"), "interactive", "flag",
                    "Choose the hunks to commit, file by file (y, n, s to split, q, a, d, ?).")),
            (Argument("paths", -1, complete="tracked"),)),
    Command("status", "Show modified (M), added (A), removed (R), missing (!) and untracked (?) files.",
            "vcs status src/",
            (Option(("--ignored",), "ignored", "flag", "Also list ignored files (I)."),
             Option(("-u", "--untracked-files"), "untracked", "choice",
                    "normal: a folder holding no tracked file as one line (dir/); all: every file; no: none.",
                    default="normal", choices=("no", "normal", "all"), show_default=True),
             _JSON, _AT_OP),
            (Argument("paths", -1, complete="tracked"),)),
    Command("log", "Show the history, newest first: REV and its ancestors if given, else HEAD's; only "
            "those that change PATHs if given.\n\nRevisions come first, then paths; put -- before paths that look "
            "like revisions. A..B: B and its ancestors less A's; A...B: what only one of them reaches; ^A: "
            "leave A's ancestry out.", "vcs log --graph --oneline main..feature src/",
            (Option(("-r", "--rev"), "revs", "multiple", "Start from REV (and its ancestors)."),
             Option(("-n", "--limit"), "limit", "count", "Show at most N revisions."),
             Option(("--oneline",), "oneline", "flag", "One line per revision."),
             Option(("--stat",), "stat", "flag", "Show which files changed and how much."),
             Option(("-p", "--patch"), "patch", "flag", "Show each revision's diff."),
             _JSON,
             Option(("--binary",), "binary", "flag", _BINARY_HELP + " Implies -p."),
             Option(("--hidden",), "hidden", "flag", "Only the commits no ref or head reaches (left by undo, "
                    "amend): nothing is deleted."), _AT_OP,
             Option(("--graph",), "graph", "flag", "Draw the lines of history beside the revisions."),
             Option(("--first-parent",), "first_parent", "flag", "Follow only the first parent of merges."),
             Option(("--follow",), "follow", "flag", "With one PATH: go on through its renames and copies."),
             Option(("--author",), "authors", "multiple", "Only revisions whose author matches PATTERN "
                    "(a regular expression; any of several).", metavar="PATTERN"),
             Option(("--grep",), "greps", "multiple", "Only revisions whose message matches PATTERN "
                    "(a regular expression; any of several).", metavar="PATTERN"),
             Option(("--since", "--after"), "since", "str", "Only revisions from DATE on (2024-01-31, "
                    "'3 days ago', 2.weeks, yesterday).", metavar="DATE"),
             Option(("--until", "--before"), "until", "str", "Only revisions up to DATE.", metavar="DATE")),
            (Argument("args", -1, metavar="[REV...] [[--] PATH...]", complete="tracked"),), dashdash=True),
    Command("checkout", "Make the working tree equal to revision REV: a branch keeps HEAD on it, any other "
            "revision detaches HEAD.\n\nWith --conflict, REV and PATHS are files of the merge in progress whose "
            "conflicts are drawn again.", "vcs checkout -b feature main",
            (Option(("-f", "--force"), "force", "flag", _FORCE),
             Option(("-b",), "new_branch", "str", "Create the branch NAME at REV (default: HEAD) and switch to it.",
                    metavar="NAME"),
             Option(("--conflict",), "conflict", "optional", "Draw the conflicts of these files again, in STYLE "
                    "(merge, diff3 or zdiff3; default: merge.conflictStyle).", choices=_STYLES, metavar="[=STYLE]")),
            (Argument("rev", required=False, complete="revs"), Argument("paths", -1, complete="tracked")), revs=True),
    Command("restore", "Put files back as they are in a revision.", "vcs restore -r 3 README.md",
            (Option(("-r", "--rev"), "rev", "str", "The revision to restore from (default: the checked-out one)."),),
            (Argument("paths", -1, required=True, complete="tracked"),), revs=True),
    Command("diff", "Show changes: the working tree against HEAD, or against REV, or REV against REV.\n\n"
            "Revisions come first, then paths; put -- before paths that look like revisions.",
            "vcs diff 0 -1 --stat",
            (Option(("--stat",), "stat", "flag", "Show a summary of the changes."),
             Option(("-U", "--unified"), "context", "count", "Lines of context.", default=3, show_default=True),
             Option(("--name-only",), "name_only", "flag", "Only the names of the changed files."),
             Option(("--exit-code",), "exit_code", "flag", "Exit with 1 if there are differences."),
             Option(("--json",), "as_json", "flag", "The --stat figures as JSON, one file per line."),
             Option(("--binary",), "binary", "flag", _BINARY_HELP)),
            (Argument("args", -1, complete="tracked"),), revs=True, dashdash=True),
    Command("cat", "Print the exact bytes of PATH at revision REV.", "vcs cat -1 README.md > old-readme.md", (_AT_OP,),
            (Argument("rev", complete="revs"), Argument("path", complete="tracked")), revs=True),
    Command("replay", "Show how PATH at REV is rebuilt: the whole version its chain starts from, "
            "each delta replayed, the hash check, and the time each took.", "vcs replay -1 src/core.py",
            (Option(("--json",), "as_json", "flag", "The steps as JSON, one per line."),),
            (Argument("rev", complete="revs"), Argument("path", complete="tracked")), revs=True),
    Command("show", "Show a revision's metadata and its diff against its parent.", "vcs show HEAD~1",
            (Option(("--stat",), "stat", "flag", "A summary instead of the diff."),
             Option(("-U", "--unified"), "context", "count", "Lines of context.", default=3),
             _JSON,
             Option(("--binary",), "binary", "flag", _BINARY_HELP), _AT_OP),
            (Argument("rev", default="HEAD", complete="revs"),), revs=True),
    # -- annotate and renames (who wrote each line; README: Who wrote each line, and renames)
    *(Command(name, "Show each line of PATH with the revision that wrote it: its number, id, author and date.\n\n"
              "Through a merge a line comes from the parent it came from (as git blame); --first-parent "
              "gives the merge every line it brought in. Read from the line origins kept with the history: "
              "no walk over it.", f"vcs {name} -r 12 -L 10,20 src/core.py",
              (Option(("-r", "--rev"), "rev", "str", "Annotate PATH as it is in REV (default: the checked-out one)."),
               Option(("-L",), "lines", "str", "Only lines START to END (from 1; END may be +COUNT).",
                      metavar="START,END"),
               Option(("-w",), "ignore_space", "flag", "Ignore whitespace when comparing lines (walks the history)."),
               Option(("--first-parent",), "first_parent", "flag", "Follow only the first parent of merges."),
               Option(("--json",), "as_json", "flag", "One JSON object per line: line, revision, id, author, date, "
                      "text."), _AT_OP),
              (Argument("path", complete="tracked"),), body="annotate", revs=True)
      for name in ("annotate", "blame")),
    Command("mv", "Move or rename tracked files or folders; the next commit records each as a rename.\n\n"
            "With several SOURCES, or a DEST that is a folder, they move into DEST.", "vcs mv src/old.py src/new.py",
            (), (Argument("sources", -1, required=True, complete="tracked"), Argument("dest", complete="paths"))),
    Command("tag", "Name revision REV (default: the checked-out one): vcs tag NAME [REV].\n\n"
            "Without a name, list the tags; with -d, delete the tags named.", "vcs tag v1.0 -1",
            (Option(("-f", "--force"), "force", "flag", "Move the tag if it exists."),
             Option(("-d", "--delete"), "delete", "flag", "Delete the tags named."),
             _JSON, _AT_OP),
            (Argument("names", -1, metavar="[NAME [REV]]", complete="revs"),), revs=True, dashdash=True),
    Command("tags", "List tags, newest revision first (as `vcs tag`).", "vcs tags", (_JSON, _AT_OP)),
    Command("branch", "Create the branch NAME at REV (default: HEAD): vcs branch NAME [REV].\n\n"
            "Without a name, list the branches (* marks the current one); -d deletes branches merged into "
            "HEAD, -D any; -m renames one (HEAD follows).", "vcs branch feature HEAD~2",
            (Option(("-v", "--verbose"), "verbose", "flag", "Show each branch's revision, id and subject."),
             Option(("-d", "--delete"), "delete", "flag", "Delete the branches named (merged into HEAD)."),
             Option(("-D",), "force_delete", "flag", "Delete the branches named, merged or not."),
             Option(("-m", "--move"), "move", "flag", "Rename: vcs branch -m [OLD] NEW."),
             Option(("-f", "--force"), "force", "flag", "Move (or, with -m, replace) a branch that exists."),
             Option(("-r", "--remotes"), "remotes", "flag", "List the remote-tracking branches (origin/main)."),
             Option(("-a", "--all"), "all_", "flag", "List the branches and the remote-tracking branches."),
             _JSON, _AT_OP),
            (Argument("names", -1, metavar="[NAME [REV]]", complete="revs"),), revs=True, dashdash=True),
    Command("heads", "List the tips of every line of work (commits with no child), newest first, with "
            "their branches and tags.", "vcs heads", (_JSON, _AT_OP)),
    Command("merge", "Join revision REV (a branch, a tag, any revision) into HEAD: a fast-forward when HEAD is one "
            "of its ancestors, else a three-way merge, committed at once when it is clean.\n\nConflicts stop it "
            "(exit 1): fix them, `vcs resolve --mark PATH`, then `vcs commit`; `vcs merge --abort` gives it up.",
            "vcs merge topic",
            (Option(("--no-ff",), "no_ff", "flag", "Make a merge commit even where a fast-forward would do."),
             Option(("--ff-only",), "ff_only", "flag", "Refuse anything but a fast-forward."),
             _NO_COMMIT,
             Option(("-m", "--message"), "message", "str", "The merge commit's message."),
             _ABORT),
            (Argument("rev", required=False, complete="revs"),), revs=True),
    Command("cherry-pick", "Apply the changes revision REV made, as a new commit on HEAD with REV's author and "
            "message.\n\nConflicts stop it as a merge's do.", "vcs cherry-pick -x 1a2b3c",
            (Option(("-x",), "record_origin", "flag", "Add `(cherry picked from commit ID)` to the message."),
             _NO_COMMIT, _ABORT),
            (Argument("rev", required=False, complete="revs"),), body="cherry_pick", revs=True),
    Command("revert", "Undo the changes revision REV made, in a new commit on HEAD.\n\nConflicts stop it as a "
            "merge's do.", "vcs revert HEAD~2", (_NO_COMMIT, _ABORT),
            (Argument("rev", required=False, complete="revs"),), revs=True),
    Command("resolve", "List the conflicts of the merge in progress (U unresolved, R resolved), or mark them.",
            "vcs resolve --mark src/core.py",
            (Option(("-l", "--list"), "list_", "flag", "List the conflicts (what resolve does without options)."),
             Option(("-m", "--mark"), "mark", "flag", "Mark PATHS resolved."),
             Option(("-u", "--unmark"), "unmark", "flag", "Mark PATHS unresolved again."),
             Option(("-a", "--all"), "every", "flag", "Every conflict, with --mark or --unmark."),
             _JSON),
            (Argument("paths", -1, complete="tracked"),)),
    Command("stats", "Show how each file's versions are stored: whole, deltas, chains, bytes.", "vcs stats --json",
            (Option(("--json",), "as_json", "flag", "Machine-readable output."),),
            (Argument("paths", -1, complete="tracked"),)),
    Command("verify", "Rebuild every stored version and check every record, commit and ref.", "vcs verify"),
    Command("upgrade", "Upgrade .vcs/ to this vcs's format, in place (the first command that writes does it too).",
            "vcs upgrade"),
    Command("undo", "Undo the last operation (a commit, checkout, tag, stash...): its view comes back as a new "
            "operation; again goes further back.", "vcs undo",
            (Option(("-f", "--force"), "force", "flag", _FORCE),)),
    Command("redo", "Redo what the last undo undid.", "vcs redo", (Option(("-f", "--force"), "force", "flag", _FORCE),)),
    Command("stash", "Put uncommitted changes to tracked files (and added files) aside, and bring them back.\n\n"
            "\b\nvcs stash [push] [-m MSG]   save them and make the working tree clean\n"
            "vcs stash list             the stash, newest first (0)\n"
            "vcs stash show [N]         a stash's changes, as a diff\n"
            "vcs stash pop [N]          bring them back and drop the stash (kept on a conflict)\n"
            "vcs stash apply [N]        bring them back, keep the stash\n"
            "vcs stash drop [N]         forget a stash (`vcs undo` brings it back)",
            'vcs stash -m "half-done parser" && vcs stash pop',
            (Option(("-m", "--message"), "message", "str", "What the stash holds (push)."),),
            (Argument("action", required=False, choices=("push", "list", "show", "pop", "apply", "drop")),
             Argument("n", required=False, metavar="[N]"))),
    Command("op", "The operation log: every change of the repository's refs, and going back to any.",
            "vcs op log -n 5", body=None, subcommands=(
                Command("log", "Every operation, newest first: id, time, user, command, what it changed.",
                        "vcs op log --json -n 3",
                        (Option(("-n", "--limit"), "limit", "count", "Show at most N operations."), _JSON),
                        body="op_log"),
                Command("restore", "Make the repository's refs what operation OP left (a new operation).",
                        "vcs op restore 5d1c2a", (Option(("-f", "--force"), "force", "flag", _FORCE),),
                        (Argument("op"),), body="op_restore"),
            )),
    Command("help", "Show the help of vcs, or of COMMAND (as `vcs COMMAND --help`).", "vcs help config set", (),
            (Argument("words", -1, metavar="[COMMAND]..."),), body=None, fast=False),
    Command("config", "Read and write settings: the repository's .vcs/config.toml, or with --user yours.\n\n"
            "\b\nKeys: user.name, user.email, ui.color (auto|always|never), ui.pager,\n"
            "storage.policy (auto|delta|full), storage.rules.GLOB (a policy for\n"
            "matching files, e.g. storage.rules.*.png = full), alias.NAME (a command),\n"
            "init.defaultBranch (the first branch of a new repository).",
            'vcs config set user.name "Ada Lovelace" --user', body=None, subcommands=(
                Command("get", "Print a key's value (exit 1 if it is not set).", "vcs config get user.email",
                        (_USER,), (Argument("key"),), body="config_get"),
                Command("set", "Set a key.", "vcs config set storage.rules.*.png full",
                        (_USER,), (Argument("key"), Argument("value")), body="config_set"),
                Command("unset", "Remove a key.", "vcs config unset ui.pager", (_USER,), (Argument("key"),),
                        body="config_unset"),
                Command("list", "List every key set, the repository's over yours.", "vcs config list", (_USER,),
                        body="config_list"),
            )),
    Command("completion", "Print a shell completion script (revisions and tags complete too).",
            'eval "$(vcs completion bash)"   # in ~/.bashrc; zsh and fish alike', (),
            (Argument("shell", choices=("bash", "zsh", "fish")),), body=None, fast=False),
    Command("export", "Write the whole history as a git fast-import stream (to stdout, or to FILE with -o).",
            "vcs export | (cd ../mirror && git init -q && git fast-import && git checkout main)",
            (Option(("-o", "--output"), "output", "str", "Write the stream to FILE instead of stdout.",
                    metavar="FILE"),)),
    # -- working with others (vcs.porcelain.remote; transports in vcs.interop) --
    Command("clone", "Copy the repository at SOURCE (a path, file://, ssh://host/path or host:path) into DIRECTORY: "
            "its whole history, branches and tags; SOURCE becomes the remote `origin` and its checked-out "
            "branch is checked out.", "vcs clone ssh://ada@example.com/srv/project project",
            (Option(("--storage",), "storage", "choice", "The new repository's storage policy.", "auto",
                    ("auto", "delta", "full")),),
            (Argument("source"), Argument("directory", required=False))),
    Command("remote", "The remotes this repository knows (in .vcs/config.toml); alone, lists them as "
            "`remote list` does.", "vcs remote add origin ../shared",
            (Option(("-v", "--verbose"), "verbose", "flag", "Show each remote's URL."),),
            body="remote_list", subcommands=(
                Command("add", "Add the remote NAME at URL.", "vcs remote add origin ssh://example.com/srv/project",
                        (), (Argument("name"), Argument("url")), body="remote_add"),
                Command("remove", "Forget the remote NAME and its remote-tracking branches.",
                        "vcs remote remove origin", (), (Argument("name"),), body="remote_remove"),
                Command("rename", "Rename the remote OLD to NEW (its remote-tracking branches follow).",
                        "vcs remote rename origin upstream", (), (Argument("old"), Argument("new")),
                        body="remote_rename"),
                Command("list", "List the remotes (-v: with their URLs).", "vcs remote list -v",
                        (Option(("-v", "--verbose"), "verbose", "flag", "Show each remote's URL."),),
                        body="remote_list"),
            )),
    Command("fetch", "Bring the commits of REMOTE (default: origin) this repository lacks; its branches "
            "appear as REMOTE/BRANCH (`vcs merge origin/main`).", "vcs fetch origin", (),
            (Argument("remote", required=False),)),
    Command("pull", "Fetch, then fast-forward the current branch to REMOTE/BRANCH (default: origin and the "
            "current branch's name), the working tree with it; diverged lines are left for `vcs merge`.",
            "vcs pull origin main", (), (Argument("remote", required=False), Argument("branch", required=False))),
    Command("push", "Send BRANCH (default: the current one) to REMOTE (default: origin): the commits it lacks, "
            "then its branch moves there, if that is a fast-forward (or --force).", "vcs push origin main",
            (Option(("-f", "--force"), "force", "flag", "Move the remote's branch even if it drops commits."),
             Option(("-d", "--delete"), "delete", "flag", "Delete BRANCH on the remote (with --force).")),
            (Argument("remote", required=False), Argument("branch", required=False))),
    Command("serve", "Serve this repository to one vcs client over stdin and stdout (what clone, fetch, pull "
            "and push run through ssh).", "vcs serve --stdio /srv/project",
            (Option(("--stdio",), "stdio", "flag", "Speak the protocol on stdin and stdout (required)."),),
            (Argument("path"),)),
    Command("import", "Read a git fast-export stream (stdin, or FILE) into this empty repository, then check "
            "out its main branch.", "git -C ../project fast-export --all | vcs import", (),
            (Argument("file", required=False),), body="import_"),
)

NAMES = frozenset(c.name for c in COMMANDS)


def find(words: list[str]) -> tuple[Command | None, list[str]]:
    """The command the first words name (a group's subcommand too), and the words after
    it; (None, words) when they name none."""
    command = None
    group = COMMANDS
    while words:
        found = next((c for c in group if c.name == words[0]), None)
        if found is None:
            break
        command, words = found, words[1:]
        if not found.subcommands:
            break
        group = found.subcommands
    return command, words
