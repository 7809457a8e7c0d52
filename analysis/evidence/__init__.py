"""Evidence extractors, above the theme engine: who said what, amounts, places, actors and tone, per theme.

Every extractor takes an article table and optional ``hits`` (``analysis.theme_hits``; the theme
engine runs when they are not given) and tags each row with the themes of its sentences.

- ``quotes``: direct quotations with their speakers -- ``quotes``, ``doc_quotes``.
- ``speakers``: a quotation's speaker resolved to a person -- ``resolve_speaker``, ``full_name``,
  ``last_person``.
- ``amounts``: money, percentages and counts -- ``amounts``, ``doc_amounts``.
- ``places``: countries and nationalities -- ``places``, ``place_mentions``, ``doc_places``,
  ``gazetteer``, ``mention_counts``.
- ``actors``: people and organizations -- ``actors``, ``actor_mentions``, ``doc_actors``,
  ``canonical_person``, ``resolve_surname``, ``lexicon`` (and the name helpers ``speakers`` shares:
  ``analyse_sequence``, ``trim_tokens``, ``last_title``, ``PARTICLES``, ``POSSESSIVE``).
- ``tone``: VADER tone per sentence, article or theme -- ``tone``, ``sentence_tone``,
  ``article_tone``, ``theme_tone``, ``tagged_sentences``.
- ``vader``: the fast, identical VADER -- ``polarity_scores``, ``document_scores``.
- ``documents``: shared plumbing -- ``resolve_hits``, ``article_theme_index``, ``themes_between``,
  ``SentenceLocator``, ``iter_documents``, ``data_lines``, ``data_table``, ``frame``,
  ``aggregate_mentions``.
"""
