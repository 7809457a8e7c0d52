"""Site templates learned from the data (analysis.corpus.templates), kept in the store and used by ingest."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import templates
from analysis.corpus.ingest import ingest
from analysis.corpus.loaders.articles import iter_batches, read_articles
from analysis.corpus.store import current_version, load_corpus, read_manifest

SHARED = ("Officials said the statement was reviewed by the agency's lawyers before it was released to the "
          "public on Friday, in a process that took several weeks.")


def story(i: int, shared: bool = False) -> str:
    """One page of the "Valley Gazette" site: masthead, menu, headline, body, widget, footer."""
    body = [f"Story {i} opened with a council vote on the {i}th district, officials said on Tuesday.",
            f"Residents of district {i} had asked for the change for years, according to the minutes.",
            "Story continues below",
            f"The new plan for district {i} takes effect next month, the clerk said."]
    if shared:
        body.insert(2, SHARED)
    return "\n\n".join(["Valley Gazette", "Our Town Edition", "Politics", f"Council approves district {i} plan",
                        "By Ana Ruiz", *body, "Valley Gazette Media Group, serving the valley since 1901.",
                        "Neighbors Club"]) + "\n"


def write_site(folder: Path, n: int, shared: int = 0) -> None:
    """``n`` pages of the site in ``folder`` (the first ``shared`` ones quote the same statement)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"s{i:02d}.txt").write_text(story(i, i < shared), encoding="utf-8")


def test_learns_head_tail_and_widget_lines_never_shared_prose(tmp_path: Path) -> None:
    write_site(tmp_path / "gazette", 6, shared=5)
    learned = templates.learn([tmp_path])
    (key, site), = learned.sites.items()
    assert key == f"folder:{tmp_path / 'gazette'}" and site["files"] == 6
    assert set(site["lines"]) == {"Valley Gazette", "Our Town Edition", "Story continues below",
                                  "Valley Gazette Media Group, serving the valley since 1901.", "Neighbors Club"}
    assert SHARED not in site["lines"]                         # a prose paragraph shared mid-body stays
    assert "By Ana Ruiz" not in site["lines"] and "Politics" not in site["lines"]   # metadata is never template


def test_thresholds_files_and_share(tmp_path: Path) -> None:
    write_site(tmp_path / "two", 2)
    assert templates.learn([tmp_path / "two"]).sites == {}      # fewer than 3 files: no template
    write_site(tmp_path / "many", 12)
    (tmp_path / "many" / "s00.txt").write_text(story(0) + "\nA line seen on three pages\n", encoding="utf-8")
    for i in (1, 2):
        (tmp_path / "many" / f"s{i:02d}.txt").write_text(story(i) + "\nA line seen on three pages\n", encoding="utf-8")
    lines = templates.learn([tmp_path / "many"]).sites[f"folder:{tmp_path / 'many'}"]["lines"]
    assert "A line seen on three pages" not in lines and "Neighbors Club" in lines    # 3 of 12 < 30 %
    assert templates.learn([tmp_path / "many"], min_share=0.2).sites[f"folder:{tmp_path / 'many'}"]["lines"][
        "A line seen on three pages"] == 3


def test_pages_are_cleaned_with_their_site_template(tmp_path: Path) -> None:
    write_site(tmp_path / "gazette", 5, shared=3)
    ctx = templates.learn([tmp_path]).context()
    (df, skipped), = iter_batches([tmp_path], pages=ctx, batch_rows=None, batch_bytes=None)
    assert skipped == [] and len(df) == 5
    for i, row in enumerate(df.sort_values("origin").itertuples()):
        assert row.title == f"Council approves district {i} plan" and row.byline == "Ana Ruiz"
        assert row.text.startswith(f"Story {i} opened") and row.text.endswith("the clerk said.")
        assert "Gazette" not in row.text and "Neighbors Club" not in row.text and "continues below" not in row.text
        assert (SHARED in row.text) == (i < 3)
    assert ctx.stats.removed["template"] >= 5 * 4


def test_single_file_site_loads_with_rules_only(tmp_path: Path) -> None:
    write_site(tmp_path / "one", 1)
    assert templates.learn([tmp_path]).sites == {}
    df, skipped = read_articles([tmp_path])
    assert skipped == [] and df.loc[0, "title"] == "Council approves district 0 plan"
    assert df.loc[0, "text"].startswith("Story 0 opened")


def test_ingest_keeps_templates_in_the_store_for_later_pages(tmp_path: Path) -> None:
    write_site(tmp_path / "gazette", 4)
    (tmp_path / "gazette" / "manifest.csv").write_text(
        "path,source\n" + "".join(f"s{i:02d}.txt,Valley Gazette\n" for i in range(4)), encoding="utf-8")
    store = tmp_path / "store"
    report = ingest([tmp_path / "gazette"], store=store, progress=False)
    site = report["templates"]["source:Valley Gazette"]
    assert site["files"] == 4 and site["template_lines"] == 5 and site["learned_now"]
    assert "Neighbors Club" in site["examples"] and report["lines_removed"]["template"] >= 4 * 4
    assert report["field_origin"]["byline"] == {"page": 4} and report["field_origin"]["title"] == {"page": 4}
    assert json.loads((store / "ingest_report.json").read_text())["templates"] == report["templates"]
    v1 = current_version(store)
    assert "_templates.json" in read_manifest(v1)["sidecars"]
    # one more page from the same outlet, elsewhere: the stored template cleans it
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "new.txt").write_text(story(9), encoding="utf-8")
    (tmp_path / "later" / "new.meta.json").write_text(json.dumps({"source": "Valley Gazette"}), encoding="utf-8")
    again = ingest([tmp_path / "later"], store=store, progress=False)
    assert again["articles_new"] == 1 and not again["templates"]["source:Valley Gazette"]["learned_now"]
    new = load_corpus(store).set_index("origin").loc[str(tmp_path / "later" / "new.txt")]
    assert "Neighbors Club" not in new["text"] and "Valley Gazette" not in new["text"]
    assert new["text"].startswith("Story 9 opened")
    assert templates.stored(store).sites == templates.stored(version=v1).sites     # carried to the new version
    assert "_templates.json" in read_manifest(current_version(store))["sidecars"]


def test_a_fresh_store_never_takes_another_stores_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default store's templates must not leak into the first ingest of another store."""
    from analysis import config

    write_site(tmp_path / "gazette", 4)
    default = tmp_path / "default-store"
    ingest([tmp_path / "gazette"], store=default, progress=False)
    assert templates.stored(default).sites                         # the default store learned some
    monkeypatch.setattr(config, "PROCESSED_DIR", default)
    assert templates.stored().sites == templates.stored(default).sites
    assert templates.stored(version=None).sites == {}              # an empty store has none
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "one.txt").write_text(story(9), encoding="utf-8")
    report = ingest([tmp_path / "other"], store=tmp_path / "fresh", progress=False)
    assert report.get("templates", {}) == {} and templates.stored(tmp_path / "fresh").sites == {}


def test_templates_only_change_commits_a_version(tmp_path: Path) -> None:
    write_site(tmp_path / "gazette", 3)
    store = tmp_path / "store"
    ingest([tmp_path / "gazette"], store=store, progress=False, learn_templates=False)
    v1 = current_version(store)
    assert templates.stored(store).sites == {}
    report = ingest([tmp_path / "gazette"], store=store, progress=False)
    assert report["articles_new"] == 0 and current_version(store) != v1      # new template, same articles
    assert templates.stored(store).sites


def test_clean_lines_for_tabular_input(tmp_path: Path) -> None:
    rows = [{"id": "a", "title": "Budget passes", "source": "Wire",
             "text": "The budget passed.\n\nAdvertisement\n\nStory Continued Below\n\nIt now goes to the governor."},
            {"id": "b", "title": "Clean one", "source": "Wire", "text": "Nothing to remove here."}]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    plain = ingest([path], store=tmp_path / "s1", progress=False)
    assert plain["lines_removed"] == {} and not plain["clean_lines"]
    assert "Advertisement" in load_corpus(tmp_path / "s1").set_index("title").loc["Budget passes", "text"]
    cleaned = ingest([path], store=tmp_path / "s2", progress=False, clean_lines=True)
    assert cleaned["lines_removed"] == {"advertisement": 1, "related": 1} and cleaned["clean_lines"]
    df = load_corpus(tmp_path / "s2").set_index("title")
    assert df.loc["Budget passes", "text"] == "The budget passed.\n\nIt now goes to the governor."
    assert df.loc["Budget passes", "removed_lines"] == "advertisement\tAdvertisement\nrelated\tStory Continued Below"
    assert pd.isna(df.loc["Clean one", "removed_lines"]) and df.loc["Clean one", "n_words"] == 4


@pytest.mark.parametrize("bad", ["{}", "not json"])
def test_unreadable_stored_templates_are_ignored(tmp_path: Path, bad: str) -> None:
    (tmp_path / templates.FILE_NAME).write_text(bad, encoding="utf-8")
    assert templates.stored(version=tmp_path).sites == {}
