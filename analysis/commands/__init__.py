"""One module per CLI command: ``add_arguments(parser)`` and ``run(args) -> int``.

``ingest``, ``delete``, ``summary``, ``score``, ``themes``, ``evaluate``, ``train``, ``report`` and ``query`` are the
commands of ``python -m analysis`` (listed in :data:`analysis.__main__.COMMANDS`); ``ingest`` also
has ``parse_mapping``, ``format_summary``, ``add_store_arguments`` and ``check_store``, ``delete``
``format_listing``, ``summary`` ``format_corpus_summary``, ``score``
``run_dask`` and ``report`` ``plan_from_args``, ``aggregate_selection``, ``dask_aggregates``
and ``Progress``; ``query`` ``keyword_in_context``, ``format_share`` and ``format_matches``;
``templates`` (the learned site templates) ``format_templates``.
"""
