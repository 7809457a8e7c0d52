"""Tests of the theme model's member classifiers and presets (analysis.model.classifier)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.errors import UsageError
from analysis.model.classifier import (
    DEFAULT_PRESETS,
    LONG_DOCUMENT_CHARS,
    MEMBERS,
    PRESETS,
    block_weights,
    combine,
    compact_coefficients,
    custom_member,
    decision_values,
    drop_duplicate_members,
    fit_member,
    preset_by_length,
    preset_members,
    prune_coefficients,
    rms_scale,
    theme_scores,
)


def _toy() -> tuple[sp.csr_matrix, np.ndarray]:
    """Two separable classes on four non-negative features."""
    x = sp.csr_matrix(np.array([[1, 0, 1, 0], [1, 0, 0, 1], [0, 1, 1, 0], [0, 1, 0, 1]] * 3, dtype=float))
    return x, np.array(["a", "a", "b", "b"] * 3, dtype=object)


def test_presets_name_known_members():
    assert set(DEFAULT_PRESETS) <= set(PRESETS)
    for name in PRESETS:
        assert all(m["name"] in MEMBERS for m in preset_members(name))
    members = preset_members("ensemble")
    members[0]["blocks"].append("oops")  # copies: the registry is untouched
    assert "oops" not in MEMBERS["svc_source"]["blocks"]
    with pytest.raises(UsageError):
        preset_members("nope")
    with pytest.raises(UsageError):
        custom_member("codes")


def test_duplicate_source_member_dropped_only_when_labels_are_themes():
    ens = preset_members("ensemble")
    assert [m["name"] for m in drop_duplicate_members(ens, False)] == ["svc_source", "svc_theme", "nb_theme"]
    assert [m["name"] for m in drop_duplicate_members(preset_members("source"), True)] == ["svc_source"]


def test_block_weights_skip_unavailable_blocks():
    cfg = {"title_weight": 0.25, "lexicon_weight": 2.0}
    assert block_weights(custom_member(title=True), cfg, {"word", "title", "lex"}) == {
        "word": 1.0, "title": 0.25, "lex": 2.0}


@pytest.mark.parametrize("name", ["svc_theme", "nb_theme"])
def test_members_score_the_right_class_positive(name):
    x, y = _toy()
    clf = fit_member(MEMBERS[name], x, y, 1.0)
    dec = decision_values(clf, x)
    assert dec.shape == (len(y), 2)
    assert (np.asarray(clf.classes_)[dec.argmax(axis=1)] == y).all()
    assert (dec[y == "a", 0] > 0).all()  # binary SVM and NB log-odds: positive for the true class


def test_theme_scores_and_combination():
    dec = np.array([[0.2, 0.9, -1.0], [1.5, -0.3, 0.1]])
    s = theme_scores(dec, ["1", "2", "3"], {"1": "economy", "2": "economy", "3": "trade"}, ["economy", "health", "trade"])
    assert s[:, 0].tolist() == [0.9, 1.5] and np.isneginf(s[:, 1]).all() and s[:, 2].tolist() == [-1.0, 0.1]
    assert rms_scale(np.array([[np.inf, 0.0]])) == 1.0
    both = combine([s, 2 * s], [1.0, 0.5])
    assert np.allclose(both[:, [0, 2]], s[:, [0, 2]]) and np.isneginf(both[:, 1]).all()


def test_length_rule_picks_balanced_for_long_documents_only():
    long_docs = ["x" * (LONG_DOCUMENT_CHARS + 1)] * 3 + ["short"] * 2
    assert preset_by_length(long_docs, list(DEFAULT_PRESETS)) == "balanced"
    assert preset_by_length(long_docs[:2] + ["short"] * 3, list(DEFAULT_PRESETS)) == "ensemble"
    assert preset_by_length(long_docs, ["theme", "source"]) == "theme"  # not a candidate: the first one


def test_compacted_coefficients_are_float32_and_keep_the_decisions():
    x, y = _toy()
    x = sp.vstack([x, sp.csr_matrix(np.array([[0.3, 0.7, 0.5, 0.5]]))], format="csr")
    y = np.append(y, "b")
    for name in ("svc_theme", "nb_theme"):
        full = fit_member(MEMBERS[name], x, y, 0.5)
        before = decision_values(full, x)
        small = compact_coefficients(fit_member(MEMBERS[name], x, y, 0.5))
        arrays = [a for a in ("coef_", "intercept_", "feature_log_prob_", "class_log_prior_") if hasattr(small, a)]
        assert arrays and all(getattr(small, a).dtype == np.float32 for a in arrays)
        after = decision_values(small, x)
        assert np.array_equal(before.argmax(axis=1), after.argmax(axis=1))
        assert np.allclose(before, after, rtol=2e-3, atol=2e-3)


def test_pruned_coefficients_keep_the_largest_share_per_class_and_the_member_option_prunes():
    rng = np.random.default_rng(0)
    x = sp.csr_matrix(rng.random((60, 40)))
    y = np.array(["a", "b", "c"] * 20, dtype=object)
    full = fit_member(MEMBERS["svc_source"], x, y, 0.5)
    coef = full.coef_.copy()
    pruned = prune_coefficients(full, 0.25)
    kept = pruned.coef_ != 0
    assert kept.sum(axis=1).tolist() == [10, 10, 10]  # 25 % of 40 features in each one-vs-rest row
    for row, mask, orig in zip(pruned.coef_, kept, coef):
        assert np.array_equal(row[mask], orig[mask]) and np.abs(orig[~mask]).max() <= np.abs(orig[mask]).min()
    via_spec = fit_member(dict(MEMBERS["svc_source"], keep_coef=0.25), x, y, 0.5)
    assert np.array_equal(via_spec.coef_, pruned.coef_)
    assert prune_coefficients(fit_member(MEMBERS["nb_theme"], x, y, 0.5), 0.25).feature_log_prob_.all()
