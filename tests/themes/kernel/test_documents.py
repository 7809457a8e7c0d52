"""The compiled sentence splitter and document assembly agree with the Python ones on real and tricky text."""
from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.text.sentences import document_text, sentence_spans
from analysis.themes.kernel.charclasses import char_tables
from analysis.themes.kernel.documents import assemble, find_marks, sentence_starts
from analysis.themes.matcher import text_buffers

EDGE = [
    "", " ", "\n\n", "One.", "He met Sen. Smith in the U.S. on Friday. It rained.",
    "Ties with the U.S. matter. U.S. authorities agreed. The U.S. Then it rained.",
    "J. Smith spoke. (A. Jones agreed.) “B. Cole?” 'C. Dunn!' [D. Eve...] E. F. Kennedy.",
    "Wait... What?! Yes… “Quoted.” ’Tis so.) Next. 3 p.m. Friday. 4 a.m. No. No.\u00a0Yes.\u2009Then.",
    "Para one.\n \t\nPara two.\n\n\n  \nPara three.\nSame para. À la carte. Émile left.",
    "A.\nB. c. D.E. F.G. Hi.", "x" * 50 + ". Tail.", "Mr." + " " * 3 + "Lee. Ms. Ng. Dr. Who. Gen. X.",
    "The U.S.-Mexico talks. U.K. officials. The E.U. And then.", "İstanbul. KELVIN \u212a. End 🚀. Next 𝐀.",
]


def _starts(doc: str) -> list[int]:
    """Sentence starts of one document by the compiled splitter."""
    cps = np.frombuffer(doc.encode("utf-32-le"), dtype=np.uint32).astype(np.int32)  # as the scan's buffer
    t = char_tables()
    n = len(doc)
    marks, out = np.empty(n + 2, np.int64), np.empty(n + 2, np.int64)
    nm = find_marks(cps, 0, n, t.flags, marks)
    k = sentence_starts(cps, 0, n, marks, nm, t.flags, t.lower, *t.never, *t.starters, out)
    return out[:k].tolist()


def _check(docs: list[str]) -> None:
    """Sentence starts equal the Python splitter's for every document."""
    for doc in docs:
        assert _starts(doc) == [s for s, _ in sentence_spans(doc)], doc[:200]


def test_assemble_builds_document_text():
    pairs = [("  Title ", " Body.\n"), ("", "Body"), ("T", None), (None, None), ("\u2009", " x "), ("Ünï 🚀", "çé")]
    titles, texts = text_buffers([p[0] for p in pairs]), text_buffers([p[1] for p in pairs])
    buf = np.empty(64, np.int32)
    for d, (title, text) in enumerate(pairs):
        n, title_end = assemble(*titles, *texts, d, False, buf, char_tables().flags)
        want = document_text(title, text)
        assert "".join(map(chr, buf[:n])) == want
        assert title_end == (len(title.strip()) if title else 0)


def test_edge_cases():
    _check(EDGE)


@pytest.mark.parametrize("which", ["allsides_path", "nyt_path", "seed_path"])
def test_real_documents(which, request):
    path = request.getfixturevalue(which)
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        docs = [f"{r.get('title') or ''}\n\n{r.get('text') or ''}" for r in rows]
    else:
        docs = [path.read_text(encoding="utf-8")]
    _check(docs)
