"""What intake produces: :class:`Package` (one application as sent) holding an :class:`Item` per file found,
and the batch-level :class:`IntakeLimits` on what is unpacked."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
    """One application as the applicant sent it (a folder, a zip or a single file) and the files found in it."""

    key: str  # output name: OUTDIR/<key>/… and OUTDIR/<key>.package.json
    display: str  # the input as given
    kind: str  # folder | zip | file
    items: list[Item] = field(default_factory=list)
    fingerprint: str = ""  # sha256 over the sorted hashes of its files: equal ⇒ same package
    duplicate_of: str | None = None
    unpacked: int = 0  # bytes unpacked from its zips
    summary_path: str = ""  # OUTDIR/<key>.package.json (shortened like every name)
