"""Theme labels (analysis.themes.lexicon.theme_labels): the names the reports give themes and sub-themes
come from the lexicon files in use, a user's own files included."""
from __future__ import annotations

from pathlib import Path

import yaml

from analysis import config
from analysis.themes.lexicon import default_label, load_lexicons, theme_labels, with_user_lexicons


def test_shipped_labels_are_the_label_lines_of_the_lexicon_files() -> None:
    labels = theme_labels()
    for path in sorted(config.LEXICON_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert labels[data["id"]] == data["label"].strip()
        for name, sub in (data.get("subthemes") or {}).items():
            assert labels[name] == (sub.get("label") or default_label(name))
    assert labels["other"] == "No policy theme"
    assert theme_labels(load_lexicons()) == labels


def test_user_lexicon_labels_replace_and_add(tmp_path: Path) -> None:
    (tmp_path / "trade.yml").write_text(
        "id: trade\nlabel: Trade (mine)\ndescription: d\ncap_major: []\nsource: s\nterms: [tariff]\n"
        "subthemes:\n  steel_dumping:\n    terms: [steel]\n  quotas:\n    label: '  Import quotas '\n    terms: [quota]\n",
        encoding="utf-8")
    (tmp_path / "flu.yml").write_text("id: flu\nlabel: Flu season\ndescription: d\ncap_major: []\nsource: s\n"
                                      "terms: [flu]\n", encoding="utf-8")
    labels = theme_labels(with_user_lexicons(tmp_path))
    assert labels["trade"] == "Trade (mine)" and labels["flu"] == "Flu season"
    assert labels["steel_dumping"] == "steel dumping" and labels["quotas"] == "Import quotas"  # sub-theme: same rule
    assert labels["migration"] == "Migration"  # shipped themes stay
