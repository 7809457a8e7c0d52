"""Boilerplate lines by wording, shape and position (analysis.corpus.lines): rules as data, prose kept."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import lines, patterns
from analysis.corpus.lines import REMOVED_COLUMN, classify, clean_frame, clean_lines, furniture, shape, source_key


@pytest.mark.parametrize("line,reason", [
    ("Watch Live", "prompt"), ("Skip to main content", "prompt"), ("Accept all cookies", "prompt"),
    ("We use cookies to personalize content and ads. By continuing you agree.", "prompt"),
    ("Thanks for reading The Policy Memo! Subscribe for free to receive new posts and support my work.", "prompt"),
    ("Type your email…", "prompt"), ("Sign up for Daily Newsletters Manage Newsletters", "prompt"),
    ("Get our best stories delivered to your inbox every week.", "prompt"),
    ("By signing up, you agree to our Privacy Policy and Terms of Use.", "prompt"),
    ("Published 10:04 AM EST, Mar 3, 2025 | Updated 1 hour ago", "stamp"), ("Updated 1 hour ago", "stamp"),
    ("4 min read", "reading_time"), ("Listen to this article", "reading_time"),
    ("Photo: Jane Doe/Reuters", "credit"), ("Chip Somodevilla/Getty Images", "credit"),
    ("Protesters march on Monday. (AP Photo/Evan Vucci)", "credit"),
    ("Read more: Senate passes the budget bill", "related"), ("Trending Now", "related"),
    ("Story Continued Below", "related"), ("More On This...", "related"),
    ("BREAKING NEWS: Storm closes schools", "related"),
    ("© 2025 Capitol Daily Media LLC. All rights reserved.", "copyright"),
    ("Our Standards: The Thomson Reuters Trust Principles.", "copyright"),
    ("This material may not be published, broadcast, rewritten, or redistributed.", "copyright"),
    ("Advertisement", "advertisement"), ("ADVERTISEMENT", "advertisement"),
    ("Leave a Reply", "comment_form"), ("Save my name, email, and website in this browser for the next time I comment.",
                                         "comment_form"),
    ("Home › Politics › Congress", "breadcrumb"), ("Home | News | Politics | Opinion | Video", "navigation"),
    ("By Ana Ruiz", "byline"), ("March 3, 2025", "date"),
])
def test_rule_reasons(line: str, reason: str) -> None:
    assert classify(line) == reason


@pytest.mark.parametrize("line", [
    "Share prices fell 3% on Friday after the company warned on profits.",
    "Readers who subscribe to the paper's newsletter were the first to learn of the vote, she said.",
    "Related talks on cookies and subscriptions will resume next week, officials said.",
    "“We’re going to let the courts play out,” Noem told reporters.",
    "Updated guidance was released by the agency on Monday, officials said.",
    "Ben Rhodes: The 9/11 era is over",
    "Sources say the deal is close.",
    "Give them a chance, the mayor said.",
])
def test_prose_with_trigger_words_stays(line: str) -> None:
    assert classify(line) is None


def test_shapes() -> None:
    assert shape("Body one.") == "prose" and shape("Weather") == "label"
    assert shape("Senate passes the budget bill after a long night") == "headline"
    assert shape("Is the economy recovering from the slump?") == "headline"
    assert shape("China Looked Tough on Trade. Now Its Options Are Dwindling.") == "headline"   # title case
    assert shape("(This version corrects the name of the engine maker in paragraph 22)") == "prose"
    assert shape("word " * 25) == "prose"


def test_line_lists_are_decided_like_single_lines() -> None:
    got = ["4 min read", "By Ana Ruiz", "Weather", "Share prices fell.", "x " * 200, "Home » Politics", "4 min read"]
    assert lines.classify_all(got) == [classify(x) for x in got]
    assert lines.shapes_of(got) == [shape(x) for x in got]


def test_line_memory_rotates_when_full_and_forgets_after_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full memory becomes the previous fill (a line found there moves back, undecided); a rules reset
    empties it; the decisions stay those of the single-line functions."""
    decided: list[str] = []

    def decide(line: str) -> int:
        decided.append(line)
        return len(line)

    memory = lines.LineMemory(decide)
    monkeypatch.setattr(lines, "CACHE_MAX", 2)
    assert [memory[x] for x in ("a", "bb", "a")] == [1, 2, 1] and decided == ["a", "bb"]
    assert memory["ccc"] == 3 and set(memory) == {"ccc"} and set(memory.old) == {"a", "bb"}
    assert memory["a"] == 1 and decided == ["a", "bb", "ccc"]          # moved back from the previous fill
    patterns.reset()
    assert memory.current() is memory and not memory and not memory.old
    assert memory["a"] == 1 and decided[-1] == "a"
    got = ["Advertisement", "Weather", "Share prices fell.", "Watch Live"] * 2
    assert lines.classify_all(got) == [classify(x) for x in got] and lines.shapes_of(got) == [shape(x) for x in got]


def test_menus_lists_and_footer_by_position() -> None:
    long = "Body paragraph three goes on for quite a while, much longer than any teaser of another story would ever be."
    paras = ["Body paragraph one.", "News", "Sports", "Weather", "Body paragraph two.", "Related",
             "Other headline one here", "Other headline two here", long, "Subhead at the end"]
    marks = furniture(paras, [classify(p) for p in paras], [shape(p) for p in paras])
    assert marks == [None, "menu", "menu", "menu", None, "related", "link_list", "link_list", None, "footer"]
    teasers = ["Body.", "Most Read", "Other headline one here", "It runs deep. It is also evolving."]
    marks = furniture(teasers, [classify(p) for p in teasers], [shape(p) for p in teasers])
    assert marks == [None, "related", "link_list", "link_list"]          # a teaser sentence ends the page's list


def test_footer_spares_a_sentence_right_after_the_body() -> None:
    paras = ["Body paragraph one.", "Can we have a vote on that?", "Other headline one here", "Stay safe out there!"]
    marks = furniture(paras, [classify(p) for p in paras], [shape(p) for p in paras])
    assert marks == [None, None, "footer", "footer"]          # after the first footer line, the footer runs on
    assert lines.is_sentence("Stay safe out there!") and not lines.is_sentence("Trump Wins the Senate Vote?")


def test_repeated_widget_takes_only_the_lines_it_repeats() -> None:
    widget = ["Trending Stories", "Other headline one here", "A teaser sentence. It ends in a period."]
    paras = ["Body paragraph one.", *widget, "A subhead after the widget", "Body paragraph two.",
             *widget, "Body paragraph three."]
    marks = furniture(paras, [classify(p) for p in paras], [shape(p) for p in paras])
    assert marks == [None, "related", "link_list", "link_list", None, None, "related", "link_list", "link_list", None]
    rotating = ["Body paragraph one.", "Trending Stories", "Headline one here", "Subhead here", "Body two.",
                "Trending Stories", "Headline two here", "Body three."]
    marks = furniture(rotating, [classify(p) for p in rotating], [shape(p) for p in rotating])
    assert marks[2:4] == ["link_list", "link_list"]      # items differ each time: shape rules decide, as before


def test_comment_form_ends_the_page() -> None:
    paras = ["Body.", "Leave a Reply", "Great article, I agree with every word of it."]
    assert furniture(paras, [classify(p) for p in paras], [shape(p) for p in paras]) == [None, "comment_form", "comment_form"]


def test_clean_lines_removes_whole_lines_and_reports_them() -> None:
    text = ("First paragraph of the story.\n\nAdvertisement\n\nSecond paragraph, with a share of the vote.\n\n"
            "Story Continued Below\n\nRelated\n\nA headline elsewhere\n\nAnother headline elsewhere")
    kept, removed = clean_lines(text)
    assert kept == "First paragraph of the story.\n\nSecond paragraph, with a share of the vote."
    assert removed == [("advertisement", "Advertisement"), ("related", "Story Continued Below"), ("related", "Related"),
                       ("link_list", "A headline elsewhere"), ("link_list", "Another headline elsewhere")]


def test_clean_lines_keeps_short_article_lines() -> None:
    text = "Stage: Preclinical\nType: Treatment\nFatigue\n\nThe vaccine entered trials.\n\nJoin the conversation\n\nMore text."
    kept, removed = clean_lines(text)
    assert "Fatigue" in kept and "More text." in kept        # no menus, no comment cut inside an article body
    assert removed == [("comment_form", "Join the conversation")]


def test_clean_frame_keeps_removed_lines_recoverable() -> None:
    df = pd.DataFrame({"text": ["A line.\n\nAdvertisement\n\nB line.", "Clean text.", None], "n_words": [3, 2, 0]})
    out, counts = clean_frame(df)
    assert out["text"].tolist()[:2] == ["A line.\n\nB line.", "Clean text."] and counts == {"advertisement": 1}
    assert out[REMOVED_COLUMN].tolist()[0] == "advertisement\tAdvertisement" and pd.isna(out[REMOVED_COLUMN][1])
    assert out["n_words"].tolist()[:2] == [4, 2]


def test_rules_are_data_and_extendable() -> None:
    assert all(isinstance(p, str) for rules in patterns.LINE_RULES.values() for p in rules)
    assert classify("Powered by Example CMS") is None
    patterns.LINE_RULES["prompt"].append(r"powered by .{1,40}")
    patterns.reset()
    try:
        assert classify("Powered by Example CMS") == "prompt"          # the compiled rules follow the data
    finally:
        patterns.LINE_RULES["prompt"].pop()
        patterns.reset()
    assert classify("Powered by Example CMS") is None


def test_source_key_prefers_outlet_then_host_then_folder(tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    assert source_key(page, {"source": " Gazette ", "url": "https://x.example/1"}) == "source:Gazette"
    assert source_key(page, {"url": "https://www.x.example/1"}) == "host:x.example"
    assert source_key(page, {}) == f"folder:{tmp_path}"
    assert lines.PageContext().lines_for(page, {}) == frozenset()
