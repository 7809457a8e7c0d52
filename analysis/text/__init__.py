"""Text utilities, below the theme engine (theme hits come in as data): sentences, words, close reading, keyness.

- ``sentences``: the sentence splitter and the analysed document -- ``sentence_spans``,
  ``paragraph_spans``, ``sentences``, ``document_text``, ``documents``, ``article_documents``,
  ``sentence_table``, ``cached_sentence_spans``, ``sentence_starts``, ``cached_paragraph_spans``,
  ``abbreviations``; ``DocumentCache`` (a bounded per-document cache) and
  ``clear_document_caches`` (empties them all).
- ``words``: tokens and terms -- ``words``, ``ngrams``, ``normalize``, ``is_term``, ``terms``,
  ``STOPWORDS``, ``term_counts``, ``term_counts_table``, ``top_terms_from_counts``.
- ``concordance``: close reading -- ``kwic``, ``kwic_sample``, ``kwic_ranked``, ``collocations``,
  ``sentence_ngram_counts``, ``top_terms``.
- ``keyness``: distinctive terms of two groups -- ``keyness``, ``keyness_from_counts``, ``log_odds_table``.
- ``theme_tags``: theme hits passed in as data -- ``sentence_theme_index`` ((article, sentence) -> themes),
  ``require_hits``.
"""
