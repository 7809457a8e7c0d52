"""Boilerplate, byline, section and date patterns (analysis.corpus.patterns)."""
from __future__ import annotations

import pytest

from analysis.corpus import patterns


@pytest.mark.parametrize("line", [
    "Leave a Reply", "Leave a comment", "3 Comments", "Related Articles", "Related",
    "You may also like", "More from World",
])
def test_tail_markers(line: str) -> None:
    assert patterns.is_tail_marker(line)


@pytest.mark.parametrize("line", [
    "Your email address will not be published. Required fields are marked *",
    "Required fields are marked *", "Share this article", "Share on Facebook",
    "Subscribe to our newsletter", "Sign up for our daily briefing", "We use cookies to improve your experience.",
    "Accept all cookies", "Advertisement", "Save my name, email, and website in this browser for the next time I comment.",
])
def test_boilerplate_lines(line: str) -> None:
    assert patterns.is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "Homeland Security Secretary Kristi Noem arrived in Mexico on Friday.",
    "“We’re going to let the courts play out,” Noem told reporters.",
    "Related talks on cookies and subscriptions will resume next week, officials said.",
    "Share prices fell 3% on Friday.",
])
def test_body_lines_are_not_furniture(line: str) -> None:
    assert not patterns.is_boilerplate(line)
    assert not patterns.is_tail_marker(line)
    assert not patterns.is_byline(line)


@pytest.mark.parametrize("line", [
    "Special correspondent Cecilia Sánchez Vidal contributed to this report.",
    "Staff writers Joel Ruiz and Ángela Torres contributed to this report.",
    "Reporting by Helen Markovic; editing by Sam Ortiz.",
    "By Maria Lopez", "BY JANE DOE".title(), "By Ana Ruiz and John Smith, Associated Press",
])
def test_bylines(line: str) -> None:
    assert patterns.is_byline(line)


def test_by_needs_capitalized_names() -> None:
    assert not patterns.is_byline("By the end of the week, prices had doubled.")


def test_sections_and_dates() -> None:
    assert patterns.is_section("World") and patterns.is_section("U.S. Politics")
    assert not patterns.is_section("Noem came to the Mexican capital.")
    assert not patterns.is_section("March 28, 2025")
    assert patterns.is_date_line("Published: March 28, 2025 at 10:04 a.m. EDT")
    assert patterns.date_value("Updated 2025-03-28 10:04") == "2025-03-28"
    assert not patterns.is_date_line("On March 28, 2025 the court ruled.")


def test_patterns_are_plain_data() -> None:
    for group in (patterns.TAIL_MARKERS, patterns.BOILERPLATE_LINES, patterns.BYLINE_LINES):
        assert group and all(isinstance(p, str) for p in group)
