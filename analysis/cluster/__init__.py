"""The same per-partition functions on a Dask cluster, with the same results as the pandas path.

- ``session``: start or connect a client (bounded: a wrong address or a scheduler without workers is a
  one-line error, never a hang), compute with a progress bar -- ``client``, ``connect_client``,
  ``scheduler_identity``, ``ClusterError``, ``progress``.
- ``options``: the ``--dask`` option of the commands -- ``add_dask_argument``, ``engine_from_args``, ``session``.
- ``engine``: the store as a Dask frame (its version pinned by a reader lease) and the stages as tasks --
  ``read_store``, ``pinned_store``, ``score_themes``, ``theme_hits``, ``article_themes``, ``extract``,
  ``aggregates``, ``write_scores``; ``clear_worker_caches`` (after every partition).
- ``report_counts``: the report's count tables in one pass -- ``compute_report_aggregates``,
  ``aggregate_params``, ``stale_params``, ``partition_tables``.
- ``report_text``: the text sections' bounded pieces (k-best samples, summed counts) -- ``text_pieces``,
  ``combine_piece``, ``choose_kwic``, ``kwic_pass``.
- ``query``: a query over the store, partition by partition -- ``query_store``, ``partition_query``,
  ``merge_parts``, ``in_dates``, ``QuerySummary``.
- ``ingest``: ingest of tabular corpora on the cluster -- ``ingest``; its block tasks live in ``ingest_blocks``.
"""
