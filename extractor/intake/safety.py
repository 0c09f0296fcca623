"""Reading received files safely, before any document is read: regular files only (never blocking on a
FIFO, never following a link at the last step), special files named, zip entries that point outside the
package refused, zip member names decoded as their maker meant them."""
from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path

CHUNK = 1 << 20  # bytes read at a time when hashing / unpacking


def _open_regular(path: Path) -> int:
    """An fd of a regular file, never blocking on a FIFO and never following a link at the last step."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise IsADirectoryError(f"{path} is not a regular file")
    return fd


def hash_file(path: Path) -> tuple[str, int]:
    """(sha256 hex, size in bytes) of a regular file; raises OSError if it cannot be read."""
    h = hashlib.sha256()
    fd = _open_regular(path)
    n = 0
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def special_kind(mode: int) -> str | None:
    """``fifo`` / ``socket`` / ``device`` for special files, ``symlink`` for links, else None."""
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return None


def is_zip(path: Path) -> bool:
    """Whether ``path`` is named ``.zip`` and is a regular file starting with a zip signature (False when it
    cannot be opened)."""
    if path.suffix.lower() != ".zip":
        return False
    try:
        fd = _open_regular(path)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker meant it. Without the UTF-8 flag, zipfile decodes the bytes as cp437; the
    bytes are then UTF-8 written without the flag (Info-ZIP ``zip`` 3.0 on Linux, macOS) when they decode as
    UTF-8 with some non-ASCII character, else GBK (Windows with a Chinese locale), else left as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    if raw.isascii():
        return info.filename
    for enc in ("utf-8", "gbk"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def unsafe_entry(name: str) -> bool:
    """An absolute path, a drive letter or a ``..`` step: refused (it could point outside the package)."""
    n = name.replace("\\", "/")
    if n.startswith("/") or (len(n) > 1 and n[1] == ":"):
        return True
    return any(part == ".." for part in n.split("/"))
