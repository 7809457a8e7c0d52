"""Readers of article files, one module per input shape, and the walk that picks one per file.

- ``articles``: ``read_articles`` (walk folders, recognise each file, read, attach metadata, clean,
  assign ids), ``iter_files``, ``sniff_format``, ``validate_mapping``, ``assemble``.
- ``text``: scraped plain text like the seed (``parse_scraped_text``, ``load_text``).
- ``html``: saved web pages via trafilatura (``parse_html``, ``load_html``).
- ``tabular``: JSONL / JSON / CSV / TSV / Parquet with a column mapping (``read_jsonl``,
  ``read_json``, ``read_csv``, ``read_parquet``, ``resolve_mapping``, ``to_articles``).
- ``metadata``: ``manifest.csv`` and ``NAME.meta.json`` sidecars (``MetadataIndex``).
"""
