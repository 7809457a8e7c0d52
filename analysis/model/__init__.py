"""The supervised theme model: features, classifiers, cross-validation, the model file and evaluation.

- ``theme_model``: ``fit_model``, ``save_model``, ``load_model``, ``predict_themes``, ``ThemeModel``,
  ``merge_rare_labels``, ``installed_versions``.
- ``features``: feature blocks (``article_docs``, ``lexicon_matrix``, ``feature_config``,
  ``build_vectorizers``, ``feature_blocks``, ``stack_blocks``).
- ``classifier``: members and presets (``preset_members``, ``fit_member``, ``decision_values``,
  ``theme_scores``, ``combine``, ``describe``).
- ``cross_validation``: presets x C values by macro-F1 (``cross_validate``, ``core_macro_f1``).
- ``file_format``: one file, header readable without unpickling (``write_model_file``,
  ``read_header``, ``read_payload``, ``check_versions``, ``check_labels``).
- ``evaluation``: precision/recall/F1 against human labels (``evaluate``, ``read_labelled``,
  ``select_split``, ``metrics``, ``confusion``, ``predict``).
"""
