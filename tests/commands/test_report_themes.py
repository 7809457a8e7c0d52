"""User themes and the supervised model in reports: ``report --lexicons DIR`` and ``report --model FILE``.

Real runs of the real notebooks (papermill, a kernel, nbconvert) on the bundled sample: a theme
added as one YAML file in a temporary folder is charted by the theme report, and a model trained
on the sample decides which themes the overview counts. Mistakes in either option exit 2 before
any kernel starts (on the stand-in notebooks of tests/report/test_run.py).
"""
from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.__main__ import main
from analysis.corpus.store import load_corpus
from analysis.model.theme_model import fit_model, predict_themes, save_model
from analysis.themes.cache import LEXICON_SETS_DIR, load_scores
from tests.report.test_run import CLI, make_notebooks, make_store

PORTS = """id: ports
label: Ports and shipping
description: Sea ports, harbors and shipping (a user theme).
cap_major: []
source: test
terms:
  - port
  - harbor
  - shipping
"""


@pytest.fixture(scope="module")
def stand_ins(tmp_path_factory) -> dict[str, Path]:
    """The stand-in store and notebooks (validation only: no kernel is started)."""
    root = tmp_path_factory.mktemp("report-themes-cli")
    return {"store": make_store(root / "store"), "notebooks": make_notebooks(root / "notebooks")}


def user_lexicons(folder: Path) -> Path:
    """A folder holding one user theme, ``ports``, as one YAML file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ports.yml").write_text(PORTS, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_user_theme_in_one_yaml_file_is_charted(sample_store, cli_env, tmp_path):
    lex = user_lexicons(tmp_path / "my-themes")
    shipped = pd.read_parquet(sample_store / config.THEME_SCORES_FILE)
    out = tmp_path / "reports"
    proc = subprocess.run([*CLI, "--store", str(sample_store), "--out", str(out), "--notebooks",
                           str(config.NOTEBOOKS_DIR), "--lexicons", str(lex), "--themes", "ports,trade",
                           "--only", "02-theme-report", "--jobs", "2", "--timeout", "300"],
                          env=cli_env, capture_output=True, text=True, timeout=400)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = (out / "latest").resolve()
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["options"]["lexicons"] == str(lex.resolve())
    page = (run / "02-theme-report-ports" / "02-theme-report-ports.html").read_text(encoding="utf-8")
    # the user's theme is worded with its own label ("label: Ports and shipping"), in sentences and charts
    assert re.search(r"of the [\d,]+ selected articles \([\d.]+%\) carry the theme ports and shipping\.", page)
    assert "Attention to ports and shipping" in page
    assert page.count("<img") >= 3
    attention = pd.read_csv(run / "02-theme-report-ports" / "ports_attention.csv")
    assert set(attention["theme"]) == {"ports"} and attention["n_articles_mentioning"].sum() > 0
    terms = pd.read_csv(run / "02-theme-report-ports" / "ports_top_terms.csv")
    assert set(terms["term"]) <= {"port", "ports", "harbor", "harbors", "shipping"} and len(terms)
    # the shipped themes are still there, and their cached scores were not overwritten
    assert (run / "02-theme-report-trade" / "trade_attention.csv").exists()
    pd.testing.assert_frame_equal(pd.read_parquet(sample_store / config.THEME_SCORES_FILE), shipped)
    assert len(list((sample_store / LEXICON_SETS_DIR).iterdir())) == 1


@pytest.mark.slow
def test_the_model_decides_which_themes_the_overview_counts(sample_store, cli_env, tmp_path):
    articles = load_corpus(sample_store)
    primary = load_scores(sample_store)["article_themes"].astype({"article_id": str}).set_index("article_id")
    labels = primary.loc[articles["article_id"].astype(str), "primary_theme"].astype(str).tolist()
    fitted = fit_model(articles, labels, char_ngrams=None)
    model = save_model(fitted, tmp_path / "sample.model")
    kept = articles[articles["dup_of"].isna()]  # the overview leaves duplicates out
    expected = Counter(t for ts in predict_themes(model, kept)["themes"] for t in ts)
    out = tmp_path / "reports"
    proc = subprocess.run([*CLI, "--store", str(sample_store), "--out", str(out), "--notebooks",
                           str(config.NOTEBOOKS_DIR), "--model", str(model), "--only", "01-corpus-overview",
                           "--timeout", "300"], env=cli_env, capture_output=True, text=True, timeout=400)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = (out / "latest").resolve()
    totals = pd.read_csv(run / "01-corpus-overview" / "theme_totals.csv").set_index("theme")
    counted = {t: int(n) for t, n in totals["n_articles_with_theme"].items() if n and t in fitted.themes
               and t != "other"}  # themes the model does not know keep the lexicons' rule
    assert counted == dict(expected)
    page = (run / "01-corpus-overview" / "01-corpus-overview.html").read_text(encoding="utf-8")
    assert "themes: supervised model sample.model" in page


@pytest.mark.parametrize("kind, expected", [
    ("missing-folder", "--lexicons: folder not found"),
    ("broken-yaml", "--lexicons:"),
    ("missing-model", "--model: model file not found"),
    ("not-a-model", "--model:"),
    ("dask", "cannot be combined with --dask"),
    ("unknown-theme", "unknown theme(s): 'ports'"),
])
def test_bad_lexicons_or_model_exit_2_before_any_kernel(kind, expected, stand_ins, tmp_path, capsys):
    lex = user_lexicons(tmp_path / "lex")
    args = {"missing-folder": ["--lexicons", str(tmp_path / "nope")],
            "broken-yaml": ["--lexicons", str(tmp_path / "bad")],
            "missing-model": ["--model", str(tmp_path / "none.model")],
            "not-a-model": ["--model", str(lex / "ports.yml")],
            "dask": ["--lexicons", str(lex), "--dask", "local"],
            "unknown-theme": ["--themes", "ports"]}[kind]
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.yml").write_text("id: [unclosed\n", encoding="utf-8")
    out = tmp_path / "reports"
    code = main(["report", "--corpus", str(stand_ins["store"]), "--notebooks", str(stand_ins["notebooks"]),
                 "--out", str(out), *args])
    err = capsys.readouterr().err
    assert code == 2 and expected in err and "Traceback" not in err, err
    assert not out.exists() or not any(out.iterdir())


def test_user_theme_is_a_valid_theme_in_the_plan(stand_ins, tmp_path, capsys):
    lex = user_lexicons(tmp_path / "lex")
    assert main(["report", "--corpus", str(stand_ins["store"]), "--notebooks", str(stand_ins["notebooks"]),
                 "--out", str(tmp_path / "r"), "--lexicons", str(lex), "--themes", "ports,trade", "--dry-run"]) == 0
    plan = capsys.readouterr().out
    assert "02-theme-report[ports]" in plan and "02-theme-report[trade]" in plan
