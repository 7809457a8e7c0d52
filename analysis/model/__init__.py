"""The supervised theme model: features, classifiers, cross-validation, the model file and evaluation.

- ``theme_model``: ``fit_model``, ``save_model``, ``load_model``, ``predict_themes``, ``ThemeModel``,
  ``merge_rare_labels``, ``fine_source_labels``, ``installed_versions``, ``model_data``, ``model_from_data``.
- ``features``: feature blocks (``article_docs``, ``lexicon_matrix``, ``feature_config``,
  ``build_vectorizers``, ``feature_blocks``, ``stack_blocks``).
- ``classifier``: members and presets (``preset_members``, ``fit_member``, ``decision_values``,
  ``theme_scores``, ``combine``, ``describe``, ``preset_by_length``, ``compact_coefficients``,
  ``prune_coefficients``).
- ``cross_validation``: presets x C values by macro-F1 (``cross_validate``, ``core_macro_f1``).
- ``file_format``: one zip of JSON and ``.npy``, nothing that runs (``write_model_file``,
  ``read_header``, ``read_contents``, ``check_versions``, ``check_labels``).
- ``estimators``: the fitted vectorizers and classifiers as data and back (``dump_vectorizer``,
  ``load_vectorizer``, ``dump_classifier``, ``load_classifier``).
- ``evaluation``: precision/recall/F1 against human labels (``evaluate``, ``read_labelled``,
  ``select_split``, ``metrics``, ``bootstrap_intervals``, ``confusion``, ``predict``).
- ``presence``: the multi-label *carries the theme* flag against single labels and a multi-label
  gold set (``presence_metrics``, ``gold_presence``, ``read_gold``, ``gold_theme_estimate``).
- ``attention``: yearly attention per theme vs the human-coded share (``yearly_attention``,
  ``attention_agreement``).
"""
