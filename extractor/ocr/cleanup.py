"""Page clean-up before layout and OCR. Pure functions on numpy arrays.

Order (each step measured on the result of the previous one):

1. ``to_grey``: the RED channel of a colour page is the grey image. Red seal ink is bright in the red
   channel and all but vanishes, while black print stays black (measured on stamped pages: cell CER
   ~4 % → ~0.3 %). ``red_mask`` keeps where the seal was, to lower the confidence of cells under it.
2. ``find_page_quad`` / ``warp``: a phone photo shows the sheet on a darker background; its outline
   (or, failing that, the outer table frame) gives a homography to a flat, upright page.
3. ``flatten_light``: background division (the page's own blurred background estimate) for shading
   and uneven lighting; harmless on clean scans.
4. ``text_direction``: 0° or 90° — text lines grow along the reading direction, so a horizontal
   smear joins characters into long bars only when lines are horizontal. 180° is decided later
   on recognised lines (classifier), see :mod:`extractor.ocr.pipeline`.
5. ``skew_angle`` / ``rotate``: deskew from long ruling lines (HoughLinesP on a line mask), or from
   the projection profile of text rows when the page has no rules.
"""
from __future__ import annotations

import cv2
import numpy as np


# ---------------------------------------------------------------- colour → grey, seals
def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels of red/pink ink (seals), as a 0/255 mask. Grey input has none."""
    if rgb.ndim == 2:
        return np.zeros(rgb.shape, np.uint8)
    r = rgb[:, :, 0].astype(np.int16)
    g = rgb[:, :, 1].astype(np.int16)
    b = rgb[:, :, 2].astype(np.int16)
    m = (r - np.maximum(g, b) > 45) & (r > 110)
    return m.astype(np.uint8) * 255


def to_grey(rgb: np.ndarray) -> np.ndarray:
    """The red channel (seal ink disappears, black print stays); grey input unchanged."""
    if rgb.ndim == 2:
        return rgb
    return np.ascontiguousarray(rgb[:, :, 0])


def is_colour(rgb: np.ndarray) -> bool:
    if rgb.ndim == 2:
        return False
    small = rgb[::8, ::8].astype(np.int16)
    spread = small.max(axis=2) - small.min(axis=2)
    return float((spread > 40).mean()) > 0.0005


# ---------------------------------------------------------------- binarisation
def flatten_light(grey: np.ndarray) -> np.ndarray:
    """Divide by a background estimate (max filter of a downscaled copy): even lighting, white paper."""
    h, w = grey.shape
    f = 8
    small = cv2.resize(grey, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    bg = cv2.GaussianBlur(bg, (0, 0), 3)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(grey, np.maximum(bg, 1), scale=255)
    return out


def binarize(grey: np.ndarray) -> np.ndarray:
    """Ink = 255. Otsu on the flattened page, kept within sane bounds for mostly-white pages."""
    t, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    t = min(max(t, 140), 200)
    _, b = cv2.threshold(grey, t, 255, cv2.THRESH_BINARY_INV)
    return b


# ---------------------------------------------------------------- phone photos: perspective
def order_quad(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(pts, np.float32).reshape(4, 2)
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)


def find_page_quad(grey: np.ndarray) -> np.ndarray | None:
    """The sheet's outline when it lies on a darker background (a photo), else None (a scan fills the frame)."""
    h, w = grey.shape
    f = 800.0 / max(h, w)
    small = cv2.resize(grey, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    border = np.concatenate([small[:4].ravel(), small[-4:].ravel(), small[:, :4].ravel(), small[:, -4:].ravel()])
    t, mask = cv2.threshold(cv2.GaussianBlur(small, (5, 5), 0), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if float(np.median(border)) > t or float((border > t).mean()) > 0.5:
        return None  # the frame's edge is paper: a scan
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    cnts, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not cnts:
        return None
    c = max(cnts, key=cv2.contourArea)
    if cv2.contourArea(c) < 0.25 * sh * sw:
        return None
    hull = cv2.convexHull(c)
    peri = cv2.arcLength(hull, True)
    quad = None
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    if quad is None:
        quad = cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)
    if on_frame(quad, sw, sh) >= 2:
        return None  # two corners on the frame: shading or a vignette, not a sheet's outline
    return order_quad(quad / f)


FRAME_MARGIN = 0.01  # share of the frame's size: a corner this close to the frame's border lies on it


def on_frame(quad: np.ndarray, w: int, h: int) -> int:
    """How many corners of ``quad`` (px of a ``w`` × ``h`` frame) lie on the frame's border."""
    mx, my = FRAME_MARGIN * w, FRAME_MARGIN * h
    return int(sum(x <= mx or x >= w - 1 - mx or y <= my or y >= h - 1 - my for x, y in quad))


def quad_target(quad: np.ndarray, dpi: float) -> tuple[int, int]:
    """Output size for a page quad: A4 at ``dpi`` when the outline has A4's proportions, else its own size."""
    tl, tr, br, bl = quad
    w = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    h = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    ratio = h / max(w, 1)
    if 1.3 < ratio < 1.5:
        return round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    if 1.3 < 1 / max(ratio, 1e-6) < 1.5:
        return round(297 / 25.4 * dpi), round(210 / 25.4 * dpi)
    return int(round(w)), int(round(h))


def warp(img: np.ndarray, quad: np.ndarray, size: tuple[int, int], fill: int | tuple = 255) -> np.ndarray:
    w, h = size
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(order_quad(quad), dst)
    return cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


# ---------------------------------------------------------------- perspective from the table grid
# A photo taken close, the sheet's edge outside the frame: the outer ruling lines of the tables are the page's
# straight lines. Lines at least GRID_SPAN of the frame long (table borders, not cell rules of one column) ...
GRID_SPAN = 0.35
# ... whose opposite sides (top and bottom, left and right) converge by at least this many degrees: perspective
# (a rotated page's rules stay parallel — deskew handles those: measured ≤ 0.04° on a drawn page turned 0.5–4°)
KEYSTONE_MIN = 0.3
# ... measured on sides at least this long, px: a 1 px error over a shorter side is a tenth of a degree of
# convergence that is not there (a sample scan shrunk to 30 %, sides ~400 px, measured 0.6°, a false warp)
KEYSTONE_LEN = 600


def _long_lines(binary: np.ndarray, f: float) -> tuple[list, list]:
    """Near-horizontal and near-vertical long rules ((x0, y0, x1, y1) in ``binary``'s pixels, fitted lines) of a
    page: at scale ``f``, ink opened along each direction (runs of 13 px) after a sideways smear of 3 px (a rule
    leaning up to ~4° stays whole), components at least :data:`GRID_SPAN` of the frame long."""
    h, w = binary.shape
    small = cv2.resize(binary, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    small = (small > 60).astype(np.uint8) * 255
    sh, sw = small.shape
    out: tuple[list, list] = ([], [])
    for k, (smear, run, span) in enumerate((((1, 3), (13, 1), GRID_SPAN * sw), ((3, 1), (1, 13), GRID_SPAN * sh))):
        m = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, smear))
        m = cv2.bitwise_and(cv2.morphologyEx(m, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, run)), small)
        n, lab, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
        for i in range(1, n):
            x, y, cw, ch = stats[i, :4]
            if (cw if k == 0 else ch) < span:
                continue
            ys, xs = np.nonzero(lab[y:y + ch, x:x + cw] == i)
            pts = np.column_stack([xs + x, ys + y]).astype(np.float32)
            vx, vy, cx, cy = cv2.fitLine(pts, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
            if k == 0:
                a0, a1 = float(x), float(x + cw - 1)
                seg = (a0, cy + (a0 - cx) * vy / vx, a1, cy + (a1 - cx) * vy / vx) if abs(vx) > 1e-6 else None
            else:
                a0, a1 = float(y), float(y + ch - 1)
                seg = (cx + (a0 - cy) * vx / vy, a0, cx + (a1 - cy) * vx / vy, a1) if abs(vy) > 1e-6 else None
            if seg is not None:
                out[k].append(tuple(v / f for v in seg))
    return out


def _refine(binary: np.ndarray, seg: tuple, vertical: bool, band: int = 6) -> tuple:
    """``seg`` re-fitted (cv2.fitLine) to the ink within ``band`` px of it, at full resolution: a Hough segment
    of the downscaled page is a quarter of a degree coarse, the convergence we look for is a few tenths."""
    x0, y0, x1, y1 = seg
    h, w = binary.shape
    n = int(max(abs(x1 - x0), abs(y1 - y0)) // 2) + 2
    t = np.linspace(0.0, 1.0, n)
    px, py = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
    pts = []
    for d in range(-band, band + 1):
        qx, qy = (np.round(px + d).astype(int), np.round(py).astype(int)) if vertical else \
            (np.round(px).astype(int), np.round(py + d).astype(int))
        ok = (qx >= 0) & (qx < w) & (qy >= 0) & (qy < h)
        qx, qy = qx[ok], qy[ok]
        hit = binary[qy, qx] > 0
        pts.append(np.column_stack([qx[hit], qy[hit]]))
    p = np.concatenate(pts).astype(np.float32) if pts else np.zeros((0, 2), np.float32)
    if len(p) < 20:
        return seg
    vx, vy, cx, cy = cv2.fitLine(p, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    if vertical:
        k = vx / vy if abs(vy) > 1e-9 else 0.0
        return (float(cx + (y0 - cy) * k), float(y0), float(cx + (y1 - cy) * k), float(y1))
    k = vy / vx if abs(vx) > 1e-9 else 0.0
    return (float(x0), float(cy + (x0 - cx) * k), float(x1), float(cy + (x1 - cx) * k))


def _meet(a: tuple, b: tuple) -> np.ndarray | None:
    """Where the lines through segments ``a`` and ``b`` cross (homogeneous coordinates)."""
    la = np.cross([a[0], a[1], 1.0], [a[2], a[3], 1.0])
    lb = np.cross([b[0], b[1], 1.0], [b[2], b[3], 1.0])
    p = np.cross(la, lb)
    return None if abs(p[2]) < 1e-9 else p[:2] / p[2]


def _lean(seg: tuple, vertical: bool) -> float:
    """Degrees a segment leans off horizontal (``vertical``: off vertical), signed, drawn in a fixed direction."""
    x0, y0, x1, y1 = seg
    if vertical:
        return float(np.degrees(np.arctan2(x1 - x0, y1 - y0) if y1 >= y0 else np.arctan2(x0 - x1, y0 - y1)))
    return float(np.degrees(np.arctan2(y1 - y0, x1 - x0) if x1 >= x0 else np.arctan2(y0 - y1, x0 - x1)))


def find_grid_quad(binary: np.ndarray) -> np.ndarray | None:
    """The outer frame of the page's tables as a quad (tl, tr, br, bl; px) when its opposite sides converge by
    :data:`KEYSTONE_MIN` degrees or more (a close-up photo in perspective, the sheet's edge not in the frame),
    else None. ``binary``: ink = 255. Sides: the top-most and bottom-most long near-horizontal lines, the
    left-most and right-most long near-vertical ones (:data:`GRID_SPAN`), each at least
    :data:`KEYSTONE_LEN` px long."""
    hor, ver = _long_lines(binary, 0.25)  # at quarter size; the sides are re-fitted at full size
    if len(hor) < 2 or len(ver) < 2:
        return None
    top = _refine(binary, min(hor, key=lambda s: s[1] + s[3]), False)
    bottom = _refine(binary, max(hor, key=lambda s: s[1] + s[3]), False)
    left = _refine(binary, min(ver, key=lambda s: s[0] + s[2]), True)
    right = _refine(binary, max(ver, key=lambda s: s[0] + s[2]), True)
    if min(np.hypot(s[2] - s[0], s[3] - s[1]) for s in (top, bottom, left, right)) < KEYSTONE_LEN:
        return None
    if max(abs(_lean(top, False) - _lean(bottom, False)), abs(_lean(left, True) - _lean(right, True))) < KEYSTONE_MIN:
        return None
    corners = [_meet(top, left), _meet(top, right), _meet(bottom, right), _meet(bottom, left)]
    if any(c is None for c in corners):
        return None
    return order_quad(np.array(corners, np.float32))


def unkeystone(img: np.ndarray, quad: np.ndarray, fill: int | tuple = 255) -> np.ndarray:
    """``img`` warped so that ``quad`` (:func:`find_grid_quad`) becomes an upright rectangle of its mean width
    and height at the same top-left corner; the frame keeps its size (content outside the quad follows)."""
    tl, tr, br, bl = order_quad(quad)
    w = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    h = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    x0, y0 = float(min(tl[0], bl[0])), float(min(tl[1], tr[1]))
    dst = np.array([[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]], np.float32)
    m = cv2.getPerspectiveTransform(order_quad(quad), dst)
    rows, cols = img.shape[:2]
    return cv2.warpPerspective(img, m, (cols, rows), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=fill)


# ---------------------------------------------------------------- orientation
def text_direction(binary: np.ndarray) -> int:
    """0 when text lines run horizontally, 90 when they run vertically (page turned a quarter)."""
    h, w = binary.shape
    f = 600.0 / max(h, w)
    small = cv2.resize(binary, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    small = (small > 60).astype(np.uint8) * 255
    small = _drop_rules(small)
    n, _, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    sizes = np.maximum(hs, ws)
    sizes = sizes[(sizes >= 2) & (sizes <= 30)]
    if len(sizes) < 20:
        return 0
    ch = max(2, int(np.median(sizes)))
    k = max(3, int(ch * 1.2))
    score = {}
    for ang, kernel in ((0, (k, 1)), (90, (1, k))):
        sm = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        n, _, st, _ = cv2.connectedComponentsWithStats(sm, connectivity=8)
        ww, hh = st[1:, cv2.CC_STAT_WIDTH], st[1:, cv2.CC_STAT_HEIGHT]
        if ang == 0:
            score[ang] = int(((ww > 4 * hh) & (ww > 4 * ch)).sum())
        else:
            score[ang] = int(((hh > 4 * ww) & (hh > 4 * ch)).sum())
    return 90 if score[90] > 1.5 * score[0] + 2 else 0


def _drop_rules(binary: np.ndarray) -> np.ndarray:
    h, w = binary.shape
    k = max(15, min(h, w) // 12)
    hl = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    vl = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    return cv2.subtract(binary, cv2.bitwise_or(hl, vl))


def rotate90(img: np.ndarray, angle: int) -> np.ndarray:
    """Turn by a multiple of 90° counter-clockwise."""
    a = angle % 360
    if a == 0:
        return img
    code = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}[a]
    return cv2.rotate(img, code)


# ---------------------------------------------------------------- deskew
def skew_angle(binary: np.ndarray) -> float:
    """Degrees to rotate counter-clockwise to level the page (small angles, |a| ≤ 8)."""
    a = _angle_from_rules(binary)
    if a is None:
        a = _angle_from_profile(binary)
    return a


def _angle_from_rules(binary: np.ndarray) -> float | None:
    """The tilt of the long ruling lines: each long, thin horizontal component gets a fitted line
    (cv2.fitLine), and the length-weighted median of their angles is the page's skew."""
    h, w = binary.shape
    f = 0.5
    small = cv2.resize(binary, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    small = (small > 60).astype(np.uint8) * 255
    # a short horizontal opening keeps rules tilted by up to ~4° (longer runs per pixel row than 15 px)
    hl = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 1)))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(hl, connectivity=8)
    min_len = small.shape[1] * 0.25
    angles, weights = [], []
    for i in range(1, n):
        x, y, cw, ch, area = stats[i]
        if cw < min_len or ch > 0.12 * cw + 6:
            continue
        ys, xs = np.nonzero(lab[y:y + ch, x:x + cw] == i)
        if len(xs) < 20:
            continue
        vx, vy, _, _ = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        if vx < 0:
            vx, vy = -vx, -vy
        a = float(np.degrees(np.arctan2(vy, vx)))
        if abs(a) <= 8:
            angles.append(a)
            weights.append(float(cw))
    if len(angles) < 2:
        return None
    order = np.argsort(angles)
    ang = np.asarray(angles)[order]
    cum = np.cumsum(np.asarray(weights)[order])
    return float(ang[np.searchsorted(cum, cum[-1] / 2)])  # y grows downwards: positive = turn counter-clockwise


def _angle_from_profile(binary: np.ndarray) -> float:
    h, w = binary.shape
    f = 700.0 / max(h, w)
    small = cv2.resize(binary, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA).astype(np.float32)
    best, best_a = -1.0, 0.0
    for step, span in ((0.5, 8.0), (0.1, 0.6)):
        center = best_a
        for a in np.arange(center - span, center + span + 1e-9, step):
            rot = _rot(small, a, 0)
            prof = rot.sum(axis=1)
            s = float((np.diff(prof) ** 2).sum())
            if s > best:
                best, best_a = s, float(a)
    return best_a


def _rot(img: np.ndarray, angle: float, fill: int) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def rotate(img: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    """Rotate about the centre by ``angle`` degrees (counter-clockwise in image terms), same size."""
    if abs(angle) < 0.02:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_CUBIC if img.ndim == 2 else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
