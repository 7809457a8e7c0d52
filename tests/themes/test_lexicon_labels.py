"""Theme labels (analysis.themes.lexicon.theme_labels): the names the reports give themes and sub-themes
come from the lexicon files in use, a user's own files included."""
from __future__ import annotations

from pathlib import Path

import yaml

from analysis import config
from analysis.themes.lexicon import default_label, theme_labels, with_user_lexicons


def test_shipped_labels_are_the_label_lines_of_the_lexicon_files() -> None:
    labels = theme_labels()
    for path in sorted(config.LEXICON_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert labels[data["id"]] == data["label"].strip()
        for name, sub in (data.get("subthemes") or {}).items():
            assert labels[name] == (sub.get("label") or default_label(name))
    assert labels["other"] == "No policy theme"


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


def test_a_sub_theme_name_never_borrows_another_themes_label(tmp_path: Path) -> None:
    """A user sub-theme named like a theme, like ``other`` or like another theme's sub-theme with another
    label reads as its own name, not as the other theme's label."""
    (tmp_path / "water.yml").write_text(
        "id: water\nlabel: Water\ndescription: d\ncap_major: []\nsource: s\nterms: [water]\nsubthemes:\n"
        "  trade:\n    terms: [water trade]\n  other:\n    terms: [wells]\n"
        "  enforcement:\n    label: Water police\n    terms: [water police]\n", encoding="utf-8")
    labels = theme_labels(with_user_lexicons(tmp_path))
    assert labels["trade"] == "Trade" and labels["other"] == "No policy theme"  # the themes keep their labels
    assert "enforcement" not in labels  # two themes label it differently: neither label is used
    assert labels["water"] == "Water" and labels["tariffs"] == "Tariffs and duties"
