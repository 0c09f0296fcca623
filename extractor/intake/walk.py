"""Walking the inputs into packages (:class:`Intake`): folders and inboxes scanned, nested zips unpacked into
a private temp folder within :class:`~extractor.intake.model.IntakeLimits`, every file found given an
:class:`~extractor.intake.model.Item` and an output name; packages with the same files marked duplicates."""
from __future__ import annotations

import hashlib
import os
import stat
import time
import zipfile
from pathlib import Path, PurePosixPath

from .model import IntakeLimits, Item, Package
from .names import JSON_SUFFIX, PACKAGE_SUFFIX, Claims, safe_name
from .safety import CHUNK, hash_file, is_zip, special_kind, unsafe_entry, zip_name


def mark_duplicates(packages: list[Package]) -> None:
    """Give each package its fingerprint (sha256 over the sorted hashes of its files); a package with the
    fingerprint of an earlier one becomes its duplicate: every file not yet decided is ``skipped: duplicate``."""
    seen: dict[str, str] = {}
    for pkg in packages:
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
        """The packages of ``inputs`` (see :mod:`extractor.intake`), duplicates marked; ``folders_are_packages``:
        a folder given is one package. An input that cannot be read is a package with one ``error`` item."""
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
        mark_duplicates(out)
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

    # -- zips
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
                if not info.is_dir():
                    self._member(pkg, z, info, dest, k, (rel, display, depth))

    def _member(self, pkg: Package, z: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, k: int,
                where: tuple[str, str, int]) -> None:
        """Member number ``k`` of zip ``z`` (``where``: the zip's rel, display and depth): refused (unsafe path,
        link, encrypted, too many files, too large, corrupt), opened (a nested zip) or unpacked into ``dest``."""
        rel, display, depth = where
        name = zip_name(info)
        r = f"{rel}/{name}" if rel else name
        d = f"{display}/{name}"
        if unsafe_entry(name):
            self._add(pkg, r, d, status="skipped", reason="unsafe_path",
                      message=f"zip entry {name!r} points outside the package (absolute or '..'): refused")
            return
        r = "/".join(x for x in r.replace("\\", "/").split("/") if x not in ("", "."))
        if stat.S_ISLNK(info.external_attr >> 16):
            self._add(pkg, r, d, status="skipped", reason="symlink", message="symbolic link in the zip: not followed")
            return
        if info.flag_bits & 0x1:
            self._add(pkg, r, d, status="error", reason="encrypted",
                      message=f"{name} is encrypted (password-protected zip): send it without a password")
            return
        if len(pkg.items) >= self.limits.max_package_files:
            self._add(pkg, r, d)  # recorded as too_many_files
            return
        target = dest / f"{k}{PurePosixPath(name).suffix[:16]}"
        try:
            sha, size = self._unpack(pkg, z, info, target)
        except _TooLarge:
            self._add(pkg, r, d, status="skipped", reason="too_large",
                      message=f"unpacking would pass {self.limits.max_unpacked_mb} MiB for this package "
                              f"(IntakeLimits.max_unpacked_mb); raise it to read this file")
            return
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError, NotImplementedError) as e:
            target.unlink(missing_ok=True)
            self._add(pkg, r, d, status="error", reason="corrupt_zip", message=f"cannot unpack {name}: {e}")
            return
        if is_zip(target):
            self._add(pkg, r, d, sha256=sha, size=size, status="skipped", reason="zip_opened",
                      message="a zip inside the package: its files are listed under it")
            self._zip(pkg, target, r, d, depth + 1)
            return
        try:
            mtime = time.mktime(info.date_time + (0, 0, -1))
        except (OverflowError, ValueError):
            mtime = 0.0
        self._add(pkg, r, d, path=target, sha256=sha, size=size, out=self._out_for(pkg, r, d, False), mtime=mtime)

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
