"""Ingest: read article files, flag duplicates against the store, append new articles, update changed ones.

    >>> report = ingest(["data/sample"], store="/tmp/example-store")   # doctest: +SKIP
    >>> report["articles_new"], report["duplicates"]                    # doctest: +SKIP
    (48, {'exact': 0, 'near': 2})

Re-running on the same inputs changes nothing. An article is known by where it came from (its
``origin_key``: the file's absolute path, plus the record id or line inside a table): re-reading
the same origin with new metadata or corrected text replaces the stored row in place (same
``article_id`` when the text is the same) and lists the change under ``updated`` in the report.
``replace=True`` makes the store mirror the inputs (stored articles from under the given paths
that are no longer there are removed); :func:`delete_articles` removes articles by id, origin or
source. Inputs are read and written in bounded batches inside one transaction, and the report is
written by the store under its lock (``STORE/ingest_reports/`` and ``STORE/ingest_report.json``);
it lists every skipped item with origin and reason.

Plain-text pages are cleaned with their site's template (:mod:`analysis.corpus.templates`):
before reading, the text files of the run are scanned once and the template lines of each site
are learned, merged with those kept in the store (``_templates.json`` of the store version,
written in the same commit) and listed per site in the report (``templates``). ``clean_lines``
also runs the line cleaner over tabular/HTML texts (``lines_removed`` counts every removal).
"""
from __future__ import annotations

import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis import config
from analysis.corpus import templates as site_templates
from analysis.corpus.dedupe import DedupeIndex, flag_duplicates
from analysis.corpus.lines import clean_frame
from analysis.corpus.loaders.articles import ORIGIN_KEY, Seen, iter_batches, printable
from analysis.corpus.loaders.metadata import MetadataIndex
from analysis.corpus.store import LOCK_TIMEOUT_S, Transaction, current_version, transaction
from analysis.errors import UsageError

log = logging.getLogger(__name__)

NOT_COMPARED: frozenset[str] = frozenset({"article_id", "dup_of", "origin", ORIGIN_KEY, "n_words"})
_LEGACY_ORIGIN = re.compile(r"^(.*?)((?:[:#])\d+)?$", re.DOTALL)


def reason_category(reason: str) -> str:
    """Short category of a skip reason, for counting.

    >>> reason_category("duplicate id 'a1' in input (first at x.jsonl:1); later copy skipped")
    'duplicate id in input'
    """
    head = reason.split(":")[0].split(" (")[0].split(";")[0]
    return re.sub(r"\s*'[^']*'", "", head).strip()


def under(key: str, prefix: str) -> bool:
    """True when origin key ``key`` is the file or folder ``prefix`` or lies inside it.

    >>> under("/d/a.jsonl#id=7", "/d/a.jsonl"), under("/d/sub/b.txt", "/d"), under("/dx/b.txt", "/d")
    (True, True, False)
    """
    return key == prefix or (key.startswith(prefix) and key[len(prefix)] in "/:#")


def legacy_key(origin: str) -> str:
    """An origin key for rows stored before keys existed: the absolute path plus ``:N``/``#N``."""
    m = _LEGACY_ORIGIN.match(origin)
    assert m is not None
    return os.path.abspath(m[1]) + (m[2] or "")


@dataclass
class Run:
    """What one ingest transaction tracks between batches."""

    tx: Transaction
    replace: bool
    prefixes: list[str]
    at_risk: dict[str, str] = field(default_factory=dict)       # origin key -> stored id (may change in this run)
    at_risk_ids: set[str] = field(default_factory=set)
    stored_ids: set[str] = field(default_factory=set)           # ids in the version being built
    seen_keys: set[str] = field(default_factory=set)            # at-risk keys met in the input
    held: list[pd.DataFrame] = field(default_factory=list)      # rows whose first copy may still change
    updated: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    timings: Counter[str] = field(default_factory=Counter)
    cpu: Counter[str] = field(default_factory=Counter)
    new: int = 0
    already: int = 0
    new_without_date: int = 0
    repointed: int = 0


def _open_run(tx: Transaction, paths: Sequence[str], replace: bool) -> Run:
    """Start a run: the stored articles whose origin lies under the inputs may be updated or removed."""
    run = Run(tx, replace, sorted({os.path.abspath(p) for p in paths}))
    run.stored_ids = set(tx.index.ids.tolist())
    if not run.stored_ids:
        return run
    try:
        stored = tx.read(columns=["article_id", ORIGIN_KEY])
        keys = stored[ORIGIN_KEY].fillna("").tolist()
    except KeyError:                          # a store written before origin keys existed
        stored = tx.read(columns=["article_id", "origin"])
        keys = [legacy_key(o) for o in stored["origin"].fillna("").tolist()]
    for aid, key in zip(stored["article_id"].tolist(), keys):
        if key and any(under(key, p) for p in run.prefixes):
            run.at_risk[key] = aid
    run.at_risk_ids = set(run.at_risk.values())
    return run


def _is_na(v: Any) -> bool:
    """True for None, NA and NaN/NaT scalars."""
    return v is None or (np.ndim(v) == 0 and bool(pd.isna(v)))


def _same(a: Any, b: Any) -> bool:
    """Equal values, NA equal to NA (and to a missing column); numbers compared as numbers."""
    if _is_na(a) or _is_na(b):
        return _is_na(a) and _is_na(b)
    try:
        if bool(a == b):
            return True
    except (TypeError, ValueError):
        pass
    return str(a) == str(b)


def changed_columns(old: pd.Series, new: pd.Series) -> list[str]:
    """Article columns whose values differ between a stored row and its re-read copy.

    >>> changed_columns(pd.Series({"title": "T", "source": None, "n_words": 3}), pd.Series({"title": "T", "source": "S"}))
    ['source']
    """
    cols = [c for c in dict.fromkeys([*new.index, *old.index]) if c not in NOT_COMPARED]
    return [c for c in cols if not _same(old.get(c), new.get(c))]


def _match_stored(run: Run, df: pd.DataFrame) -> tuple[pd.DataFrame, list[str], set[str]]:
    """Compare rows from at-risk origins with their stored copies.

    Returns (rows to write, stored ids to remove, ids whose dedupe entry stays valid). Unchanged
    rows are dropped (unless replacing); an updated row keeps its stored id when its text is the same.
    """
    keys = df[ORIGIN_KEY].astype(object).to_numpy()
    old_ids = np.array([run.at_risk.get(k) for k in keys], dtype=object)
    hit = np.flatnonzero(old_ids != None)  # noqa: E711 - elementwise
    run.seen_keys.update(keys[hit].tolist())
    if not len(hit):
        return df, [], set()
    old = run.tx.read(article_ids=set(old_ids[hit].tolist())).set_index("article_id", drop=False)
    keep = np.ones(len(df), bool)
    ids = df["article_id"].astype(object).to_numpy().copy()
    remove: list[str] = []
    same_fp: set[str] = set()
    for i in hit:
        oid = old_ids[i]
        if oid not in old.index:
            continue
        o, n = old.loc[oid], df.iloc[i]
        if _same(o["text"], n["text"]):
            ids[i] = oid
        changed = changed_columns(o, n)
        if not changed and not run.replace:
            keep[i] = False
            run.already += 1
            continue
        remove.append(oid)
        if _same(o["text"], n["text"]) and _same(o["title"], n["title"]):
            same_fp.add(oid)
        entry = {"article_id": ids[i], "origin": n["origin"], "changed": changed}
        if ids[i] != oid:
            entry["previous_id"] = oid
        run.updated.append(entry)
    old_dup = dict(zip(old["article_id"].tolist(), old["dup_of"].astype(object).where(old["dup_of"].notna(), None)))
    dups = [old_dup[a] if a in same_fp else d for a, d in zip(ids, df["dup_of"].astype(object).where(df["dup_of"].notna(), None))]
    df = df.assign(article_id=pd.array(ids, dtype="string"), dup_of=pd.array(dups, dtype="string"))
    return df[keep].reset_index(drop=True), remove, same_fp


def _drop_already_stored(run: Run, df: pd.DataFrame, remove: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Drop rows whose id is stored under another origin; an updated origin whose new text is such a
    copy loses its stored row (reported under ``removed``)."""
    gone = set(remove)
    ids = df["article_id"].astype(object).to_numpy()
    stored = np.array([a in run.stored_ids and a not in gone for a in ids], bool)
    if not stored.any():
        return df, remove
    updated = {u["article_id"]: u for u in run.updated}
    for aid in ids[stored]:
        u = updated.get(aid)
        if u is not None and "previous_id" in u:
            run.updated.remove(u)
            run.removed.append({"article_id": u["previous_id"], "origin": u["origin"],
                                "reason": f"its new text is article {aid}, already stored"})
        else:
            run.already += 1
    return df[~stored].reset_index(drop=True), remove


def _write_batch(run: Run, df: pd.DataFrame) -> None:
    """Dedupe one batch against the store and stage it (rows from at-risk origins compared first)."""
    tx = run.tx
    t, c = time.perf_counter(), time.process_time()
    df, remove, same_fp = _match_stored(run, df)
    df, remove = _drop_already_stored(run, df, remove)
    entries = tx.index.select(np.isin(tx.index.ids, np.asarray(sorted(same_fp), dtype=object)))
    if remove:
        tx.remove(remove)
        run.stored_ids.difference_update(remove)
    if len(entries):
        tx.index = tx.index.extend(entries)          # same title and text: same dedupe entry and dup_of
    fresh = ~df["article_id"].isin(same_fp).to_numpy()
    sub = df[fresh]
    dup_of, kind, tx.index = flag_duplicates(sub["article_id"].tolist(), sub["title"].fillna("").tolist(),
                                             sub["text"].fillna("").tolist(), tx.index)
    dup = np.asarray(dup_of.tolist(), dtype=object)
    own = dup == sub["article_id"].astype(object).to_numpy()
    if own.any():                                  # its own stale copy's copies: it stays the first
        dup[own] = None
        tx.index = _reroot(tx.index, set(sub["article_id"][own].tolist()))
    df.loc[fresh, "dup_of"] = pd.array(dup.tolist(), dtype="string")
    run.kinds.update(k for k, o in zip(kind.tolist(), own.tolist()) if k and not o)
    run.stored_ids.update(df["article_id"].tolist())
    is_update = df["article_id"].isin({u["article_id"] for u in run.updated}).to_numpy()
    run.new += int((~is_update).sum())
    run.new_without_date += int((df["date"].isna().to_numpy() & ~is_update).sum())
    hold = df["dup_of"].isin(run.at_risk_ids).to_numpy()
    if hold.any():
        run.held.append(df[hold])
    t1, c1 = time.perf_counter(), time.process_time()
    tx.append(df[~hold])
    run.timings.update(dedupe=t1 - t, write=time.perf_counter() - t1)
    run.cpu.update(dedupe=c1 - c, write=time.process_time() - c1)


def _reroot(index: DedupeIndex, originals: set[str]) -> DedupeIndex:
    """Mark ``originals`` as first copies (root "") in ``index``."""
    roots = index.roots.copy()
    roots[np.isin(index.ids, np.asarray(sorted(originals), dtype=object))] = ""
    return DedupeIndex(index.ids, index.keys, index.sigs, index.valid, roots)


def _remove_missing(run: Run, protected: list[str]) -> None:
    """``replace``: remove stored articles from under the inputs that were not read again."""
    gone = {k: a for k, a in run.at_risk.items() if k not in run.seen_keys
            and not any(under(k, p) for p in protected) and a in run.stored_ids}
    if not gone:
        return
    run.tx.remove(list(gone.values()))
    run.stored_ids.difference_update(gone.values())
    run.removed += [{"article_id": a, "origin": k, "reason": "no longer in the input"} for k, a in sorted(gone.items())]


def settle_roots(tx: Transaction, held: Sequence[pd.DataFrame] = ()) -> int:
    """Make every ``dup_of`` name a stored first copy after removals; stage the ``held`` rows.

    Copies of a removed article point at the first remaining copy (which becomes an original),
    as :meth:`DedupeIndex.rerooted` does; stored rows whose ``dup_of`` changes are rewritten.
    Returns how many stored rows were rewritten.
    """
    before = tx.index
    tx.index = after = before.rerooted()
    moved = before.roots != after.roots
    new_root = dict(zip(after.ids[moved].tolist(), after.roots[moved].tolist()))
    rows = pd.concat(held, ignore_index=True) if held else None
    held_ids = set() if rows is None else set(rows["article_id"].tolist())
    base: list[str] = []
    wanted = sorted(set(new_root) - held_ids - tx.removed)
    if wanted:
        old = tx.read(article_ids=wanted)
        base = old["article_id"].tolist()
        entries = tx.index.select(np.isin(tx.index.ids, np.asarray(base, dtype=object)))
        tx.remove(base)
        tx.index = tx.index.extend(entries)
        old["dup_of"] = pd.array([new_root[a] or None for a in base], dtype="string")
        tx.append(old)
    if len(base) < len(wanted):
        log.warning("dup_of of %d article(s) written in this run could not be re-pointed", len(wanted) - len(base))
    if rows is not None:
        roots = dict(zip(after.ids.tolist(), after.roots.tolist()))
        rows["dup_of"] = pd.array([roots.get(a, d) or None for a, d in zip(rows["article_id"], rows["dup_of"])],
                                  dtype="string")
        tx.append(rows)
    return len(base)


def _protected(skipped: list[dict[str, str]]) -> list[str]:
    """Absolute origins of skipped items: with ``replace``, their stored articles are kept."""
    return sorted({os.path.abspath(s["origin"]) for s in skipped if s.get("origin")})


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    store: str | os.PathLike[str] | None = None,
    mapping: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    progress: bool = True,
    replace: bool = False,
    batch_rows: int | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
    clean_lines: bool = False,
    learn_templates: bool = True,
) -> dict[str, Any]:
    r"""Load ``paths`` into the store; return the ingest report (also written as JSON in the store).

    ``mapping``/``defaults`` are passed to :func:`analysis.corpus.loaders.articles.iter_batches`.
    Articles whose ``article_id`` is already stored are not written again; new ones get ``dup_of``
    set when they duplicate an earlier article (in the store or earlier in this run). An origin read
    again with other metadata or text replaces its stored row (``updated`` in the report);
    ``replace=True`` rewrites every stored article from under ``paths`` and removes those no longer
    there. ``batch_rows`` bounds the articles held in memory at once (default
    :data:`analysis.corpus.loaders.articles.BATCH_ROWS`). Waiting longer than ``lock_timeout``
    seconds for another writer is a :class:`analysis.errors.StoreError`. ``learn_templates`` learns
    the site templates of the plain-text inputs (see the module notes); ``clean_lines`` removes
    furniture lines from tabular/HTML texts too (kept in the ``removed_lines`` column).

    >>> import pathlib, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.txt").write_text("Headline\nWorld\n\nBody text.\n")
    >>> ingest([tmp / "a.txt"], store=tmp / "store", progress=False)["articles_new"]
    1
    >>> ingest([tmp / "a.txt"], store=tmp / "store", progress=False)["articles_new"]
    0
    """
    paths = [os.fspath(p) for p in paths]
    started = time.time()
    totals: Counter[str] = Counter()
    skipped: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    extra = {} if batch_rows is None else {"batch_rows": batch_rows}
    with transaction(store, lock_timeout) as tx:
        run = _open_run(tx, paths, replace)
        t, c = time.perf_counter(), time.process_time()
        known = site_templates.stored(version=tx.base)
        meta = MetadataIndex()          # one manifest/sidecar index for learning and loading
        learned = site_templates.learn(paths, meta=meta) if learn_templates else site_templates.SiteTemplates()
        sites = known.merged(learned)
        pages = sites.context()
        run.timings["templates"] += time.perf_counter() - t
        run.cpu["templates"] += time.process_time() - c
        for df, skip in iter_batches(paths, mapping, defaults, progress, seen=Seen(), pages=pages, meta=meta, **extra):
            run.timings.update(df.attrs.get("timings", {}))
            run.cpu.update(df.attrs.get("cpu_timings", {}))
            totals.update(files_read=df.attrs.get("files_read", 0), bytes_read=df.attrs.get("bytes_read", 0),
                          loaded=len(df), without_date=int(df["date"].isna().sum()))
            skipped += skip
            warnings += df.attrs.get("warnings", [])
            if len(df) and clean_lines:
                t, c = time.perf_counter(), time.process_time()
                df, removed = clean_frame(df)
                pages.stats.removed.update(removed)
                run.timings["clean"] += time.perf_counter() - t
                run.cpu["clean"] += time.process_time() - c
            if len(df):
                _write_batch(run, df)
        t, c = time.perf_counter(), time.process_time()
        if replace:
            _remove_missing(run, _protected(skipped))
        run.repointed = settle_roots(tx, run.held)
        tx.flush()                                # the rows still held in memory
        run.timings["write"] += time.perf_counter() - t
        run.cpu["write"] += time.process_time() - c
        report = _report(run, paths, store, started, totals, skipped, warnings)
        if sites.sites:
            tx.sidecars[site_templates.FILE_NAME] = sites.to_json()
        report.update(pages.stats.as_report(), clean_lines=clean_lines,
                      templates={k: {**v, "learned_now": k in learned.sites} for k, v in sites.summary().items()})
        report["timings"]["templates"] = round(run.timings["templates"], 4)
        report["cpu_timings"]["templates"] = round(run.cpu["templates"], 4)
        tx.report = report
    log.info("ingest: %d loaded, %d new, %d updated, %d removed, %d skipped", report["articles_loaded"],
             report["articles_new"], report["updated_count"], report["removed_count"], len(skipped))
    return report


def _report(run: Run, paths: list[str], store: str | os.PathLike[str] | None, started: float,
            totals: Counter[str], skipped: list[dict[str, str]], warnings: list[dict[str, str]]) -> dict[str, Any]:
    """The ingest report (see docs/operations.md, "Bad input: reported, never fatal")."""
    return {
        "store": str(config.store_dir(store)),
        "inputs": [printable(p) for p in paths],
        "replace": run.replace,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 3),
        "files_read": int(totals["files_read"]),
        "bytes_read": int(totals["bytes_read"]),
        "articles_loaded": int(totals["loaded"]),
        "articles_new": run.new,
        "already_in_store": run.already,
        "updated_count": len(run.updated),
        "updated": run.updated,
        "removed_count": len(run.removed),
        "removed": run.removed,
        "dup_of_repointed": run.repointed,
        "duplicates": {"exact": run.kinds.get("exact", 0), "near": run.kinds.get("near", 0)},
        "without_date": int(totals["without_date"]),
        "new_without_date": run.new_without_date,
        "store_rows": int(run.tx.manifest["rows"]) - len(run.tx.removed) + run.tx.staged_rows(),
        "skipped_count": len(skipped),
        "skipped_by_reason": dict(Counter(reason_category(s["reason"]) for s in skipped).most_common()),
        "skipped": skipped,
        "warnings_by_reason": dict(Counter(reason_category(w["reason"]) for w in warnings).most_common()),
        "warnings": warnings,
        "timings": {k: round(run.timings[k], 4) for k in ("read", "clean", "dedupe", "write")},
        "cpu_timings": {k: round(run.cpu[k], 4) for k in ("read", "clean", "dedupe", "write")},
    }


def delete_articles(
    store: str | os.PathLike[str] | None = None,
    ids: Sequence[str] = (),
    origins: Sequence[str | os.PathLike[str]] = (),
    sources: Sequence[str] = (),
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> dict[str, Any]:
    """Remove articles by id, by origin (a file or folder path; a file's records too) or by source.

    Copies of a removed article point at the first remaining copy afterwards. With ``dry_run``
    nothing changes; either way the report lists the articles (``deleted``) and is returned (it is
    written to the store's report history only when something was deleted).

    >>> delete_articles("/tmp/example-store", sources=["Old Outlet"], dry_run=True)   # doctest: +SKIP
    {'deleted_count': 12, ...}
    """
    if not (ids or origins or sources):
        raise UsageError("delete: say what to delete (--id, --origin or --source)")
    if current_version(store) is None:
        raise UsageError(f"no article store at {config.store_dir(store)}")
    started = time.time()
    prefixes = sorted({os.path.abspath(os.fspath(o)) for o in origins})
    named = {os.fspath(o) for o in origins}
    with transaction(store, lock_timeout) as tx:
        cols = ["article_id", "source", "title", "origin"]
        try:
            rows = tx.read(columns=[*cols, ORIGIN_KEY])
            keys = rows[ORIGIN_KEY].fillna("").tolist()
        except KeyError:
            rows = tx.read(columns=cols)
            keys = [legacy_key(o) for o in rows["origin"].fillna("").tolist()]
        hit = rows["article_id"].isin(set(ids)).to_numpy() | rows["source"].isin(set(sources)).fillna(False).to_numpy()
        hit |= np.array([any(under(k, p) for p in prefixes) or o in named
                         for k, o in zip(keys, rows["origin"].fillna("").tolist())], bool)
        gone = rows[hit]
        listed = [{"article_id": a, "source": s if isinstance(s, str) else None, "title": t if isinstance(t, str) else None,
                   "origin": o} for a, s, t, o in zip(gone["article_id"], gone["source"], gone["title"], gone["origin"])]
        report: dict[str, Any] = {
            "store": str(config.store_dir(store)), "command": "delete", "dry_run": dry_run,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
            "criteria": {"ids": list(ids), "origins": [printable(o) for o in origins], "sources": list(sources)},
            "deleted_count": len(listed), "deleted": listed,
            "unknown_ids": sorted(set(ids) - set(rows["article_id"].tolist())),
        }
        if not dry_run and listed:
            tx.remove(gone["article_id"].tolist())
            report["dup_of_repointed"] = settle_roots(tx)
            report["store_rows"] = int(tx.manifest["rows"]) - len(tx.removed) + tx.staged_rows()
            report["seconds"] = round(time.time() - started, 3)
            tx.report = report
    return report
