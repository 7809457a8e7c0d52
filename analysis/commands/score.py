"""Code the articles of the store for policy themes (dictionary lexicons, or a trained --model).

Writes theme_scores.parquet, theme_hits.parquet and article_themes.parquet next to the article
table (recomputed only when the articles or lexicons changed) and prints the theme counts.
With --model FILE the supervised model's predictions go to article_themes_model.parquet.
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from analysis import config
from analysis.aggregate.count_files import AGGREGATES_DIR, write_aggregates
from analysis.cluster.options import add_dask_argument, session
from analysis.corpus.store import load_corpus
from analysis.errors import LexiconError, ModelMismatchError, UsageError
from analysis.themes.lexicon import load_lexicons

MODEL_OUTPUT = "article_themes_model.parquet"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("--store", help="store folder (default: data/processed)")
    parser.add_argument("--lexicons", help="folder of theme lexicon YAML files (default: shipped)")
    parser.add_argument("--model", help="score with this trained model file instead of the lexicons")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (with --dask)")
    add_dask_argument(parser)


def _load_articles(store: Path):
    """Load the article table of the store or raise UsageError."""
    try:
        return load_corpus(store=store)
    except FileNotFoundError:
        raise UsageError(f"no article table in {store}; run `python -m analysis ingest PATH --store DIR` first") from None


def run_dask(args: argparse.Namespace, store: Path) -> int:
    """Score the store on a Dask cluster: theme tables to <store>/themes_dask, counts to <store>/aggregates."""
    if args.model:
        raise UsageError("--model runs on the pandas path only; drop --dask to score with a model")
    if args.lexicons:
        if not Path(args.lexicons).exists():
            raise UsageError(f"lexicon folder not found: {args.lexicons}")
        try:
            load_lexicons(args.lexicons)          # check the YAML on the client before the cluster starts
        except LexiconError as exc:
            raise UsageError(str(exc)) from None
    # deferred on purpose: the Dask engine pulls numba (the compiled theme kernels)
    from analysis.cluster import engine as dx

    show = not args.no_progress
    arts = dx.read_store(store)                  # UsageError when there is no store
    with session(args):
        n = dx.write_scores(arts, store, lexicons=args.lexicons, show_progress=show)
        counts = dx.aggregates(arts, lexicons=args.lexicons, tables=dx.THEME_TABLES + dx.TERM_TABLES,
                               show_progress=show)
        write_aggregates(counts, store, params={"freq": "W", "by": ["source"], "lexicons": args.lexicons,
                                                "selection": None})
    print(f"scored on dask: {n['article_themes']} articles, {n['hits']} hits -> {store / dx.SCORES_DIR}")
    primary = counts["themes_by_source"].groupby("theme")["n_articles_with_theme"].sum()
    print(f"aggregates: {', '.join(sorted(counts))} -> {store / AGGREGATES_DIR}")
    print("articles where each theme is present:")
    for theme, k in primary.sort_values(ascending=False).items():
        print(f"  {theme:20s} {int(k):7d}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Score the store and print a summary."""
    store = config.store_dir(args.store)
    if args.workers < 1:
        raise UsageError("--workers must be >= 1")
    if getattr(args, "dask", None):
        return run_dask(args, store)
    articles = _load_articles(store)
    if args.model:
        # deferred on purpose: the model pulls numba (its lexicon features) and scikit-learn
        from analysis.model.theme_model import predict_themes

        model_path = Path(args.model)
        if not model_path.exists():
            raise UsageError(f"model file not found: {model_path}")
        try:
            pred = predict_themes(model_path, articles)
        except ModelMismatchError as exc:
            raise UsageError(str(exc)) from None
        pred.to_parquet(store / MODEL_OUTPUT, index=False)
        counts = Counter(pred["primary_theme"].astype(str))
        print(f"scored {len(pred)} articles with model {model_path.name} -> {store / MODEL_OUTPUT}")
    else:
        # deferred on purpose: the score cache pulls numba (the compiled theme kernels)
        from analysis.themes.cache import load_scores

        if args.lexicons and not Path(args.lexicons).exists():
            raise UsageError(f"lexicon folder not found: {args.lexicons}")
        try:
            out = load_scores(store, lexicons=args.lexicons, articles=articles, workers=args.workers)
        except LexiconError as exc:
            raise UsageError(str(exc)) from None
        at = out["article_themes"]
        counts = Counter(at["primary_theme"].astype(str))
        state = "recomputed" if out["recomputed"] else "up to date"
        print(f"scored {len(at)} articles ({state}): {len(out['hits'])} hits, "
              f"{int(out['scores']['present'].sum())} article-theme pairs present -> {store}")
    for theme, n in counts.most_common():
        print(f"  {theme:20s} {n:7d}")
    return 0
