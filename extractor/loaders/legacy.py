"""Legacy Word (.doc), WPS (.wps) and RTF: converted to .docx by LibreOffice headless, then the Word path (with the
same :class:`~extractor.limits.Limits`)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import CorruptFile, MissingDependency
from ..ir import Document
from ..limits import Limits
from .docx import load_docx

TIMEOUT_S = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, outdir: Path) -> Path:
    exe = soffice()
    if exe is None:
        raise MissingDependency("LibreOffice is needed to read .doc/.wps files: install it (Debian: apt-get install libreoffice-writer)")
    profile = outdir / "profile"
    cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(path)]
    try:
        subprocess.run(cmd, check=False, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        raise CorruptFile(f"LibreOffice did not convert the file within {TIMEOUT_S} s") from e
    out = outdir / (path.stem + ".docx")
    if not out.exists():
        raise CorruptFile("LibreOffice could not convert the file (corrupt or not a Word document)")
    return out


SUFFIX = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf"}


def load_legacy(path: Path, fmt: str, limits: Limits | None = None) -> Document:
    """``fmt``: doc | wps | rtf, as sniffed from the content (the copy LibreOffice reads gets that suffix)."""
    with tempfile.TemporaryDirectory(prefix="extractor-") as tmp:
        src = Path(tmp) / ("input" + SUFFIX.get(fmt, path.suffix.lower()))
        shutil.copyfile(path, src)
        doc = load_docx(convert_to_docx(src, Path(tmp)), limits)
    doc.path = str(path)
    doc.format = fmt
    return doc
