"""Additive counts per partition and their finalizers: what every chart plots, on pandas or Dask.

- ``counts``: theme counts and shares -- ``count_articles``, ``count_themes``, ``count_theme_periods``,
  ``theme_share``, ``share_with_ci``, ``wilson_interval``, ``count_cooccurrence``,
  ``cooccurrence_matrix``, ``cooccurring_themes``, ``count_subthemes``, ``subtheme_share``,
  ``count_matched_terms``, ``top_matched_terms``, ``presence``, ``mentions``, ``lump_groups``.
- ``evidence_counts``: tone and mentions -- ``count_tone``, ``tone_mean``, ``count_mentions``, ``top_mentions``.
- ``grouping``: what the counts share -- ``group_columns``, ``group_frame``, ``sum_counts``, ``combine_counts``.
- ``selection``: which articles and groups -- ``select_articles``, ``parse_list``, ``compare_groups``, ``pick_groups``,
  ``match_outlets``, ``match_groups``, ``outlet_key``, ``outlet_hint`` (outlet names matched case- and
  punctuation-insensitively), ``did_you_mean`` (the hint of every unknown-name message).
- ``report_counts``: a partition's report tables -- ``report_counts``, ``select_and_score``, ``selected_counts``,
  ``selection_params``, ``theme_mentions``.
- ``text_counts``: the text sections' counts and finalizers -- ``count_terms``, ``count_word_pairs``,
  ``count_speakers``, ``count_countries``, ``keyness_from_counts_table``, ``collocations_from_counts``,
  ``who_is_quoted_from_counts``, ``country_table_from_counts``, ``combine_speakers``.
- ``query_counts``: a query charted like a theme -- ``query_share``, ``share_of_matches``, ``count_query``,
  ``count_matches``, ``query_presence``, ``presence_of``, ``split_by``.
- ``count_files``: the stored count tables -- ``write_aggregates``, ``read_aggregates``, ``read_params``.
"""
