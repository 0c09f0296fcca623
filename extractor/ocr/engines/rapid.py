"""PP-OCRv6 small det/rec and the mobile 0/180 classifier from the ``rapidocr`` wheel, on ONNX Runtime (or,
for recognition, on another backend through RapidOCR's own inference sessions): the engine call only. The
decoding of the recogniser's output is :mod:`extractor.ocr.ctc`."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import numpy as np

from ...errors import MissingDependency
from .. import ctc
from ..ctc import CTC_STRIDE, REC_HEIGHT
from . import CONFIG_FILE, OcrConfig, OcrModelMissing, RecLine, forbid_downloads, model_path
from .onnx import classify_with, norm, session, to3

BACKENDS = ("onnxruntime", "paddle", "openvino", "torch")
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
_ORPHANS: list[object] = []  # the parent's pools and sessions a forked child keeps and never uses (after_fork)
DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
MIN_PARALLEL = 4  # crops: fewer are recognised in the calling thread

Infer = Callable[[np.ndarray], np.ndarray]  # a normalised batch (N, 3, 48, W) → class probabilities (N, T, classes)


class RapidEngine:
    """PP-OCRv6 small det/rec + the mobile 0/180 classifier from the rapidocr wheel, on ONNX Runtime."""

    name = "rapidocr"

    def __init__(self, cfg: OcrConfig | None = None) -> None:
        cfg = cfg or OcrConfig()
        forbid_downloads()
        self.cfg = cfg
        self.threads = cfg.threads
        self.cls_path = model_path(cfg.cls_model, CLS_MODEL)
        self.det_path = model_path(cfg.det_model, DET_MODEL)
        if cfg.backend == "onnxruntime":
            self.rec_path = model_path(cfg.rec_model, REC_MODEL)
            self.infers, self.chars = _ort_recognizers(self.rec_path, cfg.threads)
        else:
            infer, self.chars, self.rec_path = backend_recognizer(cfg, self.det_path, self.cls_path)
            self.infers = [infer]
        self._pool = None
        self.twins = ctc.twins(self.chars)
        self._cls = None
        self._det = None

    def prefork(self) -> None:
        """Sessions safe to make before a fork: the classifier's, when it runs single-threaded (the recognition
        sessions, always single-threaded, are made in ``__init__``)."""
        if self.threads == 1 and self._cls is None:
            self._cls = session(self.cls_path, 1)

    def after_fork(self) -> None:
        """In a child process just forked: drop what holds the parent's threads — the recognition thread pool
        and any session made with several intra-op threads (classifier, detector) — to be made again on
        first use. Without this a child of a process that had already read a scan waited forever on the
        parent's pool (a batch run from a process that had OCR'd before: every scan hit the time limit)."""
        # kept, never freed: destroying a session or pool whose threads are gone waits forever (its condition
        # variables still count the parent's waiters)
        _ORPHANS.extend(x for x in (self._pool, self._cls if self.threads != 1 else None, self._det) if x is not None)
        self._pool = None
        if self.threads != 1:
            self._cls = None
        self._det = None

    # recognition ------------------------------------------------------
    def recognize(self, crops: list[np.ndarray]) -> list[RecLine]:
        if len(self.infers) == 1 or len(crops) < MIN_PARALLEL:
            return self._recognize(self.infers[0], crops, list(range(len(crops))))
        from concurrent.futures import ThreadPoolExecutor

        if self._pool is None:
            self._pool = ThreadPoolExecutor(len(self.infers), thread_name_prefix="ocr-rec")
        shares = share_out(crops, len(self.infers))
        futures = [self._pool.submit(self._recognize, infer, crops, idx) for infer, idx in zip(self.infers, shares)]
        out: list[RecLine] = [RecLine("")] * len(crops)
        for f, idx in zip(futures, shares):
            for i, r in zip(idx, f.result()):
                out[i] = r
        return out

    def _recognize(self, infer: Infer, crops: list[np.ndarray], idx: list[int]) -> list[RecLine]:
        out: list[RecLine] = []
        for i in idx:
            c = crops[i]
            w = max(2 * CTC_STRIDE, math.ceil(REC_HEIGHT * c.shape[1] / max(1, c.shape[0])))
            pred = infer(norm(c, w)[None])[0]
            out.append(self._decode(pred, c.shape[0] / REC_HEIGHT, w))
        return out

    def _decode(self, pred: np.ndarray, scale: float, width: int) -> RecLine:
        """Greedy CTC on this model's characters (:func:`extractor.ocr.ctc.decode`)."""
        return RecLine(*ctc.decode(pred, self.chars, self.twins, scale, width))

    # orientation ------------------------------------------------------
    def classify(self, crops: list[np.ndarray]) -> list[float]:
        if self._cls is None:
            self._cls = session(self.cls_path, self.threads)
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
        res = self._det(to3(image), use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(res, "boxes", None)
        return [np.asarray(b, dtype=np.float32) for b in boxes] if boxes is not None else []


def share_out(crops: list[np.ndarray], n: int) -> list[list[int]]:
    """Crop indices for ``n`` sessions: widest first, each crop to the least loaded session (load = width /
    height + 0.5 per crop). ONNX Runtime releases the GIL while it runs, so the sessions run side by side."""
    widths = [c.shape[1] / max(1, c.shape[0]) for c in crops]
    shares: list[list[int]] = [[] for _ in range(n)]
    load = [0.0] * n
    for i in sorted(range(len(crops)), key=lambda i: -widths[i]):
        k = load.index(min(load))
        shares[k].append(i)
        load[k] += widths[i] + 0.5
    return shares


def _ort_recognizers(rec_path: Path, threads: int) -> tuple[list[Infer], list[str]]:
    """One single-threaded recognition session per core and the model's character list (index 0 the CTC blank,
    the last one the space).

    One session per core, the crops shared out between them, was measured ~10 % faster than one session with
    two intra-op threads on the many small crops of a page; one crop per run (padding a batch to its widest
    crop cost time and memory, and changed what the model saw of short crops)."""
    sessions = [session(rec_path, 1) for _ in range(max(1, threads))]
    meta = sessions[0].get_modelmeta().custom_metadata_map
    if "character" not in meta:
        raise OcrModelMissing(f"{rec_path} carries no character list; use a RapidOCR ONNX rec model")
    return [_ort_infer(s) for s in sessions], ["blank"] + meta["character"].splitlines() + [" "]


def _ort_infer(sess) -> Infer:  # noqa: ANN001
    name = sess.get_inputs()[0].name
    return lambda x: sess.run(None, {name: x})[0]


def _backend_params(cfg: OcrConfig, det_path: Path, cls_path: Path) -> dict:
    """RapidOCR's parameters for a recognition-only pipeline on ``cfg.backend`` with the configured local model
    (and character list); :class:`OcrModelMissing` when a needed path is not set or not there."""
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
    return params


def backend_recognizer(cfg: OcrConfig, det_path: Path, cls_path: Path) -> tuple[Infer, list[str], Path]:
    """RapidOCR's inference session for ``cfg.backend`` (paddle / openvino / torch) on the configured local
    recognition model: a function from a normalised batch to the per-step class probabilities, the
    character list (index 0 the CTC blank) and the model's path."""
    if cfg.backend not in BACKENDS:
        raise MissingDependency(f"unknown backend {cfg.backend!r} in {CONFIG_FILE}: use one of {', '.join(BACKENDS)}")
    from rapidocr import RapidOCR

    params = _backend_params(cfg, det_path, cls_path)
    try:
        rec = RapidOCR(params=params)._load_rec_model()
    except ImportError as e:
        raise MissingDependency(f"backend {cfg.backend!r} selected in {CONFIG_FILE} but it is not installed: {e}") from e
    chars = list(rec.postprocess_op.character)
    run = rec.session
    return (lambda x: np.asarray(run(x))), chars, Path(cfg.rec_model_dir or cfg.rec_model)
