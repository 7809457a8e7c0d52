"""Scraped-page benchmark: real AllSides articles dressed in 14 site layouts, read back by the text loader.

Each layout is a site of its own design (a news CMS, a wire service, a local paper, a TV station,
a magazine, a WordPress blog, a newsletter platform, a portal with breadcrumbs, a CRLF portal, an
opinion site, an aggregator, a public-radio page, a seed-like page with a manifest, a plain-text
e-mail newsletter): menus, banners, cookie prompts, stamps, credits, mid-article widgets, related
lists, newsletter boxes and footers, some fixed per site (a template), some different on every
page (dates, names, other headlines). The articles come from ``../shared/data/allsides_news/`` at
run time (never stored in the project). The expected article of a page is the AllSides title and
its paragraphs of at least 4 words that are not extraction residue ("Advertisement", "Story
Continued Below", ...; see ``RESIDUE``) and not contributor lines (those go to ``byline``).

Pages are written under ``--work`` (a temporary folder by default), one folder per layout, with a
``manifest.csv`` for some layouts (outlet, date and URL; the title too for two of them) and none
for others, LF or CRLF line ends, blank-line or one-line-per-paragraph bodies. The loader learns
each site's template from its pages (:func:`analysis.corpus.templates.learn`) and reads them
(:func:`analysis.corpus.loaders.articles.iter_batches`). Per layout it reports title accuracy,
paragraph recall (expected paragraphs found in ``text``), boilerplate precision (paragraphs of
``text`` that are article paragraphs) and the share of pages fully clean (all three perfect), with
the same figures without the learned templates (rules only). Results go to
``bench/results/pages.json``. Run: ``.venv/bin/python bench/pages.py [--pages 100] [--seed 13]``.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis import config
from analysis.corpus import templates
from analysis.corpus.clean import clean_line
from analysis.corpus.lines import PageContext
from analysis.corpus.loaders.articles import iter_batches
from analysis.corpus.patterns import is_byline

TARGET_CLEAN = 0.95
TARGET_LAYOUT_CLEAN = 0.85
TARGET_RECALL = 0.99
RESIDUE = re.compile(
    r"(advertisement:?( advertisement)*|ad|story continued below|sign up for daily( opinion)? newsletters?( manage newsletters)?"
    r"|manage newsletters|more on this\.*|advertisement continue reading the main story|special coverage: .*|_{2,}|(\* ?)+"
    r"|\[pullquote\]|read more:?|photo|video|close|email|whatsapp|follow @\w+|share this article.*|slideshow \(\d+ images\)"
    r"|this article is more than \d+ years? old|support vox’s explanatory journalism|- follow .*|follow us on twitter .*"
    # extraction residue seen in the AllSides texts: copyright and reprint lines, image captions and
    # credits, newsletter sign-ups, links to other stories and embeds
    r"|copyright ©.*|.*click here for reprint permission\.?|enlarge this image.*|.*\((ap|reuters|afp|getty)[^)]*photo[^)]*\)\.?"
    r"|sign up for .{0,60}newsletter.*|get .{0,80}delivered to your inbox.*|follow [\w .@]{1,40} on twitter\.?"
    r"|read or share this story: .*|see also: .*|watch: .*|related: .*|read on: ?.*|read .{1,60} on scribd"
    r"|close .*|.*https://t\.co/.*|.*pic\.twitter\.com/.*|.*\((photo|reuters|ap|afp|getty)[^)]*\)|cover: .*|collapse .*|listen to article.*|.*\. photograph: [^.]*"
    r"|(read|see) more( about)?:? ?.*|more: ?.*|follow .{1,60} on twitter.*|photos?: .*|— with assistance by .*|contributing: .*"
    r"|toggle caption .*|\(copyright .*|just watched .*|.* on scribd|get our .{0,30}newsletter.*"
    r"|updated (at )?.{0,20}\d{1,2}(:\d{2})? [ap]\.m\..*|.*\(photo: [^)]*\).*|.* \| [\w. ]+/(politico|getty images|ap)"
    r"|.*\bphotograph: .*|.*(https?://|\w@\w+\.\w).*|special for usa today"
    r"|.*\((image source|photo credit|credit|source): [^)]*\)\.?|(feature |featured )?(photo|image)( credit)?: .*"
    r"|follow .{1,80} on (facebook|twitter|instagram).*|join us on facebook.*|read cnnopinion.*|follow @\w+( follow @\w+)*"
    r"|© .*|copyright \d{4} .*|.*delivered straight to your inbox.*|click here for more .*|graphic: .*"
    r"|.* \| getty images|.*\(\w+ via youtube\)|hide caption .*|(next|prev) image \d+ of \d+|produced by .*|music: .*"
    r"|get your free factsheet: .*|sign up for the .{0,40}briefing|.*\bis a member of usa today's board of contributors.*"
    r")", re.IGNORECASE)
# a line that only names authors ("David Jackson and Kevin Johnson", "Dr. Richard E. Besser")
AUTHORS = re.compile(r"(?:(?:Dr|Mr|Ms|Sen|Rep)\. )?(?:[A-Z][\w’'-]*\.?)(?: [A-Z][\w’'-]*\.?){0,3}"
                     r"(?:(?:,? and |, )(?:[A-Z][\w’'-]*\.?)(?: [A-Z][\w’'-]*\.?){0,3})*",
    re.IGNORECASE)
FIRST = ["Ana", "John", "Maria", "David", "Sarah", "Michael", "Laura", "James", "Priya", "Kevin", "Elena", "Omar"]
LAST = ["Ruiz", "Smith", "Chen", "Okafor", "Novak", "Brennan", "Haddad", "Larsen", "Moreau", "Patel", "Kowalski", "Reyes"]
AGENCY = ["AP", "Getty Images", "Reuters", "AFP via Getty Images", "Bloomberg", "Pool"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

SET_ASIDE = [0, 0]              # source paragraphs set aside as residue / short / bylines, of all read
Item = tuple[str, str]          # (line, role): role is "title", "para" or "bp" (boilerplate)


def load_articles(path: Path, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` AllSides articles (title, usable paragraphs, date, authors), drawn at random."""
    recs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            title = " ".join(r["title"].split())
            paras = [" ".join(p.split()) for p in r["text"].split("\n\n")]
            if paras and paras[0].startswith("Story highlights"):     # CNN's highlights box, not the article
                k = next((i for i, p in enumerate(paras) if p.endswith((".", ".”", '."'))
                          and not p.startswith("Story highlights")), len(paras))
                paras = paras[k:]
            n_all = len(paras)
            paras = [p for p in paras if len(p.split()) >= 4 and not RESIDUE.fullmatch(p) and not is_byline(p)
                     and not (len(p.split()) <= 8 and AUTHORS.fullmatch(p))
                     and p.casefold() != title.casefold()]
            SET_ASIDE[0] += n_all - len(paras)
            SET_ASIDE[1] += n_all
            paras = list(dict.fromkeys(paras))
            if len(paras) >= 3 and title:
                recs.append({"title": title, "paras": paras, "date": r["date"], "authors": r.get("authors") or "",
                             "url": r["url"], "source": r["source"]})
    rng = random.Random(seed)
    rng.shuffle(recs)
    return recs[:n]


def person(rng: random.Random) -> str:
    """A made-up reporter name."""
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def long_date(d: str) -> str:
    """'2019-03-04' -> 'March 4, 2019'."""
    y, m, day = d.split("-")
    return f"{MONTHS[int(m) - 1]} {int(day)}, {y}"


def short_date(d: str) -> str:
    """'2019-03-04' -> 'Mar 4, 2019'."""
    y, m, day = d.split("-")
    return f"{MONTHS[int(m) - 1][:3]} {int(day)}, {y}"


def body(paras: list[str], rng: random.Random, widgets: list[list[str]], every: int = 4) -> list[Item]:
    """Article paragraphs with a widget (a list of boilerplate lines) after every ``every`` paragraphs."""
    out: list[Item] = []
    k = 0
    for i, p in enumerate(paras):
        out.append((p, "para"))
        if widgets and (i + 1) % every == 0 and i + 1 < len(paras):
            out += [(x, "bp") for x in widgets[k % len(widgets)]]
            k += 1
    return out


def bp(*lines: str) -> list[Item]:
    """Boilerplate items."""
    return [(x, "bp") for x in lines]


# ------------------------------------------------------------------------------------------ layouts
def news_cms(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Arc-style news site: skip link, menu, breadcrumb, stamps, reading time, ads and read-more mid-body."""
    return (bp("Skip to main content", "Menu", "Search", "Politics", "Business", "World", "Opinion", "Health",
               "Sign In", "Subscribe", "Home › Politics") + [(a["title"], "title")]
            + bp(f"By {person(rng)}", f"Published {rng.randint(1, 12)}:{rng.randint(10, 59)} AM EST, {short_date(a['date'])}"
                 f" | Updated {rng.randint(1, 9)} hours ago", f"{rng.randint(2, 14)} min read")
            + body(a["paras"], rng, [["Advertisement"], [f"Read more: {rng.choice(others)}"]], 3)
            + bp("Related Stories", *rng.sample(others, 3), "© 2025 Capitol Daily Media LLC. All rights reserved.",
                 "Privacy Policy | Terms of Use | Cookie Policy"))


def wire(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Wire service: brand line, section, dateline stamps, share row, editing credit, trust principles."""
    return (bp("World Wire", "World") + [(a["title"], "title")]
            + bp(f"By {person(rng)} and {person(rng)}", f"{long_date(a['date'])} {rng.randint(1, 11)}:{rng.randint(10, 59)} PM UTC",
                 f"Updated {rng.randint(2, 50)} minutes ago", "Share", "X", "Facebook", "LinkedIn", "Email")
            + body(a["paras"], rng, [])
            + bp(f"Reporting by {person(rng)}; Editing by {person(rng)}",
                 "Our Standards: The Thomson Reuters Trust Principles.", "Purchase Licensing Rights",
                 "Read Next", *rng.sample(others, 2)))


def local_paper(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Local paper: cookie banner on top, masthead links, ads mid-article, most-read list, copyright."""
    return (bp("We use cookies to personalize content and ads and to analyze our traffic. By continuing to use our site you agree.",
               "Accept", "Reject All", "The Harbor Gazette", "Subscribe", "Log In", "e-Edition", "Local")
            + [(a["title"], "title")]
            + bp(f"By {person(rng)} Staff Writer", f"Posted {short_date(a['date'])}")
            + body(a["paras"], rng, [["Story continues below advertisement"], ["ADVERTISEMENT"]], 4)
            + bp("Most Read", *rng.sample(others, 5), "Copyright 2025 The Harbor Gazette. All rights reserved."))


def tv_station(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """TV station: watch-live menu, trending list above the story, photo credit, caption, broadcast copyright."""
    name = person(rng)
    return (bp("Watch Live", "News", "Weather", "Sports", "Traffic", "Contests", "Trending Now", *rng.sample(others, 3))
            + [(a["title"], "title")]
            + bp(f"Updated {rng.randint(1, 9)} hour ago" if rng.random() < 0.3 else f"Updated {rng.randint(2, 9)} hours ago",
                 f"Photo: {name}/{rng.choice(AGENCY)}")
            + body(a["paras"], rng, [["Trending Stories", *rng.sample(others, 2)]], 5)
            + bp("Copyright 2025 Nexstar Media Inc. All rights reserved. This material may not be published, broadcast, "
                 "rewritten, or redistributed."))


def magazine(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Magazine: section, audio player, newsletter box mid-article, you-may-also-like list."""
    box = ["Sign up for The Weekly Review", "Get our best stories delivered to your inbox every week.",
           "Enter your email", "Sign Up", "By signing up, you agree to our Privacy Policy and Terms of Use."]
    return (bp("Ideas") + [(a["title"], "title")]
            + bp(f"By {person(rng)}", long_date(a["date"]), "Listen to this article", f"{rng.randint(5, 19)} min read")
            + body(a["paras"], rng, [box], 5)
            + bp("You May Also Like", *rng.sample(others, 3), "Share", "Facebook", "Twitter"))


def blog(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """WordPress blog: breadcrumb with the site, posted-on line, share/like block, related, comment form."""
    return (bp("Policy Notes", "Home / Politics") + [(a["title"], "title")]
            + bp(f"Posted on {long_date(a['date'])} by {person(rng)}")
            + body(a["paras"], rng, [])
            + bp("Share this:", "Twitter", "Facebook", "Like this:", "Like Loading...", "Related",
                 *rng.sample(others, 3), "Leave a Reply", "Cancel reply",
                 "Your email address will not be published. Required fields are marked *", "Comment *", "Name *",
                 "Email *", "Website", "Save my name, email, and website in this browser for the next time I comment.",
                 "Post Comment"))


def newsletter(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Newsletter platform: publication name first, counters, subscribe box mid-post, share/comment footer."""
    pub = "The Policy Memo"
    return (bp(pub, "Subscribe", "Sign in") + [(a["title"], "title")]
            + bp(person(rng), short_date(a["date"]), str(rng.randint(3, 90)), str(rng.randint(1, 30)), "Share")
            + body(a["paras"], rng, [[f"Thanks for reading {pub}! Subscribe for free to receive new posts and support my work.",
                                     "Type your email…", "Subscribe"]], 4)
            + bp("Share", "Leave a comment", f"© 2025 {person(rng)}", "Privacy ∙ Terms ∙ Collection notice",
                 "Start Writing", "Get the app"))


def portal(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Portal: breadcrumb trail with the section, byline and date on one line, tags, cookie notice at the bottom."""
    return (bp("Home » News » Politics") + [(a["title"], "title")]
            + bp(f"By {person(rng)} | {long_date(a['date'])}")
            + body(a["paras"], rng, [["Also Read: " + rng.choice(others)]], 4)
            + bp("Tags: politics, congress, policy", "This site uses cookies to improve your experience.",
                 "Got it", "Manage Cookies"))


def crlf_portal(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """CRLF page, one line per paragraph: pipe menu, dateline, footer link block."""
    return (bp("Home | News | Politics | Opinion | Video") + [(a["title"], "title")]
            + bp(short_date(a["date"]))
            + body(a["paras"], rng, [])
            + bp("More News", *rng.sample(others, 2), "About Us", "Contact Us", "Privacy Policy", "Terms of Service"))


def opinion(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Opinion site: breaking banner above the headline, donation prompt mid-piece, newsletter footer."""
    return (bp(f"BREAKING NEWS: {rng.choice(others)}", "Opinion") + [(a["title"], "title")]
            + bp(f"By {person(rng)}", f"Updated {long_date(a['date'])} 6:00am")
            + body(a["paras"], rng, [["Support independent journalism. Donate today."]], 6)
            + bp("Newsletter", "Sign up for our Morning Email newsletter", "Sign Up", "Most Popular",
                 *rng.sample(others, 4)))


def aggregator(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Aggregator: source banner, original-link line, read-the-full-story footer and more headlines."""
    return (bp("NewsHub", "Top Stories", "Latest", "Local", "For You") + [(a["title"], "title")]
            + bp(short_date(a["date"]), f"{rng.randint(2, 9)} min read")
            + body(a["paras"], rng, [])
            + bp("Read the full story at the original site", "More Headlines", *rng.sample(others, 4),
                 "Download our free app for breaking news alerts."))


def public_radio(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Public-radio page: audio controls, show credit, author name alone, image credits and captions."""
    return (bp("Listen", "· 4:32", "Download", "Embed") + [(a["title"], "title")]
            + bp(f"{long_date(a['date'])} 5:00 AM ET", "Heard on Morning Edition", person(rng))
            + body(a["paras"], rng, [["Enlarge this image", f"{person(rng)}/{rng.choice(AGENCY)}", "toggle caption"]], 4)
            + bp("Sign up for the Up First newsletter", "Copyright 2025 Public Radio. To see more, visit publicradio.org."))


def seed_like(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """Seed-like page (headline repeated, section, contributor line, comment form), title also in the manifest."""
    return ([(a["title"], "title")] + bp("World", a["title"], a["title"])
            + body(a["paras"], rng, [])
            + bp(f"Special correspondent {person(rng)} contributed to this report.", "Leave a Reply",
                 "Your email address will not be published. Required fields are marked *"))


def email_export(a: dict[str, Any], rng: random.Random, others: list[str]) -> list[Item]:
    """E-mail newsletter saved as text: view-in-browser line, greeting banner, unsubscribe footer."""
    return (bp("View this email in your browser", "Capitol Briefing", f"{long_date(a['date'])}")
            + [(a["title"], "title")] + bp(f"By {person(rng)}")
            + body(a["paras"], rng, [])
            + bp("Forwarded this email? Subscribe here for more", "Unsubscribe | Update your preferences",
                 "You are receiving this email because you signed up for Capitol Briefing.",
                 "Capitol Briefing, 1 Main Street, Washington, DC 20001"))


# name -> (builder, line ending, blank lines between paragraphs, manifest fields)
LAYOUTS: dict[str, tuple[Callable[[dict[str, Any], random.Random, list[str]], list[Item]], str, bool, tuple[str, ...]]] = {
    "news_cms": (news_cms, "\n", True, ("source", "date", "url")),
    "wire": (wire, "\n", True, ("source", "url")),
    "local_paper": (local_paper, "\r\n", True, ()),
    "tv_station": (tv_station, "\n", False, ("url",)),
    "magazine": (magazine, "\n", True, ("source", "date")),
    "blog": (blog, "\n", True, ()),
    "newsletter": (newsletter, "\n", True, ("source", "date", "url")),
    "portal": (portal, "\r\n", True, ("source",)),
    "crlf_portal": (crlf_portal, "\r\n", False, ("source", "date")),
    "opinion": (opinion, "\n", True, ("source", "title")),
    "aggregator": (aggregator, "\n", False, ()),
    "public_radio": (public_radio, "\n", True, ("source", "date", "url")),
    "seed_like": (seed_like, "\n", True, ("source", "date", "title")),
    "email_export": (email_export, "\r\n", True, ("source",)),
}


def write_pages(root: Path, articles: list[dict[str, Any]], per_layout: int, seed: int) -> list[dict[str, Any]]:
    """Write ``per_layout`` pages of every layout under ``root``; return the expected article of each."""
    rng = random.Random(seed)
    titles = [a["title"] for a in articles]
    expected = []
    k = 0
    for name, (build, eol, blank, fields) in LAYOUTS.items():
        folder = root / name
        folder.mkdir(parents=True)
        rows = []
        for j in range(per_layout):
            a = articles[k % len(articles)]
            k += 1
            others = [t for t in rng.sample(titles, 8) if t != a["title"]]
            items = build(a, rng, others)
            sep = eol * 2 if blank else eol
            page = sep.join(x for x, _ in items) + eol
            fname = f"{j:04d}.txt"
            (folder / fname).write_bytes(page.encode("utf-8"))
            site = f"{name.replace('_', ' ').title()} Site"
            meta = {"path": fname, "source": site, "date": a["date"], "url": f"https://www.{name}.example/{j}",
                    "title": a["title"]}
            rows.append({f: meta[f] for f in ("path", *fields)})
            expected.append({"layout": name, "file": str(folder / fname), "title": a["title"], "paras": a["paras"],
                             "boilerplate": [x for x, r in items if r == "bp"]})
        if fields:
            with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=["path", *fields])
                w.writeheader()
                w.writerows(rows)
    return expected


def norm(s: str) -> str:
    """Compare text as the loader stores it (NFC, single spaces)."""
    return clean_line(s)


def evaluate(root: Path, expected: list[dict[str, Any]], pages: PageContext) -> dict[str, Any]:
    """Read the pages with ``pages`` (templates or none); return figures per layout and overall."""
    got: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    for df, skip in iter_batches([root], pages=pages, batch_rows=None, batch_bytes=None):
        for rec in df[["origin", "title", "text"]].to_dict("records"):
            got[rec["origin"]] = rec
        skipped.update({s["origin"]: s["reason"] for s in skip})
    per: dict[str, dict[str, Any]] = {}
    failures = []
    for e in expected:
        s = per.setdefault(e["layout"], {"pages": 0, "title_ok": 0, "paras": 0, "paras_kept": 0, "out_paras": 0,
                                         "out_article_paras": 0, "clean": 0})
        s["pages"] += 1
        want = [norm(p) for p in e["paras"]]
        s["paras"] += len(want)
        r = got.get(e["file"])
        if r is None:
            failures.append({"file": e["file"], "problem": f"skipped: {skipped.get(e['file'], 'missing')}"})
            continue
        title_ok = isinstance(r["title"], str) and norm(r["title"]) == norm(e["title"])
        out = [p for p in (r["text"] or "").split("\n\n") if p]
        wanted = set(want)
        kept = sum(1 for p in want if p in set(out))
        article = sum(1 for p in out if p in wanted)
        s["title_ok"] += title_ok
        s["paras_kept"] += kept
        s["out_paras"] += len(out)
        s["out_article_paras"] += article
        clean = title_ok and kept == len(want) and article == len(out)
        s["clean"] += clean
        if not clean:
            failures.append({"file": e["file"], "title": r["title"] if title_ok is False else "ok",
                             "lost": [p[:80] for p in want if p not in set(out)][:3],
                             "extra": [p[:80] for p in out if p not in wanted][:3]})
    return {"layouts": {k: figures(v) for k, v in per.items()},
            "overall": figures({k: sum(v[k] for v in per.values()) for k in next(iter(per.values()))}),
            "failures": failures}


def figures(s: dict[str, int]) -> dict[str, Any]:
    """Rates from the counts of one layout (or all)."""
    return {"pages": s["pages"], "title_accuracy": round(s["title_ok"] / s["pages"], 4),
            "paragraph_recall": round(s["paras_kept"] / max(s["paras"], 1), 4),
            "boilerplate_precision": round(s["out_article_paras"] / max(s["out_paras"], 1), 4),
            "fully_clean": round(s["clean"] / s["pages"], 4)}


def run(work: Path, per_layout: int, seed: int) -> dict[str, Any]:
    """Generate, learn, read and score; return the results."""
    articles = load_articles(config.ALLSIDES_JSONL, max(per_layout * len(LAYOUTS), 50), seed)
    expected = write_pages(work / "pages", articles, per_layout, seed)
    t = time.perf_counter()
    learned = templates.learn([work / "pages"])
    learn_s = time.perf_counter() - t
    t = time.perf_counter()
    with_templates = evaluate(work / "pages", expected, learned.context())
    read_s = time.perf_counter() - t
    rules_only = evaluate(work / "pages", expected, PageContext())
    o = with_templates["overall"]
    run.failures = with_templates["failures"]      # article text: shown on request, never written to results
    return {
        "pages": len(expected), "layouts": len(LAYOUTS), "per_layout": per_layout, "seed": seed,
        "source_paragraphs_set_aside": {"count": SET_ASIDE[0], "of": SET_ASIDE[1],
                                        "share": round(SET_ASIDE[0] / max(SET_ASIDE[1], 1), 4)},
        "seconds": {"learn": round(learn_s, 3), "read": round(read_s, 3)},
        "template_lines_per_site": {("folder:" + k.rsplit("/", 1)[-1] if k.startswith("folder:") else k): v["template_lines"]
                                    for k, v in learned.summary(0).items()},
        "with_templates": {"layouts": with_templates["layouts"], "overall": with_templates["overall"]},
        "failed_pages": len(with_templates["failures"]),
        "rules_only": {"layouts": rules_only["layouts"], "overall": rules_only["overall"]},
        "targets": {"fully_clean": TARGET_CLEAN, "layout_fully_clean": TARGET_LAYOUT_CLEAN,
                    "paragraph_recall": TARGET_RECALL,
                    "met": bool(o["fully_clean"] >= TARGET_CLEAN and o["paragraph_recall"] >= TARGET_RECALL
                                and all(v["fully_clean"] >= TARGET_LAYOUT_CLEAN for v in with_templates["layouts"].values()))},
    }


def report_text(r: dict[str, Any]) -> str:
    """A table of the figures per layout."""
    lines = [f"{r['pages']} pages, {r['layouts']} layouts ({r['per_layout']} each)",
             f"{'layout':14s} {'title':>6s} {'recall':>7s} {'precis':>7s} {'clean':>6s} | rules only: clean"]
    rules = r["rules_only"]["layouts"]
    for name, v in [*r["with_templates"]["layouts"].items(), ("OVERALL", r["with_templates"]["overall"])]:
        ro = rules.get(name, r["rules_only"]["overall"])
        lines.append(f"{name:14s} {v['title_accuracy']:6.3f} {v['paragraph_recall']:7.4f} {v['boilerplate_precision']:7.4f}"
                     f" {v['fully_clean']:6.3f} | {ro['fully_clean']:.3f}")
    lines.append(f"targets met: {r['targets']['met']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the results JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=100, help="pages per layout")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--work", type=Path, help="folder for the pages (default: a temporary folder, removed)")
    ap.add_argument("--out", type=Path, default=config.BENCH_RESULTS_DIR / "pages.json")
    ap.add_argument("--show-failures", type=int, default=0, metavar="N",
                    help="print N pages that were not fully clean (snippets of article text; not saved)")
    args = ap.parse_args(argv)
    if not config.ALLSIDES_JSONL.exists():
        print(f"shared data not found: {config.ALLSIDES_JSONL}", file=sys.stderr)
        return 1
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        results = run(work, args.pages, args.seed)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report_text(results))
    for f in getattr(run, "failures", [])[:args.show_failures]:
        print(json.dumps(f, ensure_ascii=False))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
