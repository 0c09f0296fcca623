"""The import graph follows the pipeline (issue 12): no module imports a later stage, nor another module's
private ``_name``.

Every module of ``extractor/`` is parsed with :mod:`ast` (nothing is imported). Each module belongs to a layer of
:data:`LAYERS` (the most specific prefix wins); a module may import its own layer and the layers before it. An
import inside a function (lazy) is held to the same rule unless :data:`LAZY_ALLOWED` lists it with a reason;
imports under ``if TYPE_CHECKING:`` are annotations only and not counted.

Violations in files of other owners that were there when this test was written are listed in
:data:`KNOWN_VIOLATIONS` (file and reason) and reported as xfail, so the lead can fix them; a new violation
fails the test.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "extractor"

# The pipeline's direction, earliest first. Same-layer imports are allowed.
LAYERS: list[tuple[str, list[str]]] = [
    ("base", ["errors", "ir", "records", "text", "thresholds", "limits", "contract"]),
    # rules are part of the map format (pydantic models inside TableMap) and read only the contract's values
    ("template data", ["maps", "rules"]),
    # the recogniser (engines + CTC decoding) is a tool both the PDF loader's font check and the OCR stage use
    ("ocr engine", ["ocr.engines", "ocr.ctc"]),
    ("text-layer loaders", ["loaders.symbols", "loaders.wordml", "loaders.docx_text", "loaders.docx", "loaders.legacy",
                            "loaders.pdf"]),
    ("ocr", ["ocr"]),  # ocr.stitch reuses loaders.pdf.stitch: the OCR grid is stitched like a PDF grid
    ("scan loader, loader dispatch", ["loaders.scan", "loaders"]),
    ("identify", ["identify"]),
    ("map", ["layouts"]),
    ("normalize", ["validate.grammar", "validate.recognised", "validate.normalize"]),
    ("validate", ["validate.calibration", "validate.narratives", "validate"]),
    ("emit", ["emit", "schemas", "review"]),
    ("api", ["api"]),
    ("drivers", ["inspect", "batch", "triage", "pool", "intake"]),
    ("front ends", ["cli", "review.station", ""]),  # "": the package itself (extractor/__init__.py)
]

# (importer, imported): why a lazy import against the direction is fine
LAZY_ALLOWED: dict[tuple[str, str], str] = {}

# (importer, imported): violations in files of other owners, for the lead to fix (xfail until then)
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}
KNOWN_PRIVATE: dict[tuple[str, str], str] = {}  # (importer, imported._name): as above


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        parts = list(p.relative_to(PKG).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def layer_of(mod: str) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for i, (_, prefixes) in enumerate(LAYERS):
        for pre in prefixes:
            if mod == pre or (pre and mod.startswith(pre + ".")):
                if best is None or len(pre) > best[0]:
                    best = (len(pre), i)
    return best[1] if best else None


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    return skip


def imports(mod: str) -> list[tuple[str, list[str], bool]]:
    """(imported module, names imported from it, lazy) for every import of another extractor module."""
    path = MODULES[mod]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    lazy = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in ast.walk(f)}
    pkg = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".") if pkg else []
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == "extractor" or node.module.startswith("extractor.")):
                target = node.module[len("extractor."):] if node.module != "extractor" else ""
            else:
                continue
            names = [a.name for a in node.names]
            subs = [n for n in names if (f"{target}.{n}" if target else n) in MODULES]
            for n in subs:  # ``from . import rules``: the module extractor.rules
                out.append((f"{target}.{n}" if target else n, [], id(node) in lazy))
            rest = [n for n in names if n not in subs]
            if rest or not subs:
                out.append((target, rest, id(node) in lazy))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("extractor."):
                    out.append((a.name[len("extractor."):], [], id(node) in lazy))
    return out


def _violations() -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    against: dict[tuple[str, str], str] = {}
    private: dict[tuple[str, str], str] = {}
    for mod in MODULES:
        mine = layer_of(mod)
        for target, names, lazy in imports(mod):
            theirs = layer_of(target)
            if mine is not None and theirs is not None and theirs > mine and (mod, target) not in LAZY_ALLOWED:
                against[(mod, target)] = (f"{mod} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]})"
                                          + (" inside a function" if lazy else ""))
            for n in names:
                if n.startswith("_") and not n.startswith("__") and target != mod:
                    private[(mod, f"{target}.{n}")] = f"{mod} imports the private {target}.{n}"
    return against, private


def test_every_module_has_a_layer():
    missing = [m for m in MODULES if layer_of(m) is None]
    assert not missing, f"modules not placed in LAYERS (add them where they run in the pipeline): {missing}"


def test_no_import_against_the_pipeline():
    against, _ = _violations()
    new = {k: v for k, v in against.items() if k not in KNOWN_VIOLATIONS}
    assert not new, "imports against the pipeline's direction:\n" + "\n".join(sorted(new.values()))


def test_no_private_imports():
    _, private = _violations()
    new = {k: v for k, v in private.items() if k not in KNOWN_PRIVATE}
    assert not new, "imports of another module's private names:\n" + "\n".join(sorted(new.values()))


@pytest.mark.parametrize("edge", sorted(KNOWN_VIOLATIONS) + sorted(KNOWN_PRIVATE), ids=lambda e: f"{e[0]}->{e[1]}")
def test_known_violation(edge):
    """Known violations in files of other owners: xfail while present (remove the entry once fixed)."""
    against, private = _violations()
    if edge in against or edge in private:
        pytest.xfail(KNOWN_VIOLATIONS.get(edge) or KNOWN_PRIVATE[edge])
