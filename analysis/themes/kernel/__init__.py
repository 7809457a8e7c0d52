"""The compiled (numba) kernels of the theme matcher; no Python runs per character or per hit.

- ``automaton``: the Aho-Corasick automaton as a dense transition table (``build_dfa``).
- ``charclasses``: per-code-point lookup tables (``char_tables``, ``word_table``, ``CharTables``).
- ``documents``: document assembly and sentence starts (``assemble``, ``sentence_starts``,
  ``find_marks``, ``decode_utf8``).
- ``spans``: candidate spans and longest-match resolution (``grow``, ``case_is``, ``sort_cands``,
  ``merge_sorted``, ``choose``).
- ``scan``: the scan of a batch of documents (``scan_batch``).
"""
