"""The OCR engines behind one protocol: line crops in, text with per-character scores out.

Default engine: the PaddleOCR PP-OCRv6 small models that ship inside the ``rapidocr`` wheel
(``site-packages/rapidocr/models``), run with ONNX Runtime on the CPU (:mod:`.rapid`). Recognition runs its
own ONNX session so that every character comes back with its probability and its x position in the
crop (a CTC time step is 8 pixels of the 48-pixel-high input, :mod:`extractor.ocr.ctc`): the checkbox
module and the cell confidence need both. ``detect`` is part of the interface but not used by the
pipeline, which finds text lines by projection inside the ruled cells (``extractor.ocr.lines``).

Nothing is ever downloaded: every model path is checked before a session opens, and RapidOCR's
downloader is replaced by one that raises :class:`OcrModelMissing`.

Configuration: ``extractor/models/ocr.yaml``, package data shipped in the wheel and found with
:mod:`importlib.resources` (or the file named by ``$EXTRACTOR_OCR_CONFIG``; relative model paths in it
are relative to that file)::

    engine: rapidocr            # a key of ENGINES: rapidocr (default) | paddleocr
    backend: onnxruntime        # rapidocr only: onnxruntime (default) | paddle | openvino | torch
    threads: 2                  # cores: recognition sessions (1 thread each); classifier threads
    det_model: null             # null = the model inside the rapidocr wheel
    rec_model: null
    cls_model: null
    rec_model_dir: null         # backend paddle: a local PaddleOCR inference model folder
    rec_keys: null              # the character list of a model that does not carry one (paddle models)
    # engine: paddleocr  ->  det_model_dir / rec_model_dir: local PaddleOCR inference model folders

With ``backend`` other than onnxruntime, recognition runs through RapidOCR's own inference session for
that backend (``rapidocr.inference_engine``), on the same line crops and with the same decoding (every
character keeps its probability and position); the classifier stays the wheel's ONNX model.

Adding an engine: one module here with a class taking an :class:`OcrConfig` and meeting :class:`Engine`,
and its one line in :data:`ENGINES` (``"name": ".module:Class"``); nothing else names an engine.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from ...errors import MissingDependency
from ...maps import package_data

CONFIG_FILE = package_data("models/ocr.yaml")


class OcrModelMissing(MissingDependency):
    code = "ocr_model_missing"


@dataclass
class RecLine:
    """One recognised line crop: the text and, per character, its probability and x centre in crop pixels."""

    text: str
    probs: list[float] = field(default_factory=list)
    xs: list[float] = field(default_factory=list)
    gap: float = 1.0  # how sure the recogniser is that nothing was skipped between characters (1 - best rival)

    @property
    def score(self) -> float:
        return float(np.mean(self.probs)) if self.probs else 0.0

    @property
    def min_prob(self) -> float:
        return min(self.probs + [self.gap]) if self.probs else self.gap

    def to_json(self) -> dict:
        return {"text": self.text, "probs": [round(p, 4) for p in self.probs], "xs": [round(x, 1) for x in self.xs],
                "gap": round(self.gap, 4)}

    @classmethod
    def from_json(cls, d: dict) -> "RecLine":
        return cls(d["text"], list(d.get("probs", [])), list(d.get("xs", [])), d.get("gap", 1.0))


class Engine(Protocol):
    name: str

    def recognize(self, crops: list[np.ndarray]) -> list[RecLine]: ...

    def classify(self, crops: list[np.ndarray]) -> list[float]:
        """Probability that each crop is upside down (180°)."""
        ...

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Text line quadrilaterals (4×2, pixel coordinates of ``image``)."""
        ...


# ---------------------------------------------------------------- configuration
@dataclass
class OcrConfig:
    engine: str = "rapidocr"
    backend: str = "onnxruntime"
    threads: int = 2
    det_model: str | None = None
    rec_model: str | None = None
    cls_model: str | None = None
    det_model_dir: str | None = None
    rec_model_dir: str | None = None
    rec_keys: str | None = None


_PATHS = ("det_model", "rec_model", "cls_model", "det_model_dir", "rec_model_dir", "rec_keys")


def load_config(path: Path | None = None) -> OcrConfig:
    """The config file ``path`` (default ``$EXTRACTOR_OCR_CONFIG``, else the shipped one) as an :class:`OcrConfig`;
    defaults when the file does not exist. Unknown keys are ignored; relative paths are made absolute against
    the file's folder."""
    import yaml

    path = Path(path or os.environ.get("EXTRACTOR_OCR_CONFIG") or CONFIG_FILE)
    if not path.exists():
        return OcrConfig()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = {k: v for k, v in data.items() if k in OcrConfig.__dataclass_fields__}
    cfg = OcrConfig(**known)
    for k in _PATHS:
        v = getattr(cfg, k)
        if v and not Path(v).is_absolute():
            setattr(cfg, k, str((path.parent / v).resolve()))
    return cfg


def wheel_models() -> Path:
    """The model folder inside the installed ``rapidocr`` wheel."""
    try:
        import rapidocr
    except ImportError as e:  # pragma: no cover - a dependency of the package
        raise MissingDependency("the OCR path needs the 'rapidocr' package (pip install rapidocr onnxruntime)") from e
    return Path(rapidocr.__file__).resolve().parent / "models"


def model_path(path: str | None, default: str) -> Path:
    """``path``, or the wheel's model file ``default``; :class:`OcrModelMissing` when it is not there."""
    p = Path(path) if path else wheel_models() / default
    if not p.is_file():
        raise OcrModelMissing(f"OCR model not found: {p}. Nothing is downloaded at run time: install the "
                              f"'rapidocr' wheel (it ships the PP-OCRv6 models) or set the path in {CONFIG_FILE}")
    return p


def forbid_downloads() -> None:
    """Make any download RapidOCR might attempt fail loudly instead of reaching the network."""
    try:
        from rapidocr.utils import download_file
    except ImportError:  # pragma: no cover
        return

    def refuse(cls, params):  # noqa: ANN001
        raise OcrModelMissing(f"RapidOCR tried to download {getattr(params, 'file_url', '?')} to "
                              f"{getattr(params, 'save_path', '?')}: downloads are disabled; put the model there "
                              f"or point {CONFIG_FILE} at local model files")

    download_file.DownloadFile.run = classmethod(refuse)


# ---------------------------------------------------------------- the registry (engine modules use the names above)
ENGINES: dict[str, str] = {"rapidocr": ".rapid:RapidEngine", "paddleocr": ".paddle:PaddleEngine"}
"""``engine:`` in the config → where the engine class is, ``module:Class`` (a module starting with ``.`` is one of
this package); the class is called with the :class:`OcrConfig`. A new engine is its module and its line here
(its module is imported when a config names it, by :func:`engine_class`)."""
ALIASES = {"onnxruntime": "rapidocr"}  # older configs named the runtime

from .paddle import PaddleEngine  # noqa: E402,F401 - the built-in engines stay importable from here
from .rapid import RapidEngine  # noqa: E402,F401


def engine_class(name: str) -> Callable[[OcrConfig], Engine] | None:
    """The engine class of ``engine:`` ``name`` (an alias or a key of :data:`ENGINES`), imported; ``None``: unknown."""
    where = ENGINES.get(ALIASES.get(name, name))
    if where is None:
        return None
    module, _, cls = where.partition(":")
    return getattr(importlib.import_module(module, __name__), cls)


_MADE: list[Engine] = []  # engines made in this process (see _after_fork_in_child)


@lru_cache(maxsize=2)
def _engine(path: str) -> Engine:
    cfg = load_config(Path(path))
    make = engine_class(cfg.engine)
    if make is None:
        raise MissingDependency(f"unknown OCR engine {cfg.engine!r} in {path}: use {' or '.join(ENGINES)}")
    eng = make(cfg)
    _MADE.append(eng)
    return eng


def _after_fork_in_child() -> None:
    """Threads do not survive a fork: each engine drops what holds its parent's threads (``after_fork()``);
    an engine that cannot say is forgotten, to be made again in the child on first use."""
    for eng in list(_MADE):
        fix = getattr(eng, "after_fork", None)
        if fix is None:
            _engine.cache_clear()
            _MADE.clear()
            return
        fix()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def preload(path: str | os.PathLike[str] | None = None) -> Engine:
    """Create the engine of the config file ``path`` (default: the one :func:`get_engine` would read) in
    this process now, so that processes forked afterwards find it made.

    Only sessions that start no thread of their own are made here (ONNX Runtime's thread pools do not
    survive a fork): an engine's ``prefork()``, if it has one, makes what it can (see
    :meth:`.rapid.RapidEngine.prefork`). Measured: a worker's first scan 1.47 s CPU without, the next ones 0.86 s."""
    eng = _engine(str(path or os.environ.get("EXTRACTOR_OCR_CONFIG") or CONFIG_FILE))
    prefork = getattr(eng, "prefork", None)
    if prefork is not None:
        prefork()
    return eng


def get_engine() -> Engine:
    """The configured engine (created once per process)."""
    return _engine(str(os.environ.get("EXTRACTOR_OCR_CONFIG") or CONFIG_FILE))
