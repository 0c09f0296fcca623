from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
SHARED_TEMPLATES = ROOT.parent / "shared" / "templates"
SAMPLES = ROOT / "samples"
TEMPLATE_IDS = ["gx-amc-2025", "prov-cluster-2025", "nm-amc-2024", "gx-sme-2024", "tj-amc-2025"]
