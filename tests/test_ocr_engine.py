"""The OCR engine: local models only (never a download), configuration, a recognised line."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extractor.ocr import engine
from extractor.ocr.engine import OcrModelMissing


def test_models_ship_inside_the_rapidocr_wheel():
    d = engine.wheel_models()
    for name in ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx", "ch_ppocr_mobile_v2.0_cls_mobile.onnx"):
        assert (d / name).is_file(), name


def test_a_download_attempt_fails_loudly():
    from rapidocr.utils.download_file import DownloadFile, DownloadFileInput

    engine.forbid_downloads()
    import logging

    with pytest.raises(OcrModelMissing, match="downloads are disabled"):
        DownloadFile.run(DownloadFileInput(file_url="https://example.invalid/x.onnx", save_path="/tmp/x.onnx",
                                           logger=logging.getLogger("t")))


def test_missing_model_is_a_clear_error(tmp_path: Path):
    cfg = engine.OcrConfig(rec_model=str(tmp_path / "nope.onnx"))
    with pytest.raises(OcrModelMissing, match="Nothing is downloaded"):
        engine.RapidEngine(cfg)


def test_config_file(tmp_path: Path):
    (tmp_path / "ocr.yaml").write_text("engine: rapidocr\nthreads: 1\nrec_model: my/rec.onnx\n", encoding="utf-8")
    cfg = engine.load_config(tmp_path / "ocr.yaml")
    assert cfg.threads == 1 and cfg.rec_model == str((tmp_path / "my" / "rec.onnx").resolve())
    assert engine.load_config(tmp_path / "absent.yaml") == engine.OcrConfig()
    shipped = engine.load_config(engine.CONFIG_FILE)
    assert shipped.engine == "rapidocr" and shipped.threads == 2


def test_unknown_engine_named(tmp_path: Path, monkeypatch):
    (tmp_path / "ocr.yaml").write_text("engine: tesseract\n", encoding="utf-8")
    engine._engine.cache_clear()
    monkeypatch.setenv("EXTRACTOR_OCR_CONFIG", str(tmp_path / "ocr.yaml"))
    from extractor.errors import MissingDependency

    with pytest.raises(MissingDependency, match="unknown OCR engine"):
        engine.get_engine()
    monkeypatch.delenv("EXTRACTOR_OCR_CONFIG")
    engine._engine.cache_clear()


def test_recognise_a_line_with_character_scores_and_positions():
    from PIL import Image, ImageDraw, ImageFont

    fonts = [f for f in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",) if Path(f).exists()]
    if not fonts:
        pytest.skip("no CJK font to draw the test line")
    im = Image.new("L", (420, 64), 255)
    ImageDraw.Draw(im).text((12, 10), "集群产值829.06亿元", font=ImageFont.truetype(fonts[0], 36), fill=0)
    eng = engine.get_engine()
    (r,) = eng.recognize([np.asarray(im)])
    assert r.text == "集群产值829.06亿元"
    assert len(r.probs) == len(r.text) == len(r.xs) and r.min_prob > 0.8
    assert r.xs == sorted(r.xs) and 0 < r.xs[0] < r.xs[-1] < 420
    flipped = np.asarray(im)[::-1, ::-1]
    p_up, p_down = eng.classify([np.asarray(im), np.ascontiguousarray(flipped)])
    assert p_up < 0.5 < p_down
