"""Fixtures of the notebook-layer tests."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from analysis.notebook import findings


@pytest.fixture(autouse=True)
def shipped_theme_labels() -> Iterator[None]:
    """Every test starts and ends with the shipped lexicons' labels (scoring with a user set switches them)."""
    findings.use_labels()
    yield
    findings.use_labels()
