"""Fitted scikit-learn estimators of the theme model as plain data (JSON settings, numeric arrays) and back.

Only data is stored. For a ``TfidfVectorizer`` (with idf): its settings, its vocabulary (the terms in
column order) and its idf vector. For a ``LinearSVC``: ``coef_`` and ``intercept_``. For a ``ComplementNB``:
``feature_log_prob_`` and ``class_log_prior_``. Each classifier also keeps its class names and settings.
Loading builds fresh estimators of these three classes only (no class or function is looked up by a
name read from a file), checks every array's dtype and shape against the vocabulary sizes and class
count, and sets the fitted attributes, so the predictions are bit-identical to the saved estimators'.

    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> vec = TfidfVectorizer(dtype=np.float32).fit(["steel tariffs", "border asylum"])
    >>> spec, docs, arrays = dump_vectorizer(vec, "word")
    >>> docs["vocabulary.word"], sorted(arrays)
    (['asylum', 'border', 'steel', 'tariffs'], ['word.idf'])
    >>> again = load_vectorizer(spec, docs, arrays)
    >>> bool((again.transform(["steel border"]) != vec.transform(["steel border"])).nnz == 0)
    True
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

VECTORIZER_SETTINGS = ("analyzer", "binary", "dtype", "lowercase", "max_df", "max_features", "min_df",
                       "ngram_range", "norm", "smooth_idf", "strip_accents", "sublinear_tf", "token_pattern", "use_idf")
VECTORIZER_DEFAULTS_ONLY = ("input", "encoding", "decode_error", "preprocessor", "tokenizer", "stop_words", "vocabulary")
ANALYZERS = ("word", "char", "char_wb")
FLOAT_DTYPES = ("float32", "float64")
CLASSIFIER_ARRAYS: dict[str, tuple[str, ...]] = {
    "LinearSVC": ("coef_", "intercept_"),
    "ComplementNB": ("feature_log_prob_", "class_log_prior_"),
}


def _tfidf_class() -> type:
    """The TfidfVectorizer class."""
    # deferred on purpose: scikit-learn is heavy (~0.5 s) and needed only to fit or load a model
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer


def _classifier_class(name: Any) -> type:
    """The scikit-learn class of a classifier named in a model file (only the two the model uses)."""
    # deferred on purpose: scikit-learn is heavy (~0.5 s) and needed only to fit or load a model
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    classes = {"LinearSVC": LinearSVC, "ComplementNB": ComplementNB}
    if name not in classes:
        raise ValueError(f"unknown classifier class {name!r} (expected one of {sorted(classes)})")
    return classes[name]


def dump_vectorizer(vec: Any, key: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, np.ndarray]]:
    """Return (spec, JSON documents, arrays) of a fitted TfidfVectorizer stored under ``key``."""
    if type(vec) is not _tfidf_class():
        raise ValueError(f"cannot save a {type(vec).__name__} as a vectorizer")
    params, defaults = vec.get_params(), type(vec)().get_params()
    custom = [k for k in VECTORIZER_DEFAULTS_ONLY if params[k] is not defaults[k] and params[k] != defaults[k]]
    if custom or callable(params["analyzer"]):
        raise ValueError(f"cannot save a vectorizer with custom {custom or ['analyzer']} (code, not data)")
    if not vec.use_idf:
        raise ValueError("cannot save a TfidfVectorizer without idf (use_idf=False)")
    settings = {k: params[k] for k in VECTORIZER_SETTINGS}
    settings.update(dtype=np.dtype(settings["dtype"]).name, ngram_range=[int(n) for n in settings["ngram_range"]])
    terms: list[str] = [""] * len(vec.vocabulary_)
    for term, column in vec.vocabulary_.items():
        terms[int(column)] = term
    spec = {"class": "TfidfVectorizer", "settings": settings, "vocabulary": f"vocabulary.{key}", "idf": f"{key}.idf"}
    return spec, {f"vocabulary.{key}": terms}, {f"{key}.idf": np.asarray(vec.idf_)}


def _settings(raw: Any) -> dict[str, Any]:
    """Validate stored vectorizer settings and turn them into TfidfVectorizer keyword arguments."""
    if not isinstance(raw, dict) or set(raw) - set(VECTORIZER_SETTINGS):
        raise ValueError(f"bad vectorizer settings {sorted(raw) if isinstance(raw, dict) else type(raw).__name__}")
    if raw.get("analyzer") not in ANALYZERS or raw.get("dtype") not in FLOAT_DTYPES or raw.get("use_idf") is not True:
        raise ValueError(f"bad vectorizer analyzer, dtype or use_idf ({raw.get('analyzer')!r}, {raw.get('dtype')!r}, "
                         f"{raw.get('use_idf')!r})")
    ngrams = raw.get("ngram_range")
    if not (isinstance(ngrams, list) and len(ngrams) == 2 and all(type(n) is int and 0 < n < 100 for n in ngrams)):
        raise ValueError(f"bad vectorizer ngram_range {ngrams!r}")
    return dict(raw, dtype=np.dtype(raw["dtype"]).type, ngram_range=tuple(ngrams))


def load_vectorizer(spec: Mapping[str, Any], documents: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> Any:
    """Rebuild a fitted TfidfVectorizer from its spec, its vocabulary document and its idf array."""
    if spec.get("class") != "TfidfVectorizer":
        raise ValueError(f"unknown vectorizer class {spec.get('class')!r}")
    vec = _tfidf_class()(**_settings(spec.get("settings")))
    terms = documents[spec["vocabulary"]]
    if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
        raise ValueError(f"{spec['vocabulary']} is not a list of terms")
    vocabulary = {t: i for i, t in enumerate(terms)}
    if len(vocabulary) != len(terms):
        raise ValueError(f"{spec['vocabulary']} repeats terms")
    vec.vocabulary_ = vocabulary
    idf = arrays[spec["idf"]]
    if idf.dtype.name not in FLOAT_DTYPES or idf.shape != (len(terms),):
        raise ValueError(f"{spec['idf']} is {idf.dtype} {list(idf.shape)}, expected a float vector of "
                         f"{len(terms)} (the vocabulary size)")
    vec.idf_ = idf
    return vec


def _jsonable_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return the estimator settings, refusing any that JSON cannot hold."""
    try:
        return json.loads(json.dumps(dict(params)))
    except (TypeError, ValueError):
        raise ValueError(f"cannot save classifier settings {dict(params)} as JSON") from None


def dump_classifier(clf: Any, key: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Return (spec, arrays) of a fitted LinearSVC or ComplementNB stored under ``key``."""
    name = type(clf).__name__
    if type(clf) is not _classifier_class(name):
        raise ValueError(f"cannot save a {name}")
    names = {attr: f"{key}.{attr.rstrip('_')}" for attr in CLASSIFIER_ARRAYS[name]}
    spec = {"class": name, "params": _jsonable_params(clf.get_params()),
            "classes": [str(c) for c in clf.classes_], "classes_dtype": "object" if clf.classes_.dtype == object else "str",
            "n_features": int(clf.n_features_in_), "arrays": names}
    return spec, {stored: np.asarray(getattr(clf, attr)) for attr, stored in names.items()}


def _expected_shapes(name: str, n_classes: int, n_features: int) -> dict[str, tuple[int, ...]]:
    """The shape of each fitted array of a classifier with ``n_classes`` classes and ``n_features`` features."""
    if name == "LinearSVC":
        rows = 1 if n_classes == 2 else n_classes
        return {"coef_": (rows, n_features), "intercept_": (rows,)}
    return {"feature_log_prob_": (n_classes, n_features), "class_log_prior_": (n_classes,)}


def load_classifier(spec: Mapping[str, Any], arrays: Mapping[str, np.ndarray], n_features: int) -> Any:
    """Rebuild a fitted classifier on ``n_features`` features from its spec and arrays (shapes checked)."""
    cls = _classifier_class(spec.get("class"))
    params = spec.get("params")
    if not isinstance(params, dict) or set(params) - set(cls().get_params()):
        raise ValueError(f"bad {spec['class']} settings {params!r}")
    classes = spec.get("classes")
    if not isinstance(classes, list) or len(classes) < 2 or len(set(classes)) != len(classes) \
            or not all(isinstance(c, str) for c in classes):
        raise ValueError(f"bad class list in a {spec['class']}: {str(classes)[:80]}")
    if spec.get("n_features") != n_features:
        raise ValueError(f"a {spec['class']} on {spec.get('n_features')} features, but its blocks have {n_features}")
    clf = cls(**params)
    for attr, shape in _expected_shapes(spec["class"], len(classes), n_features).items():
        value = arrays[spec["arrays"][attr]]
        if value.dtype.name not in FLOAT_DTYPES or value.shape != shape:
            raise ValueError(f"{spec['arrays'][attr]} is {value.dtype} {list(value.shape)}, expected float {list(shape)}")
        setattr(clf, attr, value)
    clf.classes_ = np.asarray(classes, dtype=object if spec.get("classes_dtype") == "object" else str)
    clf.n_features_in_ = n_features
    return clf
