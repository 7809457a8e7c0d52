"""The report runner: plan, execute and render the parameterized notebooks into ``reports/<run>/``.

- ``plan``: notebooks and their checked parameters (``Job``, ``plan_jobs``, ``resolve_jobs``,
  ``inspect_parameters``, ``coerce_value``, ``valid_themes``, ``check_dates``, ``check_outlets``,
  ``check_file_parameters``, ``names_the_article``).
- ``declarations``: every notebook's parameters with their type and allowed values (``DECLARED``,
  ``Decl``, ``declaration``, ``declared_type``), the one table the runner checks values against.
- ``checks``: each planned value against its declaration and the pinned corpus, before any kernel
  (``check_values``, ``check_job``, ``check_value``, ``Corpus``).
- ``archive``: the ``--zip`` archive of a run (``write_archive``, ``archive_members``, ``local_links``).
- ``run``: one run (``run_report``, ``cache_inputs``, ``prune_runs``, ``make_run_id``,
  ``describe_failure``, ``check_out_dir``, ``mark_abandoned``), ``latest`` swapped only on success.
- ``execute``: papermill in parallel worker processes with timeouts (``run_specs``, ``kernel_env``,
  ``check_loopback``, ``kernel_error_line``).
- ``lifeline``: workers and kernels die with their parent (``die_with_parent``, the kernel
  launcher ``kernel_main``).
- ``render``: self-contained, script-free HTML (``render_notebook``, ``check_html``,
  ``clean_fragment``).
- ``index_page``: the run's ``index.html`` (``write_index``).
- ``fingerprints``: code and template fingerprints, the cache key and the corpus summary
  (``cache_key``, ``template_fingerprint``, ``code_fingerprint``, ``read_corpus_index``,
  ``corpus_summary``, ``package_versions``).
- ``templates/``: the nbconvert template of the HTML reports.

It never imports :mod:`analysis.notebook`: the notebooks do, in their own kernels.
"""
