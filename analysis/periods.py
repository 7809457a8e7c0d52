"""Calendar periods of article dates: one table of frequency aliases for every count and chart.

    >>> import pandas as pd
    >>> period_freq("MS"), period_freq("w"), FREQ_LABELS[period_freq("YS")]
    ('M', 'W', 'year')
    >>> period_labels(pd.Series(pd.to_datetime(["2025-01-08", None])), "W")
    ['2025-01-06', 'unknown']
"""
from __future__ import annotations

import pandas as pd

from analysis.errors import UsageError

# pandas offset alias a user may pass -> the Period frequency used to bucket dates
PERIOD_FREQ: dict[str, str] = {
    "D": "D", "W": "W", "W-MON": "W", "W-SUN": "W", "M": "M", "MS": "M", "ME": "M",
    "Q": "Q", "QS": "Q", "QE": "Q", "Y": "Y", "YS": "Y", "YE": "Y", "A": "Y", "AS": "Y",
}
FREQ_LABELS: dict[str, str] = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


class PeriodError(UsageError, ValueError):
    """A frequency that is not a known calendar period (a usage error and a ValueError)."""


def period_freq(freq: str) -> str:
    """Return the Period frequency (D, W, M, Q, Y) for a pandas offset alias such as ``"MS"``.

    >>> period_freq("QE")
    'Q'
    """
    key = str(freq).strip().upper()
    if key not in PERIOD_FREQ:
        raise PeriodError(f"unknown freq {freq!r}; use one of D, W, MS, QS, YS")
    return PERIOD_FREQ[key]


def periods(dates: pd.Series, freq: str = "W") -> pd.Series:
    """Return the start timestamp of the period (week from Monday, month, ...) of each date.

    >>> periods(pd.Series(pd.to_datetime(["2025-01-08"])), "W").dt.strftime("%Y-%m-%d").tolist()
    ['2025-01-06']
    """
    d = pd.to_datetime(dates, errors="coerce")
    out = d.dt.to_period(period_freq(freq)).dt.start_time
    return out.astype("datetime64[ns]")


def period_labels(dates: pd.Series, freq: str) -> list[str]:
    """Label each date with the ISO start date of its period (``"unknown"`` for a missing date)."""
    starts = periods(dates, freq).dt.strftime("%Y-%m-%d")
    return starts.fillna("unknown").tolist()
