"""Exceptions shared across the package."""
from __future__ import annotations


class UsageError(Exception):
    """A user mistake (bad path, unknown column, bad parameter): shown without traceback, exit 2."""


class LexiconError(ValueError):
    """A malformed lexicon file; the message names the file and the entry."""


class ModelMismatchError(ValueError):
    """A saved model that does not match the installed version or the requested label set."""


class StoreError(RuntimeError):
    """The article store cannot be used as it is (locked, damaged): one-line message, exit 1."""
