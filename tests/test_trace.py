"""The one orchestrator: ``api.trace`` keeps every stage's result; ``extract`` returns its Result, ``extractor
inspect`` prints it and the OCR overlay draws it (neither runs a stage itself); an error names the stage
that raised it."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from extractor.api import Trace, extract, extract_document, trace
from extractor.cli import main
from extractor.errors import STAGES, stage_of

TJ = SAMPLES / "docx" / "tj-amc-2025-filled.docx"


def _one_table(src: Path, dst: Path, starts: str) -> Path:
    """``src`` with every paragraph and every table but the one whose first cell starts with ``starts`` removed:
    a part of a form too small to be identified."""
    from docx import Document

    d = Document(str(src))
    keep = [t for t in d.tables if t.rows[0].cells[0].text.startswith(starts)]
    assert len(keep) == 1
    for p in list(d.paragraphs):
        p._element.getparent().remove(p._element)
    for t in d.tables:
        if t is not keep[0] and t._element is not keep[0]._element:
            t._element.getparent().remove(t._element)
    d.save(str(dst))
    return dst


@pytest.fixture(scope="module")
def weak(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _one_table(TJ, tmp_path_factory.mktemp("weak") / "part.docx", "国家级技术创新载体")


def test_trace_holds_every_stage_and_the_result_of_extract():
    t = trace(TJ)
    assert isinstance(t, Trace) and t.stage == "emit"
    assert t.document is not None and t.document.format == "docx"
    assert t.identification.map.template == "tj-amc-2025" and not t.forced
    assert [sc.section.table for sc in t.scopes][:2] == ["一、集群基本信息", "二、集群发展相关指标"]
    assert t.mapped is not None and t.mapped.hits and t.mapped.lists
    assert t.result.model_dump_json() == extract(TJ).model_dump_json()
    assert t.result.model_dump_json() == extract_document(t.document).model_dump_json()


def test_inspect_prints_ranking_sections_and_result():
    r = CliRunner().invoke(main, ["inspect", str(TJ)])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "tj-amc-2025-filled.docx: docx, ~3 page(s), 7 table(s), 94 paragraph(s)"
    assert lines[1].startswith("template ranking: tj-amc-2025 1.00, gx-amc-2025 0.28, ")
    assert lines[2] == "read as tj-amc-2025 (year shift +0)"
    assert lines[3] == "  [form] 一、集群基本信息: heading '一、集群基本信息' (1.00); block 30 rows 0-11"
    assert "  [list] 附表1: heading '附表1' (1.00); block 55 rows 0-5" in lines
    res = extract(TJ)
    s = res.summary
    assert lines[-1] == (f"result: {res.status}; {s.fields} field(s): {s.ok} ok, {s.review} review, {s.invalid} invalid, "
                         f"{s.missing} missing; {len(res.tables)} list table(s), {len(res.texts)} text(s)")


def test_weak_match_fails_identification_with_its_stage(weak: Path):
    res = extract(weak)
    assert res.status == "error" and res.errors[0].code == "unknown_template"
    assert res.errors[0].stage == "identify"
    r = CliRunner().invoke(main, ["inspect", str(weak)])
    assert r.exit_code == 1
    assert r.output.splitlines()[-1].startswith("error at stage identify (unknown_template): not a known form")


def test_inspect_template_reads_a_weak_match(weak: Path):
    r = CliRunner().invoke(main, ["inspect", str(weak), "--template", "tj-amc-2025"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "part.docx: docx, ~1 page(s), 1 table(s), 0 paragraph(s)"
    assert lines[1].startswith("identification alone: not a known form (best match ")
    assert lines[2].startswith("read as tj-amc-2025 (given by --template, year shift ")
    found = [ln for ln in lines if "block 0 rows" in ln]
    assert set(found) == {"  [list] 附表2: found by its labels (1.00); block 0 rows 0-3"}  # the map's two lists of 附表2
    assert lines[-1].startswith("result: review; ")
    t = trace(weak, template="tj-amc-2025")
    assert t.forced and t.identification.score == 1.0 and t.identify_note is None  # no ranking unless explained


def test_inspect_template_keeps_the_ranking_when_identification_works():
    r = CliRunner().invoke(main, ["inspect", str(TJ), "--template", "gx-sme-2024"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[1].startswith("template ranking: tj-amc-2025 1.00, ")
    assert lines[2].startswith("read as gx-sme-2024 (given by --template, year shift ")


def test_unknown_template_name_is_a_map_error(weak: Path):
    r = CliRunner().invoke(main, ["inspect", str(weak), "--template", "no-such-form"])
    assert r.exit_code == 3 and "no map for template" in r.output


def test_error_stage_names_load_for_a_broken_file(tmp_path: Path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip at all")
    res = extract(bad)
    assert res.status == "error" and res.errors[0].stage == "load"


def test_stage_of_names_ocr_for_errors_raised_in_the_ocr_code():
    from extractor.errors import CorruptFile, UnreadableImage

    def raise_in(module: str, exc: Exception) -> Exception:
        code = compile("def f(e):\n    raise e\n", f"<{module}>", "exec")
        ns = {"__name__": module}
        exec(code, ns)  # noqa: S102 - a function whose frame belongs to ``module``
        try:
            ns["f"](exc)
        except Exception as e:  # noqa: BLE001
            return e
        raise AssertionError

    assert stage_of(raise_in("extractor.ocr.raster", CorruptFile("x")), "load") == "ocr"
    assert stage_of(raise_in("extractor.loaders.scan", CorruptFile("x")), "load") == "ocr"
    assert stage_of(raise_in("extractor.loaders", CorruptFile("x")), "load") == "load"
    assert stage_of(raise_in("extractor.loaders", UnreadableImage("x")), "load") == "ocr"
    assert stage_of(raise_in("extractor.ocr.raster", CorruptFile("x")), "locate") == "locate"
    assert set(STAGES) == {"load", "ocr", "identify", "locate", "map", "validate", "emit"}


def test_stages_after_load_are_named_in_the_error(monkeypatch: pytest.MonkeyPatch):
    """An input error raised by a later stage is reported with that stage, not ``identify``."""
    import extractor.api as api
    from extractor.errors import InputError

    def boom(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise InputError("boom")

    for name, stage in (("locate_sections", "locate"), ("map_sections", "map"), ("assemble", "validate")):
        with monkeypatch.context() as m:
            m.setattr(api, name, boom)
            res = extract(TJ)
        assert res.status == "error" and res.errors[0].stage == stage, name


def test_ocr_debug_imports_no_later_stage():
    """The overlay draws what the caller hands it: ``extractor/ocr/debug.py`` imports only the OCR package."""
    tree = ast.parse((ROOT / "extractor" / "ocr" / "debug.py").read_text(encoding="utf-8"))
    rel = [(n.level, n.module or "") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
    assert rel and all(level == 1 for level, _ in rel), rel
    absolute = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    absolute += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level]
    assert not [m for m in absolute if m.startswith("extractor")], absolute


def test_inspect_and_overlay_run_no_stage_themselves():
    """``extractor/inspect.py`` and the CLI reach the stages only through ``extractor.api``."""
    stages = {"locate", "mapping", "validate", "loaders", "maps"}
    for f in ("inspect.py", "cli.py"):
        tree = ast.parse((ROOT / "extractor" / f).read_text(encoding="utf-8"))
        mods = {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level}
        used = mods & stages
        assert used <= ({"maps"} if f == "cli.py" else set()), (f, used)  # the CLI lists and checks the maps
