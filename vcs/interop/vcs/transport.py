"""Where a vcs remote is, and the command that reaches it: a local path (or file://)
runs `vcs serve --stdio PATH` as a child process of this Python; an ssh URL runs it
on the other host through the system's ssh.

    /srv/project, ../project, file:///srv/project      a local repository
    ssh://[user@]host[:port]/path                      the absolute /path on host
    [user@]host:path                                   path on host (relative to the login's home)

No shell ever sees a URL on this side: the command is an argv list. ssh hands the
remote command to the remote user's shell, so its words (the remote vcs command and
the path) are quoted for a POSIX shell. A host or user starting with `-` is refused
(it would read as an ssh option). The ssh command is VCS_SSH, else `ui.ssh` in the
config, else `ssh`, split into words as a shell would (no shell runs it); the remote
vcs command is `remote.NAME.vcs` in the config, else `vcs`.
"""
from __future__ import annotations

import os
import re
import shlex
import sys
from urllib.parse import unquote, urlsplit

from vcs.errors import UsageError
from vcs.records import record

# kind: "local" or "ssh"; path: the repository's path there; host: [user@]host (ssh).
Where = record("Where", "kind path host port user")

_SCP = re.compile(r"^(?:([^@/:]+)@)?([^@/:]+):(.*)$", re.S)


def parse(url: str) -> Where:
    if any(c in url for c in "\0\n\r"):
        raise UsageError(f"{url!r} is not a URL or path vcs can use")
    if url.startswith("ssh://"):
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise UsageError(f"{url!r} has a malformed port") from None
        host, user, path = parts.hostname or "", parts.username, unquote(parts.path)
        where = Where("ssh", path, host, port, unquote(user) if user else None)
    elif url.startswith("file://"):
        path = unquote(url[len("file://"):])
        if not path.startswith("/"):
            raise UsageError(f"{url!r}: a file:// URL names an absolute path (file:///srv/project)")
        return Where("local", path, None, None, None)
    elif "://" in url:
        raise UsageError(f"vcs cannot reach {url!r}: its own protocol goes through a local path, file:// or ssh",
                         hint="a git host is reached as git+URL")
    else:
        m = _SCP.match(url)
        if m is None or url.startswith(("/", "./", "../")) or os.path.exists(url):
            return Where("local", url, None, None, None)
        where = Where("ssh", m.group(3), m.group(2), None, m.group(1))
    if not where.host or where.host.startswith("-") or (where.user or "").startswith("-"):
        raise UsageError(f"refused the ssh URL {url!r}: its host or user is empty or starts with '-'",
                         hint="an ssh host never starts with '-'")
    if not where.path:
        raise UsageError(f"the ssh URL {url!r} names no path", hint="ssh://host/srv/project or host:project")
    return where


def argv(where: Where, ssh: str = "ssh", remote_vcs: str = "vcs") -> list[str]:
    """The command that runs `vcs serve --stdio PATH` for this remote."""
    if where.kind == "local":
        return [sys.executable, "-m", "vcs", "serve", "--stdio", os.path.abspath(where.path)]
    try:
        ssh_words, vcs_words = shlex.split(ssh), shlex.split(remote_vcs)
    except ValueError as e:
        raise UsageError(f"cannot split the ssh or remote vcs command into words: {e}") from None
    if not ssh_words or not vcs_words:
        raise UsageError("the ssh command or the remote vcs command is empty")
    # A relative path starting with '-' (`host:-x`) would read as an option there.
    path = "./" + where.path if where.path.startswith("-") else where.path
    remote = " ".join(shlex.quote(w) for w in [*vcs_words, "serve", "--stdio", path])
    dest = f"{where.user}@{where.host}" if where.user else where.host
    port = ["-p", str(where.port)] if where.port else []
    return [*ssh_words, *port, dest, remote]


def describe(where: Where) -> str:
    if where.kind == "local":
        return where.path
    return f"{where.user + '@' if where.user else ''}{where.host}:{where.path}"
