"""The working tree: walk it, read files as bytes, write them without ever
following a symlink out of the tree.

Paths are bytes relative to the root, with `/` separators, exactly as stored.
Files are written to a temporary name inside `.vcs/tmp` and renamed into
place, so each file is either wholly old or wholly new.
"""
from __future__ import annotations

import errno
import os
import stat

from vcs import faults
from vcs.errors import CorruptError, StateError
from vcs.model.objects import EXECUTABLE, REGULAR, SYMLINK, path_problem, show
from vcs.storage.log import umask

VCS_DIR = b".vcs"


def kind_of(st: os.stat_result) -> str | None:
    """The stored kind of a file, or None for what vcs does not track (fifos, sockets...)."""
    if stat.S_ISLNK(st.st_mode):
        return SYMLINK
    if stat.S_ISREG(st.st_mode):
        return EXECUTABLE if st.st_mode & 0o100 else REGULAR
    return None


def walk(root: bytes, under: bytes = b""):
    """(path, lstat) of every file below `under` (or the whole tree): see stat_tree."""
    return stat_tree(root, under).items()


_TRACKABLE = (stat.S_IFREG, stat.S_IFLNK)


def stat_tree(root: bytes, under: bytes = b"", skip_dir=None,
              unreadable: list | None = None) -> dict[bytes, os.stat_result]:
    """path -> lstat for every regular file and symlink below `under`, skipping `.vcs/`,
    nested repositories, and the folders for which skip_dir(path) is true (ignored
    ones). Folders that cannot be read are listed in `unreadable` (path, reason):
    their files are unknown, not missing. Symlinks are reported, never followed.

    The hot loop of `status` in a big tree: one lstat per file, nothing else.
    """
    found: dict[bytes, os.stat_result] = {}
    if under and not (parents_real(root, under) and _is_real_dir(os.path.join(root, under))):
        return found  # a file, a symlink, or beyond one: never walked into
    stack = [under]
    scandir, join, S_IFMT = os.scandir, os.path.join, stat.S_IFMT
    while stack:
        rel = stack.pop()
        try:
            it = scandir(join(root, rel) if rel else root)
        except OSError as e:
            if unreadable is not None:
                unreadable.append((rel, e.strerror))
            continue
        prefix = rel + b"/" if rel else b""
        with it:
            for entry in it:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        # Never into .vcs/, ours or a repository's nested in this tree.
                        if entry.name != VCS_DIR and not (skip_dir and skip_dir(prefix + entry.name)) \
                                and not os.path.isdir(join(entry.path, VCS_DIR)):
                            stack.append(prefix + entry.name)
                        continue
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if S_IFMT(st.st_mode) in _TRACKABLE:
                    found[prefix + entry.name] = st
    return found


def lstat(root: bytes, path: bytes, checked: set | None = None) -> os.stat_result | None:
    """The file's lstat, or None if it is not there, is not a file vcs tracks, or lies
    beyond a symlinked folder (that is somewhere else, not in this tree)."""
    try:
        st = os.lstat(root + b"/" + path if path else root)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if kind_of(st) is None or (b"/" in path and not parents_real(root, path, checked)):
        return None
    return st


def parents_real(root: bytes, path: bytes, checked: set | None = None) -> bool:
    """Whether every folder above `path` is a real folder: not a symlink, not a file.
    `checked` remembers folders already seen, for many paths in a row."""
    at = path.find(b"/")
    while at != -1:
        folder = path[:at]
        if checked is None or folder not in checked:
            if not _is_real_dir(root + b"/" + folder):
                return False
            if checked is not None:
                checked.add(folder)
        at = path.find(b"/", at + 1)
    return True


def _is_real_dir(full: bytes) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(full).st_mode)
    except OSError:
        return False


def read(root: bytes, path: bytes, kind: str) -> bytes:
    if not parents_real(root, path):
        raise StateError(f"refusing to read {show(path)}: a folder above it is a symlink or a file",
                         hint="vcs never follows a symlinked folder out of the tree")
    full = os.path.join(root, path)
    try:
        if kind == SYMLINK:
            return os.readlink(full)
        with open(full, "rb") as f:
            return f.read()
    except OSError as e:
        raise StateError(f"cannot read {show(path)}: {e.strerror}",
                         hint="check the file's permissions") from None


def read_stable(root: bytes, path: bytes, st: os.stat_result,
                warn=None) -> tuple[bytes, os.stat_result, str]:
    """Read a file and its stat, reading again if it changed while being read.

    Returns the bytes, the stat that matches them, and the kind.
    """
    for _ in range(3):
        kind = kind_of(st) or REGULAR
        data = read(root, path, kind)
        after = lstat(root, path)
        if after is None:
            raise StateError(f"{show(path)} disappeared while it was being read")
        if (after.st_mtime_ns, after.st_size, after.st_mode) == (st.st_mtime_ns, st.st_size, st.st_mode) \
                and (kind == SYMLINK or len(data) == after.st_size):
            return data, after, kind
        st = after
    if warn:
        warn(f"{show(path)} kept changing while it was read; recorded the last bytes read")
    return data, st, kind_of(st) or REGULAR


def safe_parent(root: bytes, path: bytes, checked: set | None = None) -> None:
    """Create the folders above `path`; refuse to go through a symlink or a file.
    `checked` remembers the folders found (or made) real, for many paths in a row: a
    checkout of 2,000 files in 100 folders looks at each folder once."""
    parts = path.split(b"/")[:-1]
    cur = root
    for i, part in enumerate(parts):
        cur = os.path.join(cur, part)
        if checked is not None and cur in checked:
            continue
        try:
            st = os.lstat(cur)
        except FileNotFoundError:
            os.mkdir(cur)
            if checked is not None:
                checked.add(cur)
            continue
        if stat.S_ISLNK(st.st_mode):
            raise StateError(f"refusing to write {show(path)}: {show(b'/'.join(parts[:i + 1]))} "
                             "is a symlink", hint="vcs never writes through a symlink")
        if not stat.S_ISDIR(st.st_mode):
            raise StateError(f"cannot write {show(path)}: {show(b'/'.join(parts[:i + 1]))} is a file",
                             hint="move that file away, or use --force")
        if checked is not None:
            checked.add(cur)


def stage(tmp: bytes, data: bytes, kind: str, mask: int | None = None) -> os.stat_result:
    """Write a file's bytes (or a symlink's target) to a temporary name inside .vcs/tmp,
    with its final permissions, to be renamed into place by `move_into_place`; returns
    its stat (a rename keeps the inode, size, mode and mtime the cache records).
    `mask`: the umask, read once for many files."""
    if kind == SYMLINK:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        faults.io("write", tmp)
        os.symlink(data, tmp)
        return os.lstat(tmp)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    mode = _file_mode(kind, mask)
    try:
        fd = os.open(tmp, flags, mode)
    except FileExistsError:  # left by a process that had this pid before
        os.unlink(tmp)
        fd = os.open(tmp, flags, mode)
    try:
        try:
            faults.io("write", tmp)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            st = os.fstat(fd)
            if st.st_mode & 0o7777 != mode:  # created with the umask applied: this is its mode already
                os.fchmod(fd, mode)
                st = os.fstat(fd)
        finally:
            os.close(fd)
    except OSError as e:
        os.unlink(tmp)  # a full disk must not keep the part that was written
        raise OSError(e.errno, e.strerror, os.fsdecode(tmp)) from None
    return st


def set_mode(root: bytes, path: bytes, kind: str) -> os.stat_result:
    """Give a file the mode of its kind when only the executable bit differs: a chmod
    keeps the file (its inode and mtime), where a rewrite would make `make` rebuild.
    Through a descriptor opened without following a symlink, so never through one.
    Returns the file's new stat."""
    _check_inside(path)
    if not parents_real(root, path):
        raise StateError(f"refusing to write {show(path)}: a folder above it is a symlink or a file",
                         hint="vcs never writes through a symlink")
    faults.io("write", path)
    fd = os.open(os.path.join(root, path), os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fchmod(fd, _file_mode(kind))
        return os.fstat(fd)
    finally:
        os.close(fd)


def _file_mode(kind: str, mask: int | None = None) -> int:
    """A written file's permissions: what git gives it (0666 or, executable, 0777, less the umask)."""
    return (0o777 if kind == EXECUTABLE else 0o666) & ~(umask() if mask is None else mask)


def move_into_place(root: bytes, path: bytes, tmp: bytes, staged: os.stat_result | None = None,
                    checked: set | None = None) -> os.stat_result:
    """Rename a staged file over `path`: the file is wholly old or wholly new. Never
    through a symlink, never over a folder. Returns the new file's stat (`staged`, the
    temp file's stat, where given: the rename keeps what the cache records). `checked`:
    the folders already found real (see safe_parent)."""
    _check_inside(path)
    full = os.path.join(root, path)
    safe_parent(root, path, checked)
    try:
        st = os.lstat(full)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise StateError(f"cannot write {show(path)}: a folder is in the way",
                         hint="move the folder away, then run the command again")
    faults.io("rename", full)
    try:
        os.rename(tmp, full)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        # .vcs/tmp is on another file system than this file (a mount inside the tree):
        # copy beside the file, then rename, still atomic for the file itself.
        beside = full + b".vcs-tmp"
        if os.path.islink(tmp):
            os.symlink(os.readlink(tmp), beside)
        else:
            import shutil
            shutil.copy2(tmp, beside)
        os.rename(beside, full)
        os.unlink(tmp)
        staged = None
    return staged if staged is not None else os.lstat(full)


def _check_inside(path: bytes) -> None:
    """The last line of defence: whatever listed it, a path that could leave the tree
    (absolute, `..`, into .vcs/) is never written or deleted."""
    problem = path_problem(path)
    if problem:
        raise CorruptError(f"refusing to write or delete {show(path)}: {problem}",
                           hint="the repository was tampered with; run `vcs verify`")


def remove_empty_folders(root: bytes, path: bytes) -> None:
    """Remove a folder that holds only empty folders (its files were deleted first)."""
    _check_inside(path)
    if not parents_real(root, path):
        return
    for dirpath, _, _ in os.walk(os.path.join(root, path), topdown=False):
        os.rmdir(dirpath)


def remove(root: bytes, path: bytes) -> None:
    """Delete a file and the folders it leaves empty; never through a symlinked folder
    (a file there is not in this tree: it is left alone)."""
    _check_inside(path)
    if not parents_real(root, path):
        return
    full = os.path.join(root, path)
    try:
        os.unlink(full)
    except FileNotFoundError:
        pass
    parts = path.split(b"/")[:-1]
    while parts:
        try:
            os.rmdir(os.path.join(root, b"/".join(parts)))
        except OSError:
            break
        parts.pop()
