"""Symbol-font glyphs as Unicode: the tick boxes and ticks of Chinese forms, drawn in Wingdings / Wingdings 2.

Shared by the Word loader (a ``w:sym`` element names the font and the code, :func:`word_symbol`) and the PDF
loader (a character whose code lies in the symbol fonts' private-use block, ``U+F000``–``U+F0FF``, in a font
whose name contains "wingdings", :func:`pdf_symbol`). Unknown Wingdings codes are read as an empty box ``□``.
"""
from __future__ import annotations

# Wingdings / Wingdings 2 code points used for boxes and ticks in Chinese forms: (font, 4-digit hex code) → text
SYMBOLS = {
    ("wingdings", "f0a8"): "□", ("wingdings", "f06f"): "□", ("wingdings", "f0fe"): "☑", ("wingdings", "f0fd"): "☒",
    ("wingdings", "f0fc"): "✓", ("wingdings", "f0fb"): "✗", ("wingdings", "f06e"): "■", ("wingdings", "f078"): "☒",
    ("wingdings 2", "f0a3"): "□", ("wingdings 2", "f052"): "☑", ("wingdings 2", "f053"): "☒", ("wingdings 2", "f050"): "✓",
    ("wingdings 2", "f0a2"): "□", ("wingdings 2", "f054"): "☑", ("wingdings 2", "f051"): "☒", ("wingdings 2", "f0a1"): "○",
}
UNKNOWN = "□"  # an unknown Wingdings code: most of them on forms are boxes

# PDF font names that are symbol fonts, most specific first, and the SYMBOLS font each one stands for
_PDF_FONTS = (("wingdings 2", "wingdings 2"), ("wingdings2", "wingdings 2"), ("wingdings", "wingdings"))


def word_symbol(font: str | None, code: str | None) -> str:
    """The text of a Word ``w:sym`` (its ``w:font`` and ``w:char`` attributes): a known Wingdings box or tick,
    ``□`` for another Wingdings code, nothing for other symbol fonts. ``w:char`` may be given without the
    private-use offset (``00A8`` for ``F0A8``)."""
    font = (font or "").lower()
    code = (code or "").lower()
    if len(code) == 4 and not code.startswith("f"):
        code = "f" + code[1:]
    return SYMBOLS.get((font, code), UNKNOWN if "wingdings" in font else "")


def pdf_symbol(text: str, fontname: str) -> str:
    """The text of one PDF character: a Wingdings private-use code (``U+F000``–``U+F0FF``) in a font whose name
    contains Wingdings as its box or tick, anything else unchanged."""
    if len(text) == 1 and 0xF000 <= ord(text) <= 0xF0FF:
        font = fontname.lower()
        for name, key in _PDF_FONTS:
            if name in font:
                return SYMBOLS.get((key, "%04x" % ord(text)), UNKNOWN)
    return text
