"""Evaluate theme coding against human labels: precision, recall, F1, confusion, presence, attention.

The labelled file is JSONL; ``label_field`` holds the human label and a label map (the
``theme_map.json`` of the shared datasets, or a plain ``{label: theme}`` JSON) turns labels into
themes. Each item gets one predicted theme (``primary_theme``: dictionary argmax, or the trained
model's label) and is compared with its gold theme:

- ``accuracy``: share of items whose predicted theme equals the gold theme (all themes, ``other``
  included);
- ``per_theme``: precision, recall, F1 and support (gold count) of every theme;
- ``macro_f1_core``: the mean F1 over the 8 core themes (``schema.CORE_THEMES``);
- ``intervals``: bootstrap 95 % intervals (items resampled with replacement, ``BOOTSTRAP_SAMPLES``
  times, fixed seed) of ``accuracy``, ``macro_f1_core`` and the presence ``label_recall``.

Next to the single label, each item *carries* a set of themes (the ``present`` flag of
:mod:`analysis.themes.scoring`, or the model's ``themes``): ``presence`` holds the multi-label
checks of :func:`analysis.model.presence.presence_metrics` (recall of the labelled theme, themes per
article, flagged-vs-labelled ratio per theme); with ``gold`` (a hand-annotated multi-label set)
``gold_presence`` holds presence precision/recall per theme. When the items are dated (a ``year``
or ``date`` field, at least ``MIN_YEARS`` years), ``attention`` compares the yearly share of items per
core theme with the human-coded share (:mod:`analysis.model.attention`).

``split`` makes an honest check possible: ``holdout`` keeps a fixed 30 % of the items (by a hash
of their id, :func:`is_holdout`), ``tune`` the other 70 %, ``all`` everything.

    >>> per = prf(["trade", "other"], ["trade", "trade"])
    >>> per["trade"]["precision"], per["trade"]["recall"]
    (0.5, 1.0)
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import schema
from analysis.errors import UsageError
from analysis.model.attention import MIN_YEARS, attention_agreement, yearly_attention
from analysis.model.presence import gold_presence, presence_metrics, read_gold
from analysis.model.theme_model import predict_themes
from analysis.spreadsheet import write_reader_csv
from analysis.themes import scoring as themes

log = logging.getLogger(__name__)

HOLDOUT_PERCENT = 30
SPLITS = ("all", "tune", "holdout")
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 12


def _hash_frac(key: str, salt: str = "") -> float:
    """Return a deterministic number in [0, 1) from ``key``."""
    return int(hashlib.sha1((salt + key).encode("utf-8")).hexdigest()[:12], 16) / 16 ** 12


def is_holdout(item_id: str) -> bool:
    """True when an item belongs to the fixed held-aside 30 % (hash of its id).

    >>> isinstance(is_holdout("allsides-abc"), bool)
    True
    """
    return _hash_frac(str(item_id), "holdout:") * 100 < HOLDOUT_PERCENT


def _label_lookup(label_map: dict, label_field: str, labels: set[str]) -> tuple[dict[str, str], str | None]:
    """Pick the sub-map of a theme map that covers the labels; return (label -> theme, default)."""
    default = next((v for k, v in label_map.items() if k.endswith("default_theme") and isinstance(v, str)), None)
    subs = {k: v for k, v in label_map.items() if isinstance(v, dict)}
    if not subs:
        subs = {"": {k: v for k, v in label_map.items() if isinstance(v, str) and not k.endswith("default_theme")}}
    best = subs.get(label_field)
    if best is None:
        best = max(subs.values(), key=lambda m: len(labels & {str(k) for k in m}))
    out = {}
    for k, v in best.items():
        out[str(k)] = v["theme"] if isinstance(v, dict) else str(v)
    return out, default


def read_labelled(path: str | Path, label_field: str, label_map: str | Path | dict,
                  text_fields: tuple[str, ...] = ("title", "text"), fine_field: str | None = None) -> pd.DataFrame:
    """Read a labelled JSONL into ``article_id, title, text, label, gold, year`` (gold = mapped theme).

    The first text field is the headline, the others are joined (blank line) into the body;
    ``year`` comes from a ``year`` field, else the first four characters of ``date`` (missing: NA).
    With ``fine_field`` (e.g. ``cap_sub``) a ``fine_label`` column holds that field as text ("" when absent).
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"labelled file not found: {path}")
    if not isinstance(label_map, dict):
        try:
            label_map = json.loads(Path(label_map).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read label map {label_map}: {exc}") from None
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError as exc:
                    raise UsageError(f"{path}:{n}: not JSON: {exc}") from None
    if not records:
        raise UsageError(f"{path}: no records")
    if label_field not in records[0]:
        raise UsageError(f"{path}: no field {label_field!r} (fields: {sorted(records[0])})")
    missing = [f for f in text_fields if f not in records[0]]
    if missing:
        raise UsageError(f"{path}: no text field(s) {missing} (fields: {sorted(records[0])})")
    if fine_field is not None and fine_field not in records[0]:
        raise UsageError(f"{path}: no field {fine_field!r} (fields: {sorted(records[0])})")
    labels = {str(r.get(label_field)) for r in records}
    lookup, default = _label_lookup(label_map, label_field, labels)
    unmapped = sorted(labels - set(lookup))
    if unmapped and default is None:
        raise UsageError(f"labels not in the label map: {unmapped[:10]}")

    def field(r: dict, f: str) -> str:
        v = r.get(f)
        return v if isinstance(v, str) else ""

    out = pd.DataFrame({
        "article_id": [str(r.get("id", r.get("article_id", i))) for i, r in enumerate(records)],
        "title": [field(r, text_fields[0]) for r in records],
        "text": ["\n\n".join(x for x in (field(r, f) for f in text_fields[1:]) if x) for r in records],
        "label": [str(r.get(label_field)) for r in records],
        "gold": [lookup.get(str(r.get(label_field)), default) for r in records],
        "year": pd.array([_year(r) for r in records], dtype="Int64"),
    })
    if fine_field is not None:
        out["fine_label"] = ["" if r.get(fine_field) is None else str(r.get(fine_field)) for r in records]
    return out


def _year(record: dict) -> int | None:
    """The record's year: its ``year`` field, else the year of its ISO ``date`` (None when absent)."""
    y = record.get("year")
    if isinstance(y, int) and not isinstance(y, bool):
        return y
    d = record.get("date")
    if isinstance(d, str) and len(d) >= 4 and d[:4].isdigit():
        return int(d[:4])
    return None


def select_split(items: pd.DataFrame, split: str = "all", sample_frac: float | None = None) -> pd.DataFrame:
    """Keep the ``tune``/``holdout``/``all`` part, optionally a deterministic ``sample_frac`` of it."""
    if split not in SPLITS:
        raise UsageError(f"--split must be one of {SPLITS}")
    keep = pd.Series(True, index=items.index)
    if split != "all":
        hold = items["article_id"].map(is_holdout)
        keep &= hold if split == "holdout" else ~hold
    if sample_frac is not None:
        if not 0 < sample_frac <= 1:
            raise UsageError("--sample-frac must be in (0, 1]")
        keep &= items["article_id"].map(lambda i: _hash_frac(i, "sample:") < sample_frac)
    return items[keep].reset_index(drop=True)


def prf(gold: list[str], pred: list[str]) -> dict[str, dict[str, float]]:
    """Return precision, recall, F1 and support per theme (every theme seen in gold or pred)."""
    out = {}
    for t in sorted(set(gold) | set(pred)):
        tp = sum(g == t and p == t for g, p in zip(gold, pred))
        n_pred = sum(p == t for p in pred)
        n_gold = sum(g == t for g in gold)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[t] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": n_gold}
    return out


def metrics(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """Return ``accuracy``, ``macro_f1_core``, ``macro_f1_all`` and ``per_theme``.

    >>> m = metrics(["trade", "health"], ["trade", "other"])
    >>> m["accuracy"], m["per_theme"]["trade"]["f1"]
    (0.5, 1.0)
    """
    per = prf(gold, pred)
    core = [per.get(t, {"f1": 0.0})["f1"] for t in schema.CORE_THEMES]
    seen = [v["f1"] for t, v in per.items() if v["support"] > 0]
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0
    return {"accuracy": round(acc, 4), "macro_f1_core": round(sum(core) / len(core), 4),
            "macro_f1_all": round(sum(seen) / len(seen), 4) if seen else 0.0, "n": len(gold),
            "per_theme": per}


def bootstrap_intervals(gold: list[str], pred: list[str], label_hit: list[bool] | None = None,
                        n_boot: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED) -> dict[str, list[float]]:
    """Percentile 95 % intervals of ``accuracy`` and ``macro_f1_core`` (and ``label_recall`` from
    ``label_hit``: per item True/False, None for items without a labelled theme) over resampled items.

    >>> iv = bootstrap_intervals(["trade", "health"] * 20, ["trade", "trade"] * 20, n_boot=200)
    >>> iv["accuracy"][0] < 0.5 < iv["accuracy"][1]
    True
    """
    labels = sorted(set(gold) | set(pred))
    code = {t: i for i, t in enumerate(labels)}
    g = np.array([code[x] for x in gold], dtype=np.int64)
    p = np.array([code[x] for x in pred], dtype=np.int64)
    core = np.array([code[t] for t in schema.CORE_THEMES if t in code], dtype=np.int64)
    hit = (np.array([np.nan if h is None else float(h) for h in label_hit]) if label_hit is not None else None)
    rng = np.random.default_rng(seed)
    n, k = len(g), len(labels)
    acc, macro, recall = np.empty(n_boot), np.empty(n_boot), np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, n, n)
        gs, ps = g[idx], p[idx]
        same = gs == ps
        tp = np.bincount(gs[same], minlength=k).astype(float)
        prec = tp / np.maximum(np.bincount(ps, minlength=k), 1)
        rec = tp / np.maximum(np.bincount(gs, minlength=k), 1)
        f1 = np.where(prec + rec > 0, 2 * prec * rec / np.where(prec + rec > 0, prec + rec, 1), 0.0)
        acc[b] = same.mean()
        macro[b] = f1[core].sum() / len(schema.CORE_THEMES)
        if hit is not None:
            recall[b] = np.nanmean(hit[idx]) if np.isfinite(hit[idx]).any() else np.nan

    def span(x: np.ndarray) -> list[float]:
        return [round(float(v), 4) for v in np.nanpercentile(x, [2.5, 97.5])]

    out = {"accuracy": span(acc), "macro_f1_core": span(macro)}
    if hit is not None and np.isfinite(hit).any():
        out["label_recall"] = span(recall)
    return out


def confusion(gold: list[str], pred: list[str]) -> pd.DataFrame:
    """Return the confusion matrix (rows: gold theme, columns: predicted theme)."""
    order = [t for t in schema.ALL_THEMES + [schema.NO_THEME] if t in set(gold) | set(pred)]
    cm = pd.crosstab(pd.Series(gold, name="gold"), pd.Series(pred, name="predicted"))
    return cm.reindex(index=order, columns=order, fill_value=0)


def predict(items: pd.DataFrame, lexicons: Any = None, model: str | Path | None = None) -> pd.DataFrame:
    """Return ``article_id, primary_theme, themes, mentions, terms`` per item.

    ``themes``: the carried themes (lexicons: ``present``; model: its ``themes``); ``mentions``:
    themes with any lexicon hit; ``terms``: the matched terms per theme.
    """
    scores = themes.score_themes(items, lexicons)
    by_art: dict[str, list[str]] = {}
    mentions: dict[str, list[str]] = {}
    for aid, th, terms in zip(scores["article_id"].astype(str), scores["theme"].astype(str), scores["terms"]):
        by_art.setdefault(aid, []).append(f"{th}[{terms}]")
        mentions.setdefault(aid, []).append(th)
    if model is not None:
        pred = predict_themes(Path(model), items)
    else:
        pred = themes.article_themes(scores, items)
    pred = pred[["article_id", "primary_theme", "themes"]].astype({"article_id": str, "primary_theme": str})
    pred["themes"] = [sorted(str(t) for t in ts if t != schema.NO_THEME) for ts in pred["themes"]]
    pred["mentions"] = [sorted(mentions.get(a, [])) for a in pred["article_id"]]
    pred["terms"] = [" | ".join(by_art.get(a, [])) for a in pred["article_id"]]
    return pred


def save_confusion_png(cm: pd.DataFrame, path: Path, title: str) -> None:
    """Draw the confusion matrix as a heat map PNG (row-normalized colours, counts as text)."""
    share = cm.div(cm.sum(axis=1).replace(0, 1), axis=0)
    fig = Figure(figsize=(9, 8))   # no pyplot: the caller's matplotlib backend is left alone
    ax = fig.subplots()
    ax.imshow(share.to_numpy(), cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(cm.columns)), cm.columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(cm.index)), cm.index, fontsize=8)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            v = int(cm.iat[i, j])
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=6,
                        color="white" if share.iat[i, j] > 0.5 else "black")
    ax.set_xlabel("predicted theme")
    ax.set_ylabel("gold theme (human label, mapped)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def evaluate(labelled: str | Path, label_field: str, label_map: str | Path | dict,
             text_fields: tuple[str, ...] = ("title", "text"), lexicons: Any = None,
             model: str | Path | None = None, split: str = "all", sample_frac: float | None = None,
             out: str | Path | None = None, gold: str | Path | None = None, gold_split: str = "report",
             attention_chart: Callable[[pd.DataFrame, Path], Any] | None = None) -> dict[str, Any]:
    """Score labelled items and return the metrics; with ``out`` also write the report files.

    Files in ``out``: ``metrics.json``, ``per_theme.csv``, ``confusion.csv``, ``confusion.png``,
    ``misclassified.csv`` (id, gold, predicted, title, matched terms per theme), ``presence.csv``
    (flagged vs labelled per theme) and, for dated items, ``attention_yearly.csv`` (per year x core
    theme: human, primary, present and mention shares) -- passed to ``attention_chart(table, out)``
    when given (the ``evaluate`` command draws it). With ``gold`` also ``gold_presence.csv``. The
    CSVs are reader CSVs (:func:`analysis.spreadsheet.write_reader_csv`): a cell that a spreadsheet
    would run as a formula (a title starting with ``=``, ...) gets a leading apostrophe;
    ``metrics.json`` stays raw.

    >>> import json, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "labelled.jsonl"
    >>> _ = f.write_text(json.dumps({"id": "1", "title": "Tariffs rise", "text": "", "topic": "trade"}))
    >>> m = evaluate(f, "topic", {"topic": {"trade": "trade"}})
    >>> m["accuracy"], m["presence"]["label_recall"], m["intervals"]["accuracy"]
    (1.0, 1.0, [1.0, 1.0])
    """
    if out is not None and Path(out).exists() and not Path(out).is_dir():
        raise UsageError(f"--out {out} is not a folder")
    every = read_labelled(labelled, label_field, label_map, tuple(text_fields))
    gold_set = read_gold(gold, gold_split) if gold is not None else None
    items = select_split(every, split, sample_frac)
    if items.empty:
        raise UsageError("no items left to evaluate (check --split/--sample-frac)")
    pred = predict(items, lexicons, model)
    merged = items.merge(pred, on="article_id", how="left")
    merged["primary_theme"] = merged["primary_theme"].fillna(schema.NO_THEME)
    merged["themes"] = [x if isinstance(x, list) else [] for x in merged["themes"]]
    gold_labels, guess = merged["gold"].tolist(), merged["primary_theme"].tolist()
    result = metrics(gold_labels, guess)
    presence = presence_metrics(merged[["article_id", "gold"]], merged[["article_id", "themes"]])
    label_hit = [None if g == schema.NO_THEME else g in ts for g, ts in zip(gold_labels, merged["themes"])]
    result.update(split=split, sample_frac=sample_frac, source=str(labelled), label_field=label_field,
                  method="model" if model else "lexicons", model=str(model) if model else None,
                  intervals=bootstrap_intervals(gold_labels, guess, label_hit), presence=presence)
    table = None
    if merged["year"].dropna().nunique() >= MIN_YEARS:
        table = yearly_attention(merged, merged[["article_id", "primary_theme", "themes", "mentions"]])
        result["attention"] = attention_agreement(table)
    if gold_set is not None:
        in_file = every[every["article_id"].isin(set(gold_set["article_id"]))]
        gold_set = gold_set[gold_set["article_id"].isin(set(in_file["article_id"]))]
        if gold_set.empty:
            raise UsageError(f"no article of {gold} is in {labelled}")
        gp = gold_presence(gold_set, predict(in_file.reset_index(drop=True), lexicons, model))
        result["gold_presence"] = {"source": str(gold), "split": gold_split, **gp}
    if out is not None:
        _write_outputs(Path(out), result, merged, table, attention_chart, f"{Path(labelled).name} ({split})")
    return result


def _write_outputs(folder: Path, result: dict[str, Any], merged: pd.DataFrame, table: pd.DataFrame | None,
                   attention_chart: Callable[[pd.DataFrame, Path], Any] | None, name: str) -> None:
    """Write the report files of :func:`evaluate` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    write_reader_csv(_theme_table(result["per_theme"]), folder / "per_theme.csv", index=True)
    write_reader_csv(_theme_table(result["presence"]["per_theme"]), folder / "presence.csv", index=True)
    gold, guess = merged["gold"].tolist(), merged["primary_theme"].tolist()
    cm = confusion(gold, guess)
    write_reader_csv(cm, folder / "confusion.csv", index=True)
    save_confusion_png(cm, folder / "confusion.png",
                       f"{name}: accuracy {result['accuracy']:.3f}, macro-F1 core {result['macro_f1_core']:.3f}")
    wrong = merged[merged["gold"] != merged["primary_theme"]]
    write_reader_csv(wrong[["article_id", "label", "gold", "primary_theme", "title", "terms"]].rename(
        columns={"primary_theme": "predicted"}), folder / "misclassified.csv", index=False)
    if table is not None:
        write_reader_csv(table, folder / "attention_yearly.csv", index=False)
        if attention_chart is not None:
            attention_chart(table, folder)
    if "gold_presence" in result:
        write_reader_csv(_theme_table(result["gold_presence"]["per_theme"]), folder / "gold_presence.csv", index=True)


def _theme_table(per_theme: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per theme (index ``theme``), each column with its own dtype (counts stay integers)."""
    return pd.DataFrame.from_dict(per_theme, orient="index").rename_axis("theme")
