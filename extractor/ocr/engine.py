"""The OCR engine call, and nothing else: line crops in, text with per-character scores out.

Default engine: the PaddleOCR PP-OCRv6 small models that ship inside the ``rapidocr`` wheel
(``site-packages/rapidocr/models``), run with ONNX Runtime on the CPU. Recognition runs its own
ONNX session so that every character comes back with its probability and its x position in the
crop (a CTC time step is 8 pixels of the 48-pixel-high input): the checkbox module and the cell
confidence need both. ``detect`` (RapidOCR's DB detector) is part of the interface but not used by the
pipeline, which finds text lines by projection inside the ruled cells (``extractor.ocr.lines``).

Nothing is ever downloaded: every model path is checked before a session opens, and RapidOCR's
downloader is replaced by one that raises :class:`OcrModelMissing`.

Configuration: ``extractor/models/ocr.yaml``, package data shipped in the wheel and found with
:mod:`importlib.resources` (or the file named by ``$EXTRACTOR_OCR_CONFIG``; relative model paths in it
are relative to that file)::

    engine: rapidocr            # rapidocr (default) | paddleocr
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
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import MissingDependency
from ..maps import package_data

CONFIG_FILE = package_data("models/ocr.yaml")
REC_HEIGHT = 48
CTC_STRIDE = 8  # input pixels per output time step of the recogniser


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


BACKENDS = ("onnxruntime", "paddle", "openvino", "torch")


def load_config(path: Path | None = None) -> OcrConfig:
    import yaml

    path = Path(path or os.environ.get("EXTRACTOR_OCR_CONFIG") or CONFIG_FILE)
    if not path.exists():
        return OcrConfig()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = {k: v for k, v in data.items() if k in OcrConfig.__dataclass_fields__}
    cfg = OcrConfig(**known)
    for k in ("det_model", "rec_model", "cls_model", "det_model_dir", "rec_model_dir", "rec_keys"):
        v = getattr(cfg, k)
        if v and not Path(v).is_absolute():
            setattr(cfg, k, str((path.parent / v).resolve()))
    return cfg


def wheel_models() -> Path:
    try:
        import rapidocr
    except ImportError as e:  # pragma: no cover - a dependency of the package
        raise MissingDependency("the OCR path needs the 'rapidocr' package (pip install rapidocr onnxruntime)") from e
    return Path(rapidocr.__file__).resolve().parent / "models"


def _model(path: str | None, default: str) -> Path:
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


# ---------------------------------------------------------------- RapidOCR / ONNX Runtime
def _session(path: Path, threads: int):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = max(1, threads)
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])


def _to3(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return np.repeat(img[:, :, None], 3, axis=2)
    return img[:, :, :3]


class RapidEngine:
    """PP-OCRv6 small det/rec + the mobile 0/180 classifier from the rapidocr wheel, on ONNX Runtime."""

    name = "rapidocr"

    def __init__(self, cfg: OcrConfig | None = None) -> None:
        cfg = cfg or OcrConfig()
        forbid_downloads()
        self.cfg = cfg
        self.threads = cfg.threads
        self.cls_path = _model(cfg.cls_model, "ch_ppocr_mobile_v2.0_cls_mobile.onnx")
        self.det_path = _model(cfg.det_model, "PP-OCRv6_det_small.onnx")
        if cfg.backend == "onnxruntime":
            self.rec_path = _model(cfg.rec_model, "PP-OCRv6_rec_small.onnx")
            # recognition: one single-threaded session per core, the crops shared out between them (measured
            # ~10 % faster than one session with two intra-op threads on the many small crops of a page), one
            # crop per run (padding a batch to its widest crop cost time and memory, and changed what the
            # model saw of short crops)
            sessions = [_session(self.rec_path, 1) for _ in range(max(1, cfg.threads))]
            self.infers = [_ort_infer(sess) for sess in sessions]
            meta = sessions[0].get_modelmeta().custom_metadata_map
            if "character" not in meta:
                raise OcrModelMissing(f"{self.rec_path} carries no character list; use a RapidOCR ONNX rec model")
            self.chars = ["blank"] + meta["character"].splitlines() + [" "]
        else:
            infer, self.chars, self.rec_path = _backend_recognizer(cfg, self.det_path, self.cls_path)
            self.infers = [infer]
        self._pool = None
        self.twins = _twins(self.chars)
        self._cls = None
        self._det = None

    # recognition ------------------------------------------------------
    def recognize(self, crops: list[np.ndarray]) -> list[RecLine]:
        if len(self.infers) == 1 or len(crops) < 4:
            return self._recognize(self.infers[0], crops, list(range(len(crops))))
        from concurrent.futures import ThreadPoolExecutor

        if self._pool is None:
            self._pool = ThreadPoolExecutor(len(self.infers), thread_name_prefix="ocr-rec")
        # widest first, each crop to the least loaded session (ONNX Runtime releases the GIL while it runs)
        widths = [c.shape[1] / max(1, c.shape[0]) for c in crops]
        shares: list[list[int]] = [[] for _ in self.infers]
        load = [0.0] * len(self.infers)
        for i in sorted(range(len(crops)), key=lambda i: -widths[i]):
            k = load.index(min(load))
            shares[k].append(i)
            load[k] += widths[i] + 0.5
        futures = [self._pool.submit(self._recognize, infer, crops, idx) for infer, idx in zip(self.infers, shares)]
        out: list[RecLine] = [RecLine("")] * len(crops)
        for f, idx in zip(futures, shares):
            for i, r in zip(idx, f.result()):
                out[i] = r
        return out

    def _recognize(self, infer, crops: list[np.ndarray], idx: list[int]) -> list[RecLine]:  # noqa: ANN001
        out: list[RecLine] = []
        for i in idx:
            c = crops[i]
            w = max(2 * CTC_STRIDE, math.ceil(REC_HEIGHT * c.shape[1] / max(1, c.shape[0])))
            pred = infer(_norm(c, w)[None])[0]
            out.append(self._decode(pred, c.shape[0] / REC_HEIGHT, w))
        return out

    def _decode(self, pred: np.ndarray, scale: float, width: int) -> RecLine:
        """Greedy CTC: a run of one class is one character.

        A character's probability is taken where its run peaks, given that *some* character is emitted
        there (the blank's share is not doubt about the character), and counts the classes that read the
        same after NFKC as one ('(' and '（', '：' and ':' are not a misreading).
        """
        pred = pred[:max(1, math.ceil(width / CTC_STRIDE))]
        ids = pred.argmax(axis=1)
        text, ps, xs = [], [], []
        t = 0
        n = len(ids)
        while t < n:
            i = int(ids[t])
            e = t
            while e + 1 < n and ids[e + 1] == i:
                e += 1
            if i != 0 and i < len(self.chars):
                k = t + int(pred[t:e + 1, i].argmax())
                row = pred[k]
                same = row[self.twins[i]].sum() if i in self.twins else row[i]
                text.append(self.chars[i])
                ps.append(float(min(1.0, same / max(1e-6, 1.0 - row[0]))))
                xs.append((t + e + 1) / 2 * CTC_STRIDE * scale)
            t = e + 1
        # a character the greedy path left out (a '.' in 60.97) shows as a strong rival of the blank
        gap = 1.0
        space = len(self.chars) - 1
        bl = np.flatnonzero((ids == 0) & (pred[:, 0] < 0.9))  # blank steps with real mass elsewhere
        if len(bl):
            rows = pred[bl].copy()
            rows[:, 0] = -1.0
            rows[:, space] = -1.0
            for _ in range(3):
                best = rows.argmax(axis=1)
                drop = [k for k, (t, c) in enumerate(zip(bl, best))
                        if any(0 <= j < n and ids[j] == c for j in (t - 2, t - 1, t + 1, t + 2))]
                if not drop:
                    break
                rows[drop, best[drop]] = -1.0  # the neighbour's own tail is no rival
            gap = float(1.0 - rows.max(axis=1).max())
        return RecLine("".join(text), ps, xs, gap)

    # orientation ------------------------------------------------------
    def classify(self, crops: list[np.ndarray]) -> list[float]:
        if self._cls is None:
            self._cls = _session(self.cls_path, self.threads)
        return classify_with(self._cls, crops)

    # detection (not used by the pipeline: lines come from projection) -----
    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        if self._det is None:
            from rapidocr import RapidOCR

            self._det = RapidOCR(params={
                "Global.log_level": "warning", "Global.use_cls": False, "Global.use_rec": False,
                "Det.model_path": str(self.det_path), "Rec.model_path": str(self.rec_path),
                "Cls.model_path": str(self.cls_path),
                "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
        res = self._det(_to3(image), use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(res, "boxes", None)
        return [np.asarray(b, dtype=np.float32) for b in boxes] if boxes is not None else []


def classify_with(sess, crops: list[np.ndarray]) -> list[float]:  # noqa: ANN001
    """The 0/180 classifier (an ONNX Runtime session): probability that each crop is upside down."""
    if not crops:
        return []
    name = sess.get_inputs()[0].name
    x = np.zeros((len(crops), 3, 48, 192), dtype=np.float32)
    for k, c in enumerate(crops):
        w = min(192, max(1, math.ceil(48 * c.shape[1] / max(1, c.shape[0]))))
        x[k, :, :, :w] = _norm(c, w)
    p = sess.run(None, {name: x})[0]
    return [float(r[1]) for r in p]


def _ort_infer(sess):  # noqa: ANN001, ANN202
    name = sess.get_inputs()[0].name
    return lambda x: sess.run(None, {name: x})[0]


def _backend_recognizer(cfg: OcrConfig, det_path: Path, cls_path: Path):  # noqa: ANN202
    """RapidOCR's inference session for ``cfg.backend`` (paddle / openvino / torch) on the configured local
    recognition model: a function from a normalised batch to the per-step class probabilities, and the
    character list (index 0 the CTC blank)."""
    if cfg.backend not in BACKENDS:
        raise MissingDependency(f"unknown backend {cfg.backend!r} in {CONFIG_FILE}: use one of {', '.join(BACKENDS)}")
    from rapidocr import RapidOCR
    from rapidocr.utils.typings import EngineType

    params: dict = {"Global.log_level": "warning", "Global.use_det": False, "Global.use_cls": False,
                    "Rec.engine_type": EngineType(cfg.backend),
                    "Det.model_path": str(det_path), "Cls.model_path": str(cls_path)}
    if cfg.backend == "paddle":
        if not cfg.rec_model_dir or not Path(cfg.rec_model_dir).is_dir():
            raise OcrModelMissing(f"backend 'paddle' needs rec_model_dir, a local PaddleOCR inference model folder "
                                  f"(got {cfg.rec_model_dir!r}; set it in {CONFIG_FILE}; nothing is downloaded)")
        params["Rec.model_dir"] = cfg.rec_model_dir
        params["EngineConfig.paddle.cpu_math_library_num_threads"] = cfg.threads
    else:
        if not cfg.rec_model or not Path(cfg.rec_model).is_file():
            raise OcrModelMissing(f"backend {cfg.backend!r} needs rec_model, a local model file for it "
                                  f"(got {cfg.rec_model!r}; set it in {CONFIG_FILE}; nothing is downloaded)")
        params["Rec.model_path"] = cfg.rec_model
        if cfg.backend == "openvino":
            params["EngineConfig.openvino.inference_num_threads"] = cfg.threads
        elif cfg.backend == "onnxruntime":
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = cfg.threads
    if cfg.rec_keys:
        if not Path(cfg.rec_keys).is_file():
            raise OcrModelMissing(f"character list not found: {cfg.rec_keys}")
        params["Rec.rec_keys_path"] = cfg.rec_keys
    elif cfg.backend != "onnxruntime":
        raise OcrModelMissing(f"backend {cfg.backend!r}: set rec_keys to the model's character list file "
                              f"(ppocr_keys / the dict .txt that comes with the model) in {CONFIG_FILE}")
    try:
        rec = RapidOCR(params=params)._load_rec_model()
    except ImportError as e:
        raise MissingDependency(f"backend {cfg.backend!r} selected in {CONFIG_FILE} but it is not installed: {e}") from e
    chars = list(rec.postprocess_op.character)
    session = rec.session
    return (lambda x: np.asarray(session(x))), chars, Path(cfg.rec_model_dir or cfg.rec_model)


def _twins(chars: list[str]) -> dict[int, list[int]]:
    """Classes that are the same character after NFKC (full/half width), by class index."""
    import unicodedata

    groups: dict[str, list[int]] = {}
    for i, ch in enumerate(chars[1:], start=1):
        groups.setdefault(unicodedata.normalize("NFKC", ch).strip() or " ", []).append(i)
    return {i: g for g in groups.values() if len(g) > 1 for i in g}


def _norm(img: np.ndarray, width: int) -> np.ndarray:
    import cv2

    im = cv2.resize(_to3(img), (width, REC_HEIGHT), interpolation=cv2.INTER_LINEAR if img.shape[0] < REC_HEIGHT else cv2.INTER_AREA)
    return (im.astype(np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5


# ---------------------------------------------------------------- PaddleOCR (user's local models)
class PaddleEngine:
    """PaddleOCR with local inference model folders (``det_model_dir`` / ``rec_model_dir`` in extractor/models/ocr.yaml).

    PaddleOCR gives one score per line; it is used for every character, and character positions are spread
    evenly over the crop (good enough for placing tick boxes, which are also found by pixels).
    """

    name = "paddleocr"

    def __init__(self, cfg: OcrConfig) -> None:
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError as e:
            raise MissingDependency("engine 'paddleocr' selected in extractor/models/ocr.yaml but paddleocr is not installed") from e
        for d in (cfg.det_model_dir, cfg.rec_model_dir):
            if not d or not Path(d).is_dir():
                raise OcrModelMissing(f"PaddleOCR model folder not found: {d!r} (set det_model_dir / rec_model_dir "
                                      f"in {CONFIG_FILE}; nothing is downloaded)")
        self.rec = TextRecognition(model_dir=cfg.rec_model_dir)
        self.det = TextDetection(model_dir=cfg.det_model_dir)
        self._cls = _session(_model(cfg.cls_model, "ch_ppocr_mobile_v2.0_cls_mobile.onnx"), cfg.threads)

    def recognize(self, crops: list[np.ndarray]) -> list[RecLine]:
        out = []
        for c, r in zip(crops, self.rec.predict(input=[_to3(c) for c in crops])):
            text, score = r["rec_text"], float(r["rec_score"])
            n = max(1, len(text))
            out.append(RecLine(text, [score] * len(text), [(k + 0.5) * c.shape[1] / n for k in range(len(text))]))
        return out

    def classify(self, crops: list[np.ndarray]) -> list[float]:
        return classify_with(self._cls, crops)

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        res = self.det.predict(input=_to3(image))
        return [np.asarray(b, dtype=np.float32) for r in res for b in r["dt_polys"]]


@lru_cache(maxsize=2)
def _engine(path: str) -> Engine:
    cfg = load_config(Path(path))
    if cfg.engine == "paddleocr":
        return PaddleEngine(cfg)
    if cfg.engine not in ("rapidocr", "onnxruntime"):
        raise MissingDependency(f"unknown OCR engine {cfg.engine!r} in {path}: use rapidocr or paddleocr")
    return RapidEngine(cfg)


def preload(path: str | os.PathLike[str] | None = None) -> Engine:
    """Create the engine of the config file ``path`` (default: the one :func:`get_engine` would read) in
    this process now, so that processes forked afterwards find it made.

    Only sessions that start no thread of their own are made here (ONNX Runtime's thread pools do not
    survive a fork): the recognition sessions always run single-threaded; the classifier's session is
    made only when the config asks for one thread. Measured: a worker's first scan 1.47 s CPU without,
    the next ones 0.86 s."""
    eng = _engine(str(path or os.environ.get("EXTRACTOR_OCR_CONFIG") or CONFIG_FILE))
    if isinstance(eng, RapidEngine) and eng.threads == 1 and eng._cls is None:
        eng._cls = _session(eng.cls_path, 1)
    return eng


def get_engine() -> Engine:
    """The configured engine (created once per process)."""
    return _engine(str(os.environ.get("EXTRACTOR_OCR_CONFIG") or CONFIG_FILE))
