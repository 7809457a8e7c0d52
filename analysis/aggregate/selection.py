"""Which articles and groups a report covers: date range, outlets, duplicates; comparison groups.

    >>> import pandas as pd
    >>> a = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "Y"], "dup_of": [None, "a"],
    ...                   "date": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    >>> select_articles(a, start="2025-01-15").article_id.tolist()
    ['b']
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from analysis.errors import UsageError
from analysis.periods import FREQ_LABELS, period_freq, periods

_NOT_WORD = re.compile(r"[\W_]+")


class OutletError(UsageError, ValueError):
    """An outlet name that matches no outlet of the corpus (a usage error and a ValueError)."""


def outlet_key(name: str) -> str:
    """The form outlet names are compared in: case-folded, punctuation and spacing collapsed.

    >>> outlet_key("New York Times - News") == outlet_key("new york times news")
    True
    """
    return " ".join(_NOT_WORD.sub(" ", str(name).casefold()).split())


def match_outlets(requested: Sequence[str] | str | None, known: Iterable[str],
                  strict: bool = True) -> list[str]:
    """The corpus's own spelling of each requested outlet, compared with :func:`outlet_key`.

    An exact name is kept; otherwise every known outlet with the same key is taken. A name that
    matches nothing raises :class:`OutletError` with a did-you-mean (``strict``), or is kept as
    typed (``strict=False``, e.g. for one partition that may lack the outlet).

    >>> match_outlets("new york times news, fox", ["New York Times - News", "Fox News"])
    Traceback (most recent call last):
    analysis.aggregate.selection.OutletError: unknown outlet 'fox' (did you mean 'Fox News'?)
    >>> match_outlets(["NEW YORK TIMES (NEWS)"], ["New York Times - News"])
    ['New York Times - News']
    """
    names = sorted({str(k) for k in known if k is not None and not pd.isna(k)})
    by_key: dict[str, list[str]] = {}
    for name in names:
        by_key.setdefault(outlet_key(name), []).append(name)
    out: list[str] = []
    bad: list[str] = []
    for name in parse_list(requested):
        hits = [name] if name in names else by_key.get(outlet_key(name), [])
        if not hits:
            bad.append(name)
            hits = [] if strict else [name]
        out += [h for h in hits if h not in out]
    if bad and strict:
        raise OutletError("; ".join(f"unknown outlet {b!r}{outlet_hint(b, names)}" for b in bad))
    return out


def did_you_mean(name: str, choices: Iterable[str], key: Callable[[str], str] | None = None,
                 by_word: bool = False) -> str:
    """``" (did you mean 'x'?)"`` for the closest choice, or ``""``: the one did-you-mean of every message.

    ``key`` compares names in another form (e.g. :func:`outlet_key`); ``by_word`` also takes the
    first choice one of whose words (of that form) is the name, such as "fox" for "Fox News".

    >>> did_you_mean("migraton", ["migration", "trade"])
    " (did you mean 'migration'?)"
    """
    forms = {(key(c) if key else c): c for c in sorted(choices)}
    want = key(name) if key else name
    close = difflib.get_close_matches(want, list(forms), n=1, cutoff=0.6)
    if not close and by_word and want:
        close = [f for f in forms if want in f.split(" ")][:1]
    return f" (did you mean {forms[close[0]]!r}?)" if close else ""


def outlet_hint(name: str, known: Iterable[str]) -> str:
    """``" (did you mean 'X'?)"`` for the closest known outlet (compared by key, or a word of it), or ``""``."""
    return did_you_mean(name, known, key=outlet_key, by_word=True)


def match_groups(requested: Sequence[str] | str | None, known: Sequence[str]) -> tuple[list[str], str]:
    """(the ``known`` spelling of each requested group, a did-you-mean line of those that match none).

    Groups match like outlets (:func:`match_outlets`); the line is ``""`` when every name matched.

    >>> match_groups("fox news, Fox Newz", ["Fox News", "CNN"])
    (['Fox News', 'Fox Newz'], "'Fox Newz' (did you mean 'Fox News'?)")
    """
    names = match_outlets(requested, known, strict=False)
    missing = [n for n in names if n not in known]
    return names, "; ".join(f"{m!r}{outlet_hint(m, known)}" for m in missing)


def select_articles(articles: pd.DataFrame, start: str | None = None, end: str | None = None,
                    outlets: Sequence[str] | str | None = None,
                    exclude_duplicates: bool = False) -> pd.DataFrame:
    """Filter articles by date range (inclusive; undated kept only without a range), outlet, dups.

    Outlet names match case- and punctuation-insensitively (:func:`match_outlets`, not strict:
    a name no article carries selects nothing).

    >>> a = pd.DataFrame({"article_id": ["a", "b"], "source": ["X", "Y"], "dup_of": [None, "a"],
    ...                   "date": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    >>> select_articles(a, exclude_duplicates=True).article_id.tolist()
    ['a']
    """
    keep = pd.Series(True, index=articles.index)
    if start or end:
        d = pd.to_datetime(articles["date"], errors="coerce")
        if start:
            keep &= d >= pd.Timestamp(start)
        if end:
            keep &= d < pd.Timestamp(end) + pd.Timedelta(days=1)
    names = parse_list(outlets)
    if names:  # matched like the runner does: "new york times news" is "New York Times - News"
        names = match_outlets(names, articles["source"].dropna().unique(), strict=False)
        keep &= articles["source"].isin(names)
    if exclude_duplicates and "dup_of" in articles:
        keep &= articles["dup_of"].isna() | (articles["dup_of"].astype("string") == "")
    return articles.loc[keep.fillna(False).astype(bool)]


def parse_list(value: Sequence[str] | str | None) -> list[str]:
    """Return a list from a comma-separated string or a sequence (empty for None / "").

    >>> parse_list("trade, migration"), parse_list(None)
    (['trade', 'migration'], [])
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def compare_groups(articles: pd.DataFrame, group_by: str, freq: str = "YS") -> tuple[pd.DataFrame, str]:
    """Return (articles with a ``group`` column, its label) for outlet | source_bias | period.

    >>> a = pd.DataFrame({"article_id": ["a"], "source": ["X"], "date": pd.to_datetime(["2025-03-02"])})
    >>> compare_groups(a, "period", "YS")[0].group.tolist()
    ['2025']
    """
    out = articles.copy()
    if group_by in ("outlet", "source"):
        out["group"] = out["source"].astype("string")
        label = "outlet"
    elif group_by == "period":
        p = periods(out["date"], freq)
        fmt = {"D": "%Y-%m-%d", "W": "%Y-%m-%d", "M": "%Y-%m", "Q": "%Y-%m", "Y": "%Y"}[period_freq(freq)]
        out["group"] = p.dt.strftime(fmt).astype("string")
        label = FREQ_LABELS[period_freq(freq)]
    elif group_by in out.columns:
        out["group"] = out[group_by].astype("string")
        label = group_by.replace("_", " ")
    else:
        raise ValueError(f"cannot group by {group_by!r}: not outlet, period or a column of the articles")
    out["group"] = out["group"].fillna("(unknown)")
    return out, label


def pick_groups(grouped: pd.DataFrame, groups: Sequence[str] | str | None = None, top: int = 6,
                column: str = "group") -> pd.DataFrame:
    """Keep the named ``groups`` (comma list), or else the ``top`` largest groups by articles.

    >>> g = pd.DataFrame({"group": ["a", "b", "b"]})
    >>> pick_groups(g, top=1).group.tolist(), pick_groups(g, "a").group.tolist()
    (['b', 'b'], ['a'])
    """
    names = parse_list(groups)
    if names:  # case and punctuation do not matter, as for outlets
        known = sorted(map(str, set(grouped[column].dropna())))
        names, unknown = match_groups(names, known)
        if unknown:
            raise ValueError(f"unknown group(s) {unknown}; known: {', '.join(known)}")
    else:
        names = [str(v) for v in grouped[column].value_counts(sort=True).index[:top]]
    return grouped[grouped[column].astype(str).isin(names)]

