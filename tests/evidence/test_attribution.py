"""Where an attribution is (analysis.evidence.attribution): speech verbs and the speaker's words next to them."""
from __future__ import annotations

from analysis.evidence.attribution import VerbIndex, speaker_words, verb_pattern


def _words(doc: str, lo: int, hi: int, mode: str) -> tuple[str, str] | None:
    """(text, kind) of the speaker words, or None."""
    got = speaker_words(doc, lo, hi, mode)
    return None if got is None else (got.text, got.kind)


def test_finite_subject_skips_the_apposition() -> None:
    doc = "Tal Zaks, chief medical officer at Moderna, said"
    assert _words(doc, 0, doc.index("said"), "finite") == ("Tal Zaks", "name")
    doc = "White House press secretary Jay Carney said"
    assert _words(doc, 0, doc.index("said"), "finite") == ("Jay Carney", "name")
    doc = "Boehner spokesman Brendan Buck said"  # the name after a title, not the possessor
    assert _words(doc, 0, doc.index("said"), "finite") == ("Brendan Buck", "name")
    doc = "Sen. Pat Toomey (R-Penn.) has said"  # a party-and-state tag is never the speaker
    assert _words(doc, 0, doc.index("said"), "finite") == ("Pat Toomey", "name")


def test_participle_inverted_and_joint_attribution() -> None:
    doc = "On Friday, Gillibrand echoed her sentiment on Facebook, writing"
    assert _words(doc, 0, doc.index("writing"), "participle") == ("Gillibrand", "name")
    doc = "said the company’s CEO, Stéphane Bancel."
    assert _words(doc, 5, len(doc), "inverted") == ("Stéphane Bancel", "name")
    doc = "lawyers Derege Demissie and Susan Church wrote"
    assert _words(doc, 0, doc.index("wrote"), "finite") == ("Derege Demissie", "name")


def test_organisations_pronouns_and_descriptions() -> None:
    doc = "An ABC News spokesman on Thursday said"
    assert _words(doc, 0, doc.index("said"), "finite") == ("ABC News", "name")
    doc = "The Obama administration stresses"
    assert _words(doc, 0, doc.index("stresses"), "finite") == ("Obama administration", "name")
    assert _words("and she said", 0, 8, "finite") == ("she", "pronoun")
    assert _words("a senior administration official said.", 0, 32, "finite") == (
        "a senior administration official", "description")


def test_verbs_are_data_and_whole_words() -> None:
    doc = "“Yes,” Smith said, adding: “no.” Unsaid things were sayings."
    assert [h.verb for h in VerbIndex(doc).between(0, len(doc))] == ["said", "adding"]
    assert verb_pattern().search("Added Corker: “no.”").group("verb") == "Added"


def test_possessive_titles_affiliations_and_contractions() -> None:
    doc = "said Reagan’s 1984 campaign manager Ed Rollins, referencing the death."
    assert _words(doc, 5, doc.index(","), "inverted") == ("Ed Rollins", "name")
    doc = "said Russ Roberts of the Hoover Institution."
    assert _words(doc, 5, len(doc) - 1, "inverted") == ("Russ Roberts", "name")
    doc = "We're told that the cuts will follow."
    assert speaker_words(doc, 0, doc.index("told"), "finite") is None or \
        speaker_words(doc, 0, doc.index("told"), "finite").kind != "name"


def test_capitalized_verbs_only_start_a_clause_and_common_words_are_not_names() -> None:
    doc = "He said the United States is ready. Added Corker: yes."
    assert [h.verb for h in VerbIndex(doc).between(0, len(doc))] == ["said", "Added"]  # not "States"
    doc = "The FBI sent agents to the house. Agents recounted"
    assert _words(doc, doc.index("Agents"), len(doc) - len(" recounted"), "finite") is None
    doc = "Economist Paul DeMarco studies wages. DeMarco said"
    assert _words(doc, doc.rindex("DeMarco"), len(doc) - len(" said"), "finite") == ("DeMarco", "name")
    doc = "Three White House officials told"
    assert _words(doc, 0, len(doc) - len(" told"), "finite") == ("Three White House officials", "description")
    doc = "Republicans said it was weak, with Ohio Rep. Tom Baker saying"
    assert _words(doc, 0, len(doc) - len(" saying"), "participle") == ("Tom Baker", "name")
    doc = "Maria Lopez, the manager at Acme Corp., which won an exclusion, said"
    assert _words(doc, 0, len(doc) - len(" said"), "finite") == ("Maria Lopez", "name")


def test_colon_lead_in_takes_the_subject_only() -> None:
    doc = "The Daily Planet (Lois Lane) gives an overview of Clark Kent's record:"
    assert _words(doc, 0, len(doc) - 1, "lead") == ("Lois Lane", "name")
    doc = "The House Committee on Budgets gives an overview of the bill:"
    assert _words(doc, 0, len(doc) - 1, "lead") is not None
    doc = "What's more, some folks online were not happy with Smith, either:"
    assert _words(doc, 0, len(doc) - 1, "lead") is None  # Smith is not the subject
