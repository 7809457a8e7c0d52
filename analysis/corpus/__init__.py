"""The article corpus: read article files, clean them, flag duplicates and keep them in the Parquet store.

- ``loaders``: :func:`read_articles` (every file shape into one clean article table), ``iter_files``,
  ``sniff_format``, ``validate_mapping``, ``assemble``; one module per input shape (``text``,
  ``html``, ``tabular``) and ``metadata`` (``manifest.csv`` and ``*.meta.json`` sidecars).
- ``clean``: ``decode_bytes``, ``clean_text``, ``clean_line``, ``parse_dates``, ``stable_id``,
  word counts and masks, ``clean_articles`` (the per-partition cleaning step).
- ``patterns``: boilerplate, byline, section and date patterns of scraped text (``classify``, ``is_*``),
  the line rules by reason (``LINE_RULES``) and the shape/template thresholds, all as data.
- ``lines``: furniture lines by rule, shape and position (``classify``, ``shape``, ``furniture``,
  ``clean_lines``, ``clean_frame``; ``PageContext``/``PageStats`` carry templates and counts).
- ``templates``: site templates learned per site at ingest and kept in the store (``learn``,
  ``stored``, ``SiteTemplates``).
- ``dedupe``: exact keys and MinHash/LSH near duplicates (``flag_duplicates``, ``DedupeIndex``,
  ``signatures``, ``band_hashes``, ``candidate_pairs``).
- ``store``: the versioned, locked, partitioned store (``load_corpus``, ``transaction`` with
  ``Transaction.append/read/remove/report``, ``reader_lease``, ``current_version``, ``version_dir``,
  ``kept_versions``, ``corpus_fingerprint``, ``recover``, ``partition_of``, ``to_arrow``,
  ``unify_schemas``; ``commit_hook`` for fault-injection tests).
- ``leases``: reader leases, shared ``fcntl`` locks that pin a store version (``acquire``,
  ``release``, ``retire``, ``clean``).
- ``ingest``: :func:`ingest` (read, dedupe against the store, append only new articles).
- ``quality``: data-quality counts (``count_quality``, ``quality_table``, ``read_ingest_report``).
"""
