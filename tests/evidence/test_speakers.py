"""Who is speaking (analysis.evidence.speakers): a quotation's attribution resolved to a person of the article."""
from __future__ import annotations

import pandas as pd

from analysis.evidence import attribution, speakers
from analysis.evidence.quotes import quotes
from analysis.evidence.speakers import expand_acronym, full_name, last_person, long_company_name, resolve_speaker
from analysis.text.sentences import clear_document_caches

DOC = ("Mayor Linda Okafor opened the hearing on the port budget on Monday. "
       "Her brother, the harbor pilot James Okafor, spoke after her. "
       "“We cannot dredge the channel on this budget,” Okafor said.")


def test_surname_resolves_to_the_full_name_given_earlier() -> None:
    said = DOC.index("Okafor said")
    assert resolve_speaker("Okafor", said, DOC) == "James Okafor"             # the nearest one before
    assert full_name(DOC, "Okafor", DOC.index("opened")) == "Linda Okafor"
    assert resolve_speaker("Mayor Linda Okafor's", said, DOC) == "Linda Okafor"   # title and 's dropped
    assert resolve_speaker("Mayor Okafor", DOC.index("Her brother"), DOC) == "Linda Okafor"
    memo: dict[str, list[tuple[int, str]]] = {}
    assert resolve_speaker("Okafor", said, DOC, memo) == "James Okafor"
    assert [name for _, name in memo["Okafor"]] == ["Linda Okafor", "James Okafor"]


def test_unknown_surname_stays_and_known_people_fill_in() -> None:
    assert resolve_speaker("Okafor", 10, "No one else. Okafor said no.") == "Okafor"
    assert full_name("No one else. Okafor said no.", "Okafor", 10) is None
    assert full_name("Sheinbaum said no.", "Sheinbaum", 5) == "Claudia Sheinbaum"   # the known-people table


def test_pronoun_goes_to_the_last_person_named_before_the_quote() -> None:
    doc = "Linda Okafor opened the hearing on Monday. “It has to pass by June,” she said."
    quote = doc.index("“It has")
    assert last_person(doc, quote) == "Linda Okafor"
    assert last_person(doc, quote, skip=[(0, len("Linda Okafor"))]) is None
    assert last_person(doc, quote, floor=doc.index("opened")) is None


def test_first_name_gender_and_roles_are_data() -> None:
    from analysis.evidence.speakers import first_name_gender, match_role, roles

    assert (first_name_gender("Kristi"), first_name_gender("Donald"), first_name_gender("Xi")) == ("f", "m", None)
    assert match_role("the Mexican president")[0] == "president"
    assert match_role("the state news agency")[0] == "state news agency"
    assert match_role("the company also")[0] == "company"
    assert match_role("a senior official") is None  # indefinite: names no one
    assert roles()["pontiff"].kind == "person" and roles()["agency"].kind == "org"


def test_resolve_name_types_and_spokespeople() -> None:
    from analysis.evidence.speakers import resolve_name, voice_of

    assert resolve_name("the National Weather Service", 0, "") == ("National Weather Service", "org")
    assert resolve_name("Xinhua", 0, "") == ("Xinhua", "org")
    assert resolve_name("Canada", 0, "") == ("Canada", "place")
    assert resolve_name("Pope Francis", 0, "") == ("Pope Francis", "person")
    doc = "Special Operator First Class Dylan Dille texted. Later Operator Dille wrote again."
    assert resolve_name("Operator Dille", doc.index("Later"), doc) == ("Dylan Dille", "person")
    doc = "Prime Minister Haider al-Abadi spoke. Abadi said no."
    assert resolve_name("Abadi", doc.index("Abadi said"), doc) == ("Haider al-Abadi", "person")
    assert voice_of("a spokesperson for the Department of Homeland Security") == "Department of Homeland Security"
    assert voice_of("a senior official") is None


def test_entities_pronouns_and_roles() -> None:
    from analysis.evidence.speakers import ArticleEntities

    doc = ("Claudia Sheinbaum met Donald Trump. Apple Inc. and the Obama administration were there. "
           "Mr. Lee spoke. X")
    ents = ArticleEntities(doc, [])
    end = len(doc)
    assert ents.pronoun("she", end).canonical == "Claudia Sheinbaum"  # gender from the first name
    assert ents.pronoun("he", end).canonical == "Lee"  # "Mr." in the text
    assert ents.pronoun("it", end).canonical == "Apple Inc."  # first organisation of the nearest sentence
    assert ents.role("the company", end).canonical == "Apple Inc."
    assert ents.role("the administration", end).canonical == "Obama administration"
    assert ents.role("the senator", end) is None  # nobody introduced as a senator


def test_per_document_lookups_are_remembered_until_the_clear_call() -> None:
    """Acronyms, company names and lone names are remembered per document, and clear_document_caches (a
    cluster worker's call after each partition) forgets them with the sentence spans and word scans."""
    doc = ("The Congressional Budget Office said so. The CBO also said no. Huawei Technologies denied it. "
           "“We made no such deal,” Huawei said. “It is false,” Okafor said.")
    assert expand_acronym(doc, "CBO") == "Congressional Budget Office" and expand_acronym(doc, "NATO") is None
    assert long_company_name(doc, "Huawei") == "Huawei Technologies"
    quotes(pd.DataFrame({"article_id": ["a"], "title": [""], "text": [doc]}), hits=pd.DataFrame())
    memos = (speakers._ACRONYMS, speakers._COMPANY_NAMES, attribution._SINGLE_NAMES)
    assert all(doc in memo for memo in memos)
    clear_document_caches()
    assert not any(memo for memo in memos)
    assert expand_acronym(doc, "CBO") == "Congressional Budget Office"
