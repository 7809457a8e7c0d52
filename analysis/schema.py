"""Column lists and dtypes of every table the package produces, in one place.

    >>> from analysis.schema import ARTICLE_COLUMNS
    >>> ARTICLE_COLUMNS[:3]
    ['article_id', 'source', 'date']

Every table is a pandas DataFrame; docs/methods.md documents each column. Columns listed here
always exist (possibly empty); loaders may carry extra input columns (labels, bias, ...)
after them.
"""
from __future__ import annotations

ARTICLE_DTYPES: dict[str, str] = {
    "article_id": "string",   # stable 16-hex id: hash of origin-independent content (see ingest)
    "source": "string",       # outlet name
    "date": "datetime64[ns]",  # publication date (NaT when unknown; never invented)
    "title": "string",
    "section": "string",
    "byline": "string",
    "url": "string",
    "text": "string",         # body text, NFC-normalized, whitespace-cleaned, paragraphs split by "\n\n"
    "n_words": "int64",
    "origin": "string",       # file path (and :line / #record) the article came from
    "dup_of": "string",       # article_id of the first copy when this one is an exact/near duplicate
}
ARTICLE_COLUMNS: list[str] = list(ARTICLE_DTYPES)

SENTENCE_COLUMNS: list[str] = ["article_id", "sentence_id", "start", "end", "text"]

THEME_SCORE_COLUMNS: list[str] = [
    "article_id", "theme", "hits", "hits_per_1k_words", "share_of_sentences", "present", "terms",
]
ARTICLE_THEME_COLUMNS: list[str] = ["article_id", "primary_theme", "themes"]
THEME_HIT_COLUMNS: list[str] = [
    "article_id", "theme", "subtheme", "term", "sentence_id", "start", "end",
]

QUOTE_COLUMNS: list[str] = [
    "article_id", "sentence_id", "speaker", "verb", "quote", "start", "end", "themes",
    "rule", "speaker_mention", "speaker_type",
]
AMOUNT_COLUMNS: list[str] = [
    "article_id", "sentence_id", "value", "unit", "object", "text", "start", "end", "themes",
]
MENTION_COLUMNS: list[str] = [
    "article_id", "kind", "name", "canonical", "iso_country", "count", "themes",
]
KWIC_COLUMNS: list[str] = ["article_id", "date", "source", "left", "match", "right"]
TONE_SENTENCE_COLUMNS: list[str] = [
    "article_id", "sentence_id", "compound", "pos", "neg", "neu",
]

CORE_THEMES: list[str] = [
    "trade", "migration", "security_crime", "economy", "health", "environment", "energy",
    "foreign_affairs",
]
ALL_THEMES: list[str] = CORE_THEMES + [
    "civil_rights", "education", "agriculture", "transportation", "social_welfare", "housing",
    "technology", "government", "politics_elections",
]
NO_THEME: str = "other"
