"""Theme lexicons: YAML files in ``analysis/themes/lexicons/`` (one per theme), loaded safely and validated.

A lexicon file is a mapping with ``id, label, description, cap_major, source, terms`` and optional
``exclusions`` and ``subthemes`` (``{name: {label, terms, exclusions}}``). A term is a string or a
mapping ``{term: ..., case: true, plural: false}``:

- ``tariff``: a word (whole-word match, case-insensitive); its plural (``tariffs``) is added
  automatically (``policy`` -> ``policies``, ``tax`` -> ``taxes``) unless ``plural: false``;
- ``free trade pact``: a phrase (the plural of the last word is added too);
- ``deport*``: a prefix glob (any word starting with ``deport``; stem of 3+ characters);
- ``{term: ICE, case: true}``: matched only with exactly this capitalization (no plural added);
- ``{term: China, weight: 0.5}``: a hit still counts as one hit, but adds only 0.5 to the
  theme's ``score`` (used to pick the primary theme); a file-level ``weight`` multiplies the
  weights of all its terms (broad, cross-cutting themes such as government use < 1), and a
  sub-theme ``weight`` those of the sub-theme's terms;
- hyphens, spaces and punctuation inside a term are equivalent (``cross-border`` also matches
  ``cross border``; a term written with a hyphen also matches the closed form ``crossborder``);
- ``exclusions`` use the same syntax; a theme's hit that overlaps one of the theme's exclusions
  (``trade secret``, ``war of words``, ``{term: Warren, case: true}``) does not count.

Files are read with ``yaml.safe_load`` (a lexicon can never run code); any problem raises
:class:`analysis.errors.LexiconError` naming the file and the entry.

    >>> lex = load_lexicons()
    >>> sorted(lex)[:3]
    ['agriculture', 'civil_rights', 'economy']
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from analysis import config, schema
from analysis.errors import LexiconError

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED = ("id", "label", "description", "cap_major", "source", "terms")
_OPTIONAL = ("exclusions", "subthemes", "notes", "weight")
_TERM_KEYS = {"term", "case", "plural", "weight"}
# lower-case Latin-1 letters and digits are word characters; everything else is a separator
_WORD_BYTES = bytes(c for c in range(256) if chr(c).isalnum() and chr(c) == chr(c).lower())
NORM_TABLE: bytes = bytes(c if c in _WORD_BYTES else 32 for c in range(256))
CASE_TABLE: bytes = bytes(c if chr(c).isalnum() else 32 for c in range(256))


@dataclass(frozen=True)
class Term:
    """One lexicon entry as written, with its matching options."""

    text: str
    theme: str
    subtheme: str = ""
    case: bool = False
    plural: bool = True
    exclusion: bool = False
    weight: float = 1.0

    @property
    def glob(self) -> bool:
        """True for a prefix glob such as ``tariff*``."""
        return self.text.endswith("*")


@dataclass(frozen=True)
class Lexicon:
    """A theme: metadata, terms (including sub-theme terms) and exclusions."""

    id: str
    label: str
    description: str
    cap_major: tuple[int, ...]
    source: str
    terms: tuple[Term, ...]
    exclusions: tuple[Term, ...] = ()
    subthemes: dict[str, str] = field(default_factory=dict)  # name -> label
    path: str = ""
    weight: float = 1.0


NO_THEME_LABEL = "No policy theme"  # the label of ``schema.NO_THEME`` (an article that carries no theme)


def default_label(name: object) -> str:
    """The label of a theme or sub-theme whose lexicon gives none: its id with underscores as spaces.

    >>> default_label("border_security")
    'border security'
    """
    return str(name).replace("_", " ").strip()


def theme_labels(lexicons: dict[str, Lexicon] | None = None) -> dict[str, str]:
    """The reader labels of a lexicon set (default: the shipped one) as its files write them.

    Theme id and sub-theme name -> ``label``, and ``other`` (no theme) -> "No policy theme". A
    sub-theme name is left out (read as :func:`default_label`) when it is also a theme id or ``other``,
    or when two themes label it differently: a reader never sees another theme's name for it.

    >>> labels = theme_labels()
    >>> labels["security_crime"], labels["tariffs"], labels["other"]
    ('Security and crime', 'Tariffs and duties', 'No policy theme')
    """
    lexicons = load_lexicons() if lexicons is None else lexicons
    seen: dict[str, set[str]] = {}
    for lex in lexicons.values():
        for name, text in lex.subthemes.items():
            seen.setdefault(name, set()).add(text)
    reserved = set(lexicons) | {schema.NO_THEME}
    out = {name: texts.pop() for name, texts in seen.items() if len(texts) == 1 and name not in reserved}
    out.update({tid: lex.label for tid, lex in lexicons.items()})
    out[schema.NO_THEME] = NO_THEME_LABEL
    return out


def normalize(text: str) -> str:
    """Return the matching form of ``text``: lower case, separators as spaces, same length.

    Characters outside Latin-1 (curly quotes, dashes) become spaces, so offsets map back 1:1.

    >>> normalize("Mexico’s cross-border U.S. trade")
    'mexico s cross border u s  trade'
    """
    low = text.lower()
    if len(low) != len(text):  # rare characters whose lower case is longer (e.g. 'İ')
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.encode("latin-1", "replace").translate(NORM_TABLE).decode("latin-1")


def normalize_case(text: str) -> str:
    """Return ``text`` with separators as spaces but capitalization kept (for case-sensitive terms).

    >>> normalize_case("ICE’s")
    'ICE s'
    """
    return text.encode("latin-1", "replace").translate(CASE_TABLE).decode("latin-1")


def plural(word: str) -> str:
    """Return the regular English plural of ``word``.

    >>> [plural(w) for w in ("tariff", "policy", "tax", "day")]
    ['tariffs', 'policies', 'taxes', 'days']
    """
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def variants(term: Term) -> list[str]:
    """Return the normalized surface forms a term matches (globs: the stem).

    >>> variants(Term("cross-border", "migration"))
    ['cross border', 'crossborder', 'cross borders', 'crossborders']
    """
    body = term.text[:-1] if term.glob else term.text
    base = normalize(body).strip() if not term.case else _case_key(body).lower()
    forms = [base]
    if "-" in body and not term.glob:
        joined = normalize(body.replace("-", "")).strip()
        if joined and joined not in forms:
            forms.append(joined)
    if term.plural and not term.glob and not term.case:
        for f in list(forms):
            head, _, last = f.rpartition(" ")
            if last and not last.isdigit():
                p = (head + " " if head else "") + plural(last)
                if p not in forms:
                    forms.append(p)
    return forms


def _case_key(text: str) -> str:
    """Return the case-preserving normalized form of a case-sensitive term."""
    return normalize_case(text).strip()


def case_form(term: Term) -> str:
    """Return the exact capitalization a case-sensitive term requires (normalized separators)."""
    return _case_key(term.text[:-1] if term.glob else term.text)


def _fail(path: Path, where: str, msg: str) -> LexiconError:
    """Build a LexiconError naming the file and the entry."""
    return LexiconError(f"{path}: {where}: {msg}")


def _parse_term(raw: object, path: Path, where: str, theme: str, sub: str, excl: bool) -> Term:
    """Validate one term entry and return it as a :class:`Term`."""
    case, plural_, weight = False, True, 1.0
    if isinstance(raw, dict):
        unknown = set(raw) - _TERM_KEYS
        if unknown or "term" not in raw:
            raise _fail(path, where, f"a term mapping needs 'term' and only {sorted(_TERM_KEYS)}; got {sorted(raw)}")
        case, plural_, weight = raw.get("case", False), raw.get("plural", True), raw.get("weight", 1.0)
        if not isinstance(case, bool) or not isinstance(plural_, bool):
            raise _fail(path, where, "'case' and 'plural' must be true or false")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
            raise _fail(path, where, f"'weight' must be a number in (0, 10], got {weight!r}")
        raw = raw["term"]
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(path, where, f"a term must be a non-empty string, got {raw!r}")
    text = raw.strip()
    if "*" in text[:-1]:
        raise _fail(path, where, f"{text!r}: '*' is only allowed at the end (prefix glob)")
    stem = text[:-1] if text.endswith("*") else text
    if not normalize(stem).strip():
        raise _fail(path, where, f"{text!r} has no letters or digits")
    if text.endswith("*") and (len(normalize(stem).strip()) < 3 or stem != stem.rstrip()):
        raise _fail(path, where, f"{text!r}: a prefix glob needs a stem of 3+ characters")
    return Term(text, theme, sub, case, plural_, excl, float(weight))


def _parse_terms(raw: object, path: Path, where: str, theme: str, sub: str, excl: bool) -> list[Term]:
    """Validate a list of term entries."""
    if raw is None and excl:
        return []
    if not isinstance(raw, list) or (not raw and not excl):
        raise _fail(path, where, "must be a non-empty list of terms")
    return [_parse_term(t, path, f"{where}[{i}]", theme, sub, excl) for i, t in enumerate(raw)]


def parse_lexicon(data: object, path: Path) -> Lexicon:
    """Validate the parsed YAML of one lexicon file and return a :class:`Lexicon`."""
    if not isinstance(data, dict):
        raise _fail(path, "top level", "a lexicon file must be a mapping")
    for key in _REQUIRED:
        if key not in data:
            raise _fail(path, key, "missing required key")
    unknown = set(data) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise _fail(path, str(sorted(unknown)[0]), f"unknown key (allowed: {list(_REQUIRED + _OPTIONAL)})")
    tid = data["id"]
    if not isinstance(tid, str) or not _ID.match(tid):
        raise _fail(path, "id", f"must be a lower-case identifier, got {tid!r}")
    for key in ("label", "description", "source"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise _fail(path, key, "must be a non-empty string")
    caps = data["cap_major"]
    if not isinstance(caps, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in caps):
        raise _fail(path, "cap_major", f"must be a list of integer CAP major-topic codes, got {caps!r}")
    terms = _parse_terms(data["terms"], path, "terms", tid, "", False)
    excl = _parse_terms(data.get("exclusions"), path, "exclusions", tid, "", True)
    subs: dict[str, str] = {}
    raw_subs = data.get("subthemes") or {}
    if not isinstance(raw_subs, dict):
        raise _fail(path, "subthemes", "must be a mapping {name: {label, terms}}")
    for name, sub in raw_subs.items():
        where = f"subthemes.{name}"
        if not isinstance(name, str) or not _ID.match(name):
            raise _fail(path, where, "sub-theme names must be lower-case identifiers")
        if not isinstance(sub, dict) or "terms" not in sub or set(sub) - {"label", "terms", "exclusions", "weight"}:
            raise _fail(path, where, "must be a mapping with 'terms' (and optional 'label', 'exclusions', 'weight')")
        subs[name] = str(sub.get("label") or "").strip() or default_label(name)
        sw = sub.get("weight", 1.0)
        if isinstance(sw, bool) or not isinstance(sw, (int, float)) or not 0 < sw <= 10:
            raise _fail(path, f"{where}.weight", f"must be a number in (0, 10], got {sw!r}")
        terms += [replace(t, weight=t.weight * sw) for t in
                  _parse_terms(sub["terms"], path, f"{where}.terms", tid, name, False)]
        excl += _parse_terms(sub.get("exclusions"), path, f"{where}.exclusions", tid, name, True)
    weight = data.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
        raise _fail(path, "weight", f"must be a number in (0, 10], got {weight!r}")
    return Lexicon(tid, data["label"].strip(), " ".join(data["description"].split()), tuple(caps),
                   " ".join(data["source"].split()), tuple(terms), tuple(excl), subs, str(path), float(weight))


def load_lexicon_file(path: str | Path) -> Lexicon:
    """Load and validate one lexicon YAML file (safe loader only)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path, "YAML", str(exc).replace("\n", " ")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, "file", str(exc)) from None
    return parse_lexicon(data, path)


def load_lexicons(path: str | Path | None = None) -> dict[str, Lexicon]:
    """Load every ``*.yml``/``*.yaml`` lexicon in a folder (default: the shipped lexicons).

    >>> "trade" in load_lexicons()
    True
    """
    folder = Path(path) if path is not None else config.LEXICON_DIR
    if folder.is_file():
        files = [folder]
    elif folder.is_dir():
        files = sorted(list(folder.glob("*.yml")) + list(folder.glob("*.yaml")))
    else:
        raise LexiconError(f"{folder}: lexicon folder not found")
    if not files:
        raise LexiconError(f"{folder}: no *.yml lexicon files")
    out: dict[str, Lexicon] = {}
    for f in files:
        lex = load_lexicon_file(f)
        if lex.id in out:
            raise _fail(f, "id", f"theme {lex.id!r} is already defined in {out[lex.id].path}")
        out[lex.id] = lex
    return out


def with_user_lexicons(folder: str | Path | None) -> dict[str, Lexicon]:
    """The shipped lexicons plus a user folder's: a user theme is added, or replaces the shipped one of the same id.

    ``folder`` None or "" gives the shipped lexicons. The folder (or one YAML file) is read like
    :func:`load_lexicons`, so a broken file is a :class:`~analysis.errors.LexiconError` naming it.

    >>> sorted(with_user_lexicons(None)) == sorted(load_lexicons())
    True
    """
    shipped = load_lexicons()
    if folder in (None, ""):
        return shipped
    return {**shipped, **load_lexicons(folder)}


def lexicon_fingerprint(lexicons: dict[str, Lexicon] | str | os.PathLike[str] | None = None) -> str:
    """Return a short hash of the lexicons' matching content (theme ids, weights, terms, options, exclusions).

    ``lexicons`` is what the scoring functions take: loaded lexicons, a folder (or one file) of
    YAML lexicons, or None for the shipped ones. The one fingerprint of the lexicons behind the
    score cache, the compiled matchers, a trained model's lexicon features and a report run's
    cache key. Labels, descriptions and comments are not part of it: they change no score.

    >>> len(lexicon_fingerprint()), lexicon_fingerprint() == lexicon_fingerprint(load_lexicons())
    (16, True)
    """
    if not isinstance(lexicons, dict):
        lexicons = load_lexicons(lexicons)
    h = hashlib.sha256()
    for tid in sorted(lexicons):
        lex = lexicons[tid]
        h.update(repr((tid, lex.weight, lex.terms, lex.exclusions)).encode())
    return h.hexdigest()[:16]
