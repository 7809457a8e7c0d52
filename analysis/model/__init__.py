"""The supervised theme model: features, classifiers, cross-validation, the model file and evaluation.

- ``theme_model``: ``fit_model``, ``save_model``, ``load_model``, ``predict_themes``, ``ThemeModel``,
  ``merge_rare_labels``, ``installed_versions``, ``model_data``, ``model_from_data``.
- ``features``: feature blocks (``article_docs``, ``lexicon_matrix``, ``feature_config``,
  ``build_vectorizers``, ``feature_blocks``, ``stack_blocks``).
- ``classifier``: members and presets (``preset_members``, ``fit_member``, ``decision_values``,
  ``theme_scores``, ``combine``, ``describe``).
- ``cross_validation``: presets x C values by macro-F1 (``cross_validate``, ``core_macro_f1``).
- ``file_format``: one zip of JSON and ``.npy``, nothing that runs (``write_model_file``,
  ``read_header``, ``read_contents``, ``check_versions``, ``check_labels``).
- ``estimators``: the fitted vectorizers and classifiers as data and back (``dump_vectorizer``,
  ``load_vectorizer``, ``dump_classifier``, ``load_classifier``).
- ``evaluation``: precision/recall/F1 against human labels (``evaluate``, ``read_labelled``,
  ``select_split``, ``metrics``, ``confusion``, ``predict``).
"""
