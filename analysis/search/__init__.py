"""Ask the article table ad-hoc questions: a boolean query language over the theme matcher.

- ``parser``: the language -- ``parse``, ``parse_query``, ``tokenize``, ``Term``, ``Near``, ``And``,
  ``Or``, ``Not``, ``Sent``, ``ThemeIs``, ``DateRange``, ``QuerySyntaxError``, ``caret_message``,
  ``terms_of``, ``nullable``, ``show``.
- ``engine``: evaluation over articles, vectorized (one matcher scan per group of terms) --
  ``query``, ``match``, ``QueryResult``, ``Matches``, ``term_groups``.
- ``prefilter``: the rows a query can match (case-insensitive needle tests before the scan) --
  ``candidate_rows``, ``needle``, ``needles``, ``pattern``, ``Needle``.
- ``saved``: saved queries (``queries/*.yml``: name, query, description) -- ``load_queries``,
  ``resolve_query``, ``SavedQuery``.
- ``queries/``: the shipped saved queries.
"""
