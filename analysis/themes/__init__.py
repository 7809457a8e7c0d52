"""Theme coding with dictionaries: lexicons, the compiled matcher, scores and their cache.

- ``lexicon``: YAML lexicons (``load_lexicons``, ``load_lexicon_file``, ``parse_lexicon``,
  ``Lexicon``, ``Term``, ``normalize``, ``variants``, ``lexicon_fingerprint``, ``with_user_lexicons``).
- ``matcher``: one Aho-Corasick pass per document (``compile_matcher``, ``Matcher``, ``Scan``,
  ``text_buffers``, ``one_entry_per_theme``).
- ``scoring``: scores, evidence hits and per-article themes (``score_themes``, ``theme_hits``,
  ``analyze``, ``article_themes``, ``sentence_themes``, ``is_present``, ``carried_flags``,
  ``theme_priority``, ``secondary_share``, ``load_secondary_shares``; ``present`` = the article *carries the theme*).
- ``cache``: the scores stored next to the articles, recomputed when an input changes
  (``load_scores``, ``fingerprint``, ``articles_fingerprint``, ``cache_folder``, ``prune_lexicon_sets``).
- ``kernel``: the compiled (numba) scan the matcher runs.
- ``lexicons/``: the shipped lexicons, one YAML file per theme; ``presence.yml``: the per-theme
  calibration of the presence rule (read by ``scoring``).
"""
