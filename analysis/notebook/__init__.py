"""What the report notebooks call: their data source, the charts, the tables and small helpers.

- ``source``: the article table or a Dask run's count tables -- ``report_data``, ``ArticleData``,
  ``AggregateData``, ``load_aggregate_data``, ``rollup``, ``text_available``, ``ingest_report``;
  ``store_version`` pins the store version every read of a report makes.
- ``charts``: one function per report chart (``theme_attention``, ``attention_by_outlet``, ``theme_mix``, ...).
- ``plotting``: chart primitives in the house style; each chart saved as PNG + SVG + CSV
  (``save_chart``, ``Chart``, ``source_note``, ``lines``, ``bar``, ``heatmap``, ...).
- ``validation``: the package's yearly attention against the human-coded share, one panel per theme
  (``attention_vs_human``, ``write_attention_chart``).
- ``tables``: article-level tables (``top_articles``, ``quote_table``, ``who_is_quoted``, ``amount_table``,
  ``theme_strip``, ``evidence_sentences``, ``keyness_per_group``, ``theme_keyness``) and their reader view
  (``reader_table``: human column names, formatted numbers, ids hidden).
- ``text_samples``: the text sections' k-best samples of a Dask run, made and reduced with the ``tables``
  functions (``top_sample``, ``top_from_sample``, ``newest_sample``, ``newest_from_sample``, ``kwic_sample``,
  ``kwic_from_sample``).
- ``query_theme``: a query reported like a theme -- ``with_query``, ``query_scores``, ``QueryData``.
- ``model_themes``: the themes articles carry from a trained model -- ``with_model``, ``model_presence``.
- ``helpers``: load and show -- ``prepare``, ``Corpus``, ``load_article``, ``brief_article`` (the most
  on-theme article of a selection), ``article_note``, ``out_path``, ``show_section`` (a reader section:
  finding, chart with alt text, table in a details box), ``show_table``, ``table_html``, ``store_or_default``.
- ``findings``: one finding-style sentence per report section, computed from its table
  (``attention``, ``volume``, ``quality``, ``compare``, ...).
"""
