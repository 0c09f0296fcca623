"""Fill-in lines: two blanks on one printed line, cover lines re-typed as label/value cells (issue 8, item 5b/5d)."""
from __future__ import annotations

from extractor.layouts.fill import apply_fill, colon_for_gap, fill_labels, fill_segment
from extractor.maps import get_map

LABELS = ["集群名称", "所属地区（盟市）", "盟市工信主管部门（盖章）", "集群促进组织名称", "申报时间"]


def test_value_stops_at_the_next_fill_in_label():
    line = "集群名称：包头市稀土新材料及上下游关联配套产业集群\u3000所属地区（盟市）：包头市"
    assert apply_fill(fill_segment(line, "集群名称", LABELS), "集群名称：{}") == "包头市稀土新材料及上下游关联配套产业集群"
    assert apply_fill(fill_segment(line, "所属地区（盟市）", LABELS), "所属地区（盟市）：{}") == "包头市"
    # the next label with spaces inside it and an ASCII colon
    line2 = "集群促进组织名称：包头稀土产业发展促进会 申 报 时 间: 2024年4月"
    assert apply_fill(fill_segment(line2, "集群促进组织名称", LABELS), "集群促进组织名称：{}") == "包头稀土产业发展促进会"


def test_label_words_without_a_colon_do_not_cut():
    # "申报时间" inside a value (no colon after it) is part of the value
    line = "集群促进组织名称：申报时间管理促进会"
    assert apply_fill(fill_segment(line, "集群促进组织名称", LABELS), "集群促进组织名称：{}") == "申报时间管理促进会"
    # a line without its own label is left whole for the template to decide
    assert fill_segment("市北流县（市、区）", "所属地区", LABELS) == "市北流县（市、区）"


def test_continuation_fill_reads_inside_its_own_label_segment():
    m = get_map("gx-sme-2024")
    cover = next(s for s in m.sections if getattr(s, "layout", "") == "paragraphs")
    labels = fill_labels(cover.fields)
    assert "集群名称" in labels and "所属地区" in labels
    line = "集群名称：广西北流市日用陶瓷产业\u3000所属地区：玉林市北流县（市、区）"
    county = next(f for f in cover.fields if f.id == "region_county")
    assert apply_fill(fill_segment(line, county.label, labels), county.fill) == "北流"


def test_wide_gap_stands_for_the_colon():
    assert colon_for_gap("集群名称    包头市稀土产业集群", LABELS) == "集群名称：包头市稀土产业集群"
    assert colon_for_gap("集群名称\u3000包头市稀土产业集群", LABELS) == "集群名称：包头市稀土产业集群"
    # one space is not a gap (a title such as "集群名称 说明" is not a fill-in)
    assert colon_for_gap("集群名称 说明", LABELS) == "集群名称 说明"
    assert colon_for_gap("其他  文字", LABELS) == "其他  文字"


# ---------------------------------------------------------------- guidance in writing boxes
from extractor.layouts.guidance import GUIDANCE_SCORE, strip_guidance  # noqa: E402

G = "（集群须围绕产业规模、创新能力、数字化转型等方面设定清晰、可量化的发展目标，不超过1000字）"


def _wrap(text: str, n: int) -> str:
    k = -(-len(text) // n)
    return "\n".join(text[i:i + k] for i in range(0, len(text), k))


def test_guidance_wrapped_over_lines_is_removed_up_to_max_wrap():
    answer = "到2027年集群产值达到100亿元。"
    assert strip_guidance(_wrap(G, 8) +  # MAX_WRAP
                          "\n" + answer, [G]) == answer
    # wrapped over more lines than that: not recognised as one guidance line (kept, never the answer lost)
    kept = strip_guidance(_wrap(G, 12) + "\n" + answer, [G])
    assert kept.endswith(answer) and len(kept) > len(answer)


def test_printed_lines_joined_into_one_are_removed_up_to_max_joined():
    printed = ["（备注：基准值须符合认定标准，目标值须符合以下要求：", "近三年产值年均增速不低于10%", "优质中小企业数量逐年增加",
               "研发经费年均增速不低于10%", "上云企业比例逐年提高"]
    answer = "规划正文。"
    joined = "".join(printed[:3])
    assert strip_guidance(joined + "\n" + answer, printed) == answer
    too_many = "".join(printed[:5])
    assert strip_guidance(too_many + "\n" + answer, printed) != answer


def test_applicant_line_next_to_guidance_is_kept():
    answer = "我们的规划"  # short: joined to the guidance it would still score high, yet it must stay
    out = strip_guidance(G + "\n" + answer, [G])
    assert out == answer
    # a line that differs from the guidance by more than the score allows stays
    other = G[: int(len(G) * (GUIDANCE_SCORE - 0.15))]
    assert strip_guidance(other, [G]) == other
