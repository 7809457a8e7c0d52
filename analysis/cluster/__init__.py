"""The same per-partition functions on a Dask cluster, with the same results as the pandas path.

- ``session``: start or connect a client, compute with a progress bar -- ``client``, ``progress``.
- ``options``: the ``--dask`` option of the commands -- ``add_dask_argument``, ``engine_from_args``, ``session``.
- ``engine``: the store as a Dask frame and the stages as tasks -- ``read_store``, ``score_themes``,
  ``theme_hits``, ``article_themes``, ``extract``, ``aggregates``, ``write_scores``.
- ``report_counts``: the report's count tables in one pass -- ``compute_report_aggregates``,
  ``aggregate_params``, ``stale_params``.
- ``ingest``: ingest of tabular corpora on the cluster -- ``ingest``; its block tasks live in ``ingest_blocks``.
"""
