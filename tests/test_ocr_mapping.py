"""Mapping guards found on scans (issue 9): guidance run on into the answer's first line, and a label the
map has twice in one section of which only one was read (the other row's answer must not take its place)."""
from __future__ import annotations

from extractor.ir import Cell, Table
from extractor.identify import Region, Scope
from extractor.layouts.guidance import GUIDANCE_PREFIX_MIN, GUIDANCE_SCORE, guidance_prefix, strip_guidance
from extractor.layouts.labels import locate_one
from extractor.layouts import map_sections
from extractor.maps import get_map
from extractor.text import canon

G = "集群促进组织组建方式及组织架构、主要负责人简历和工作业绩及其他专业技术人员情况等。"
ANSWER = "促进组织设立秘书处、产业研究部和服务部，配备专职工作人员17名。"


def test_guidance_joined_with_the_first_answer_line_is_cut_off():
    # the guidance line ran to the box edge and the OCR joined it with the applicant's first line
    assert strip_guidance(G + ANSWER + "\n第二行。", [G]) == ANSWER + "\n第二行。"
    # one character misread and its '。' lost: still the guidance (score ≥ GUIDANCE_SCORE)
    ocr = G.replace("简历", "简厉").rstrip("。")
    assert strip_guidance(ocr + ANSWER, [G]) == ANSWER
    # the answer alone is left alone, and so is an answer that merely starts like the guidance
    assert strip_guidance(ANSWER, [G]) == ANSWER
    own = "集群促进组织由龙头企业牵头组建，" + ANSWER
    assert strip_guidance(own, [G]) == own


def test_guidance_prefix_score_boundary():
    v = canon(G)  # 39 canonical characters
    assert len(v) == 39
    # 3 of 39 changed: ratio 72/78 = 0.923 ≥ GUIDANCE_SCORE (0.9): cut
    near = "甲乙丙" + G[3:]
    assert guidance_prefix(near + ANSWER, [v]) == ANSWER
    # 4 of 39 changed: ratio 70/78 = 0.897 < 0.9: kept whole
    far = "甲乙丙丁" + G[4:]
    assert guidance_prefix(far + ANSWER, [v]) is None
    assert GUIDANCE_SCORE == 0.9


def test_guidance_with_dropped_characters_costs_the_answer_nothing():
    from extractor.layouts.guidance import GUIDANCE_PREFIX_SLACK

    assert GUIDANCE_PREFIX_SLACK == 0.25
    v = canon(G)  # 39 characters; 4 dropped (ratio 70/74 = 0.946): the cut falls 4 short, the answer whole
    dropped = G.replace("主要", "").replace("及其", "")
    assert guidance_prefix(dropped + ANSWER, [v]) == ANSWER
    # 2 characters added by the OCR (a seal's 某某): the cut runs 2 past, the answer whole
    assert guidance_prefix(G[:10] + "某某" + G[10:] + ANSWER, [v]) == ANSWER


def test_guidance_prefix_min_length():
    assert GUIDANCE_PREFIX_MIN == 12
    twelve, eleven = "请填写集群主要负责人情况", "请填写集群主要负责人况"
    assert len(canon(twelve)) == 12 and len(canon(eleven)) == 11
    assert guidance_prefix(twelve + "张三，高级工程师", [canon(twelve)]) == "张三，高级工程师"
    assert guidance_prefix(eleven + "张三，高级工程师", [canon(eleven)]) is None


def test_the_end_of_a_guidance_line_from_the_page_before_is_guidance():
    # measured wrong-but-ok (issue 9): the box ran over a page break inside the printed guidance line; its end
    # opened the answer on the next page, read as the applicant's text
    tail = G[-20:]  # 20 characters: the end of the printed line
    assert strip_guidance(tail + "\n" + ANSWER, [G]) == ANSWER
    # 12 canonical characters are enough, 11 are not (a short line could be anyone's)
    twelve = G[-13:]  # 12 canonical characters and the '。'
    assert len(canon(twelve)) == GUIDANCE_PREFIX_MIN
    assert strip_guidance(twelve + "\n" + ANSWER, [G]) == ANSWER
    assert strip_guidance(G[-12:] + "\n" + ANSWER, [G]) == G[-12:] + "\n" + ANSWER
    # only before the answer: the same words after the applicant's first line are the applicant's
    assert strip_guidance(ANSWER + "\n" + tail, [G]) == ANSWER + "\n" + tail
    # 1 of 19 canonical characters changed (ratio 0.95): the guidance; 2 changed (0.89 < 0.9): the applicant's
    assert strip_guidance("甲" + tail[1:] + "\n" + ANSWER, [G]) == ANSWER
    assert strip_guidance("甲乙" + tail[2:] + "\n" + ANSWER, [G]).startswith("甲乙")


def _table(rows: list[tuple[str, str]]) -> Table:
    cells = []
    for r, (label, value) in enumerate(rows):
        cells += [Cell(row=r, col=0, text=label), Cell(row=r, col=1, text=value)]
    return Table(n_rows=len(rows), n_cols=2, cells=cells, index=0)


def _baseline_scope(rows: list[tuple[str, str]]) -> Scope:
    m = get_map("gx-amc-2025")
    sec = next(s for s in m.sections if s.table.startswith("（一）集群发展指标"))
    t = _table(rows)
    return Scope(section=sec, heading=sec.table, heading_score=1.0, regions=[Region(t, 0, t.n_rows)])


LABEL = "自治区级以上高新技术企业数量（个）"


def test_twin_label_with_one_row_unread_is_never_ok_by_order():
    # the map has this label twice in the section; the first row's label was not read (seal, smudge)
    sc = _baseline_scope([("规模以上企业数量（个）", "238"), ("自治区级以上高新拄术企业数章（个）", "124"),
                          ("集群主导产业产值（亿元）", "630.54"), (LABEL, "51")])
    tc, _s, reasons = locate_one(sc, LABEL, 1, expected=2)
    assert tc is not None and tc[1].text == LABEL
    assert any("2 times but found 1" in r for r in reasons)
    hits = {(h.row_label, h.raw): h for h in map_sections([sc]).hits if h.row_label == LABEL}
    assert all(h.reasons for h in hits.values()), hits
    # both rows read: no doubt, each answer by its own row
    sc2 = _baseline_scope([(LABEL, "124"), ("集群主导产业产值（亿元）", "630.54"), (LABEL, "51")])
    tc1, _s, r1 = locate_one(sc2, LABEL, 1, expected=2)
    tc2, _s, r2 = locate_one(sc2, LABEL, 2, expected=2)
    assert not r1 and not r2
    assert (tc1[1].row, tc2[1].row) == (0, 2)


def test_one_cell_under_two_list_columns_is_doubted():
    from extractor.layouts.list import shared_cells
    from extractor.records import Hit

    wide = Cell(row=5, col=5, colspan=2, text="主要从事牵引\n变流器的研\n有效发明专利\n97项。")
    own = Cell(row=5, col=1, text="株洲晨光电力机车股份有限公司")
    rec = [Hit(id=c, table="（一）现有企业库", row_label="", column_label=c, kind="value", raw=cell.text, cell=cell)
           for c, cell in (("企业名称", own), ("企业概况", wide), ("主导产品", wide))]
    shared_cells(rec)
    assert not rec[0].reasons
    assert rec[1].reasons and rec[2].reasons and "'企业概况', '主导产品'" in rec[1].reasons[0]
    # an empty cell shared by two columns says nothing
    empty = Cell(row=6, col=5, colspan=2, text="")
    rec = [Hit(id=c, table="t", row_label="", column_label=c, kind="value", raw="", cell=empty) for c in ("a", "b")]
    shared_cells(rec)
    assert not any(h.reasons for h in rec)
