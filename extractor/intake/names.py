"""Output names: every name component made safe (:func:`safe_name`: ≤ :data:`NAME_MAX_BYTES` bytes, extension
kept, a short hash added when shortened), every output path claimed once (:class:`Claims`: a clash gets
``~<hash>``); and names made safe for one console line (:func:`console_safe`)."""
from __future__ import annotations

import hashlib

NAME_MAX_BYTES = 255  # longest file name (bytes, UTF-8) of the file systems we write to
JSON_SUFFIX = ".json"
PACKAGE_SUFFIX = ".package.json"
RESERVED = "_batch"  # OUTDIR/_batch/ holds the batch-level files (JSON Lines, CSV, XLSX, report)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _cut_bytes(text: str, limit: int) -> str:
    b = text.encode("utf-8", "surrogateescape")[:max(0, limit)]
    return b.decode("utf-8", "ignore")


def safe_name(name: str, suffix: str = "") -> str:
    """``name + suffix`` as one file-name component of at most :data:`NAME_MAX_BYTES` bytes.

    A longer name keeps its extension and gets ``~<8 hex of its hash>``; ``/`` and NUL (impossible in a
    file name) become ``_``; ``.``/``..``/empty become ``_``."""
    name = name.replace("/", "_").replace("\0", "_")
    if name in ("", ".", ".."):
        name = "_" + name
    if len((name + suffix).encode("utf-8", "surrogateescape")) <= NAME_MAX_BYTES:
        return name + suffix
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8", "surrogateescape")) > 16:
        stem, ext = name, ""
    ext = "." + ext if ext else ""
    tag = "~" + _short_hash(name)
    room = NAME_MAX_BYTES - len((tag + ext + suffix).encode("utf-8", "surrogateescape"))
    return _cut_bytes(stem, room) + tag + ext + suffix


def console_safe(text: str) -> str:
    """A name for one console line: control characters (C0, DEL, C1, bidi overrides) shown as ``\\xNN``/``\\uNNNN``."""
    out = []
    for ch in str(text):
        cp = ord(ch)
        if cp < 0x20 or 0x7F <= cp < 0xA0:
            out.append(f"\\x{cp:02x}")
        elif 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069 or 0xDC80 <= cp <= 0xDCFF:
            out.append(f"\\u{cp:04x}")
        else:
            out.append(ch)
    return "".join(out)


class Claims:
    """Output paths handed out once: a second claim of the same path gets ``~<hash of its source>``."""

    def __init__(self) -> None:
        self.taken: set[str] = {RESERVED}

    def claim(self, parent: str, name: str, source: str, suffix: str = "") -> str:
        """The output path (POSIX, relative to OUTDIR) ``parent/safe_name(name, suffix)``, or with
        ``~<hash of source>`` when that path (compared case-folded) was claimed before; marks it taken."""
        base = safe_name(name, suffix)
        key = f"{parent}/{base}" if parent else base
        if key.casefold() in self.taken:
            stem = name + "~" + _short_hash(source)
            base = safe_name(stem, suffix)
            key = f"{parent}/{base}" if parent else base
        self.taken.add(key.casefold())
        return key
