"""List the policy themes with their term counts, CAP codes and descriptions."""
from __future__ import annotations

import argparse
import textwrap

from analysis.errors import LexiconError, UsageError
from analysis.themes.lexicon import load_lexicons


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("--lexicons", help="folder of theme lexicon YAML files (default: shipped)")
    parser.add_argument("--terms", action="store_true", help="also print every term")


def run(args: argparse.Namespace) -> int:
    """Print one block per theme."""
    try:
        lex = load_lexicons(args.lexicons)
    except LexiconError as exc:
        raise UsageError(str(exc)) from None
    print(f"{'theme':20s} {'terms':>5s} {'excl':>4s}  {'CAP':8s} label")
    for tid, lx in lex.items():
        caps = ",".join(str(c) for c in lx.cap_major)
        print(f"{tid:20s} {len(lx.terms):5d} {len(lx.exclusions):4d}  {caps:8s} {lx.label}")
        print(textwrap.indent(textwrap.fill(lx.description, 92), " " * 4))
        if lx.subthemes:
            subs = ", ".join(f"{k} ({sum(t.subtheme == k for t in lx.terms)})" for k in lx.subthemes)
            print(textwrap.indent(textwrap.fill("sub-themes: " + subs, 92), " " * 4))
        if args.terms:
            print(textwrap.indent(textwrap.fill(", ".join(t.text for t in lx.terms), 92), " " * 4))
    return 0
