"""Hand mutations of named thresholds: is every constant pinned by a test?

For each module-level numeric constant (``NAME = 0.9  # …``) and each numeric field default of a settings
dataclass (``    snap_tolerance: float = 3.0``, e.g. ``PdfGridSettings`` and ``OcrGridSettings``) in ``extractor/`` (or
those named), the value is multiplied and divided by ``--factor`` (default 10) in a scratch copy of the repository and the
test suite is run there (``-x``: it stops at the first failing test). A mutant the suite does not kill is
printed as a survivor: a threshold nobody tests.

    python scripts/mutation_check.py                      # every constant (long: one test run per mutant)
    python scripts/mutation_check.py OK_CONFIDENCE DUP_SHIFT --tests tests/test_pdf_textlayer.py

Integer constants are multiplied and divided with rounding (never below 1). Nothing in the working
tree is changed; the scratch copy is removed at the end.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONST = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]{2,}) = (?P<value>\d+(?:\.\d+)?)(?P<rest>\s*(?:#.*)?)$", re.M)
FIELD = re.compile(r"^    (?P<name>[a-z][a-z0-9_]{2,}): (?:float|int) = (?P<value>\d+(?:\.\d+)?)(?P<rest>\s*(?:#.*)?)$", re.M)
SKIP = {"SCHEMA_VERSION", "SUMMARY_VERSION", "CHUNK", "HEAD"}


def constants(root: Path, names: set[str]) -> list[tuple[Path, str, str, str]]:
    """(file, name, value, the text before the value on its line) of every mutable number."""
    out = []
    for f in sorted((root / "extractor").rglob("*.py")):
        text = f.read_text(encoding="utf-8")
        for rx, lead in ((CONST, "{name} = "), (FIELD, "    {name}: ")):
            for m in rx.finditer(text):
                n = m.group("name")
                if (names and n not in names) or (not names and n in SKIP):
                    continue
                prefix = m.group(0)[:m.start("value") - m.start(0)]
                out.append((f.relative_to(root), n, m.group("value"), prefix))
    return out


def mutated(value: str, up: bool, factor: float) -> str:
    if "." in value:
        v = float(value) * factor if up else float(value) / factor
        return repr(round(v, 6))
    v = int(value) * int(factor) if up else max(1, round(int(value) / factor))
    return str(v)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="constants to mutate (default: all)")
    ap.add_argument("--factor", type=float, default=10.0)
    ap.add_argument("--tests", nargs="*", default=["tests", "-k", "not P06 and not wheel"],
                    help="pytest arguments (default: the suite without the slowest cases)")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per test run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info"))
        survivors = []
        for rel, name, value, prefix in constants(work, set(args.names)):
            path = work / rel
            original = path.read_text(encoding="utf-8")
            for up in (True, False):
                new = mutated(value, up, args.factor)
                if new == value:
                    continue
                pat = re.compile(rf"^{re.escape(prefix)}{re.escape(value)}(?=\s|$)", re.M)
                path.write_text(pat.sub(lambda _m: f"{prefix}{new}", original, count=1), encoding="utf-8")
                try:
                    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                                        *args.tests], cwd=work, capture_output=True, text=True, timeout=args.timeout,
                                       env={**os.environ, "PYTHONPATH": str(work),
                                            "EXTRACTOR_CASES": str(ROOT.parent / "shared" / "cases")})
                    killed = r.returncode != 0
                except subprocess.TimeoutExpired:
                    killed = True
                print(f"{'killed  ' if killed else 'SURVIVED'} {rel}:{name} {value} -> {new}", flush=True)
                if not killed:
                    survivors.append(f"{rel}:{name} {value} -> {new}")
            path.write_text(original, encoding="utf-8")
        print(f"\n{len(survivors)} survivor(s)")
        for s in survivors:
            print("  " + s)
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
