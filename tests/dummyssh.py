#!/usr/bin/env python3
"""A stand-in for ssh in the tests (as Mercurial's tests/dummyssh): `dummyssh.py [-p PORT]
[USER@]HOST COMMAND` runs COMMAND through `sh -c` here, as sshd hands it to the remote
login shell, in DUMMYSSH_HOME (default: the current folder), and relays stdin and stdout.

DUMMYSSH_CUT=N cuts the connection after N bytes from the remote (DUMMYSSH_CUT_UP=N: after
N bytes to it): the bytes up to N are relayed, then the remote command is killed and the
connection closed, as a dropped network would. DUMMYSSH_LOG=FILE appends the argv received;
DUMMYSSH_COUNT=FILE appends `UP DOWN`, the bytes relayed each way (for the benchmarks).
"""
import os
import signal
import subprocess
import sys
import threading


def main() -> int:
    args = sys.argv[1:]
    if os.environ.get("DUMMYSSH_LOG"):
        with open(os.environ["DUMMYSSH_LOG"], "a") as f:
            f.write(repr(args) + "\n")
    if args[:1] == ["-p"]:
        args = args[2:]
    if len(args) != 2 or args[0].startswith("-"):
        sys.stderr.write(f"dummyssh: bad arguments {args!r}\n")
        return 255
    cut_down = int(os.environ.get("DUMMYSSH_CUT", "-1"))
    cut_up = int(os.environ.get("DUMMYSSH_CUT_UP", "-1"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUMMYSSH_")}
    proc = subprocess.Popen(["sh", "-c", args[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            cwd=os.environ.get("DUMMYSSH_HOME") or None, env=env)
    done = threading.Event()

    counts = {}

    def relay(src, dst, limit, key):
        sent = 0
        try:
            while True:
                chunk = os.read(src.fileno(), 65536)
                if not chunk:
                    break
                if 0 <= limit < sent + len(chunk):
                    dst.write(chunk[:limit - sent])
                    dst.flush()
                    done.set()
                    return
                dst.write(chunk)
                dst.flush()
                sent += len(chunk)
                counts[key] = sent
        except (OSError, ValueError):
            pass
        try:
            dst.close()
        except OSError:
            pass

    up = threading.Thread(target=relay, args=(sys.stdin.buffer, proc.stdin, cut_up, "up"), daemon=True)
    down = threading.Thread(target=relay, args=(proc.stdout, sys.stdout.buffer, cut_down, "down"), daemon=True)
    up.start()
    down.start()
    while down.is_alive() and not done.is_set():
        down.join(0.02)
    if done.is_set():  # the cut: the remote dies, the connection closes
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        os._exit(255)
    code = proc.wait()
    up.join(1)
    if os.environ.get("DUMMYSSH_COUNT"):
        with open(os.environ["DUMMYSSH_COUNT"], "a") as f:
            f.write(f"{counts.get('up', 0)} {counts.get('down', 0)}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
