"""Quotations with speakers: the seed article, hand-checked AllSides passages and the rules."""
from __future__ import annotations

import pandas as pd

from analysis.evidence.quotes import RULES, doc_quotes, quotes
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
    assert got["speaker"].fillna("").tolist() == ["Jane Doe", "Jane Doe", "Bob Ray", "", "Bob Ray", "Bob Ray"]
    assert got["rule"].tolist() == ["same-sentence", "adjacent-sentence", "pronoun", "none", "same-sentence",
                                    "same-sentence"]
    assert got["speaker_mention"].tolist() == ["Doe", "Doe", "He", "the ministry", "Ray", "Ray"]
    assert got["quote"].tolist()[:2] == ["We will not back down", "Not now, not ever."]


def test_quotation_continued_over_paragraphs_is_one_quote() -> None:
    text = ("“The first part of the statement runs on,” Smith said. “It continues here.\n\n"
            "“And it ends in this paragraph.”\n\nThe end.")
    first, second = doc_quotes(text)
    assert first.speaker == second.speaker == "Smith"
    assert (first.rule, second.rule) == ("same-sentence", "adjacent-sentence")
    q2 = second.quote
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
    assert [(a.speaker, a.mention, a.verb, a.rule) for a in got] == [
        (None, "a senior administration official", "according to", "none"),
        ("Tom Hale", "he", "said", "pronoun")]
    # "he" is the last person named before the quotation outside quotations (not Obama)


def _rows(text: str) -> list[tuple[str | None, str | None, str | None]]:
    """(speaker, rule, speaker_type) of every quotation of ``text``."""
    return [(a.speaker, a.rule, a.kind) for a in doc_quotes(text)]


def test_sieve_same_sentence_forms() -> None:
    text = ("White House press secretary Jay Carney spoke on Monday.\n\n"
            "“We don’t have the votes in the Senate,” White House press secretary Jay Carney said.\n\n"
            "“These interim data are early and promising,” Tal Zaks, chief medical officer at Moderna, said in a "
            "statement.\n\n"
            "“We are investing to scale up manufacturing now,” said the company’s CEO, Stéphane Bancel.\n\n"
            "Sen. Richard Burr (R-N.C.) wrote on Twitter: “Any effort to deal with this must secure the border.”\n\n"
            "“The city is ready for the storm tonight,” the National Weather Service tweeted.\n\n"
            "Xinhua said in a commentary: “Washington only wants to heighten the sanctions and threats.”")
    assert _rows(text) == [("Jay Carney", "same-sentence", "person"), ("Tal Zaks", "same-sentence", "person"),
                           ("Stéphane Bancel", "same-sentence", "person"), ("Richard Burr", "same-sentence", "person"),
                           ("National Weather Service", "same-sentence", "org"), ("Xinhua", "same-sentence", "org")]


def test_sieve_adjacent_continuation_and_according_to() -> None:
    text = ("Jim Norton, chief economist at Wealth Group, said the market would fall. “It will not last long.”\n\n"
            "“We reject selfish and shortsighted policies,” Xi said. “We need open markets for everyone.”\n\n"
            "“And a third paragraph of the same remarks goes on here,”\n\n"
            "“Imports will have to wait for the backlog to clear,” according to a White House fact sheet.")
    assert _rows(text) == [("Jim Norton", "adjacent-sentence", "person"), ("Xi Jinping", "same-sentence", "person"),
                           ("Xi Jinping", "adjacent-sentence", "person"),
                           ("Xi Jinping", "paragraph-continuation", "person"),
                           ("White House", "according-to", "org")]


def test_sieve_roles_and_pronouns_by_gender() -> None:
    text = ("Pope Francis met Sen. Ann Lopez and Mayor Tom Hale in Rome on Sunday.\n\n"
            "“The poor cannot wait for us any longer,” the pontiff said.\n\n"
            "“We will bring this message back to Ohio,” she said. “It matters to all of us.”\n\n"
            "Hale thanked the crowd. “This city will not forget the visit,” he told reporters.\n\n"
            "Apple Inc. reported earnings. “Demand for the phone stays strong everywhere,” the company said.\n\n"
            "Xinhua reported the talks. “The meeting was frank and constructive for both,” the state news agency said.\n\n"
            "“We have no comment on the matter at this time,” a senior administration official said.")
    assert _rows(text) == [("Pope Francis", "description-role", "person"), ("Ann Lopez", "pronoun", "person"),
                           ("Ann Lopez", "pronoun", "person"), ("Tom Hale", "pronoun", "person"),
                           ("Apple Inc.", "description-role", "org"), ("Xinhua", "description-role", "org"),
                           (None, "none", None)]
    assert doc_quotes(text)[-1].mention == "a senior administration official"


def test_marks_mixed_unclosed_and_nested() -> None:
    text = ("“It has been a disaster for the United States,\" Trump said as he left.\n\n"
            "“We’re at halftime of the Super Bowl of trade talks,” Brilliant said. “There’s still work to be done.’’\n\n"
            "McCain had said: \"I know Chuck was frustrated with the whole process and its outcome.\n\n"
            "McCain added later that night.\n\n"
            "“He told me ‘never again’ and then he said \"enough\" to all of us,” Smith said.")
    got = doc_quotes(text)
    assert [a.quote.text[:12] for a in got] == ["It has been ", "We’re at hal", "There’s stil", "I know Chuck",
                                                "He told me ‘"]
    assert got[3].quote.end == text.index("\n\nMcCain added")  # no closing mark: ends with its paragraph
    assert [a.speaker for a in got] == ["Donald Trump", "Brilliant", "Brilliant", "McCain", "Smith"]
    assert "enough" in got[4].quote.text  # a nested quotation belongs to the outer one


def test_interview_answers_continue_across_headings() -> None:
    text = ("Sen. Kirsten Gillibrand spoke to NPR.\n\n"
            "\"We created this framework because that's what our allies have done,\" Gillibrand said.\n\n"
            "Interview Highlights\n\n"
            "On commanders\n\n"
            "\"Only the commanders are responsible for good order and discipline.\"\n\n"
            "What's at stake in this battle?\n\n"
            "\"At the end of the day, commanders aren't objective about these crimes.\"")
    assert _rows(text)[1:] == [("Kirsten Gillibrand", "paragraph-continuation", "person")] * 2


def test_scare_quotes_and_short_spans_are_not_quotations() -> None:
    text = ("Trump said he would unleash “fire and fury” on the regime of the north.\n\n"
            "“At this point,” Krugman writes, “it's clear the recovery is weak.”")
    got = doc_quotes(text)
    assert [a.quote.text for a in got] == ["At this point,", "it's clear the recovery is weak."]  # interrupted


def test_gold_dev_subset(allsides_articles) -> None:
    """A fast subset of the hand-annotated gold set (tests/data/quotes_gold, dev split): spans and speakers."""
    import json
    from pathlib import Path

    gold_dir = Path(__file__).resolve().parent.parent / "data" / "quotes_gold"
    if not (gold_dir / "quotes.jsonl").exists():
        import pytest
        pytest.skip("gold set not present")
    ids = ["allsides-0icgoQNBIEIr2Tt4", "allsides-wsDBtxMO9Hgf6LdO", "allsides-jQRooGkoSwGLte8I",
           "allsides-8a3EhR2YBily7Td0", "allsides-Jq5JckukERnhfaAL"]
    gold = [g for g in map(json.loads, (gold_dir / "quotes.jsonl").read_text(encoding="utf-8").splitlines())
            if g["article_id"] in ids]
    arts = allsides_articles(*ids)
    got = quotes(arts, hits=NO_HITS)
    shift = {r.article_id: len(r.title.strip()) + 2 - (len(r.text) - len(r.text.lstrip())) for r in arts.itertuples()}
    found = right = 0
    for g in gold:
        mine = got[(got["article_id"] == g["article_id"])]
        hit = mine[(mine["start"] - shift[g["article_id"]] < g["end"]) & (mine["end"] - shift[g["article_id"]] > g["start"])]
        if len(hit):
            found += 1
            speaker = hit["speaker"].iloc[0]
            ok = (pd.isna(speaker) and g["speaker"] is None) or (
                isinstance(speaker, str) and g["speaker"] is not None
                and speaker.split()[-1].lower() == g["speaker"].split()[-1].lower())
            right += bool(ok)
    assert found / len(gold) >= 0.9 and right / len(gold) >= 0.8, (found, right, len(gold))
    assert set(got["rule"]) <= set(RULES) and got["rule"].notna().all()
    assert set(got["speaker_type"].dropna()) <= {"person", "org"}


def test_more_attribution_forms_from_reading() -> None:
    text = ("In the words of Allen Matusow, a historian, “Somehow he had to make the economy hum by 1972.”\n\n"
            "Still, as the plan stands, says Jean Jones, a professor, “I think it is going to hurt enrollment.”\n\n"
            "[“Any discussion on this should be on what reforms we can make now”—Gov. Scott Walker, on CNN]\n\n"
            "“This makes those who don't have guns an easier target for criminals,” John Lott, author of the book "
            "“More Guns, Less Crime,” told FoxNews.com.\n\n"
            "“We will get the votes this week,” the aide told Smith.")
    assert _rows(text) == [("Allen Matusow", "according-to", "person"), ("Jean Jones", "same-sentence", "person"),
                           ("Scott Walker", "same-sentence", "person"), ("John Lott", "same-sentence", "person"),
                           (None, "none", None)]  # "told Smith": Smith is the listener, the aide is not named


def test_sieve_subjects_officials_and_second_pieces() -> None:
    text = ("“We will look at every option,” one State Department official told reporters.\n\n"
            "Maria Lopez, the plant manager at Acme Steel Corp., which won an exclusion last month, said the ruling "
            "showed “that the rules can work for us.”\n\n"
            "Democrats said the bill was weak, with Ohio Rep. Tom Baker saying “It does not protect a single worker.”\n\n"
            "“Are we winning or are we losing?” Baker posted on Twitter.\n\n"
            "Sen. Ann Price said the tax was “a very bad idea” and urged voters “to call their senators this week.”\n\n"
            "“The plant will stay open,” Price wrote. “No doubt about it.”")
    assert _rows(text) == [(None, "none", None), ("Maria Lopez", "same-sentence", "person"),
                           ("Tom Baker", "same-sentence", "person"), ("Tom Baker", "same-sentence", "person"),
                           ("Ann Price", "same-sentence", "person"),  # "urged voters “…”": the subject of "said"
                           ("Ann Price", "same-sentence", "person"), ("Ann Price", "adjacent-sentence", "person")]


def test_sieve_names_acronyms_companies_and_statements() -> None:
    text = ("The Government Accountability Office released a report on Tuesday.\n\n"
            "The GAO found gaps in the program. Officials at the United States Mint disagreed.\n\n"
            "“The program has no reliable way to measure its results,” the agency said.\n\n"
            "Widget.com Inc. raised wages last year. “The raise is permanent,” Widget said.\n\n"
            "Agents interviewed the pilot. The agents wrote it down.\n\n"
            "Agents recounted: “He said he saw nothing unusual on the way in.”\n\n"
            "Economist Paul DeMarco studies wages. “It is a big change,” DeMarco said.\n\n"
            "The Peruvian Embassy in Madrid said the charges were false.\n\n"
            "“We reject these charges and ask for the release of our citizen,” the statement said.")
    assert _rows(text) == [("Government Accountability Office", "description-role", "org"),
                           ("Widget.com Inc.", "same-sentence", "org"), (None, "none", None),
                           ("Paul DeMarco", "same-sentence", "person"),
                           ("Peruvian Embassy", "description-role", "org")]  # the author of "the statement"
