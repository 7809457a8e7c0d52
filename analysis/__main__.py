"""Command line: ``python -m analysis COMMAND ...`` (thin: argument parsing only).

Each command lives in ``analysis/commands/<name>.py`` and provides
``add_arguments(parser)`` and ``run(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from analysis.errors import LexiconError, ModelMismatchError, StoreError, UsageError

# command -> one-line help; the module analysis.commands.<command> implements it
COMMANDS: dict[str, str] = {
    "ingest": "load article files (txt, html, jsonl, csv, parquet) into the Parquet store",
    "delete": "remove articles from the store by id, origin or source (--dry-run lists them)",
    "summary": "print a summary of the article store",
    "score": "code articles for policy themes (dictionary or --model)",
    "themes": "list the themes with their term counts and descriptions",
    "templates": "list the site templates (recurring menu/footer lines) learned at ingest",
    "evaluate": "score labelled articles and report precision/recall/F1 against human labels",
    "train": "fit the supervised theme model on labelled articles",
    "report": "run the parameterized notebooks and render self-contained HTML reports",
    "query": "ask a boolean query: share of coverage over time/by outlet and the top matches in context",
}


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-parser per command."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"analysis.commands.{name}")
        p = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip())
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args._module.run(args) or 0)
    except (UsageError, LexiconError, ModelMismatchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
