"""Quotations with speakers: the seed article, hand-checked AllSides passages and the rules."""
from __future__ import annotations

import pandas as pd

from analysis.evidence.quotes import doc_quotes, quotes
from analysis.schema import QUOTE_COLUMNS
from analysis.text.sentences import documents, sentence_spans

NO_HITS = pd.DataFrame(columns=["article_id", "theme", "sentence_id"])


def _article(text: str, title: str = "") -> pd.DataFrame:
    """One-row article table."""
    return pd.DataFrame({"article_id": ["t"], "title": [title], "text": [text]})


def test_seed_quotes_have_the_right_speakers(seed_articles: pd.DataFrame) -> None:
    got = quotes(seed_articles, hits=NO_HITS)
    assert list(got.columns) == QUOTE_COLUMNS
    pairs = list(zip(got["speaker"], got["quote"]))
    assert len(pairs) == 5
    assert pairs[0] == ("Claudia Sheinbaum", "This integration has existed for decades")
    assert pairs[1][0] == "Claudia Sheinbaum" and pairs[1][1].startswith("It is evident that any tariff will affect")
    assert pairs[1][1].endswith("It affects the United States and it affects Mexico.")  # two sentences, one quote
    assert pairs[2][0] == "Kristi Noem" and pairs[2][1].startswith("President Trump and I have a clear message")
    assert pairs[3][0] == "Kristi Noem" and pairs[3][1].startswith("If you do not leave")
    assert pairs[4] == ("Kristi Noem", "We’re going to let the courts play out")
    assert got["verb"].tolist() == ["said", "said", "wrote", "wrote", "told"]
    # “coordination and collaboration” is a quoted phrase, not a quotation
    assert not got["quote"].str.contains("coordination").any()


def test_seed_offsets_and_sentence_ids_refer_to_the_document(seed_articles: pd.DataFrame) -> None:
    doc = documents(seed_articles).iloc[0]
    got = quotes(seed_articles, hits=NO_HITS)
    spans = sentence_spans(doc)
    for row in got.itertuples():
        assert doc[row.start] == "“" and doc[row.end - 1] == "”"
        assert row.quote in doc[row.start:row.end]
        s, e = spans[row.sentence_id]
        assert s <= row.start < e


def test_themes_come_from_the_quoted_sentences(seed_articles: pd.DataFrame) -> None:
    doc = documents(seed_articles).iloc[0]
    got = quotes(seed_articles, hits=NO_HITS)
    two_sentence = got.iloc[1]
    spans = sentence_spans(doc)
    last = max(i for i, (s, _e) in enumerate(spans) if s < two_sentence["end"])
    aid = seed_articles["article_id"].iloc[0]
    hits = pd.DataFrame({"article_id": [aid, aid, aid], "theme": ["trade", "economy", "health"],
                         "sentence_id": [two_sentence["sentence_id"], last, 0]})
    tagged = quotes(seed_articles, hits=hits)
    assert tagged.iloc[1]["themes"] == ["economy", "trade"]
    assert tagged.iloc[4]["themes"] == []


def test_attribution_forms() -> None:
    text = ("Sen. Jane Doe spoke first.\n\n"
            '"We will not back down," said Doe. "Not now, not ever."\n\n'
            "Officials met Mayor Bob Ray. He said: “The city is ready for this storm.”\n\n"
            "“Prices are up 5%,” the ministry said in a statement.\n\n"
            "“That is not true,” Ray told reporters, “and everyone knows it.”")
    got = quotes(_article(text), hits=NO_HITS)
    assert got["speaker"].tolist() == ["Jane Doe", "Jane Doe", "Bob Ray", "the ministry", "Bob Ray", "Bob Ray"]
    assert got["quote"].tolist()[:2] == ["We will not back down", "Not now, not ever."]


def test_quotation_continued_over_paragraphs_is_one_quote() -> None:
    text = ("“The first part of the statement runs on,” Smith said. “It continues here.\n\n"
            "“And it ends in this paragraph.”\n\nThe end.")
    (q1, s1, _), (q2, s2, _) = doc_quotes(text)
    assert s1 == s2 == "Smith"
    assert q2.text == "It continues here. And it ends in this paragraph."
    assert text[q2.start] == "“" and text[q2.end - 1] == "”"


def test_no_quotes_gives_typed_empty_table() -> None:
    got = quotes(_article("Nothing quoted here. Not a word."), hits=NO_HITS)
    assert list(got.columns) == QUOTE_COLUMNS and len(got) == 0


def test_allsides_hand_checked(allsides_articles) -> None:
    arts = allsides_articles("allsides-UMYlZtWlDceiwYJN", "allsides-iK2k3Grnt0Bn9Ieh",
                              "allsides-x88D7HOJZNCb3Ln4")
    got = quotes(arts, hits=NO_HITS)
    young = got[got["article_id"] == "allsides-UMYlZtWlDceiwYJN"]
    # NPR: Rep. Don Young's radio interview, two quotations both attributed by `..." Young said`
    said = young[young["speaker"] == "Don Young"]["quote"].tolist()
    assert said[0].startswith("My father had a ranch.") and said[1].startswith("You know, it takes two people")
    assert not young["quote"].eq("wetbacks").any()  # a one-word scare quote
    xi = got[got["article_id"] == "allsides-iK2k3Grnt0Bn9Ieh"]
    # Reuters: two quotations from Xi's speech, both `...,” Xi said`
    assert xi["speaker"].tolist() == ["Xi Jinping", "Xi Jinping"]
    assert xi["quote"].iloc[0].startswith("We reject selfish, shortsighted")
    nyt = got[got["article_id"] == "allsides-x88D7HOJZNCb3Ln4"]
    # NYT: `Ana Avendaño, the director of ..., refused ..., but said “the whole notion is ...”`
    whole = nyt[nyt["quote"].str.startswith("the whole notion")]
    assert whole["speaker"].tolist() == ["Ana Avendaño"]


def test_according_to_and_pronoun_outside_quotes() -> None:
    text = ("Gov. Ann Lee met Mayor Tom Hale on Monday.\n\n"
            "“We are not going to pay for the wall at all,” according to a senior administration official.\n\n"
            "“Ask President Obama about it, not me,” he said.")
    got = doc_quotes(text)
    assert [(s, v) for _q, s, v in got] == [("a senior administration official", "according to"),
                                            ("Tom Hale", "said")]
    # "he" is the last person named before the quotation outside quotations (not Obama)
