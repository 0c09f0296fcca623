"""Fill-in templates (``数量：{}个``, ``集群名称：{}``): the blank's text found between the template's printed words."""
from __future__ import annotations

import re

from ..maps.spec import FieldSpec
from ..text import canon


def fill_regex(template: str) -> re.Pattern[str]:
    pre, suf = template.split("{}")
    gap = r"[\s_\u3000]*"

    def lit(s: str) -> str:
        s = s.replace(":", "：")
        return gap.join(re.escape(ch) for ch in s if not ch.isspace())

    body = lit(pre) + gap + r"(.*?)" + gap
    body += lit(suf) if suf.strip() else r"$"
    return re.compile(body, re.S | re.M if not suf.strip() else re.S)


def apply_fill(text: str, template: str) -> str | None:
    """The text typed in the blank of ``template`` (``None``: the template's words are not in ``text``)."""
    t = text.replace(":", "：")
    m = fill_regex(template).search(t)
    if not m:
        return None
    return m.group(1).strip(" \t\u3000_\n")


def literal_lines(template: str) -> list[str]:
    """The printed words of a template, line by line, without the blank."""
    return [x for x in re.split(r"\{\}|\n", template) if x.strip()]


def fill_labels(fields: list[FieldSpec]) -> list[str]:
    """The labels that open a fill-in (``集群名称：{}`` → ``集群名称``): where one of them stands in a line,
    the blank before it has ended (two fill-ins printed on one line)."""
    out: list[str] = []
    for f in fields:
        pre = (f.fill or "").split("{}")[0].rstrip(" \u3000_")
        if pre[-1:] in ("：", ":") and pre[:-1].strip():
            out.append(pre[:-1].strip())
    return out


def _label_at(label: str) -> re.Pattern[str]:
    gap = r"[\s_\u3000]*"
    return re.compile(gap.join(re.escape(ch) for ch in label.replace(":", "：") if not ch.isspace()) + gap + "：")


def fill_segment(text: str, own: str, labels: list[str]) -> str:
    """The part of a line that belongs to the fill-in labelled ``own``: from ``own：`` up to the next other
    fill-in label with its colon (``集群名称：X　所属地区（盟市）：Y`` → ``集群名称：X　``). A line without
    ``own：`` is returned whole (the fill-in's template decides)."""
    t = text.replace(":", "：")
    m = _label_at(own).search(t)
    if m is None:
        return text
    end = len(t)
    for lab in labels:
        if canon(lab) == canon(own):
            continue
        n = _label_at(lab).search(t, m.end())
        if n is not None:
            end = min(end, n.start())
    return t[m.start():end]


_WIDE_GAP = re.compile(r"^[ \t]{2,}|^\u3000+")


def colon_for_gap(text: str, labels: list[str]) -> str:
    """A line that starts with a fill-in label followed by a wide gap instead of the colon (a cover line
    re-typed as a borderless table: ``集群名称    X``) is read as ``集群名称：X``. Other text is returned as is."""
    t = text.lstrip()
    for lab in labels:
        k = len(lab)
        if t.startswith(lab) and _WIDE_GAP.match(t[k:]):
            return lab + "：" + t[k:].strip()
    return text
