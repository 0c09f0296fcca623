"""Legacy Word (.doc) and WPS (.wps): converted to .docx by LibreOffice headless, then the Word path."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import CorruptFile, MissingDependency
from ..ir import Document
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


def load_legacy(path: Path, fmt: str) -> Document:
    with tempfile.TemporaryDirectory(prefix="extractor-") as tmp:
        src = Path(tmp) / ("input" + path.suffix.lower())
        shutil.copyfile(path, src)
        doc = load_docx(convert_to_docx(src, Path(tmp)))
    doc.path = str(path)
    doc.format = fmt
    return doc
