"""Score labelled articles and report precision/recall/F1 against the human labels.

Prints per-theme precision, recall, F1 and support, macro-F1 over the 8 core themes and
accuracy over all themes (with bootstrap 95 % intervals), then the multi-label checks of the
*carries the theme* flag (recall of the labelled theme, themes per article, flagged vs labelled
per core theme), for dated items the yearly attention against the human-coded share, and with
--gold the presence precision/recall per theme against a hand-annotated multi-label set. With
--out DIR also writes metrics.json, per_theme.csv, presence.csv, confusion.csv, confusion.png,
misclassified.csv (with the matched terms) and, for dated items, attention_yearly.csv and the
chart attention_vs_human.png/.svg/.csv (one panel per core theme).
"""
from __future__ import annotations

import argparse
from typing import Any

from analysis import schema
from analysis.errors import LexiconError, ModelMismatchError, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("labelled", help="labelled JSONL file")
    parser.add_argument("--label-field", required=True, help="field with the human label (e.g. topic, cap_major)")
    parser.add_argument("--label-map", required=True, help="JSON map from labels to themes (theme_map.json)")
    parser.add_argument("--text-fields", default="title,text", help="headline field, then body fields (default title,text)")
    parser.add_argument("--out", help="folder for metrics.json, confusion matrix and misclassified examples")
    parser.add_argument("--lexicons", help="folder of theme lexicon YAML files (default: shipped)")
    parser.add_argument("--model", help="evaluate this trained model file instead of the lexicons")
    parser.add_argument("--split", default="all", choices=["all", "tune", "holdout"],
                        help="all items, the tuning 70%% or the fixed held-aside 30%% (hash of id)")
    parser.add_argument("--sample-frac", type=float, help="deterministic fraction of the items (by hash of id)")
    parser.add_argument("--gold", help="hand-annotated multi-label gold JSONL (article_id, themes, split): "
                                       "presence precision/recall per theme")
    parser.add_argument("--gold-split", default="report", choices=["all", "tune", "report"],
                        help="part of the gold set to score (default report)")


def run(args: argparse.Namespace) -> int:
    """Evaluate and print the metrics table."""
    # deferred on purpose: pulls numba (the compiled theme kernels) and matplotlib into every CLI start-up
    from analysis.model.evaluation import evaluate
    from analysis.notebook.validation import write_attention_chart  # deferred: matplotlib

    fields = tuple(f.strip() for f in args.text_fields.split(",") if f.strip())
    if not fields:
        raise UsageError("--text-fields needs at least one field")
    try:
        m = evaluate(args.labelled, args.label_field, args.label_map, fields, lexicons=args.lexicons,
                     model=args.model, split=args.split, sample_frac=args.sample_frac, out=args.out,
                     gold=args.gold, gold_split=args.gold_split, attention_chart=write_attention_chart)
    except (LexiconError, ModelMismatchError) as exc:
        raise UsageError(str(exc)) from None
    print(f"{'theme':20s} {'prec':>6s} {'recall':>6s} {'f1':>6s} {'support':>7s}")
    for theme, v in m["per_theme"].items():
        print(f"{theme:20s} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['support']:7d}")
    iv = m["intervals"]
    print(f"items {m['n']} ({m['split']}), accuracy {m['accuracy']:.3f} [95% {_span(iv['accuracy'])}], "
          f"macro-F1 core themes {m['macro_f1_core']:.3f} [95% {_span(iv['macro_f1_core'])}], "
          f"macro-F1 all themes {m['macro_f1_all']:.3f}")
    _print_presence(m)
    if "attention" in m:
        _print_attention(m["attention"])
    if "gold_presence" in m:
        _print_gold(m["gold_presence"])
    if args.out:
        print(f"wrote metrics.json, per_theme.csv, presence.csv, confusion.csv/png, misclassified.csv"
              f"{', attention_yearly.csv, attention_vs_human.png' if 'attention' in m else ''} to {args.out}")
    return 0


def _span(pair: list[float]) -> str:
    """Format an interval as ``lo-hi``."""
    return f"{pair[0]:.3f}-{pair[1]:.3f}"


def _print_presence(m: dict[str, Any]) -> None:
    """Print the multi-label checks of the carries-the-theme flag."""
    p = m["presence"]
    rec_iv = m["intervals"].get("label_recall")
    print(f"carries the labelled theme: {p['label_recall']:.3f}" + (f" [95% {_span(rec_iv)}]" if rec_iv else "")
          + f"; themes per article {p['themes_per_article']:.2f}; no theme {p['no_theme_share']:.3f}")
    print(f"{'theme':20s} {'flagged':>7s} {'labelled':>8s} {'ratio':>6s}")
    for theme in schema.CORE_THEMES:
        v = p["per_theme"].get(theme)
        if v and v["labelled"]:
            print(f"{theme:20s} {v['flagged']:7d} {v['labelled']:8d} {v['ratio']:6.2f}")


def _print_attention(a: dict[str, Any]) -> None:
    """Print the yearly attention agreement with the human-coded share."""
    years = a["years"]
    print(f"yearly attention vs human share ({years[0]}-{years[-1]}): MAE pp / correlation")
    print(f"{'theme':20s} {'carries':>15s} {'primary':>15s} {'mentions':>15s}")

    def cell(v: dict[str, Any]) -> str:
        corr = "n/a" if v["corr"] is None else f"{v['corr']:.2f}"
        return f"{v['mae_pp']:6.2f} / {corr:>5s}"

    for theme, v in {**a["per_theme"], "mean": a["mean"]}.items():
        print(f"{theme:20s} {cell(v['present_share']):>15s} {cell(v['primary_share']):>15s} "
              f"{cell(v['mention_share']):>15s}")


def _print_gold(g: dict[str, Any]) -> None:
    """Print presence precision/recall per core theme against the multi-label gold set."""
    print(f"gold set ({g['split']}, {g['n']} articles): themes per article {g['themes_per_article']:.2f} "
          f"(gold {g['gold_themes_per_article']:.2f}), macro presence F1 core {g['macro_f1_core']:.3f}")
    for theme in schema.CORE_THEMES:
        v = g["per_theme"][theme]
        print(f"{theme:20s} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['support']:7d}")
