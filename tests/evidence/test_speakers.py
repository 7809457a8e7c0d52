"""Who is speaking (analysis.evidence.speakers): a quotation's attribution resolved to a person of the article."""
from __future__ import annotations

from analysis.evidence.speakers import full_name, last_person, resolve_speaker

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
