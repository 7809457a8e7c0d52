"""Supervised theme coding: a linear model on TF-IDF and lexicon-hit features, saved as one file.

Features (sparse, stacked): word 1-2-gram TF-IDF (sublinear tf, ``min_df``), optionally a headline-only
word TF-IDF block (``title_weight``), character 2-5-gram TF-IDF (``char_wb``) of the first ``char_head``
characters, and the shipped dictionaries' evidence per theme (:func:`lexicon_matrix`). A one-vs-rest
``LinearSVC`` (optionally ``class_weight="balanced"``) is trained on the *source* labels (mapped to themes
with the label map) or directly on the themes (``target="theme"``). ``C`` is chosen by stratified k-fold
cross-validation on macro-F1 over the 8 core themes; the fold scores are saved in the metadata.

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
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import model_file, schema
from analysis.errors import UsageError
from analysis.sentences import document_text

log = logging.getLogger(__name__)

DEFAULT_C_GRID: tuple[float, ...] = (0.5, 1.0)
MIN_LABEL_COUNT = 10  # rarer source labels are merged into one class per theme
DEFAULT_SEED = 20240601
LEXICON_SCALE = float(np.log1p(100.0))  # log1p(hits per 1k words) / this ~ 0..1


def _themes_available() -> bool:
    """True when the dictionary engine (analysis.themes) can be imported."""
    import importlib.util

    return importlib.util.find_spec("analysis.themes") is not None


def installed_versions() -> dict[str, str]:
    """Versions a saved model must match: this package and scikit-learn."""
    import sklearn

    import analysis

    return {"package_version": analysis.__version__, "sklearn_version": sklearn.__version__}


def article_docs(articles: pd.DataFrame, text_fields: Sequence[str] = ("title", "text")) -> list[str]:
    """Return the document of each row: first field as headline, the others joined as body.

    >>> article_docs(pd.DataFrame({"title": ["T"], "text": ["B."]}))
    ['T\\n\\nB.']
    """
    missing = [f for f in text_fields if f not in articles.columns]
    if missing:
        raise UsageError(f"articles have no column(s) {missing} (columns: {list(articles.columns)})")

    def col(f: str) -> list[Any]:
        return [v if isinstance(v, str) else "" for v in articles[f].tolist()]

    heads = col(text_fields[0])
    bodies = [col(f) for f in text_fields[1:]]
    return [document_text(h, "\n\n".join(b[i] for b in bodies if b[i])) for i, h in enumerate(heads)]


def lexicon_matrix(docs: Sequence[str], lexicons: Any = None) -> sp.csr_matrix:
    """Dictionary evidence per document: scaled log1p(hits per 1k words) and a headline-hit flag per theme.

    >>> lexicon_matrix(["Tariffs rise", "Nothing here"]).shape[0]
    2
    """
    from analysis.themes import score_themes

    themes = schema.ALL_THEMES
    col = {t: i for i, t in enumerate(themes)}
    heads = [d.split("\n\n", 1) for d in docs]
    frame = pd.DataFrame({"article_id": [str(i) for i in range(len(docs))],
                          "title": [h[0] for h in heads], "text": [h[1] if len(h) > 1 else "" for h in heads]})
    scores = score_themes(frame, lexicons)
    scores = scores[scores["theme"].isin(col)]
    rows = scores["article_id"].astype(int).to_numpy()
    cols = scores["theme"].map(col).to_numpy(dtype=int)
    dens = np.minimum(np.log1p(scores["hits_per_1k_words"].to_numpy(dtype=float)) / LEXICON_SCALE, 1.5)
    title = (scores["title_hits"].to_numpy() > 0).astype(float) if "title_hits" in scores else np.zeros(len(rows))
    n, k = len(docs), len(themes)
    a = sp.csr_matrix((dens, (rows, cols)), shape=(n, k))
    b = sp.csr_matrix((title, (rows, cols)), shape=(n, k))
    return sp.hstack([a, b], format="csr")


class ThemeModel:
    """A fitted theme model: vectorizers, classifier, label -> theme map and metadata."""

    def __init__(self, config: dict[str, Any], label_to_theme: Mapping[str, str]) -> None:
        """Create an unfitted model with a feature ``config`` (see :func:`fit_model`)."""
        self.config = dict(config)
        self.label_to_theme = {str(k): str(v) for k, v in label_to_theme.items()}
        self.vectorizers: dict[str, Any] = {}
        self.clf: Any = None
        self.metadata: dict[str, Any] = {}

    @property
    def themes(self) -> list[str]:
        """The themes this model can predict (sorted)."""
        return sorted(set(self.label_to_theme.values()))

    def _vectorizers(self) -> dict[str, Any]:
        """Build fresh TF-IDF vectorizers from the config."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        c = self.config
        vecs = {"word": TfidfVectorizer(ngram_range=tuple(c["word_ngrams"]), sublinear_tf=True,
                                        min_df=c["min_df"], max_df=c["max_df"], dtype=np.float32)}
        if c.get("title_weight"):
            vecs["title"] = TfidfVectorizer(ngram_range=tuple(c["word_ngrams"]), sublinear_tf=True,
                                            min_df=c["min_df"], max_df=c["max_df"], dtype=np.float32)
        if c.get("char_ngrams"):
            vecs["char"] = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(c["char_ngrams"]),
                                           sublinear_tf=True, min_df=c["min_df"], dtype=np.float32)
        return vecs

    def matrix(self, docs: Sequence[str], lex: sp.csr_matrix | None, fit: bool = False) -> sp.csr_matrix:
        """Stack the feature blocks for ``docs`` (fitting the vectorizers when ``fit``)."""
        if fit:
            self.vectorizers = self._vectorizers()
        blocks = []
        for name, vec in self.vectorizers.items():
            texts = (docs if name == "word" else [d.split("\n\n", 1)[0] for d in docs] if name == "title"
                     else [d[: self.config["char_head"]] for d in docs])
            block = vec.fit_transform(texts) if fit else vec.transform(texts)
            blocks.append(block * float(self.config["title_weight"]) if name == "title" else block)
        if self.config.get("lexicon_features"):
            if lex is None:
                lex = lexicon_matrix(docs)
            blocks.append(lex * float(self.config["lexicon_weight"]))
        return sp.hstack(blocks, format="csr")

    def fit_matrix(self, x: sp.csr_matrix, labels: Sequence[str], c_value: float) -> "ThemeModel":
        """Fit the classifier on a feature matrix."""
        from sklearn.svm import LinearSVC

        self.clf = LinearSVC(C=c_value, class_weight=self.config.get("class_weight"), max_iter=5000)
        self.clf.fit(x, np.asarray(labels, dtype=object))
        return self

    def decide(self, x: sp.csr_matrix) -> tuple[np.ndarray, pd.DataFrame]:
        """Return (predicted source label per row, decision score per theme = max over its labels)."""
        dec = self.clf.decision_function(x)
        classes = [str(c) for c in self.clf.classes_]
        if dec.ndim == 1:  # binary: the score is for classes[1]
            dec = np.column_stack([-dec, dec])
        pred = np.asarray(classes, dtype=object)[dec.argmax(axis=1)]
        per_theme = {}
        for theme in self.themes:
            idx = [j for j, c in enumerate(classes) if self.label_to_theme[c] == theme]
            per_theme[theme] = dec[:, idx].max(axis=1) if idx else np.full(len(pred), -np.inf)
        return pred, pd.DataFrame(per_theme)

    def predict_docs(self, docs: Sequence[str], lex: sp.csr_matrix | None = None) -> np.ndarray:
        """Return the predicted theme of each document."""
        pred, _ = self.decide(self.matrix(docs, lex))
        return np.asarray([self.label_to_theme[p] for p in pred], dtype=object)


def core_macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Macro-F1 over the 8 core themes (sklearn ``f1_score(labels=CORE_THEMES, average='macro')``).

    >>> core_macro_f1(["trade", "health"], ["trade", "health"])  # absent core themes score 0
    0.25
    """
    from sklearn.metrics import f1_score

    return float(f1_score(list(gold), list(pred), labels=schema.CORE_THEMES, average="macro", zero_division=0))


def merge_rare_labels(y: np.ndarray, mapping: Mapping[str, str], min_count: int) -> tuple[np.ndarray, dict[str, str]]:
    """Replace source labels seen fewer than ``min_count`` times by ``[theme]``; return (labels, label -> theme).

    >>> merge_rare_labels(np.array(["a", "a", "b"], dtype=object), {"a": "trade", "b": "health"}, 2)[0].tolist()
    ['a', 'a', '[health]']
    """
    counts = pd.Series(y).value_counts()
    new = np.asarray([lab if counts[lab] >= min_count else f"[{mapping[lab]}]" for lab in y], dtype=object)
    out = {lab: (mapping[lab] if not lab.startswith("[") or lab in mapping else lab[1:-1]) for lab in sorted(set(new))}
    return new, out


def _feature_config(char_ngrams: tuple[int, int] | None, lexicon_features: bool, target: str = "source",
                    **kw: Any) -> dict[str, Any]:
    """Return the feature configuration stored with the model."""
    cfg = {"word_ngrams": [1, 2], "min_df": 2, "max_df": 0.9, "char_ngrams": list(char_ngrams) if char_ngrams else None,
           "char_head": 1000, "lexicon_features": bool(lexicon_features), "lexicon_weight": 1.0, "title_weight": 0.0,
           "class_weight": None, "target": target, "classifier": f"LinearSVC (one-vs-rest, {target} labels)"}
    cfg.update(kw)
    return cfg


def cross_validate(model: ThemeModel, docs: list[str], lex: sp.csr_matrix | None, labels: np.ndarray,
                   folds: int, c_grid: Iterable[float], seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Stratified k-fold CV of every C in ``c_grid``: macro-F1 over core themes and accuracy per fold."""
    from sklearn.model_selection import StratifiedKFold

    themes = np.asarray([model.label_to_theme[str(y)] for y in labels], dtype=object)
    grid = [float(c) for c in c_grid]
    out: dict[str, Any] = {"folds": folds, "seed": seed, "c_grid": grid,
                           "macro_f1_core": {str(c): [] for c in grid}, "accuracy": {str(c): [] for c in grid}}
    counts = pd.Series(themes).value_counts()
    strata = np.where(pd.Series(themes).map(counts) >= folds, themes, "_rare")
    for k, (tr, te) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=seed).split(docs, strata)):
        fold = ThemeModel(model.config, model.label_to_theme)
        x_tr = fold.matrix([docs[i] for i in tr], lex[tr] if lex is not None else None, fit=True)
        x_te = fold.matrix([docs[i] for i in te], lex[te] if lex is not None else None)
        for c in grid:
            fold.fit_matrix(x_tr, labels[tr], c)
            pred, _ = fold.decide(x_te)
            guess = [model.label_to_theme[p] for p in pred]
            out["macro_f1_core"][str(c)].append(round(core_macro_f1(themes[te], guess), 4))
            out["accuracy"][str(c)].append(round(float(np.mean(themes[te] == np.asarray(guess))), 4))
        log.info("CV fold %d/%d: %s", k + 1, folds, {c: v[-1] for c, v in out["macro_f1_core"].items()})
    means = {c: float(np.mean(v)) for c, v in out["macro_f1_core"].items()}
    best = max(grid, key=lambda c: (round(means[str(c)], 4), -abs(np.log(c))))
    out.update(best_c=best, mean_macro_f1_core=round(means[str(best)], 4),
               std_macro_f1_core=round(float(np.std(out["macro_f1_core"][str(best)])), 4),
               mean_accuracy=round(float(np.mean(out["accuracy"][str(best)])), 4))
    return out


def fit_model(articles: pd.DataFrame, labels: Sequence[Any], text_fields: Sequence[str] = ("title", "text"),
              label_map: Mapping[str, str] | None = None, *, cv: int = 5,
              c_grid: Iterable[float] = DEFAULT_C_GRID, char_ngrams: tuple[int, int] | None = (2, 5),
              lexicon_features: bool | None = None, seed: int = DEFAULT_SEED,
              min_label_count: int = MIN_LABEL_COUNT, target: str = "source", class_weight: str | None = None,
              title_weight: float = 0.0, info: Mapping[str, Any] | None = None) -> ThemeModel:
    """Fit the theme model on labelled articles; ``label_map`` maps source labels to themes.

    Without ``label_map`` the labels are themes already. ``cv`` folds (0 or 1: none) pick ``C``
    from ``c_grid`` (with no CV the middle value is used). ``lexicon_features=None`` uses the
    dictionary features when :mod:`analysis.themes` is installed. Source labels with fewer than
    ``min_label_count`` items are merged into one ``[theme]`` class per theme. ``target="theme"`` trains on
    the mapped themes instead of the source labels; ``class_weight="balanced"`` reweights classes (LinearSVC);
    ``title_weight > 0`` adds a headline-only word TF-IDF block with that weight. ``info`` is added to the metadata.

    >>> arts = pd.DataFrame({"article_id": [f"a{i}" for i in range(8)],
    ...     "title": ["Steel tariffs", "Car tariffs", "Tariffs on exports", "Export tariffs rise",
    ...               "Asylum claims", "Asylum at the border", "Border asylum rules", "Asylum backlog"],
    ...     "text": [""] * 8})
    >>> labels = ["trade"] * 4 + ["migration"] * 4
    >>> model = fit_model(arts, labels, cv=0, char_ngrams=None, lexicon_features=False, min_label_count=1)
    >>> sorted(model.metadata["themes"])
    ['migration', 'trade']
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
    if target not in ("source", "theme") or class_weight not in (None, "balanced"):
        raise UsageError(f"target must be source or theme, class_weight None or balanced ({target}, {class_weight})")
    if target == "theme":
        y = np.asarray([mapping[v] for v in y], dtype=object)
        mapping = {t: t for t in sorted(set(y))}
    else:
        y, mapping = merge_rare_labels(y, mapping, min_label_count)
    if lexicon_features is None:
        lexicon_features = _themes_available()
    model = ThemeModel(_feature_config(char_ngrams, lexicon_features, target, class_weight=class_weight,
                                       title_weight=float(title_weight)), mapping)
    docs = article_docs(articles, text_fields)
    lex = lexicon_matrix(docs) if lexicon_features else None
    grid = sorted(float(c) for c in c_grid)
    cv_result: dict[str, Any] | None = None
    if cv and cv > 1:
        cv_result = cross_validate(model, docs, lex, y, int(cv), grid, seed)
        best_c = cv_result["best_c"]
    else:
        best_c = grid[len(grid) // 2]
    model.fit_matrix(model.matrix(docs, lex, fit=True), y, best_c)
    for vec in model.vectorizers.values():  # the pruned-term set is large and not needed to predict
        if hasattr(vec, "stop_words_"):
            vec.stop_words_ = None
    themes = [model.label_to_theme[v] for v in y]
    model.metadata = {
        **installed_versions(),
        "python_version": platform.python_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "themes": model.themes, "labels": source_labels, "min_label_count": min_label_count, "label_to_theme": mapping,
        "training_size": int(len(y)), "theme_counts": dict(pd.Series(themes).value_counts().sort_index()),
        "text_fields": list(text_fields), "feature_config": model.config, "C": best_c,
        "cv": cv_result, "n_features": int(sum(len(v.vocabulary_) for v in model.vectorizers.values())),
        "train_seconds": round(time.perf_counter() - t0, 2),
        **({"lexicon_fingerprint": model_file.lexicon_fingerprint()} if lexicon_features else {}),
        **dict(info or {}),
    }
    return model


def save_model(model: ThemeModel, path: str | Path) -> Path:
    """Save a fitted model with its metadata as one file and return its path.

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
    meta = {k: v for k, v in model.metadata.items() if k not in ("format", "format_version")}
    meta = {**meta, **installed_versions()}
    model_file.write_model_file(path, model, model_file.jsonable(meta))
    return Path(path)


def load_model(path: str | Path, expected_labels: Iterable[Any] | None = None) -> ThemeModel:
    """Load a model file; ModelMismatchError if it is not a model, corrupt, or mismatched.

    Checked before unpickling: the file signature, format version, package and scikit-learn
    versions, and (when given) ``expected_labels`` against the model's theme or source-label set.

    >>> import pathlib, tempfile
    >>> bogus = pathlib.Path(tempfile.mkdtemp()) / "not-a-model.bin"
    >>> _ = bogus.write_bytes(b"hello")
    >>> try:
    ...     load_model(bogus)
    ... except model_file.ModelMismatchError:
    ...     print("refused")
    refused
    """
    header = model_file.read_header(path)
    model_file.check_versions(path, header, installed_versions())
    if expected_labels is not None:
        model_file.check_labels(path, header, expected_labels)
    model = model_file.read_payload(path, header)
    if not isinstance(model, ThemeModel):
        raise model_file.ModelMismatchError(f"{path}: the payload is a {type(model).__name__}, not a theme model")
    model.metadata = {k: v for k, v in header.items() if k not in ("payload_sha256", "payload_bytes")}
    fp = header.get("lexicon_fingerprint")
    if fp and fp != model_file.lexicon_fingerprint():
        log.warning("%s was trained with different lexicons; its dictionary features may have drifted", path)
    return model


def predict_themes(model_or_path: ThemeModel | str | Path, articles: pd.DataFrame) -> pd.DataFrame:
    """Predict one theme per article: ``article_id, primary_theme, label, score, themes, score_<theme>...``.

    ``label`` is the predicted source label, ``score`` the winning decision value, ``themes`` the
    sorted themes (other than ``other``) with a positive decision value plus the primary theme.

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
