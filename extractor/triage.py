"""Form or attachment? Decided by cheap evidence, then only forms are read in full.

Evidence, cheapest first:

1. the **file name** (申报表 / 申请报告 / 申报书 / 信息表, or a form's title → form; 营业执照 / 证书 / 资产负债表 /
   函 … → an attachment of that kind);
2. Word files (``.docx`` / ``.doc`` / ``.wps``) are always read in full: loading one *is* the cheap way to
   its text, and a Word file that is not a known form is then recorded as an attachment;
3. a **PDF with a text layer**: the text of its first page only;
4. a **scan or photo** (image file, PDF page without text): OCR of only the top
   :data:`TOP_FRACTION` of the first page at :data:`TOP_DPI` (a title is there; a few lines, < 1 s).

The score is 0–1; a file is read as a form when its score is at least :data:`FORM_MIN_SCORE`. One read as a
form that turns out to be no known form is an attachment when its score was below :data:`FORM_SURE_SCORE`
(a Word letter), else an ``error: unknown_template`` (it has a form's title or name: the desk must see it).
Attachments are never OCR'd beyond that top strip. :func:`process` is the job a worker runs per file.
"""
from __future__ import annotations

import os
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

from .maps import identify_words, page_labels
from .text import canon

FORM_MIN_SCORE = 0.5  # score (0–1) from which a non-Word file is read in full as a form
FORM_SURE_SCORE = 0.55  # score from which a file that is no known form is an error (unknown_template), not an attachment
TOP_FRACTION = 0.3  # share of the first page's height OCR'd to find a title (scans, photos)
TOP_DPI = 110.0  # dots per inch the first page of a scanned PDF is rendered at for that strip
TOP_MAX_WIDTH = 1400  # pixels: wider images (photos) are scaled down to this before the strip is read
TOP_MAX_LINES = 12  # text lines of the strip recognised at most
TEXT_MIN_CHARS = 20  # characters (no spaces) a PDF's first page needs to count as having a text layer

WORD_SUFFIXES = {".docx", ".doc", ".wps", ".docm"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*")
KINDS = ("business_licence", "certificate", "financial_statement", "letter", "photo", "other")


def _vocab():  # noqa: ANN202
    """Form words, page words and attachment-kind words: ``table_maps/vocabulary.yaml`` (the map author's data)."""
    from .maps import bundled_vocabulary

    return bundled_vocabulary()


@dataclass
class Evidence:
    """What the cheap look at one file found (:func:`evidence`)."""

    score: float  # 0–1: how much this looks like one of our forms
    template: str | None  # the form it looks like most, if any
    kind: str  # attachment kind guess (used when it is not read as a form)
    how: str  # what was looked at: name | text | ocr-top | word
    text: str = ""  # the text looked at (first page / top strip), trimmed


def kind_of(text: str) -> str | None:
    """The attachment kind ``text`` (a name, a first page) names (vocabulary ``attachment_kinds``), or None."""
    c = canon(text)
    for kind, words in _vocab().attachment_kinds.items():
        if any(canon(w) in c for w in words):
            return kind
    return None


PAGE_LABELS = 2  # a page showing this many of one map's labels (maps.page_labels) is that form's page (0.5)
LABEL_HEAD = 8  # ... each recognised by its first this many characters (a long label wraps; the strip may end)


def text_score(text: str, titles=None, maps_dir: str | None = None, labels=None) -> tuple[float, str | None]:  # noqa: ANN001
    """How much ``text`` (a name, a first page, a top strip) looks like a known form: 0–1 and which form.

    A form's title line found (fuzzy ≥ 0.8) scores 0.6 + 0.4 × its keyword share; a generic form word
    (申报表, 申请报告, …) 0.55; a cluster form's own label (集群名称, …) 0.5, or :data:`PAGE_LABELS` labels of one
    map (an inner page photographed alone) 0.5; otherwise 0.3 × the keyword share of the best form."""
    from rapidfuzz import fuzz

    c = canon(text)
    if not c:
        return 0.0, None
    best, which = 0.0, None
    for tid, ts, kws in titles if titles is not None else identify_words(maps_dir):
        t = max((fuzz.partial_ratio(x, c) / 100.0 if len(c) >= 4 and len(x) >= 4 else 0.0) for x in ts) if ts else 0.0
        kw = sum(1 for k in kws if k and k in c) / len(kws) if kws else 0.0
        s = 0.6 + 0.4 * kw if t >= 0.8 else 0.3 * kw
        if s > best:
            best, which = s, tid
    if best < 0.55 and any(canon(w) in c for w in _vocab().form_words):
        best = 0.55
    if best < 0.5 and any(canon(w) in c for w in _vocab().page_words):
        best = 0.5
    if best < 0.5 and (labels is not None or titles is None):  # an inner page: the labels of one map
        labels = page_labels(maps_dir) if labels is None else labels
        # a label's first LABEL_HEAD characters (a long label wraps in its cell; the top strip may end mid-label)
        hits = max(((sum(1 for lab in labs if lab[:LABEL_HEAD] in c), tid) for tid, labs in labels), default=(0, None))
        if hits[0] >= PAGE_LABELS:
            best, which = 0.5, hits[1]
    return round(best, 3), which


def _head(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        return fh.read(8)


# what a file's first bytes say it is, and what each extension should hold
EXPECTED_CONTENT = {".docx": {"zip"}, ".docm": {"zip"}, ".doc": {"ole", "rtf", "zip", "html"},
                    ".wps": {"ole", "zip"}, ".pdf": {"pdf"}, ".jpg": {"jpeg"}, ".jpeg": {"jpeg"},
                    ".png": {"png"}, ".tif": {"tiff"}, ".tiff": {"tiff"}}
DOCUMENT_CONTENT = {"zip", "ole", "rtf", "pdf", "jpeg", "png", "tiff"}  # kinds a loader may still read


def sniff(path: Path) -> str:
    """What the content is by its first bytes: empty | pdf | zip | ole | rtf | jpeg | png | tiff | html |
    text | binary."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        head = fh.read(512)
    if not head:
        return "empty"
    for magic, kind in ((b"%PDF", "pdf"), (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"),
                        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"), (b"{\\rtf", "rtf"), (b"\xff\xd8\xff", "jpeg"),
                        (b"\x89PNG", "png"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff")):
        if head.startswith(magic):
            return kind
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<html", b"<!doctype html", b"<?xml", b"mime-version")):
        return "html"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 3:  # a character cut at the end of the 512 bytes
            return "text"
    try:
        head.decode("gb18030")
        return "text" if b"\x00" not in head else "binary"
    except UnicodeDecodeError:
        return "binary"


def content_mismatch(path: Path, name: str) -> tuple[str, str]:
    """(what the content is, a sentence) when the content is not what the extension says; ("", "") otherwise."""
    suffix = Path(name).suffix.lower()
    want = EXPECTED_CONTENT.get(suffix)
    got = sniff(path)
    if want is None or got in want or got == "empty":
        return "", ""
    return got, f"content is not what the extension {suffix} says: it is {got}"


def pdf_first_page(path: Path) -> tuple[str, int]:
    """(text of the first page's text layer, pages). Raises on a broken PDF."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        if not n:
            return "", 0
        page = pdf[0]
        tp = page.get_textpage()
        text = tp.get_text_range()
        tp.close()
        page.close()
        return text, n
    finally:
        pdf.close()


def top_strip(path: Path, is_pdf: bool):  # noqa: ANN201
    """Grey pixels of the top :data:`TOP_FRACTION` of the first page (PDF rendered at :data:`TOP_DPI`)."""
    import numpy as np

    if is_pdf:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[0]
            w, h = page.get_size()
            scale = min(TOP_DPI / 72.0, TOP_MAX_WIDTH / max(1.0, w))
            bm = page.render(scale=scale, crop=(0, h * (1 - TOP_FRACTION), 0, 0), grayscale=True)
            img = np.asarray(bm.to_pil().convert("L"))
            page.close()
            return img
        finally:
            pdf.close()
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im.draft("L", (TOP_MAX_WIDTH, TOP_MAX_WIDTH))  # JPEG: decode at a reduced size (cheap)
        im = ImageOps.exif_transpose(im).convert("L")
        if im.width > TOP_MAX_WIDTH:
            im = im.resize((TOP_MAX_WIDTH, max(1, round(im.height * TOP_MAX_WIDTH / im.width))))
        top = im.crop((0, 0, im.width, max(1, int(im.height * TOP_FRACTION))))
        return np.asarray(top)


def ocr_top(path: Path, is_pdf: bool) -> str:
    """Text of the first page's top strip: text lines found by the detector, at most :data:`TOP_MAX_LINES` read."""
    import numpy as np

    from .ocr.engines import get_engine

    grey = top_strip(path, is_pdf)
    eng = get_engine()
    boxes = eng.detect(grey)
    crops = []
    for q in sorted(boxes, key=lambda q: (float(np.min(q[:, 1])), float(np.min(q[:, 0]))))[:TOP_MAX_LINES]:
        x0, y0 = max(0, int(np.min(q[:, 0]))), max(0, int(np.min(q[:, 1])))
        x1, y1 = int(np.max(q[:, 0])) + 1, int(np.max(q[:, 1])) + 1
        if x1 - x0 >= 4 and y1 - y0 >= 4:
            crops.append(grey[y0:y1, x0:x1])
    if not crops:
        return ""
    return "\n".join(r.text for r in eng.recognize(crops))


def evidence(path: Path, name: str, maps_dir: str | None = None) -> Evidence:
    """Cheap evidence for one file (see the module doc). Never reads more than the first page.
    ``maps_dir``: the maps whose titles and keywords count (None: ``$EXTRACTOR_MAPS`` or the bundled ones)."""
    suffix = Path(name).suffix.lower()
    titles = identify_words(maps_dir)
    n_score, n_tid = text_score(Path(name).stem, titles)
    n_kind = kind_of(Path(name).stem)
    raw_name_score = n_score
    if n_kind:
        n_score = min(n_score, 0.3)  # 营业执照.pdf is an attachment, whatever else its name says
    if n_kind and raw_name_score < FORM_MIN_SCORE and suffix not in WORD_SUFFIXES:
        # the name says what it is (营业执照.jpg, 荣誉证书.pdf) and has no form word: no OCR, no reading
        return Evidence(min(n_score, 0.3), n_tid, n_kind, "name")
    head = _head(path)
    if suffix in WORD_SUFFIXES:
        return Evidence(max(n_score, FORM_MIN_SCORE), n_tid, n_kind or "other", "word")
    is_pdf = head.startswith(b"%PDF")
    is_image = head.startswith(IMAGE_MAGIC)
    if not (is_pdf or is_image):
        return Evidence(n_score, n_tid, n_kind or "other", "name")
    if n_score >= FORM_MIN_SCORE:
        return Evidence(n_score, n_tid, n_kind or ("photo" if is_image else "other"), "name")
    text, how = "", "text"
    try:
        if is_pdf:
            text, _ = pdf_first_page(path)
        if len("".join(text.split())) < TEXT_MIN_CHARS:
            text, how = ocr_top(path, is_pdf), "ocr-top"
    except Exception:  # noqa: BLE001 - damaged: the loader reads it and says what is wrong (a typed error code)
        return Evidence(FORM_MIN_SCORE, n_tid, n_kind or ("photo" if is_image else "other"), "unreadable")
    t_score, t_tid = text_score(text, titles, labels=page_labels(maps_dir))
    t_kind = kind_of(text)
    if t_kind and t_score < 0.6:  # no form title found: a generic word in a letter or a licence is no form
        t_score = min(t_score, 0.3)
    score, tid = (t_score, t_tid) if t_score >= n_score else (n_score, n_tid)
    kind = n_kind or t_kind or ("photo" if is_image else "other")
    return Evidence(score, tid, kind, how, text.strip()[:200])


# ---------------------------------------------------------------- the per-file job (runs in a worker)
def pages_supported() -> bool:
    """Whether :func:`extractor.api.extract` takes ``pages`` (1-based pages to read, passed to the loaders)."""
    import inspect

    from .api import extract

    return "pages" in inspect.signature(extract).parameters


def warm(maps_dir: str | None = None, ocr_config: str | None = None) -> float:
    """Import every stage and load what each document needs (maps, catalogue, vocabulary, calibration, the
    spaCy pipeline, the OCR engine of config file ``ocr_config`` — default the process's own, see
    :func:`extractor.ocr.engines.preload`) in this process; returns the seconds it took.

    :class:`~extractor.pool.LocalPool` calls it in the parent before it forks its workers, so they share
    all of it copy-on-write instead of each paying it on its first file (measured: the first Word form in a
    cold process 1.09 s, the next ones 0.02–0.12 s). No ONNX session is created here: sessions and their
    thread pools must not cross a fork (see :func:`~extractor.ocr.engines.preload` for which are made)."""
    t0 = time.perf_counter()
    from . import api  # noqa: F401 - the import is the point (loaders, identify, layouts, validate, emit)
    from .validate import calibration, narratives
    from .maps import load_catalogue, load_maps, load_vocabulary, maps_dir_of
    from .ocr import pipeline  # noqa: F401
    from .ocr.engines import preload

    load_maps(maps_dir)
    cat = load_catalogue(maps_dir)
    vocab = load_vocabulary(maps_dir_of(cat))
    narratives.figures("1.0" + (vocab.units[0].unit if vocab.units else ""), vocab)  # builds the spaCy pipeline
    calibration.curve()
    _vocab()
    identify_words(maps_dir)
    preload(ocr_config)
    return time.perf_counter() - t0


def process(task: dict) -> dict:
    """One file of a package → its record (and the form's Result JSON when read as a form).

    ``task``: path, name, display, sha256, template, maps_dir, pages. Returns a dict with ``status``
    (``converted`` | ``attachment`` | ``error``), ``code``, ``message``, ``kind``, ``score``,
    ``template``, ``evidence``, ``seconds`` and ``result`` (JSON text, forms only). Never raises for the
    file (any error is a record, with a Result JSON for an internal error) except
    :class:`~extractor.errors.MapError` (the maps are broken: no file can be read)."""
    from .api import extract
    from .errors import MapError

    t0 = time.perf_counter()
    path = Path(task["path"])
    rec: dict = {"status": "error", "code": "", "message": "", "kind": None, "score": 0.0, "template": None,
                 "evidence": "", "result": None}
    try:
        _triage_and_read(path, task, rec, extract)
    except MapError:
        raise
    except MemoryError:
        rec.update(status="error", code="memory_limit", message="ran out of memory (the worker's memory cap)")
    except Exception as e:  # noqa: BLE001 - one file must never stop the batch
        rec.update(status="error", code="internal_error", message=f"{type(e).__name__}: {e}",
                   trace=traceback.format_exc(limit=4))
        rec["result"] = _error_json(task, rec["message"])
    rec["seconds"] = round(time.perf_counter() - t0, 3)
    return rec


def _triage_and_read(path: Path, task: dict, rec: dict, extract) -> None:  # noqa: ANN001
    """Fill ``rec``: an empty file or one no loader can read is decided by its name; else the evidence
    decides attachment or form, and a form is read with ``extract`` (:func:`extractor.api.extract`)."""
    size = os.stat(path).st_size
    got, mismatch = content_mismatch(path, task["name"]) if size else ("", "")
    if size == 0:  # an empty file is no document, whatever its name (a form's name: the desk must see it)
        n_score, n_tid = text_score(Path(task["name"]).stem, None, task.get("maps_dir"))
        rec.update(status="error", code="corrupt_file", score=n_score, template=n_tid, evidence="empty",
                   kind=kind_of(Path(task["name"]).stem) or "other",
                   message="the file is empty (0 bytes): send it again")
        return
    if mismatch and got not in DOCUMENT_CONTENT:  # e.g. a text file named .docx: no loader can read it
        _unreadable_content(task, rec, got, mismatch)
        return
    ev = evidence(path, task["name"], task.get("maps_dir"))
    rec.update(score=ev.score, template=ev.template, evidence=ev.how, kind=ev.kind)
    if mismatch:
        rec.update(content=got, message=mismatch)
    if ev.score < FORM_MIN_SCORE:
        rec.update(status="attachment")
    else:
        _read_form(path, task, rec, ev, extract)


def _unreadable_content(task: dict, rec: dict, got: str, mismatch: str) -> None:
    """A file whose content no loader reads (``got``): an error when named like a form, else an attachment."""
    n_score, n_tid = text_score(Path(task["name"]).stem, None, task.get("maps_dir"))
    n_kind = kind_of(Path(task["name"]).stem)
    rec.update(score=n_score, template=n_tid, evidence="name", kind=n_kind or "other", content=got,
               message=mismatch)
    if n_score >= FORM_MIN_SCORE:  # named like a form (a form word), cannot be one
        rec.update(status="error", code="corrupt_file", message=f"named like a form but cannot be read: {mismatch}")
    else:
        rec.update(status="attachment")


def _read_form(path: Path, task: dict, rec: dict, ev: Evidence, extract) -> None:  # noqa: ANN001
    """Read a file taken for a form: ``converted``; no known form and a score below :data:`FORM_SURE_SCORE`:
    an attachment (e.g. a letter written in Word); else an ``error`` with its Result JSON."""
    kw = {"template": task.get("template"), "maps_dir": task.get("maps_dir")}
    if task.get("pages") and pages_supported():
        kw["pages"] = list(range(1, int(task["pages"]) + 1))
    res = extract(path, **kw)
    res.source.path = task["display"]
    res.source.name = task["name"]
    code = res.errors[0].code if res.errors else ""
    if res.status in ("ok", "review"):
        rec.update(status="converted", template=res.template.id if res.template else None,
                   score=res.template.score if res.template else ev.score)
        rec["result"] = res.model_dump_json(indent=1)
    elif code == "unknown_template" and ev.score < FORM_SURE_SCORE:  # e.g. a letter written in Word
        rec.update(status="attachment", code=code, message=res.errors[0].message.splitlines()[0])
    else:
        rec.update(status="error", code=code or res.status,
                   message=(res.errors[0].message.splitlines()[0] if res.errors else res.status))
        rec["result"] = res.model_dump_json(indent=1)


def _error_json(task: dict, message: str) -> str:
    """The Result JSON of a job that failed inside (status ``error``, code ``internal_error``)."""
    from .contract import ErrorItem, Result, Source

    res = Result(source=Source(path=task["display"], name=task["name"], sha256=task.get("sha256", ""),
                               format=Path(task["name"]).suffix.lower().lstrip(".") or "unknown", pages=0),
                 status="error", errors=[ErrorItem(code="internal_error", stage="extract", message=message)])
    return res.model_dump_json(indent=1)


__all__ = ["Evidence", "FORM_MIN_SCORE", "KINDS", "asdict", "evidence", "kind_of", "process", "text_score", "warm"]
