"""Placeholder: narratives checked against the tables (filled in below)."""
from __future__ import annotations


def check_narratives(facts) -> None:  # noqa: ANN001
    return None
