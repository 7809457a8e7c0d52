"""Fitted estimators as data and back (analysis.model.estimators): exact round trips, refusals of anything but data."""
from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from analysis.model.estimators import dump_classifier, dump_vectorizer, load_classifier, load_vectorizer

DOCS = ["steel tariffs rise", "tariffs on cars and steel", "border asylum claims", "asylum at the border",
        "police arrest suspects", "court sentences robbery suspects", "steel exports and tariffs", "asylum court"]
LABELS = np.asarray(["trade", "trade", "migration", "migration", "crime", "crime", "trade", "migration"], dtype=object)


def roundtrip(spec: dict, *parts: dict) -> tuple:
    """Pass a spec and its documents/arrays through JSON and .npy-like copies, as a file would."""
    return (json.loads(json.dumps(spec)),) + tuple({k: (np.array(v) if isinstance(v, np.ndarray) else
                                                        json.loads(json.dumps(v))) for k, v in p.items()} for p in parts)


@pytest.mark.parametrize("kwargs", [dict(dtype=np.float32, sublinear_tf=True, ngram_range=(1, 2)),
                                    dict(analyzer="char_wb", ngram_range=(2, 4), min_df=2, norm="l1")])
def test_vectorizer_round_trip_is_exact(kwargs):
    vec = TfidfVectorizer(**kwargs).fit(DOCS)
    spec, docs, arrays = roundtrip(*dump_vectorizer(vec, "word"))
    again = load_vectorizer(spec, docs, arrays)
    new = ["steel asylum court tariffs", "nothing known here"]
    a, b = vec.transform(new), again.transform(new)
    assert a.dtype == b.dtype and a.shape == b.shape and (a != b).nnz == 0
    assert again.vocabulary_ == vec.vocabulary_


@pytest.mark.parametrize("clf", [LinearSVC(C=0.5, class_weight="balanced"), ComplementNB(alpha=0.1)])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_round_trip_is_exact(clf, n_classes):
    x = TfidfVectorizer().fit_transform(DOCS)
    keep = np.isin(LABELS, ["trade", "migration", "crime"][:n_classes])
    clf.fit(x[keep], LABELS[keep])
    spec, arrays = roundtrip(*dump_classifier(clf, "m0"))
    again = load_classifier(spec, arrays, x.shape[1])
    if isinstance(clf, LinearSVC):
        assert np.array_equal(clf.decision_function(x), again.decision_function(x))
    else:
        assert np.array_equal(clf.predict_log_proba(x), again.predict_log_proba(x))
    assert again.classes_.tolist() == clf.classes_.tolist() and again.classes_.dtype == clf.classes_.dtype


def test_code_is_neither_saved_nor_loaded():
    with pytest.raises(ValueError, match="custom"):
        dump_vectorizer(TfidfVectorizer(tokenizer=str.split, token_pattern=None).fit(DOCS), "word")
    with pytest.raises(ValueError, match="without idf"):
        dump_vectorizer(TfidfVectorizer(use_idf=False).fit(DOCS), "word")
    spec, docs, arrays = dump_vectorizer(TfidfVectorizer().fit(DOCS), "word")
    for change, message in (({"input": "filename"}, "bad vectorizer settings"),
                            ({"analyzer": "builtins.exec"}, "bad vectorizer analyzer"),
                            ({"dtype": "object"}, "bad vectorizer analyzer, dtype"),
                            ({"use_idf": False}, "or use_idf")):
        bad = dict(spec, settings=dict(spec["settings"], **change))
        with pytest.raises(ValueError, match=message):
            load_vectorizer(bad, docs, arrays)
    x = TfidfVectorizer().fit_transform(DOCS)
    cspec, carrays = dump_classifier(LinearSVC().fit(x, LABELS), "m0")
    for change, message in (({"class": "subprocess.Popen"}, "unknown classifier class"),
                            ({"params": {"C": 1.0, "evil": 1}}, "bad LinearSVC settings"),
                            ({"n_features": 3}, "on 3 features")):
        with pytest.raises(ValueError, match=message):
            load_classifier(dict(cspec, **change), carrays, x.shape[1])
