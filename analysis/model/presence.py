"""Multi-label presence against human labels: which themes an article *carries*, checked two ways.

Against single human labels (the dev sets' topic codes, mapped to themes):

- ``label_recall``: share of labelled items (gold theme other than ``other``) that carry their
  labelled theme;
- ``themes_per_article``: mean number of carried themes per item (``no_theme_share``: none);
- ``per_theme``: ``flagged`` (items carrying the theme), ``labelled`` (items labelled with it),
  ``ratio`` = flagged / labelled, and ``label_recall`` of the theme.

Against a hand-annotated multi-label gold set (``tests/data/themes_gold/``: every theme that is a
substantial topic of the article), :func:`gold_presence` gives precision, recall and F1 per theme
and ``macro_f1_core`` over the 8 core themes; :func:`gold_theme_estimate` scales the gold set up to a
whole labelled corpus (how many articles carry each theme, against how many are labelled with it).

    >>> items = pd.DataFrame({"article_id": ["a", "b"], "gold": ["trade", "health"]})
    >>> carried = pd.DataFrame({"article_id": ["a", "b"], "themes": [["trade", "economy"], ["economy"]]})
    >>> m = presence_metrics(items, carried)
    >>> m["label_recall"], m["themes_per_article"], m["per_theme"]["economy"]["flagged"]
    (0.5, 1.5, 2)
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import schema
from analysis.errors import UsageError

log = logging.getLogger(__name__)

GOLD_SPLITS = ("all", "tune", "report")


def _theme_sets(carried: pd.DataFrame) -> dict[str, set[str]]:
    """article_id -> set of carried themes (``other`` dropped)."""
    return {str(a): {str(t) for t in ts if t != schema.NO_THEME}
            for a, ts in zip(carried["article_id"], carried["themes"])}


def presence_metrics(items: pd.DataFrame, carried: pd.DataFrame) -> dict[str, Any]:
    """Compare carried themes (``article_id, themes``) with single labels (``article_id, gold``)."""
    sets = _theme_sets(carried)
    ids = items["article_id"].astype(str).tolist()
    gold = items["gold"].astype(str).tolist()
    per_item = [sets.get(a, set()) for a in ids]
    labelled = [(g, s) for g, s in zip(gold, per_item) if g != schema.NO_THEME]
    n = len(ids)
    flagged = pd.Series([t for s in per_item for t in s], dtype=object).value_counts()
    gold_counts = pd.Series(gold, dtype=object).value_counts()
    per_theme = {}
    for t in sorted(set(flagged.index) | set(gold_counts.index) - {schema.NO_THEME},
                    key=lambda x: (schema.ALL_THEMES + [x]).index(x)):
        n_flag, n_lab = int(flagged.get(t, 0)), int(gold_counts.get(t, 0))
        hits = sum(g == t and t in s for g, s in labelled)
        per_theme[t] = {"flagged": n_flag, "labelled": n_lab,
                        "ratio": round(n_flag / n_lab, 3) if n_lab else None,
                        "label_recall": round(hits / n_lab, 4) if n_lab else None}
    core = [v["ratio"] for t, v in per_theme.items() if t in schema.CORE_THEMES and v["ratio"] is not None]
    return {
        "label_recall": round(sum(g in s for g, s in labelled) / len(labelled), 4) if labelled else 0.0,
        "themes_per_article": round(sum(len(s) for s in per_item) / n, 4) if n else 0.0,
        "no_theme_share": round(sum(not s for s in per_item) / n, 4) if n else 0.0,
        "max_core_ratio": max(core) if core else None,
        "per_theme": per_theme,
    }


def read_gold(path: str | Path, split: str = "all", corpus: str | None = None) -> pd.DataFrame:
    """Read a multi-label gold set JSONL into ``article_id, corpus, themes, primary, split``.

    ``split`` keeps the ``tune`` or ``report`` part (``all``: both); ``corpus`` keeps one corpus.
    """
    if split not in GOLD_SPLITS:
        raise UsageError(f"--gold-split must be one of {GOLD_SPLITS}")
    path = Path(path)
    if not path.exists():
        raise UsageError(f"gold file not found: {path}")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except ValueError as exc:
                raise UsageError(f"{path}:{n}: not JSON: {exc}") from None
            if not isinstance(r, dict) or "article_id" not in r or not isinstance(r.get("themes"), list):
                raise UsageError(f"{path}:{n}: needs article_id and a list of themes")
            rows.append({"article_id": str(r["article_id"]), "corpus": str(r.get("corpus", "")),
                         "themes": [str(t) for t in r["themes"]], "primary": str(r.get("primary", "")),
                         "split": str(r.get("split", ""))})
    gold = pd.DataFrame(rows, columns=["article_id", "corpus", "themes", "primary", "split"])
    if split != "all":
        gold = gold[gold["split"] == split]
    if corpus is not None:
        gold = gold[gold["corpus"] == corpus]
    return gold.reset_index(drop=True)


def gold_presence(gold: pd.DataFrame, carried: pd.DataFrame) -> dict[str, Any]:
    """Precision, recall and F1 per theme of carried themes against a multi-label gold set.

    Only articles in ``gold`` count; an article missing from ``carried`` carries nothing.

    >>> gold = pd.DataFrame({"article_id": ["a", "b"], "themes": [["trade", "economy"], []]})
    >>> carried = pd.DataFrame({"article_id": ["a", "b"], "themes": [["trade"], ["economy"]]})
    >>> p = gold_presence(gold, carried)["per_theme"]
    >>> p["trade"]["f1"], p["economy"]["precision"], p["economy"]["recall"]
    (1.0, 0.0, 0.0)
    """
    sets = _theme_sets(carried)
    pairs_gold = {(str(a), str(t)) for a, ts in zip(gold["article_id"], gold["themes"]) for t in ts}
    ids = [str(a) for a in gold["article_id"]]
    pairs_pred = {(a, t) for a in ids for t in sets.get(a, set())}
    themes = sorted({t for _, t in pairs_gold | pairs_pred} | set(schema.CORE_THEMES),
                    key=lambda x: ((schema.ALL_THEMES + [x]).index(x), x))
    per = {}
    for t in themes:
        tp = sum(1 for a, th in pairs_pred if th == t and (a, th) in pairs_gold)
        n_pred = sum(1 for _, th in pairs_pred if th == t)
        n_gold = sum(1 for _, th in pairs_gold if th == t)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[t] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                  "support": n_gold, "flagged": n_pred}
    core = [per[t]["f1"] for t in schema.CORE_THEMES]
    return {"n": len(ids), "macro_f1_core": round(sum(core) / len(core), 4),
            "themes_per_article": round(len(pairs_pred) / len(ids), 4) if ids else 0.0,
            "gold_themes_per_article": round(len(pairs_gold) / len(ids), 4) if ids else 0.0,
            "per_theme": per}


def gold_theme_estimate(items: pd.DataFrame, gold: pd.DataFrame, n_boot: int = 1000,
                        seed: int = 20240601) -> dict[str, dict[str, Any]]:
    """Estimate, per core theme, how many of ``items`` carry it, from a gold set sampled within their labels.

    ``items`` holds every article of a singly labelled corpus (``article_id, gold``); ``gold`` the
    hand-annotated articles of it (``article_id, themes``). Per label, the share of its gold
    articles that carry a theme is scaled to the label's count in ``items`` (labels without gold
    articles add nothing). Returns per theme ``labelled``, ``estimated`` (articles that carry it),
    ``ratio`` = estimated / labelled and ``interval``: the bootstrap 95 % interval of that ratio
    (gold articles resampled within each label, fixed seed) — the flagged/labelled ratio a perfect
    "carries the theme" flag would reach.

    >>> items = pd.DataFrame({"article_id": list("abcd"), "gold": ["trade", "trade", "health", "health"]})
    >>> gold = pd.DataFrame({"article_id": ["a", "c"], "themes": [["trade", "economy"], ["health"]]})
    >>> est = gold_theme_estimate(items, gold, n_boot=10)
    >>> est["economy"]["estimated"], est["trade"]["ratio"], est["economy"]["ratio"]
    (2.0, 1.0, None)
    """
    label_of = dict(zip(items["article_id"].astype(str), items["gold"].astype(str)))
    counts = items["gold"].astype(str).value_counts()
    rows = [(label_of[str(a)], {str(t) for t in ts}) for a, ts in zip(gold["article_id"], gold["themes"])
            if str(a) in label_of]
    by_label: dict[str, list[set[str]]] = {}
    for lab, ts in rows:
        by_label.setdefault(lab, []).append(ts)
    rng = np.random.default_rng(seed)
    draws = [{lab: [sets[i] for i in rng.integers(0, len(sets), len(sets))] for lab, sets in by_label.items()}
             for _ in range(n_boot)]

    def estimate(sample: dict[str, list[set[str]]], theme: str) -> float:
        """Label-weighted count of articles carrying ``theme``."""
        return float(sum(counts.get(lab, 0) * sum(theme in s for s in sets) / len(sets) for lab, sets in sample.items()))

    out = {}
    for theme in schema.CORE_THEMES:
        n_lab = int(counts.get(theme, 0))
        est = estimate(by_label, theme)
        boot = [estimate(d, theme) / n_lab for d in draws] if n_lab and draws else []
        out[theme] = {"labelled": n_lab, "estimated": round(est, 1),
                      "ratio": round(est / n_lab, 3) if n_lab else None,
                      "interval": [round(float(np.percentile(boot, 2.5)), 3), round(float(np.percentile(boot, 97.5)), 3)]
                      if boot else None}
    return out
