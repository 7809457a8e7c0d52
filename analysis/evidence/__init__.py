"""Evidence extractors, above the theme engine: who said what, amounts, places, actors and tone, per theme.

Every extractor takes an article table and optional ``hits`` (``analysis.theme_hits``; the theme
engine runs when they are not given) and tags each row with the themes of its sentences.

- ``quotes``: direct quotations, the attribution sieve (``rule``) -- ``quotes``, ``doc_quotes``.
- ``attribution``: speech verbs next to a quotation and the speaker's words -- ``speaker_words``,
  ``VerbIndex``, ``verb_pattern``.
- ``speakers``: an attribution resolved to an actor (names, pronouns by gender, role descriptions)
  -- ``resolve_name``, ``resolve_speaker``, ``ArticleEntities``, ``match_role``, ``voice_of``,
  ``first_name_gender``, ``full_name``, ``last_person``, ``expand_acronym``, ``long_company_name``.
- ``amounts``: money, percentages, basis points, fractions and counts -- ``amounts``, ``doc_amounts``.
- ``places``: countries, nationalities, US states and major cities -- ``places``, ``place_mentions``,
  ``doc_places``, ``theme_country_table``, ``mention_counts``.
- ``gazetteer``: the place names and what they stand for -- ``gazetteer``, ``subnational``.
- ``wordscan``: Aho-Corasick scans of place names (cached per document) and number words --
  ``place_matches``, ``scan_places``, ``number_starts``, ``number_words``.
- ``actors``: people and organizations -- ``actors``, ``actor_mentions``, ``doc_actors``,
  ``canonical_person``, ``canonical_names``, ``resolve_surname``, ``is_place``, ``lexicon`` (and the
  name helpers ``speakers`` shares: ``analyse_sequence``, ``trim_tokens``, ``last_title``).
- ``tone``: VADER tone per sentence, article or theme -- ``tone``, ``sentence_tone``,
  ``article_tone``, ``theme_tone``, ``tagged_sentences``.
- ``vader``: the fast, identical VADER -- ``polarity_scores``, ``document_scores``.
- ``documents``: shared plumbing -- ``resolve_hits``, ``article_theme_index``, ``themes_between``, ``paused_gc``,
  ``SentenceLocator``, ``iter_documents``, ``data_lines``, ``data_table``, ``frame``,
  ``aggregate_mentions``, ``extract_rows``, ``extract_mentions``.
"""
