"""The output folder (checked before any work) and clean-up of what killed runs left: our temp folders under
the system temp dir, half-written files of atomic writes in the output folder."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from ..emit import TMP_PREFIX
from ..intake import RESERVED
from .settings import OutputDirError

TMP_DIR_PREFIX = "extractor-batch-"  # our temp folders under the system temp dir (stale ones are removed)


def check_outdir(outdir: Path) -> None:
    """Create ``outdir`` (and its ``_batch/``) and make sure we can write there; raises :class:`OutputDirError`
    (one line) otherwise."""
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise OutputDirError(f"output folder {outdir} is a file")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / RESERVED).mkdir(exist_ok=True)
        probe = outdir / RESERVED / f"{TMP_PREFIX}probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise OutputDirError(f"output folder {outdir} cannot be written: {e.strerror or e}") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def make_temp() -> Path:
    """A new private temp folder for this run (:data:`TMP_DIR_PREFIX`), holding our pid in ``pid``."""
    tmp = Path(tempfile.mkdtemp(prefix=TMP_DIR_PREFIX))
    (tmp / "pid").write_text(str(os.getpid()))
    return tmp


def remove_stale_temp(base: Path | None = None) -> list[Path]:
    """Remove our temp folders under ``base`` (default: the system temp dir) whose run has ended (its pid,
    written in ``pid``, is gone; without a pid: older than an hour); returns the folders removed."""
    base = Path(base or tempfile.gettempdir())
    gone = []
    for d in base.glob(TMP_DIR_PREFIX + "*"):
        try:
            pid = int((d / "pid").read_text())
        except (OSError, ValueError):
            pid = 0
        if pid and _alive(pid):
            continue
        if pid or time.time() - d.stat().st_mtime > 3600:
            shutil.rmtree(d, ignore_errors=True)
            gone.append(d)
    return gone


def remove_stale_writes(outdir: Path) -> None:
    """Remove the temporary files of a killed run's atomic writes under ``outdir`` (never complete outputs)."""
    for root, _dirs, files in os.walk(outdir):
        for f in files:
            if f.startswith(TMP_PREFIX):
                try:
                    os.unlink(os.path.join(root, f))
                except OSError:
                    pass
