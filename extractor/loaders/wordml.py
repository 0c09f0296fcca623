"""WordprocessingML vocabulary shared by the Word loader's modules: namespaces, tag names, on/off properties,
content-control placeholders, and the safe XML parser for Word parts."""
from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W_PREFIX = "{%s}" % W  # Clark-notation prefix of WordprocessingML tags


def q(tag: str) -> str:
    """A WordprocessingML tag name in Clark notation (``{ns}tag``)."""
    return W_PREFIX + tag


T_BODY = q("body")
T_BR = q("br")
T_CHAR = q("char")
T_CR = q("cr")
T_CUSTOMXML = q("customXml")
T_DELTEXT = q("delText")
T_FONT = q("font")
T_GRIDSPAN = q("gridSpan")
T_INS = q("ins")
T_INSTRTEXT = q("instrText")
T_LASTRENDEREDPAGEBREAK = q("lastRenderedPageBreak")
T_NOBREAKHYPHEN = q("noBreakHyphen")
T_P = q("p")
T_PAGEBREAKBEFORE = q("pageBreakBefore")
T_R = q("r")
T_RPR = q("rPr")
T_RSTYLE = q("rStyle")
T_SHOWINGPLCHDR = q("showingPlcHdr")
T_SPECVANISH = q("specVanish")
T_VANISH = q("vanish")
T_SDT = q("sdt")
T_SDTCONTENT = q("sdtContent")
T_SDTPR = q("sdtPr")
T_SYM = q("sym")
T_T = q("t")
T_TAB = q("tab")
T_TBL = q("tbl")
T_TCPR = q("tcPr")
T_TYPE = q("type")
T_VMERGE = q("vMerge")
T_VAL = q("val")

T_FALLBACK = "{%s}Fallback" % MC

def on(el: etree._Element | None) -> bool:
    """A Word on/off property (``<w:vanish/>``, ``<w:vanish w:val="false"/>``)."""
    return el is not None and el.get(T_VAL, "true").lower() not in ("0", "false", "off")


def is_placeholder(sdt: etree._Element) -> bool:
    """A content control still showing its placeholder text: the applicant typed nothing there."""
    return on(sdt.find(f"{T_SDTPR}/{T_SHOWINGPLCHDR}"))



def xml_parser() -> etree.XMLParser:
    """XML parser for Word parts: entities are never resolved, no DTD is loaded, nothing is fetched from the
    network."""
    return etree.XMLParser(huge_tree=True, resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False)
