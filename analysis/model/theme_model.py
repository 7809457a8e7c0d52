"""Supervised theme coding: linear models on TF-IDF and lexicon-hit features, one preset, saved as one file.

Features (:mod:`analysis.model.features`): word 1-2-gram TF-IDF of the first 3,000 characters, a
headline-only word block, character 2-5-gram TF-IDF of the first 1,000 characters and the shipped
dictionaries' evidence per theme. Classifiers (:mod:`analysis.model.classifier`): one of two presets,
``ensemble`` (mean of a LinearSVC on the source labels, a LinearSVC on the themes and a ComplementNB)
and ``balanced`` (one class-balanced LinearSVC on the themes with a headline block); by default the
length rule picks it (``balanced`` for long documents), with ``cv=K`` K-fold cross-validation
(:mod:`analysis.model.cross_validation`, macro-F1 over the 8 core themes). The choice (and the fold
scores and member scales) are saved in the metadata. The model file
(:mod:`analysis.model.file_format`) holds only data: the estimators are stored as settings,
vocabularies and arrays (:mod:`analysis.model.estimators`) and rebuilt from them when loaded.

    >>> arts = pd.DataFrame({"article_id": list("abcdef"), "title": ["tariffs on steel", "tariff war",
    ...     "new trade tariffs", "migrants at border", "border migrants", "migrant caravan"], "text": [""] * 6})
    >>> m = fit_model(arts, ["trade"] * 3 + ["migration"] * 3, cv=0, lexicon_features=False, char_ngrams=None)
    >>> predict_themes(m, pd.DataFrame({"article_id": ["z"], "title": ["steel tariffs"], "text": [""]}))["primary_theme"].tolist()
    ['trade']
"""
from __future__ import annotations

import logging
import platform
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import schema
from analysis.config import VERSION
from analysis.errors import ModelMismatchError, UsageError
from analysis.model import file_format as model_file
from analysis.model.classifier import (
    DEFAULT_PRESETS,
    FINE_COEF_KEEP,
    block_weights,
    combine,
    compact_coefficients,
    custom_member,
    decision_values,
    describe,
    drop_duplicate_members,
    fit_member,
    preset_by_length,
    preset_members,
    rms_scale,
    theme_scores,
    uses_c,
)
from analysis.model.cross_validation import cross_validate
from analysis.model.estimators import dump_classifier, dump_vectorizer, load_classifier, load_vectorizer
from analysis.model.features import (
    BLOCKS,
    article_docs,
    available_blocks,
    build_vectorizers,
    feature_blocks,
    feature_config,
    lexicon_matrix,
    stack_blocks,
)
from analysis.themes.lexicon import lexicon_fingerprint

log = logging.getLogger(__name__)

DEFAULT_C_GRID: tuple[float, ...] = (0.5,)
DEFAULT_WORD_HEAD = 3000  # characters of each document the word block reads (headline + first ~500 words)
DEFAULT_MIN_DF = 3
MIN_LABEL_COUNT = 10  # rarer source labels are merged into one class per theme
DEFAULT_SEED = 20240601


def installed_versions() -> dict[str, str]:
    """Versions a saved model must match: this package and scikit-learn."""
    # deferred on purpose: scikit-learn is heavy (~0.5 s) and needed only to fit or load a model
    import sklearn

    return {"package_version": VERSION, "sklearn_version": sklearn.__version__}


class ThemeModel:
    """A fitted theme model: shared vectorizers, one or more member classifiers, label -> theme map, metadata."""

    def __init__(self, config: dict[str, Any], label_to_theme: Mapping[str, str],
                 fine_to_label: Mapping[str, str] | None = None) -> None:
        """Create an unfitted model with a ``config`` (feature settings plus ``members`` specifications).

        ``label_to_theme`` maps every class of the source-label member to its theme (fine classes
        included); ``fine_to_label`` maps each fine class to the source label it is reported as.
        """
        self.config = dict(config)
        self.label_to_theme = {str(k): str(v) for k, v in label_to_theme.items()}
        self.fine_to_label = {str(k): str(v) for k, v in (fine_to_label or {}).items()}
        self.vectorizers: dict[str, Any] = {}
        self.members: list[dict[str, Any]] = []
        self.metadata: dict[str, Any] = {}

    @property
    def themes(self) -> list[str]:
        """The themes this model can predict (sorted)."""
        return sorted(set(self.label_to_theme.values()))

    @property
    def clf(self) -> Any:
        """The first member's fitted classifier (None before fitting)."""
        return self.members[0]["clf"] if self.members else None

    def matrix(self, docs: Sequence[str], lex: sp.csr_matrix | None, fit: bool = False) -> dict[str, sp.csr_matrix]:
        """Return the feature blocks of ``docs`` (fitting the vectorizers when ``fit``)."""
        if fit:
            avail = available_blocks(self.config)
            needed = sorted({b for m in self.config["members"] for b in m["blocks"] if b in avail})
            self.vectorizers = build_vectorizers(self.config, needed)
        return feature_blocks(self.vectorizers, self.config, docs, lex, fit=fit)

    def fit_members(self, blocks: Mapping[str, sp.csr_matrix], labels: Mapping[str, np.ndarray], c_value: float,
                    scales: Mapping[str, float] | None = None) -> ThemeModel:
        """Fit every member on the blocks (``labels`` per target); scales default to in-sample RMS."""
        avail = available_blocks(self.config)
        self.members = []
        for spec in self.config["members"]:
            weights = block_weights(spec, self.config, avail)
            x = stack_blocks(blocks, weights)
            clf = compact_coefficients(fit_member(spec, x, labels[spec["target"]], c_value))
            if hasattr(clf, "feature_count_"):  # naive Bayes counts: large and not needed to predict
                clf.feature_count_ = clf.feature_all_ = None
            self.members.append({"name": spec["name"], "spec": dict(spec), "weights": weights, "clf": clf,
                                 "C": c_value if uses_c(spec) else None, "scale": 1.0})
        if len(self.members) > 1:
            given = dict(scales or {})
            raw = self._member_scores(blocks) if any(m["name"] not in given for m in self.members) else None
            for i, m in enumerate(self.members):
                m["scale"] = float(given[m["name"]]) if m["name"] in given else rms_scale(raw[i][0])
        return self

    def _member_scores(self, x: Mapping[str, sp.csr_matrix]) -> list[tuple[np.ndarray, np.ndarray, list[str]]]:
        """Per member: (theme scores, class decision values, class names)."""
        out = []
        identity = {t: t for t in self.themes}
        for m in self.members:
            dec = decision_values(m["clf"], stack_blocks(x, m["weights"]))
            classes = [str(c) for c in m["clf"].classes_]
            mapping = self.label_to_theme if m["spec"]["target"] == "source" else identity
            out.append((theme_scores(dec, classes, mapping, self.themes), dec, classes))
        return out

    def decide(self, x: Mapping[str, sp.csr_matrix]) -> tuple[np.ndarray, pd.DataFrame]:
        """Return (predicted source label per row, score per theme: scaled mean over members)."""
        raw = self._member_scores(x)
        per_theme = combine([s for s, _, _ in raw], [m["scale"] for m in self.members])
        names = np.asarray(self.themes, dtype=object)
        primary = names[per_theme.argmax(axis=1)]
        pred = primary.copy()
        src = next((i for i, m in enumerate(self.members) if m["spec"]["target"] == "source"), None)
        if src is not None:  # the source member's best label within the chosen theme
            _, dec, classes = raw[src]
            owner = np.asarray([self.label_to_theme[c] for c in classes], dtype=object)
            masked = np.where(owner[None, :] == primary[:, None], dec, -np.inf)
            pred = np.asarray(classes, dtype=object)[masked.argmax(axis=1)]
            if self.fine_to_label:  # a fine class is reported as its source label
                pred = np.asarray([self.fine_to_label.get(p, p) for p in pred], dtype=object)
        return pred, pd.DataFrame(per_theme, columns=self.themes)


def merge_rare_labels(y: np.ndarray, mapping: Mapping[str, str], min_count: int) -> tuple[np.ndarray, dict[str, str]]:
    """Replace source labels seen fewer than ``min_count`` times by ``[theme]``; return (labels, label -> theme).

    >>> merge_rare_labels(np.array(["a", "a", "b"], dtype=object), {"a": "trade", "b": "health"}, 2)[0].tolist()
    ['a', 'a', '[health]']
    """
    counts = pd.Series(y).value_counts()
    new = np.asarray([lab if counts[lab] >= min_count else f"[{mapping[lab]}]" for lab in y], dtype=object)
    out = {lab: (mapping[lab] if not lab.startswith("[") or lab in mapping else lab[1:-1]) for lab in sorted(set(new))}
    return new, out


def fine_source_labels(y_source: np.ndarray, fine: Sequence[Any], y_theme: np.ndarray,
                       min_count: int) -> tuple[np.ndarray, dict[str, str], dict[str, str]]:
    """Replace each source label by its fine label where that is seen ``min_count`` times or more.

    Returns (labels, fine class -> theme, fine class -> source label). A fine class ``fine:VALUE``
    belongs to the theme most of its items have, and to the commonest source label among those items;
    rarer (or empty) fine labels keep the item's source label.

    >>> labels, theme, source = fine_source_labels(np.array(["12", "12", "12", "20"], dtype=object),
    ...     ["1205", "1205", "1201", "2012"], np.array(["security_crime"] * 3 + ["government"], dtype=object), 2)
    >>> labels.tolist(), theme, source
    (['fine:1205', 'fine:1205', '12', '20'], {'fine:1205': 'security_crime'}, {'fine:1205': '12'})
    """
    fine_s = pd.Series(["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in fine],
                       dtype=object)  # None and NaN: no fine label
    if len(fine_s) != len(y_source):
        raise UsageError(f"{len(y_source)} labels but {len(fine_s)} fine labels")
    counts = fine_s[fine_s != ""].value_counts()
    keep = fine_s.map(lambda v: v != "" and counts.get(v, 0) >= min_count).to_numpy(dtype=bool)
    labels = np.where(keep, "fine:" + fine_s.to_numpy(dtype=object), y_source).astype(object)
    frame = pd.DataFrame({"cls": labels[keep], "theme": y_theme[keep], "src": y_source[keep]})
    to_theme: dict[str, str] = {}
    to_source: dict[str, str] = {}
    for cls, part in frame.groupby("cls", sort=True):
        theme = str(part["theme"].value_counts().index[0])  # ties: the one seen first
        to_theme[str(cls)] = theme
        to_source[str(cls)] = str(part.loc[part["theme"] == theme, "src"].value_counts().index[0])
    return labels, to_theme, to_source


def _candidates(presets: Sequence[str] | str, target: str | None, class_weight: str | None,
                title_weight: float | None, source_is_theme: bool) -> dict[str, list[dict[str, Any]]]:
    """Candidate presets to cross-validate: the named ones, or one ``custom`` LinearSVC when options are given."""
    if target is not None or class_weight is not None or title_weight is not None:
        return {"custom": [custom_member(target or "source", class_weight, title=bool(title_weight))]}
    names = [presets] if isinstance(presets, str) else list(presets)
    if not names:
        raise UsageError("need at least one preset")
    return {p: drop_duplicate_members(preset_members(p), source_is_theme) for p in dict.fromkeys(names)}


def fit_model(articles: pd.DataFrame, labels: Sequence[Any], text_fields: Sequence[str] = ("title", "text"),
              label_map: Mapping[str, str] | None = None, *, cv: int = 0,
              c_grid: Iterable[float] = DEFAULT_C_GRID, char_ngrams: tuple[int, int] | None = (2, 5),
              lexicon_features: bool = True, seed: int = DEFAULT_SEED,
              word_head: int | None = DEFAULT_WORD_HEAD, min_df: int = DEFAULT_MIN_DF,
              min_label_count: int = MIN_LABEL_COUNT, presets: Sequence[str] | str = DEFAULT_PRESETS,
              target: str | None = None, class_weight: str | None = None, title_weight: float | None = None,
              fine_labels: Sequence[Any] | None = None, info: Mapping[str, Any] | None = None) -> ThemeModel:
    """Fit the theme model on labelled articles; ``label_map`` maps source labels to themes.

    Without ``label_map`` the labels are themes already. ``cv`` folds (default 0: none) choose among the
    ``presets`` (see :data:`analysis.model.classifier.PRESETS`) and the C values in ``c_grid`` by macro-F1
    over the core themes; with no CV the length rule picks the preset
    (:func:`analysis.model.classifier.preset_by_length`) and the middle C is used. ``char_ngrams=None``
    drops the character block, ``lexicon_features=False`` the dictionary block; the word block reads
    the first ``word_head`` characters of each document (None: all), and the text blocks keep terms seen in
    ``min_df`` documents (fewer for small training sets: at most one per 500 items, at least 1). Source labels with
    fewer than ``min_label_count`` items are merged into one ``[theme]`` class per theme. Giving
    ``target`` (``source``/``theme``), ``class_weight`` (``balanced``) or ``title_weight`` fits one
    LinearSVC with those options instead of the presets (the behaviour of earlier versions).
    ``fine_labels`` (one per item, e.g. CAP subtopic codes; None or "" for none) train the source-label
    member on the finer labels instead (:func:`fine_source_labels`: each belongs to the theme most
    of its items have; those with fewer than ``min_label_count`` items keep their source label), so
    that a theme's score is the largest over its fine labels. ``info`` is added to the metadata.

    >>> arts = pd.DataFrame({"article_id": [f"a{i}" for i in range(8)],
    ...     "title": ["Steel tariffs", "Car tariffs", "Tariffs on exports", "Export tariffs rise",
    ...               "Asylum claims", "Asylum at the border", "Border asylum rules", "Asylum backlog"],
    ...     "text": [""] * 8})
    >>> labels = ["trade"] * 4 + ["migration"] * 4
    >>> model = fit_model(arts, labels, cv=2, char_ngrams=None, lexicon_features=False, min_label_count=1)
    >>> sorted(model.metadata["themes"]), model.metadata["cv"]["best"]
    (['migration', 'trade'], 'ensemble C=0.5')
    """
    t0 = time.perf_counter()
    y = np.asarray([str(v) for v in labels], dtype=object)
    if len(y) != len(articles):
        raise UsageError(f"{len(articles)} articles but {len(y)} labels")
    if len(set(y)) < 2:
        raise UsageError("need at least two different labels to train")
    mapping = {lab: lab for lab in set(y)} if label_map is None else {str(k): str(v) for k, v in label_map.items()}
    unmapped = sorted(set(y) - set(mapping))
    if unmapped:
        raise UsageError(f"labels without a theme in the label map: {unmapped[:10]}")
    mapping = {lab: mapping[lab] for lab in sorted(set(y))}
    source_labels = sorted(mapping)
    y_theme = np.asarray([mapping[v] for v in y], dtype=object)
    y_source, label_to_theme = merge_rare_labels(y, mapping, min_label_count)
    fine_to_label: dict[str, str] = {}
    if fine_labels is not None:
        y_source, fine_theme, fine_to_label = fine_source_labels(y_source, list(fine_labels), y_theme, min_label_count)
        label_to_theme = {**label_to_theme, **fine_theme}
    candidates = _candidates(presets, target, class_weight, title_weight,
                             all(k == v for k, v in label_to_theme.items()))
    if fine_to_label:  # the source-label SVM on fine labels: keep its largest coefficients only
        candidates = {p: [dict(m, keep_coef=FINE_COEF_KEEP) if m["target"] == "source" else m for m in ms]
                      for p, ms in candidates.items()}
    themes = sorted(set(y_theme))
    config = feature_config(char_ngrams, lexicon_features, 0.5 if title_weight is None else float(title_weight),
                            word_head=word_head, min_df=min(int(min_df), max(1, len(y) // 500)))
    docs = article_docs(articles, text_fields)
    lex = lexicon_matrix(docs) if lexicon_features else None
    targets = {"source": y_source, "theme": y_theme}
    grid = sorted(float(c) for c in c_grid)
    if not grid or min(grid) <= 0:
        raise UsageError("c_grid needs positive numbers")
    cv_result: dict[str, Any] | None = None
    if cv and cv > 1:
        cv_result = cross_validate(config, candidates, docs, lex, targets, label_to_theme, themes, int(cv), grid, seed)
        preset, best_c, scales = cv_result["best_preset"], cv_result["best_c"], cv_result["scales"]
    else:
        preset, best_c, scales = preset_by_length(docs, list(candidates)), grid[len(grid) // 2], None
    members = candidates[preset]
    config.update(preset=preset, members=members, classifier=describe(members))
    if not any(m["target"] == "source" for m in members):  # labels are then the themes
        label_to_theme, fine_to_label = {t: t for t in themes}, {}
    model = ThemeModel(config, label_to_theme, fine_to_label)
    model.fit_members(model.matrix(docs, lex, fit=True), targets, best_c, scales)
    for vec in model.vectorizers.values():  # the pruned-term set is large and not needed to predict
        if hasattr(vec, "stop_words_"):
            vec.stop_words_ = None
    model.metadata = {
        **installed_versions(),
        "python_version": platform.python_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "themes": model.themes, "labels": source_labels, "min_label_count": min_label_count, "label_to_theme": mapping,
        "training_size": int(len(y)), "theme_counts": dict(pd.Series(y_theme).value_counts().sort_index()),
        "text_fields": list(text_fields), "feature_config": model.config, "preset": preset, "C": best_c,
        "member_scales": {m["name"]: m["scale"] for m in model.members},
        "fine_classes": len(fine_to_label),
        "cv": cv_result, "n_features": int(sum(len(v.vocabulary_) for v in model.vectorizers.values())),
        "train_seconds": round(time.perf_counter() - t0, 2),
        **({"lexicon_fingerprint": lexicon_fingerprint()} if lexicon_features else {}),
        **dict(info or {}),
    }
    return model


def model_data(model: ThemeModel) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Return (JSON documents, arrays) holding a fitted model: ``model`` (its structure), vocabularies, arrays."""
    documents: dict[str, Any] = {}
    arrays: dict[str, np.ndarray] = {}
    vectorizers: dict[str, Any] = {}
    for name, vec in model.vectorizers.items():
        vectorizers[name], docs, arrs = dump_vectorizer(vec, name)
        documents.update(docs)
        arrays.update(arrs)
    members = []
    for i, m in enumerate(model.members):
        spec, arrs = dump_classifier(m["clf"], f"member{i}")
        members.append({"name": m["name"], "spec": m["spec"], "weights": m["weights"], "C": m["C"],
                        "scale": m["scale"], "classifier": spec})
        arrays.update(arrs)
    documents["model"] = model_file.jsonable({"config": model.config, "label_to_theme": model.label_to_theme,
                                              "fine_to_label": model.fine_to_label,
                                              "vectorizers": vectorizers, "members": members})
    return documents, arrays


def _block_widths(model: ThemeModel) -> dict[str, int]:
    """The number of columns of each feature block the model produces."""
    widths = {name: len(vec.vocabulary_) for name, vec in model.vectorizers.items()}
    if model.config.get("lexicon_features"):
        widths["lex"] = 2 * len(schema.ALL_THEMES)  # density and headline flag per theme
    return widths


def _rebuild_member(model: ThemeModel, raw: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Rebuild one member (its classifier on the blocks it weights) and check its labels."""
    widths = _block_widths(model)
    weights = {str(b): float(w) for b, w in raw["weights"].items()}
    if not weights or set(weights) - set(widths):
        raise ValueError(f"member {raw.get('name')!r} uses blocks {sorted(weights)}; the model has {sorted(widths)}")
    clf = load_classifier(raw["classifier"], arrays, sum(widths[b] for b in weights))
    spec = dict(raw["spec"])
    known = model.label_to_theme if spec.get("target") == "source" else set(model.themes)
    if spec.get("target") not in ("source", "theme") or set(map(str, clf.classes_)) - set(known):
        raise ValueError(f"member {raw.get('name')!r}: target {spec.get('target')!r} or classes outside the label map")
    return {"name": str(raw["name"]), "spec": spec, "weights": weights, "clf": clf,
            "C": None if raw["C"] is None else float(raw["C"]), "scale": float(raw["scale"])}


def model_from_data(documents: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> ThemeModel:
    """Rebuild a fitted model from :func:`model_data`'s documents and arrays (ValueError etc. when inconsistent)."""
    doc = documents["model"]
    mapping = doc["label_to_theme"]
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ValueError("label_to_theme is not a map of labels to themes")
    fine = doc.get("fine_to_label", {})  # absent in files written before fine labels
    if not isinstance(fine, dict) or not all(k in mapping and v in mapping and mapping[k] == mapping[v]
                                             for k, v in fine.items()):
        raise ValueError("fine_to_label is not a map of fine classes to source labels of the same theme")
    model = ThemeModel(dict(doc["config"]), mapping, fine)
    if set(doc["vectorizers"]) - set(BLOCKS):
        raise ValueError(f"unknown feature blocks {sorted(doc['vectorizers'])}")
    model.vectorizers = {str(k): load_vectorizer(v, documents, arrays) for k, v in doc["vectorizers"].items()}
    model.members = [_rebuild_member(model, raw, arrays) for raw in doc["members"]]
    if not model.members:
        raise ValueError("no classifiers")
    used_docs = {"model"} | {v["vocabulary"] for v in doc["vectorizers"].values()}
    used_arrays = {v["idf"] for v in doc["vectorizers"].values() if v["idf"]}
    used_arrays |= {a for raw in doc["members"] for a in raw["classifier"]["arrays"].values()}
    extra = sorted((set(documents) - used_docs) | (set(arrays) - used_arrays))
    if extra:
        raise ValueError(f"unexpected member(s) {extra[:5]}")
    return model


def save_model(model: ThemeModel, path: str | Path) -> Path:
    """Save a fitted model with its metadata as one file (data only: JSON and ``.npy``) and return its path.

    >>> import tempfile, pathlib
    >>> arts = pd.DataFrame({"article_id": list("abcd"), "title": ["tariffs", "tariffs war", "migrants", "migrants"]})
    >>> model = fit_model(arts, ["trade"] * 2 + ["migration"] * 2, ("title",), cv=0, char_ngrams=None,
    ...                   lexicon_features=False, min_label_count=1)
    >>> path = save_model(model, pathlib.Path(tempfile.mkdtemp()) / "themes.model")
    >>> load_model(path, expected_labels=["trade", "migration"]).metadata["training_size"]
    4
    """
    if not isinstance(model, ThemeModel) or model.clf is None:
        raise UsageError("save_model needs a fitted model from fit_model()")
    meta = {k: v for k, v in model.metadata.items() if k not in ("format", "format_version", "contents")}
    meta = {**meta, **installed_versions()}
    documents, arrays = model_data(model)
    model_file.write_model_file(path, model_file.jsonable(meta), documents, arrays)
    return Path(path)


def load_model(path: str | Path, expected_labels: Iterable[Any] | None = None) -> ThemeModel:
    """Load a model file; ModelMismatchError if it is not a model, corrupt, or mismatched.

    Nothing in the file runs: it holds JSON and numeric arrays, from which the estimators are rebuilt.
    Checked first: the format and format version (pickle-based files of earlier versions are refused
    unread), the package and scikit-learn versions, and (when given) ``expected_labels`` against the
    model's theme or source-label set; then every member's size, checksum, dtype and shape.

    >>> import pathlib, tempfile
    >>> bogus = pathlib.Path(tempfile.mkdtemp()) / "not-a-model.bin"
    >>> _ = bogus.write_bytes(b"hello")
    >>> try:
    ...     load_model(bogus)
    ... except ModelMismatchError:
    ...     print("refused")
    refused
    """
    header = model_file.read_header(path)
    model_file.check_versions(path, header, installed_versions())
    if expected_labels is not None:
        model_file.check_labels(path, header, expected_labels)
    documents, arrays = model_file.read_contents(path, header)
    try:
        model = model_from_data(documents, arrays)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        reason = (str(exc).splitlines() or [""])[0][:300]
        raise ModelMismatchError(f"{path}: corrupt model file (cannot rebuild the model: {type(exc).__name__}: "
                                 f"{reason}); {model_file.RETRAIN_HINT}") from None
    model.metadata = {k: v for k, v in header.items() if k != "contents"}
    fp = header.get("lexicon_fingerprint")
    if fp and fp != lexicon_fingerprint():
        log.warning("%s was trained with different lexicons; its dictionary features may have drifted", path)
    return model


def predict_themes(model_or_path: ThemeModel | str | Path, articles: pd.DataFrame) -> pd.DataFrame:
    """Predict one theme per article: ``article_id, primary_theme, label, score, themes, score_<theme>...``.

    ``label`` is the predicted source label (within the primary theme), ``score`` the winning theme
    score (the decision value; for an ensemble the mean of the members' scaled values, 0 = boundary),
    ``themes`` the sorted themes (other than ``other``) with a positive score plus the primary theme.

    >>> arts = pd.DataFrame({"article_id": list("abcd"), "title": ["tariffs", "export tariffs", "migrants",
    ...                      "migrants border"], "text": [""] * 4})
    >>> model = fit_model(arts, ["trade"] * 2 + ["migration"] * 2, cv=0, char_ngrams=None, lexicon_features=False)
    >>> new = pd.DataFrame({"article_id": ["x", "y"], "title": ["New export tariffs", "Migrants at the border"],
    ...                     "text": ["", ""]})
    >>> predict_themes(model, new)["primary_theme"].tolist()
    ['trade', 'migration']
    """
    model = load_model(model_or_path) if isinstance(model_or_path, (str, Path)) else model_or_path
    if "article_id" not in articles.columns:
        raise UsageError("articles need an article_id column")
    fields = [f for f in ("title", "text") if f in articles.columns]
    if not fields:
        raise UsageError("articles need a title or text column")
    docs = article_docs(articles, fields)
    if not docs:
        cols = ["article_id", "primary_theme", "label", "score", "themes"] + [f"score_{t}" for t in model.themes]
        return pd.DataFrame(columns=cols)
    pred, per_theme = model.decide(model.matrix(docs, None))
    primary = [model.label_to_theme[p] for p in pred]
    values = per_theme.to_numpy()
    names = list(per_theme.columns)
    themes = [sorted({names[j] for j in np.flatnonzero(row > 0)} | {p}) for row, p in zip(values, primary)]
    out = pd.DataFrame({
        "article_id": articles["article_id"].astype("string").to_numpy(),
        "primary_theme": primary,
        "label": pred.astype(str),
        "score": values.max(axis=1).round(4),
        "themes": [[t for t in ts if t != schema.NO_THEME] for ts in themes],
    })
    for t in names:
        out[f"score_{t}"] = per_theme[t].to_numpy().round(4)
    return out
