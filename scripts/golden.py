"""The outputs of every bundled sample, kept in ``tests/golden/`` so that a change of structure that must not
change behaviour can be checked byte for byte (``tests/test_golden.py``).

    python scripts/golden.py            # compare, list the samples whose output changed
    python scripts/golden.py --write    # after an intended change of behaviour: store the new outputs

One file per sample: ``tests/golden/<folder>__<name>.json``, the Result as ``extractor extract`` writes it
(``model_dump_json(indent=1)``), with ``source.path`` relative to ``samples/``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
FOLDERS = ("docx", "doc", "pdf", "scans")


def sample_files() -> list[Path]:
    """Every sample document (not its ``.truth.json``), in a fixed order."""
    return [p for d in FOLDERS for p in sorted((SAMPLES / d).iterdir())
            if p.is_file() and not p.name.endswith(".json")]


def golden_path(sample: Path) -> Path:
    return GOLDEN / f"{sample.parent.name}__{sample.name}.json"


def output(sample: Path) -> str:
    """The Result JSON of ``sample`` as the CLI writes it, its path relative to ``samples/``."""
    from extractor.api import extract

    res = extract(sample)
    res.source.path = sample.relative_to(SAMPLES).as_posix()
    return res.model_dump_json(indent=1) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="store the outputs as the new golden files")
    a = ap.parse_args()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    changed = 0
    for s in sample_files():
        text = output(s)
        g = golden_path(s)
        if a.write:
            g.write_text(text, encoding="utf-8")
        elif not g.exists() or g.read_text(encoding="utf-8") != text:
            changed += 1
            print(f"changed: {s.relative_to(SAMPLES)}")
    print(f"{len(sample_files())} samples, {'written' if a.write else f'{changed} changed'}")
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
