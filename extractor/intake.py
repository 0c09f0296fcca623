"""Bulk intake: what was received → packages of files, each file with a record of what happens to it.

A *package* is one application as the applicant sent it. What counts as one:

* a **folder given as input** is an inbox: each sub-folder and each ``.zip`` directly inside it is one
  package; a loose file directly inside it is a package of its own (so a folder of forms still gives
  one result per form);
* with ``folders_are_packages`` (``--one-package``) a folder given as input is itself one package;
* a **.zip given as input** is one package; any **other file given as input** is a package of its own.

Inside a package everything is one application: sub-folders are walked, nested zips are opened (up to
:attr:`IntakeLimits.max_zip_depth`). Every file found gets an :class:`Item`; those that are refused before
reading (special files, unsafe or encrypted zip entries, too deep, too large, unreadable) carry their
record already (``skipped`` / ``error``). Nothing here reads a document: see :mod:`extractor.triage`.

Output names mirror the input: package ``P`` → ``OUT/P/<path inside>.json`` per form and
``OUT/P.package.json``; each name component is made safe by :func:`safe_name` (≤ 255 bytes with the
suffix, extension kept, a short hash added when shortened) and claimed once (a clash gets ``~<hash>``).
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

NAME_MAX_BYTES = 255  # longest file name (bytes, UTF-8) of the file systems we write to
JSON_SUFFIX = ".json"
PACKAGE_SUFFIX = ".package.json"
RESERVED = "_batch"  # OUTDIR/_batch/ holds the batch-level files (JSON Lines, CSV, XLSX, report)
CHUNK = 1 << 20  # bytes read at a time when hashing / unpacking


@dataclass
class IntakeLimits:
    """Batch-level limits on what is unpacked (the loaders have their own per-document limits)."""

    max_zip_depth: int = 3
    """nested zips opened: a zip given as input is depth 1, a zip inside it depth 2, …; deeper → skipped"""
    max_package_files: int = 5000
    """files per package (all zips in it counted); further entries → skipped: too_many_files"""
    max_unpacked_mb: int = 2048
    """MiB unpacked from the zips of one package (actual bytes written, not the zip's claims)"""


@dataclass
class Item:
    """One file found in a package."""

    package: str  # the package's output name (OUTDIR/<package>)
    rel: str  # path inside the package (POSIX), as the applicant named it
    display: str  # how the user knows it: <input as given>/<path inside>
    path: Path | None = None  # a regular file on disk we may read (None when refused)
    out: str | None = None  # its JSON, relative to OUTDIR (posix), when it is read as a form
    sha256: str = ""
    size: int = 0
    status: str | None = None  # already decided: "skipped" / "error" (else decided by triage/extraction)
    reason: str = ""  # the skip reason or the error code
    message: str = ""
    mtime: float = 0.0  # modified time (zip entries: the time stored in the zip)


@dataclass
class Package:
    key: str  # output name: OUTDIR/<key>/… and OUTDIR/<key>.package.json
    display: str  # the input as given
    kind: str  # folder | zip | file
    items: list[Item] = field(default_factory=list)
    fingerprint: str = ""  # sha256 over the sorted hashes of its files: equal ⇒ same package
    duplicate_of: str | None = None
    unpacked: int = 0  # bytes unpacked from its zips
    summary_path: str = ""  # OUTDIR/<key>.package.json (shortened like every name)


# ---------------------------------------------------------------- names
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
        base = safe_name(name, suffix)
        key = f"{parent}/{base}" if parent else base
        if key.casefold() in self.taken:
            stem = name + "~" + _short_hash(source)
            base = safe_name(stem, suffix)
            key = f"{parent}/{base}" if parent else base
        self.taken.add(key.casefold())
        return key


# ---------------------------------------------------------------- reading files safely
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


# ---------------------------------------------------------------- discovery
class Intake:
    """Walks the inputs into packages. ``tmp`` is a private folder where zip members are unpacked."""

    def __init__(self, tmp: Path, limits: IntakeLimits | None = None, exclude: tuple[Path, ...] = ()) -> None:
        self.tmp = tmp
        self.limits = limits or IntakeLimits()
        # folders never read as input: the batch's own output folder inside an input folder (re-running
        # ``extractor extract . -o out`` must not take last run's results for a package)
        self.exclude = {os.path.realpath(x) for x in exclude}
        self.claims = Claims()
        self._n = 0

    # -- inputs → packages
    def packages(self, inputs: list[Path], folders_are_packages: bool = False) -> list[Package]:
        """The packages of ``inputs`` (see the module doc); ``folders_are_packages``: a folder given is one package."""
        out: list[Package] = []
        for p in inputs:
            p = Path(p)
            try:
                st = os.lstat(p)
            except OSError as e:
                pkg = self._new(p.name or str(p), str(p), "file")
                pkg.items.append(Item(pkg.key, p.name, str(p), status="error", reason="unreadable",
                                      message=f"cannot read: {e.strerror or e}"))
                out.append(pkg)
                continue
            if stat.S_ISDIR(st.st_mode) and folders_are_packages:
                pkg = self._new(p.resolve().name or "root", str(p), "folder")
                self._walk(pkg, p, "", str(p))
                out.append(pkg)
            elif stat.S_ISDIR(st.st_mode):
                out.extend(self._inbox(p))
            else:
                out.append(self._top_entry(p, str(p), st.st_mode))
        seen: dict[str, str] = {}
        for pkg in out:
            hashes = sorted(i.sha256 for i in pkg.items if i.sha256)
            pkg.fingerprint = hashlib.sha256("\n".join(hashes).encode()).hexdigest() if hashes else ""
            if pkg.fingerprint and pkg.fingerprint in seen:
                pkg.duplicate_of = seen[pkg.fingerprint]
                for it in pkg.items:
                    if it.status is None:
                        it.status, it.reason = "skipped", "duplicate"
                        it.message = f"package is a duplicate of {seen[pkg.fingerprint]} (same files)"
                        it.out = None
            elif pkg.fingerprint:
                seen[pkg.fingerprint] = pkg.key
        return out

    def _inbox(self, folder: Path) -> list[Package]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            pkg = self._new(folder.name or str(folder), str(folder), "folder")
            pkg.items.append(Item(pkg.key, "", str(folder), status="error", reason="unreadable",
                                  message=f"cannot list folder: {e.strerror or e}"))
            return [pkg]
        out = []
        for e in entries:
            p = Path(e.path)
            if os.path.realpath(e.path) in self.exclude:
                continue
            try:
                mode = e.stat(follow_symlinks=False).st_mode
            except OSError as err:
                pkg = self._new(e.name, str(p), "file")
                pkg.items.append(Item(pkg.key, e.name, str(p), status="error", reason="unreadable",
                                      message=f"cannot read: {err.strerror or err}"))
                out.append(pkg)
                continue
            if stat.S_ISDIR(mode):
                pkg = self._new(e.name, str(p), "folder")
                self._walk(pkg, p, "", str(p))
                out.append(pkg)
            else:
                out.append(self._top_entry(p, str(p), mode))
        return out

    def _top_entry(self, p: Path, display: str, mode: int) -> Package:
        if stat.S_ISREG(mode) and is_zip(p):
            pkg = self._new(p.name, display, "zip")
            self._zip(pkg, p, "", display, depth=1)
            return pkg
        pkg = self._new(p.name, display, "file")
        self._file(pkg, p, p.name, display, mode, top=True)
        return pkg

    def _new(self, name: str, display: str, kind: str) -> Package:
        key = self.claims.claim("", name, display)
        summary = safe_name(key, PACKAGE_SUFFIX)
        self.claims.taken.add(summary.casefold())
        return Package(key=key, display=display, kind=kind, summary_path=summary)

    # -- inside a package
    def _add(self, pkg: Package, rel: str, display: str, **kw) -> Item:
        it = Item(pkg.key, rel, display, **kw)
        if len(pkg.items) >= self.limits.max_package_files and it.status is None:
            it.status, it.reason = "skipped", "too_many_files"
            it.message = (f"more than {self.limits.max_package_files} files in the package "
                          f"(IntakeLimits.max_package_files); raise it to read them")
            it.path = None
        pkg.items.append(it)
        return it

    def _out_for(self, pkg: Package, rel: str, display: str, top: bool) -> str:
        if top:  # a single file given as input: OUTDIR/<name>.json
            return self.claims.claim("", pkg.key, display, JSON_SUFFIX)
        parent = pkg.key
        parts = rel.split("/")
        for d in parts[:-1]:
            parent = f"{parent}/{safe_name(d)}"
        return self.claims.claim(parent, parts[-1], display, JSON_SUFFIX)

    def _walk(self, pkg: Package, folder: Path, rel: str, display: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            self._add(pkg, rel or ".", display, status="error", reason="unreadable",
                      message=f"cannot list folder: {e.strerror or e}")
            return
        for e in entries:
            if os.path.realpath(e.path) in self.exclude:
                continue
            r = f"{rel}/{e.name}" if rel else e.name
            d = f"{display}/{e.name}"
            try:
                mode = e.stat(follow_symlinks=False).st_mode
            except OSError as err:
                self._add(pkg, r, d, status="error", reason="unreadable", message=f"cannot read: {err.strerror or err}")
                continue
            if stat.S_ISDIR(mode):
                self._walk(pkg, Path(e.path), r, d)
            else:
                self._file(pkg, Path(e.path), r, d, mode)

    def _file(self, pkg: Package, p: Path, rel: str, display: str, mode: int, top: bool = False) -> None:
        kind = special_kind(mode)
        if kind is not None:
            self._add(pkg, rel, display, status="skipped", reason=kind,
                      message=f"{kind}: not a regular file, not opened")
            return
        try:
            sha, size = hash_file(p)
        except OSError as e:
            self._add(pkg, rel, display, status="error", reason="unreadable", message=f"cannot read: {e.strerror or e}")
            return
        if is_zip(p):
            self._add(pkg, rel, display, sha256=sha, size=size, status="skipped", reason="zip_opened",
                      message="a zip inside the package: its files are listed under it")
            self._zip(pkg, p, rel, display, depth=2)
            return
        try:
            mtime = os.stat(p).st_mtime
        except OSError:
            mtime = 0.0
        self._add(pkg, rel, display, path=p, sha256=sha, size=size, out=self._out_for(pkg, rel, display, top),
                  mtime=mtime)

    def _zip(self, pkg: Package, zpath: Path, rel: str, display: str, depth: int) -> None:
        if depth > self.limits.max_zip_depth:
            self._add(pkg, rel + "/", display + "/", status="skipped", reason="zip_depth",
                      message=f"zip nested deeper than {self.limits.max_zip_depth} (IntakeLimits.max_zip_depth): not opened")
            return
        try:
            z = zipfile.ZipFile(zpath)
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            self._add(pkg, rel or zpath.name, display, status="error", reason="corrupt_zip", message=f"not a readable zip: {e}")
            return
        self._n += 1
        dest = self.tmp / f"z{self._n}"
        dest.mkdir(parents=True, exist_ok=True)
        with z:
            for k, info in enumerate(z.infolist()):
                name = zip_name(info)
                if info.is_dir():
                    continue
                r = f"{rel}/{name}" if rel else name
                d = f"{display}/{name}"
                if unsafe_entry(name):
                    self._add(pkg, r, d, status="skipped", reason="unsafe_path",
                              message=f"zip entry {name!r} points outside the package (absolute or '..'): refused")
                    continue
                r = "/".join(x for x in r.replace("\\", "/").split("/") if x not in ("", "."))
                if stat.S_ISLNK(info.external_attr >> 16):
                    self._add(pkg, r, d, status="skipped", reason="symlink", message="symbolic link in the zip: not followed")
                    continue
                if info.flag_bits & 0x1:
                    self._add(pkg, r, d, status="error", reason="encrypted",
                              message=f"{name} is encrypted (password-protected zip): send it without a password")
                    continue
                if len(pkg.items) >= self.limits.max_package_files:
                    self._add(pkg, r, d)  # recorded as too_many_files
                    continue
                target = dest / f"{k}{PurePosixPath(name).suffix[:16]}"
                try:
                    sha, size = self._unpack(pkg, z, info, target)
                except _TooLarge:
                    self._add(pkg, r, d, status="skipped", reason="too_large",
                              message=f"unpacking would pass {self.limits.max_unpacked_mb} MiB for this package "
                                      f"(IntakeLimits.max_unpacked_mb); raise it to read this file")
                    continue
                except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError, NotImplementedError) as e:
                    target.unlink(missing_ok=True)
                    self._add(pkg, r, d, status="error", reason="corrupt_zip", message=f"cannot unpack {name}: {e}")
                    continue
                if is_zip(target):
                    self._add(pkg, r, d, sha256=sha, size=size, status="skipped", reason="zip_opened",
                              message="a zip inside the package: its files are listed under it")
                    self._zip(pkg, target, r, d, depth + 1)
                    continue
                try:
                    mtime = time.mktime(info.date_time + (0, 0, -1))
                except (OverflowError, ValueError):
                    mtime = 0.0
                self._add(pkg, r, d, path=target, sha256=sha, size=size, out=self._out_for(pkg, r, d, False),
                          mtime=mtime)

    def _unpack(self, pkg: Package, z: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> tuple[str, int]:
        cap = self.limits.max_unpacked_mb * (1 << 20)
        h = hashlib.sha256()
        n = 0
        try:
            with z.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(CHUNK):
                    n += len(chunk)
                    if pkg.unpacked + n > cap:
                        raise _TooLarge
                    h.update(chunk)
                    dst.write(chunk)
        except _TooLarge:
            target.unlink(missing_ok=True)
            raise
        pkg.unpacked += n
        return h.hexdigest(), n


class _TooLarge(Exception):
    pass
