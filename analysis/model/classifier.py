"""The classifiers of the supervised theme model: linear members, presets, and their averaged theme scores.

A *member* is one sparse linear classifier on some feature blocks (:mod:`analysis.model.features`),
trained on the source labels (e.g. CAP codes, mapped to themes afterwards) or on the themes. A
member's score for a theme is its largest decision value over the labels of that theme
(ComplementNB: the one-vs-rest log-odds). A *preset* is a list of members; with several members
the model's theme score is the mean of the members' scores, each divided by its root-mean-square
on out-of-fold predictions so that no member dominates (0 stays the decision boundary).

    >>> [m["name"] for m in preset_members("ensemble")]
    ['svc_source', 'svc_theme', 'nb_theme']
    >>> rms_scale(np.array([[3.0, -4.0], [-np.inf, 0.0]]))
    0.3464
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from analysis.errors import UsageError

MEMBERS: dict[str, dict[str, Any]] = {
    "svc_source": {"classifier": "LinearSVC", "target": "source", "class_weight": None,
                   "blocks": ["word", "char", "lex"]},
    "svc_theme": {"classifier": "LinearSVC", "target": "theme", "class_weight": None,
                  "blocks": ["word", "char", "lex"]},
    "nb_theme": {"classifier": "ComplementNB", "target": "theme", "alpha": 0.1, "blocks": ["word", "char"]},
    "svc_theme_balanced": {"classifier": "LinearSVC", "target": "theme", "class_weight": "balanced",
                           "blocks": ["word", "title", "lex"]},
}
PRESETS: dict[str, list[str]] = {
    "ensemble": ["svc_source", "svc_theme", "nb_theme"],  # best on NYT (short texts, CAP codes)
    "balanced": ["svc_theme_balanced"],  # best on AllSides (long articles, ~100 topics)
    "source": ["svc_source"],  # the single model of earlier versions
    "theme": ["svc_theme"],
}
DEFAULT_PRESETS: tuple[str, ...] = ("ensemble", "balanced")
LONG_DOCUMENT_CHARS = 1500  # median document length above which the length rule picks ``balanced``
COEF_BITS = np.float16  # coefficients are rounded to this precision (and kept as float32): smaller files
FINE_COEF_KEEP = 0.1  # a source-label SVM on fine labels keeps this share of its coefficients per class


def preset_by_length(docs: Sequence[str], candidates: Sequence[str]) -> str:
    """Pick a preset without cross-validation: ``balanced`` for long documents, ``ensemble`` for short ones.

    The rule (median document longer than :data:`LONG_DOCUMENT_CHARS` characters) reproduces what 5-fold
    cross-validation picks on both dev sets (AllSides full articles: ``balanced``; NYT headline +
    summary: ``ensemble``). A preset not among ``candidates`` falls back to the first candidate.

    >>> preset_by_length(["x" * 5000] * 3, ["ensemble", "balanced"]), preset_by_length(["short"], ["ensemble", "balanced"])
    ('balanced', 'ensemble')
    """
    lengths = sorted(len(d) for d in docs)
    long_docs = bool(lengths) and lengths[len(lengths) // 2] > LONG_DOCUMENT_CHARS
    want = "balanced" if long_docs else "ensemble"
    return want if want in candidates else candidates[0]


def compact_coefficients(clf: Any) -> Any:
    """Round the coefficients (LinearSVC, naive Bayes) to float16 precision, stored as float32; others float32 (in place).

    The rounding changes a decision value by about 1e-3 of its size; the saved file compresses to about
    half. The model in memory and the one read back from its file then predict identically.

    >>> from sklearn.svm import LinearSVC
    >>> clf = compact_coefficients(LinearSVC().fit(np.array([[0.0], [1.0]]), [0, 1]))
    >>> clf.coef_.dtype.name
    'float32'
    """
    for attr in ("coef_", "intercept_", "feature_log_prob_", "class_log_prior_"):
        value = getattr(clf, attr, None)
        if isinstance(value, np.ndarray) and value.dtype.kind == "f" and attr in ("coef_", "feature_log_prob_"):
            setattr(clf, attr, value.astype(COEF_BITS).astype(np.float32))
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
            setattr(clf, attr, value.astype(np.float32))
    return clf


def prune_coefficients(clf: Any, keep: float) -> Any:
    """Keep the largest ``keep`` share of a LinearSVC's coefficients (by magnitude) in each row, zero the rest (in place).

    The zeros make the saved file much smaller (a source-label SVM on ~170 fine labels is otherwise
    ~14 MB compressed); keeping 10 % costs about 0.001 of cross-validated macro-F1 on NYT.

    >>> from sklearn.svm import LinearSVC
    >>> clf = LinearSVC().fit(np.array([[0.0, 1.0, 0.5, 0.2], [1.0, 0.0, 0.1, 0.3]]), [0, 1])
    >>> int((prune_coefficients(clf, 0.5).coef_ != 0).sum())
    2
    """
    coef = getattr(clf, "coef_", None)
    if isinstance(coef, np.ndarray) and 0 < keep < 1 and coef.shape[1] > 0:
        threshold = np.quantile(np.abs(coef), 1.0 - keep, axis=1, keepdims=True)
        clf.coef_ = np.where(np.abs(coef) >= threshold, coef, 0.0).astype(coef.dtype)
    return clf


def preset_members(preset: str) -> list[dict[str, Any]]:
    """Return copies of the member specifications of a preset (each with its ``name``).

    >>> preset_members("balanced")[0]["class_weight"]
    'balanced'
    """
    if preset not in PRESETS:
        raise UsageError(f"unknown preset {preset!r} (choose from {sorted(PRESETS)})")
    return [dict(MEMBERS[name], name=name, blocks=list(MEMBERS[name]["blocks"])) for name in PRESETS[preset]]


def custom_member(target: str = "source", class_weight: str | None = None, title: bool = False) -> dict[str, Any]:
    """Return a single-LinearSVC member specification from the explicit options of earlier versions.

    >>> custom_member("theme", "balanced", title=True)["blocks"]
    ['word', 'title', 'char', 'lex']
    """
    if target not in ("source", "theme") or class_weight not in (None, "balanced"):
        raise UsageError(f"target must be source or theme, class_weight None or balanced ({target}, {class_weight})")
    blocks = ["word"] + (["title"] if title else []) + ["char", "lex"]
    return {"name": "custom", "classifier": "LinearSVC", "target": target, "class_weight": class_weight,
            "blocks": blocks}


def drop_duplicate_members(members: Sequence[dict[str, Any]], source_is_theme: bool) -> list[dict[str, Any]]:
    """Drop ``svc_source`` when the source labels are the themes and ``svc_theme`` is also a member.

    >>> [m["name"] for m in drop_duplicate_members(preset_members("ensemble"), True)]
    ['svc_theme', 'nb_theme']
    """
    names = {m["name"] for m in members}
    return [m for m in members if not (source_is_theme and m["name"] == "svc_source" and "svc_theme" in names)]


def block_weights(member: Mapping[str, Any], config: Mapping[str, Any], available: set[str]) -> dict[str, float]:
    """Return the weight of each available block a member uses (title and lexicon weights from ``config``).

    >>> block_weights(MEMBERS["svc_theme_balanced"], {"title_weight": 0.5, "lexicon_weight": 1.0}, {"word", "title"})
    {'word': 1.0, 'title': 0.5}
    """
    special = {"title": float(config.get("title_weight", 0.5)), "lex": float(config.get("lexicon_weight", 1.0))}
    return {b: special.get(b, 1.0) for b in member["blocks"] if b in available}


def uses_c(member: Mapping[str, Any]) -> bool:
    """True when the member's fit depends on the regularisation constant C.

    >>> uses_c(MEMBERS["nb_theme"]), uses_c(MEMBERS["svc_theme"])
    (False, True)
    """
    return member["classifier"] == "LinearSVC"


def fit_member(member: Mapping[str, Any], x: sp.csr_matrix, labels: Sequence[str], c_value: float) -> Any:
    """Fit and return the member's scikit-learn classifier on its stacked features (pruned if ``keep_coef``)."""
    # deferred on purpose: scikit-learn is heavy (~0.5 s) and needed only to fit or predict
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    y = np.asarray(labels, dtype=object)
    if member["classifier"] == "ComplementNB":
        return ComplementNB(alpha=float(member.get("alpha", 0.1))).fit(x, y)
    clf = LinearSVC(C=c_value, class_weight=member.get("class_weight"), max_iter=5000).fit(x, y)
    return prune_coefficients(clf, float(member["keep_coef"])) if member.get("keep_coef") else clf


def decision_values(clf: Any, x: sp.csr_matrix) -> np.ndarray:
    """Return one score per class (LinearSVC: decision values; ComplementNB: one-vs-rest log-odds).

    >>> from sklearn.naive_bayes import ComplementNB
    >>> nb = ComplementNB().fit(np.array([[2.0, 0.0], [0.0, 2.0]]), ["a", "b"])
    >>> bool(decision_values(nb, np.array([[1.0, 0.0]]))[0, 0] > 0)
    True
    """
    if hasattr(clf, "feature_log_prob_"):  # naive Bayes
        logp = np.clip(clf.predict_log_proba(x), -700.0, -1e-12)
        return logp - np.log(-np.expm1(logp))
    dec = clf.decision_function(x)
    return np.column_stack([-dec, dec]) if dec.ndim == 1 else dec


def theme_scores(dec: np.ndarray, classes: Sequence[str], label_to_theme: Mapping[str, str],
                 themes: Sequence[str]) -> np.ndarray:
    """Per theme, the largest class score over the classes of that theme (-inf when it has none).

    >>> theme_scores(np.array([[1.0, 3.0, 2.0]]), ["a", "b", "c"], {"a": "x", "b": "y", "c": "y"}, ["x", "y", "z"])
    array([[  1.,   3., -inf]])
    """
    out = np.full((dec.shape[0], len(themes)), -np.inf)
    owner = [label_to_theme.get(str(c), str(c)) for c in classes]
    for j, theme in enumerate(themes):
        idx = [i for i, t in enumerate(owner) if t == theme]
        if idx:
            out[:, j] = dec[:, idx].max(axis=1)
    return out


def rms_scale(scores: np.ndarray) -> float:
    """Return 1 / root-mean-square of the finite scores (1.0 when there are none), rounded.

    >>> rms_scale(np.array([[2.0, -2.0]]))
    0.5
    """
    finite = scores[np.isfinite(scores)]
    rms = float(np.sqrt(np.mean(finite ** 2))) if finite.size else 0.0
    return round(1.0 / rms, 4) if rms > 0 else 1.0


def combine(scores: Sequence[np.ndarray], scales: Sequence[float]) -> np.ndarray:
    """Mean of the members' theme scores, each multiplied by its scale (a single member is returned as is).

    >>> combine([np.array([[1.0, -1.0]]), np.array([[4.0, 2.0]])], [1.0, 0.5]).tolist()
    [[1.5, 0.0]]
    """
    if len(scores) == 1:
        return scores[0]
    with np.errstate(invalid="ignore"):
        return sum(s * float(k) for s, k in zip(scores, scales)) / len(scores)


def describe(members: Sequence[Mapping[str, Any]]) -> str:
    """One line naming the members: classifier, target labels, class weights and blocks.

    >>> describe(preset_members("balanced"))
    'LinearSVC on theme labels, balanced, blocks word+title+lex'
    """
    def one(m: Mapping[str, Any]) -> str:
        cw = f", {m['class_weight']}" if m.get("class_weight") else ""
        return f"{m['classifier']} on {m['target']} labels{cw}, blocks {'+'.join(m['blocks'])}"

    return " | ".join(one(m) for m in members) if len(members) == 1 else "mean of: " + " | ".join(
        one(m) for m in members)
