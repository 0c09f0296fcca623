#!/usr/bin/env python3
"""Scanned and photographed samples with truth, made from the filled sample forms.

    python samples/render_scans.py                  # → samples/scans/
    python samples/render_scans.py --out /tmp/scans --seed 7

Source pages: ``samples/pdf/<name>.pdf`` (made by ``render_pdf.py`` from the filled Word samples);
where one is missing the Word sample is converted with LibreOffice into a temporary folder.
Each page is rendered at 200 dpi and degraded like a real return, with a seeded random generator
(the same seed gives the same files):

* a scan: rotated by 0.5–2° either way, Gaussian blur, sensor noise, JPEG artefacts, grey;
* red round seals ("…专用章") stamped over value cells (those pages stay in colour);
* one page upside down; one "fax" page in black and white (PNG);
* one phone photo: the sheet in perspective on a dark desk, uneven light, softer focus, colour JPEG;
* a two-page TIFF.

Truth: ``<file>.truth.json`` beside each file, in the format of the Word truths, restricted to the
places readable on the pages included: the digital-PDF path is run on a PDF of just those pages and
a place stays where it reads the truth's value (a label cut off by the page break, or a section whose
labels are all on another page, is not readable there). Needs pypdfium2, Pillow, OpenCV, numpy and a CJK font
(Noto Sans CJK, Debian ``fonts-noto-cjk``) for the seal text.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DPI = 200
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]


@dataclass
class Page:
    number: int  # page of the source PDF
    style: str = "scan"  # scan | fax | photo
    seals: list[tuple[str, str]] = field(default_factory=list)  # (text on the page to stamp over, seal text)
    upside_down: bool = False


@dataclass
class Sample:
    out: str  # file name in samples/scans
    source: str  # samples/pdf/<source>.pdf (or samples/docx/<source>.docx)
    pages: list[Page]


SAMPLES = [
    Sample("gx-amc-2025-scan.pdf", "gx-amc-2025-filled", [
        Page(1, seals=[("柳州市工业和信息化局", "柳州市工业和信息化局"), ("黄海燕", "柳州市新能源汽车产业发展促进会")]),
        Page(2, seals=[("829.06", "柳州市工业和信息化局")]),
        Page(3, upside_down=True),
        Page(4),
    ]),
    Sample("nm-amc-2024-p5-photo.jpg", "nm-amc-2024-filled", [Page(5, style="photo")]),
    Sample("gx-sme-2024-p3-fax.png", "gx-sme-2024-filled", [Page(3, style="fax")]),
    Sample("gx-sme-2024-p4.jpg", "gx-sme-2024-filled", [Page(4)]),
    Sample("gx-sme-2024-p9.jpg", "gx-sme-2024-filled", [Page(9)]),
    Sample("prov-cluster-2025-p3.jpg", "prov-cluster-2025-messy", [
        Page(3, seals=[("2025年3月10日", "株洲市人民政府办公室")])]),
    Sample("tj-amc-2025-p7-8.tif", "tj-amc-2025-filled", [Page(7), Page(8)]),
]


# ---------------------------------------------------------------- sources
def source_pdf(name: str, tmp: Path) -> Path:
    pdf = HERE / "pdf" / f"{name}.pdf"
    if pdf.exists():
        return pdf
    docx = HERE / "docx" / f"{name}.docx"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not docx.exists():
        sys.exit(f"no {pdf} and no way to make it (needs {docx} and LibreOffice)")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(docx)], check=True,
                   capture_output=True, timeout=300)
    return tmp / f"{name}.pdf"


def source_truth(name: str) -> dict:
    for p in (HERE / "pdf" / f"{name}.pdf.truth.json", HERE / "docx" / f"{name}.docx.truth.json"):
        if p.exists():
            return json.loads(p.read_text(encoding="utf-8"))
    sys.exit(f"no truth for {name}")


def render(pdf: Path, number: int, dpi: int = DPI) -> tuple[np.ndarray, object]:
    """Page ``number`` (1-based) of ``pdf`` as an RGB array at ``dpi``, and a handle for :func:`find_text`
    (whose boxes are at :data:`DPI`)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    page = doc[number - 1]
    img = np.asarray(page.render(scale=dpi / 72).to_pil().convert("RGB")).copy()
    return img, (doc, page)


def find_text(handle, text: str) -> tuple[float, float, float, float] | None:
    """Pixel box of the first occurrence of ``text`` on the page."""
    doc, page = handle
    tp = page.get_textpage()
    full = tp.get_text_range()
    compact = "".join(ch for ch in full if not ch.isspace())
    target = "".join(ch for ch in text if not ch.isspace())
    k = compact.find(target)
    if k < 0:
        return None
    idx = [i for i, ch in enumerate(full) if not ch.isspace()][k:k + len(target)]
    h = page.get_height()
    boxes = [tp.get_charbox(i) for i in idx]
    x0 = min(b[0] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y0 = h - max(b[3] for b in boxes)
    y1 = h - min(b[1] for b in boxes)
    s = DPI / 72
    return x0 * s, y0 * s, x1 * s, y1 * s


# ---------------------------------------------------------------- degradations
def font(size: int) -> ImageFont.FreeTypeFont:
    for f in FONT_CANDIDATES:
        if Path(f).exists():
            return ImageFont.truetype(f, size)
    sys.exit("no CJK font found for the seal text (Debian: apt-get install fonts-noto-cjk)")


def seal_image(text: str, radius: int, rng: np.random.Generator) -> Image.Image:
    """A red round seal: double ring, the name along the top arc, a star, '专用章' below (RGBA)."""
    size = 2 * radius + 8
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    red = (214, 28, 34, 255)
    c = size / 2
    d.ellipse((4, 4, size - 4, size - 4), outline=red, width=max(4, radius // 22))
    d.ellipse((14, 14, size - 14, size - 14), outline=red, width=2)
    # star
    r1, r2 = radius * 0.22, radius * 0.09
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        r = r1 if k % 2 == 0 else r2
        pts.append((c + r * math.cos(a), c + r * math.sin(a)))
    d.polygon(pts, fill=red)
    # name on the arc
    f = font(int(radius * 0.26))
    n = len(text)
    span = math.radians(min(250, 24 * n))
    for i, ch in enumerate(text):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / n
        glyph = Image.new("RGBA", (int(radius * 0.4),) * 2, (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=f, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        rr = radius * 0.72
        x, y = c + rr * math.cos(a) - glyph.width / 2, c + rr * math.sin(a) - glyph.height / 2
        im.alpha_composite(glyph, (int(x), int(y)))
    f2 = font(int(radius * 0.2))
    d.text((c, c + radius * 0.45), "专用章", font=f2, fill=red, anchor="mm")
    # uneven ink
    a = np.asarray(im).copy()
    mask = rng.random(a.shape[:2]) < 0.18
    a[..., 3] = np.where(mask, (a[..., 3] * 0.45).astype(np.uint8), a[..., 3])
    return Image.fromarray(a).rotate(float(rng.uniform(-25, 25)), resample=Image.BICUBIC)


def stamp(img: np.ndarray, center: tuple[float, float], text: str, rng: np.random.Generator) -> np.ndarray:
    """Red seal over the page: multiplied in, as ink on paper (black print under it stays black)."""
    seal = seal_image(text, int(DPI * 0.75), rng)
    s = np.asarray(seal).astype(np.float32) / 255.0
    h, w = s.shape[:2]
    x0, y0 = int(center[0] - w / 2), int(center[1] - h / 2)
    H, W = img.shape[:2]
    ax0, ay0, ax1, ay1 = max(0, x0), max(0, y0), min(W, x0 + w), min(H, y0 + h)
    if ax1 <= ax0 or ay1 <= ay0:
        return img
    sub = s[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0]
    alpha = sub[..., 3:4] * 0.85
    ink = sub[..., :3]
    base = img[ay0:ay1, ax0:ax1].astype(np.float32) / 255.0
    out = base * (1 - alpha) + base * ink * alpha  # multiply blend
    img = img.copy()
    img[ay0:ay1, ax0:ax1] = np.clip(out * 255, 0, 255).astype(np.uint8)
    return img


def rotate(img: np.ndarray, deg: float, fill=(255, 255, 255)) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def scan(img: np.ndarray, rng: np.random.Generator, blur: float = 0.8, noise: float = 7.0) -> np.ndarray:
    deg = float(rng.uniform(0.5, 2.0)) * (1 if rng.random() < 0.5 else -1)
    img = rotate(img, deg)
    img = cv2.GaussianBlur(img, (0, 0), blur)
    img = img.astype(np.float32) + rng.normal(0, noise, img.shape).astype(np.float32)
    # a little toner speckle
    specks = rng.random(img.shape[:2]) < 0.0004
    img[specks] = 40
    return np.clip(img, 0, 255).astype(np.uint8)


def photo(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The sheet photographed on a desk: perspective, shading, soft focus, noise."""
    h, w = img.shape[:2]
    W, H = int(w * 1.25), int(h * 1.18)
    desk = np.full((H, W, 3), (74, 62, 52), np.float32)
    desk += rng.normal(0, 6, desk.shape).astype(np.float32)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    j = lambda a, b: float(rng.uniform(a, b))  # noqa: E731
    dst = np.float32([[W * 0.08 + j(0, 40), H * 0.05 + j(0, 30)], [W * 0.92 - j(0, 60), H * 0.07 + j(0, 30)],
                      [W * 0.95 - j(0, 30), H * 0.96 - j(0, 30)], [W * 0.05 + j(0, 40), H * 0.94 - j(0, 30)]])
    m = cv2.getPerspectiveTransform(src, dst)
    sheet = cv2.warpPerspective(img, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (W, H)) > 127
    out = np.where(mask[..., None], sheet.astype(np.float32), desk)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    light = 0.62 + 0.38 * (1 - ((xx / W - 0.75) ** 2 + (yy / H - 0.2) ** 2))  # a lamp top right
    out = out * np.clip(light, 0.5, 1.0)[..., None]
    out *= np.array([1.0, 0.97, 0.9], np.float32)  # warm light
    out = cv2.GaussianBlur(out, (0, 0), 1.1)
    out += rng.normal(0, 5, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def _light(out: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A lamp's shading, warm light, soft focus and sensor noise on a float photo."""
    H, W = out.shape[:2]
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    cx, cy = float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.1, 0.4))
    light = 0.62 + 0.38 * (1 - ((xx / W - cx) ** 2 + (yy / H - cy) ** 2))
    out = out * np.clip(light, 0.5, 1.0)[..., None]
    out *= np.array([1.0, 0.97, 0.9], np.float32)
    out = cv2.GaussianBlur(out, (0, 0), 1.1)
    out += rng.normal(0, 5, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def closeup(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The sheet photographed close, from below its middle: the page overflows the frame (no edge, no desk; its
    margins cut), its top narrower than its bottom (keystone, 2–4 % a side), shaded, soft."""
    h, w = img.shape[:2]
    m = 0.045 * w  # the sheet overflows the frame by this much on every side: no edge in view
    k = float(rng.uniform(0.02, 0.04)) * w  # its top narrower than its bottom by this much a side
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[-m + k, -m], [w + m - k, -m], [w + m, h + m], [-m, h + m]])
    sheet = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h), flags=cv2.INTER_LINEAR,
                                borderValue=(235, 235, 235))
    return _light(sheet.astype(np.float32), rng)


def curl(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The sheet curling as it lies on a desk (its rows bow 12–35 px at 200 dpi in a half sine), then
    photographed like :func:`photo`."""
    h, w = img.shape[:2]
    bow = float(rng.uniform(12, 35)) * h / 2339
    mx, my = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    my = my + (bow * np.sin(np.pi * mx / w)).astype(np.float32)
    bent = cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    return photo(bent, rng)


def jpeg(img: np.ndarray, quality: int, grey: bool, dpi: int = DPI) -> bytes:
    """JPEG bytes of ``img`` (grey or colour) stating ``dpi`` (importable: scripts/measure_scans.py uses it)."""
    im = Image.fromarray(img).convert("L" if grey else "RGB")
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


# ---------------------------------------------------------------- truth restricted to pages
def readable(pdf: Path, pages: list[int], truth: dict, name: str, tmp: Path) -> dict:
    """The truth restricted to the places readable on ``pages`` alone: the digital-PDF path is run on a PDF
    of just those pages, and a place stays when it reads the truth's value there (a label cut by a page
    break, a section whose heading and labels are on another page, are not on these pages)."""
    import pypdfium2 as pdfium

    sys.path.insert(0, str(ROOT))
    from extractor.api import extract

    sys.path.insert(0, str(ROOT / "tests"))
    from truth import same

    src = pdfium.PdfDocument(str(pdf))
    part = pdfium.PdfDocument.new()
    part.import_pages(src, [p - 1 for p in pages])
    sub = tmp / f"{name}.pages.pdf"
    part.save(str(sub))
    res = extract(sub)
    if res.status not in ("ok", "review") or res.template.id != truth["template"]:
        sys.exit(f"{name}: the digital path cannot read pages {pages} of {pdf.name}: {res.errors}")
    got: dict = {}
    for f in res.fields:
        got.setdefault((f.table, f.row_label, f.column_label), []).append(f)
    t = dict(truth, document=name)
    keep = []
    for f in truth["fields"]:
        cands = got.get((f["table"], f["row_label"], f["column_label"]), [])
        occ = f.get("occurrence", 1)
        if len(cands) >= occ:
            g = cands[occ - 1]
            if g.raw is not None and same(g.value, f.get("value")) and bool(g.empty) == bool(f.get("empty")) \
                    and (g.value is not None or g.empty or g.status == "missing"):
                keep.append(f)
    t["fields"] = keep
    texts = {(x.table, x.row_label, x.column_label): x for x in res.texts}
    t["texts"] = [x for x in truth.get("texts", []) if (k := texts.get((x["table"], x["row_label"], x["column_label"])))
                  and same(k.text or "", x["text"] or "") and k.text]
    lists = {}
    for lt in res.tables:
        lists.setdefault((lt.table, tuple(lt.columns)), []).append(lt)
    tables = []
    for tt in truth.get("tables", []):
        for lt in lists.get((tt["table"], tuple(tt["columns"])), []):
            if len(lt.rows) == len(tt["rows"]) and all(same(r.cells[c].value, v) for r, w in zip(lt.rows, tt["rows"])
                                                       for c, v in w.items() if c in r.cells):
                tables.append(tt)
                break
    t["tables"] = tables
    return t


# ---------------------------------------------------------------- main
def make(sample: Sample, out_dir: Path, rng: np.random.Generator, tmp: Path) -> None:
    pdf = source_pdf(sample.source, tmp)
    images: list[tuple[np.ndarray, bool]] = []  # (image, grey)
    for pg in sample.pages:
        img, handle = render(pdf, pg.number)
        for anchor, text in pg.seals:
            box = find_text(handle, anchor)
            if box is None:
                sys.exit(f"{sample.source} p{pg.number}: {anchor!r} not found for a seal")
            cx = (box[0] + box[2]) / 2 + rng.uniform(-30, 30)
            cy = (box[1] + box[3]) / 2 + rng.uniform(-20, 20)
            img = stamp(img, (cx, cy), text, rng)
        if pg.style == "photo":
            img = photo(img, rng)
        elif pg.style == "fax":
            g = cv2.cvtColor(scan(img, rng, blur=0.6, noise=4.0), cv2.COLOR_RGB2GRAY)
            img = np.where(g > 150, 255, 0).astype(np.uint8)
        else:
            img = scan(img, rng)
        if pg.upside_down:
            img = cv2.rotate(img, cv2.ROTATE_180)
        images.append((img, not pg.seals and pg.style != "photo"))
    target = out_dir / sample.out
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        pil = [Image.open(io.BytesIO(jpeg(im, 60, grey))) for im, grey in images]
        stamp_time = time.gmtime(1743498000)  # fixed (2025-04-01): the same seed gives the same bytes
        pil[0].save(target, "PDF", save_all=True, append_images=pil[1:], resolution=DPI,
                    creationDate=stamp_time, modDate=stamp_time)
    elif suffix in (".jpg", ".jpeg"):
        im, grey = images[0]
        target.write_bytes(jpeg(im, 72 if not grey else 62, grey))
    elif suffix == ".png":
        Image.fromarray(images[0][0]).convert("1").save(target, "PNG", dpi=(DPI, DPI), optimize=True)
    elif suffix in (".tif", ".tiff"):
        pil = [Image.fromarray(im).convert("L") for im, _ in images]
        pil[0].save(target, "TIFF", save_all=True, append_images=pil[1:], compression="jpeg", quality=60,
                    dpi=(DPI, DPI))
    truth = readable(pdf, [p.number for p in sample.pages], source_truth(sample.source), sample.out, tmp)
    (out_dir / f"{sample.out}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=0), encoding="utf-8")
    n = len(truth["fields"]) + len(truth["texts"]) + sum(len(r) for t in truth["tables"] for r in t["rows"])
    print(f"{target.relative_to(out_dir.parent) if out_dir.parent in target.parents else target}: "
          f"{len(sample.pages)} page(s), {target.stat().st_size // 1024} KB, {n} truth values")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "scans")
    ap.add_argument("--seed", type=int, default=20250401)
    ap.add_argument("only", nargs="*", help="only these output names")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-scans-") as tmp:
        for s in SAMPLES:
            if a.only and s.out not in a.only:
                continue
            make(s, a.out, np.random.default_rng([a.seed, zlib.crc32(s.out.encode())]), Path(tmp))


if __name__ == "__main__":
    main()
