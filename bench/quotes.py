"""Benchmark: quotations and speakers against the hand-annotated gold set (tests/data/quotes_gold/).

Not a test. Run::

    .venv/bin/python bench/quotes.py                 # dev and test splits, today's sieve
    .venv/bin/python bench/quotes.py --split dev -v  # one split, list every miss
    .venv/bin/python bench/quotes.py --baseline      # the extractors as committed at git HEAD

For each article of ``articles.jsonl`` (texts read from ``../shared``: the AllSides dev JSONL),
``analysis.evidence.quotes.quotes`` runs on the article's document; offsets are mapped back to the
raw ``text`` field the gold set uses. Scores, per split (tune on ``dev`` only):

- **recall**: gold quotations overlapped by a returned quotation of the same article (lenient: any
  overlap; strict: overlap / union >= 0.5, marks excluded);
- **precision**: returned quotations that overlap a gold span / all returned quotations;
- **speaker accuracy** on found gold quotations and on all gold quotations (a quotation not found
  counts as wrong): names compared case-insensitively without titles, a person right when equal or
  one is the other's surname (first or last word of a two-word name: "Wang" / "Wang Dong"),
  names with different initials never equal, organisations right when
  one's words contain the other's; a gold null is right only when no speaker is returned;
- speaker accuracy per gold rule, and the share of returned quotations per rule of the sieve.

Also scores the amounts sample (``amounts.jsonl``): found (overlap), value right, object right
(token overlap with the gold object, both empty counting as right). Results:
``bench/results/quotes.json``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.evidence.actors import lexicon
from analysis.evidence.amounts import amounts
from analysis.evidence.quotes import quotes

GOLD = config.ROOT / "tests" / "data" / "quotes_gold"
NO_HITS = pd.DataFrame({"article_id": pd.Series([], dtype="string"), "theme": pd.Series([], dtype="string"),
                        "sentence_id": pd.Series([], dtype="int64")})
_WORD = re.compile(r"[\w’'.\-]+")
_INITIAL = re.compile(r"^(?:[a-z]\.)+$")
_STOP = frozenset("the a an of for and in on to at by with from its their".split())


def read_jsonl(path: Path) -> list[dict]:
    """Read one JSON object per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_articles(ids: set[str]) -> pd.DataFrame:
    """The AllSides records with these ids as an article table (raw title and text kept)."""
    rows = []
    with config.ALLSIDES_JSONL.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["id"] in ids:
                rows.append({"article_id": r["id"], "title": r["title"], "text": r["text"]})
    return pd.DataFrame(rows)


def text_offset(title: str, text: str) -> int:
    """Offset of the raw ``text`` field's first character in the analysed document (may be negative)."""
    t = title.strip() if isinstance(title, str) else ""
    lead = len(text) - len(text.lstrip())
    return (len(t) + 2 if t and text.strip() else 0) - lead


def _norm_tokens(name: str) -> list[str]:
    """Lower-cased name tokens without titles, leading "the" and possessives."""
    lex = lexicon()
    toks = [t for t in name.replace("\xa0", " ").split() if t]
    while toks and (toks[0] in ("the", "The") or any(tuple(toks[:n]) in lex.titles for n in (1, 2, 3))):
        n = next((n for n in (3, 2, 1) if tuple(toks[:n]) in lex.titles), 1)
        toks = toks[n:]
    return [re.sub(r"[’']s$", "", t).lower() for t in toks]


def same_speaker(gold: str | None, got: str | None) -> bool:
    """True when a returned speaker matches the gold one (see the module docstring)."""
    if gold is None or got is None:
        return gold is None and got is None
    g, p = _norm_tokens(gold), _norm_tokens(got)
    if not g or not p:
        return False
    if g == p:
        return True
    gi = [t for t in g if _INITIAL.match(t)]
    pi = [t for t in p if _INITIAL.match(t)]
    if gi and pi and gi != pi:
        return False
    gn = [t for t in g if not _INITIAL.match(t)]
    pn = [t for t in p if not _INITIAL.match(t)]
    if gn == pn:
        return True
    short, long_ = (gn, pn) if len(gn) <= len(pn) else (pn, gn)
    if long_[-len(short):] == short:
        return True  # "Obama" / "Barack Obama"
    if len(short) == 1 and len(long_) == 2 and long_[0] == short[0] and not gi and not pi:
        return True  # "Wang" / "Wang Dong": a surname written first
    sg, sp = set(gn) - _STOP, set(pn) - _STOP
    return bool(sg) and bool(sp) and (sg <= sp or sp <= sg) and len(sg & sp) >= 1 and (
        len(short) > 1 or short[0] not in {n for n in long_[:-1]})


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters shared by two spans."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


EXTRACT = {"quotes": quotes, "amounts": amounts}


def use_baseline() -> None:
    """Score the extractors as committed at git ``HEAD`` instead (today's behaviour, for comparison)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _text_extractors import load_baseline  # type: ignore[import-not-found]

    mods = load_baseline()
    if mods is None:
        raise SystemExit("error: the committed extractors could not be read with git")
    EXTRACT.update(quotes=mods["quotes"].quotes, amounts=mods["amounts"].amounts)


def evaluate(split: str, verbose: bool = False) -> dict:
    """Score quotations, speakers and amounts on one split of the gold set."""
    arts_meta = [a for a in read_jsonl(GOLD / "articles.jsonl") if a["split"] == split]
    ids = {a["article_id"] for a in arts_meta}
    gold = [g for g in read_jsonl(GOLD / "quotes.jsonl") if g["article_id"] in ids]
    arts = load_articles(ids)
    got = EXTRACT["quotes"](arts, hits=NO_HITS)
    shift = {r.article_id: text_offset(r.title, r.text) for r in arts.itertuples()}
    pred: dict[str, list[dict]] = defaultdict(list)
    for r in got.itertuples():
        off = shift[r.article_id]
        pred[r.article_id].append({"span": (r.start + 1 - off, r.end - 1 - off), "speaker": None if pd.isna(r.speaker)
                                   else r.speaker, "rule": getattr(r, "rule", None),
                                   "mention": getattr(r, "speaker_mention", None), "used": False})
    gold_by: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        gold_by[g["article_id"]].append(g)
    found_lenient = found_strict = right_found = right_all = 0
    per_rule: dict[str, Counter] = defaultdict(Counter)
    misses: list[str] = []
    texts = dict(zip(arts["article_id"], arts["text"]))
    for aid, gs in gold_by.items():
        for g in gs:
            span = (g["start"], g["end"])
            best, best_ov = None, 0
            for p in pred.get(aid, []):
                ov = _overlap(span, p["span"])
                if ov > best_ov:
                    best, best_ov = p, ov
            per_rule[g["rule"]]["gold"] += 1
            if best is None:
                misses.append(f"MISSED  {aid} [{g['rule']}] {g['speaker']!r}: {texts[aid][span[0]:span[1]][:90]!r}")
                continue
            best["used"] = True
            found_lenient += 1
            union = max(span[1], best["span"][1]) - min(span[0], best["span"][0])
            found_strict += best_ov / union >= 0.5
            ok = same_speaker(g["speaker"], best["speaker"])
            right_found += ok
            right_all += ok
            per_rule[g["rule"]]["found"] += 1
            per_rule[g["rule"]]["right"] += ok
            if not ok:
                misses.append(f"SPEAKER {aid} gold [{g['rule']}] {g['speaker']!r} ({g['speaker_mention']!r}) got "
                              f"[{best['rule']}] {best['speaker']!r} ({best['mention']!r}): "
                              f"{texts[aid][span[0]:span[1]][:70]!r}")
    n_pred = sum(len(v) for v in pred.values())
    hits = 0
    for aid, ps in pred.items():
        for p in ps:
            hit = any(_overlap(p["span"], (g["start"], g["end"])) for g in gold_by.get(aid, []))
            hits += hit
            if not hit:
                s, e = p["span"]
                misses.append(f"EXTRA   {aid} [{p['rule']}] {p['speaker']!r}: {texts[aid][max(0, s):e][:90]!r}")
    rule_share = Counter(str(r) for ps in pred.values() for r in (p["rule"] for p in ps))
    n_gold = len(gold)
    out = {"articles": len(ids), "gold_quotes": n_gold, "returned_quotes": n_pred,
           "recall_lenient": round(found_lenient / n_gold, 3) if n_gold else None,
           "recall_strict": round(found_strict / n_gold, 3) if n_gold else None,
           "precision": round(hits / n_pred, 3) if n_pred else None,
           "speaker_accuracy_found": round(right_found / found_lenient, 3) if found_lenient else None,
           "speaker_accuracy_all": round(right_all / n_gold, 3) if n_gold else None,
           "per_gold_rule": {r: {"gold": c["gold"], "found": c["found"], "speaker_right": c["right"]}
                             for r, c in sorted(per_rule.items())},
           "returned_share_per_rule": {r: round(n / n_pred, 3) for r, n in sorted(rule_share.items())},
           "amounts": evaluate_amounts(split, arts, shift, verbose)}
    if verbose:
        for m in sorted(misses):
            print(m)
    return out


def _tokens(text: str | None) -> set[str]:
    """Lower-case content words of an object phrase."""
    return {w.lower() for w in _WORD.findall(text or "")} - _STOP


def evaluate_amounts(split: str, arts: pd.DataFrame, shift: dict[str, int], verbose: bool = False) -> dict:
    """Found / value right / object right on the amounts sample of one split."""
    gold = [g for g in read_jsonl(GOLD / "amounts.jsonl") if g["split"] == split]
    got = EXTRACT["amounts"](arts, hits=NO_HITS)
    by: dict[str, list[tuple[tuple[int, int], float, str]]] = defaultdict(list)
    for r in got.itertuples():
        off = shift[r.article_id]
        by[r.article_id].append(((r.start - off, r.end - off), r.value, r.object))
    found = value_ok = object_ok = 0
    for g in gold:
        span = (g["start"], g["end"])
        cands = [c for c in by.get(g["article_id"], []) if _overlap(span, c[0])]
        if not cands:
            continue
        found += 1
        span_, value, obj = max(cands, key=lambda c: _overlap(span, c[0]))
        value_ok += abs(value - float(g["value"])) <= 1e-6 * max(1.0, abs(float(g["value"])))
        gt, pt = _tokens(g["object"]), _tokens(obj)
        ok = (not gt and not pt) or bool(gt & pt)
        object_ok += ok
        if not ok and verbose:
            text = arts.set_index("article_id").at[g["article_id"], "text"]
            print(f"OBJECT  {g['article_id']} gold {g['object']!r} got {obj!r}: "
                  f"{text[max(0, g['start'] - 60):g['end'] + 60]!r}")
    n = len(gold)
    return {"gold": n, "found": found, "value_right": value_ok, "object_right": object_ok,
            "object_right_share_of_found": round(object_ok / found, 3) if found else None}


def main(argv: list[str] | None = None) -> int:
    """Score each split, print a summary, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "test", "both"], default="both")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss, extra and wrong speaker")
    ap.add_argument("--baseline", action="store_true",
                    help="score the extractors as committed at git HEAD (writes quotes_baseline.json)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.baseline:
        use_baseline()
    if args.out is None:
        args.out = config.BENCH_RESULTS_DIR / ("quotes_baseline.json" if args.baseline else "quotes.json")
    if not (GOLD / "quotes.jsonl").exists() or not config.ALLSIDES_JSONL.exists():
        print("error: the gold set or ../shared AllSides data is missing", file=sys.stderr)
        return 1
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    report = {s: evaluate(s, args.verbose) for s in splits}
    for s, r in report.items():
        a = r["amounts"]
        print(f"{s:>4}: {r['gold_quotes']} gold, {r['returned_quotes']} returned in {r['articles']} articles; "
              f"recall {r['recall_lenient']} (strict {r['recall_strict']}), precision {r['precision']}, "
              f"speaker accuracy {r['speaker_accuracy_found']} on found, {r['speaker_accuracy_all']} on all; "
              f"amounts found {a['found']}/{a['gold']}, value right {a['value_right']}, object right "
              f"{a['object_right']} ({a['object_right_share_of_found']} of found)")
        print("      per gold rule (gold/found/speaker right): "
              + ", ".join(f"{k} {v['gold']}/{v['found']}/{v['speaker_right']}" for k, v in r["per_gold_rule"].items()))
        print("      returned share per rule: " + ", ".join(f"{k} {v}" for k, v in r["returned_share_per_rule"].items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
