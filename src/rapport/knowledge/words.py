"""The words of a search or of a ticket, as both full-text backends are asked about them.

Queries are built from words only (letters and digits; no operators, quotes or punctuation
reach the database), and common English words are left out, so FTS5 (which has no stop words)
and PostgreSQL's 'english' configuration (which drops its own) answer the same question.
"""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 12
MIN_SIGNIFICANT = 3  # shorter words say little about a ticket
_STOP_WORDS = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can cannot could did do does doing down during each few for
    from further get got had has have having he her here hers herself him himself his how i if
    in into is it its itself just let me more most my myself no nor not of off on once only or
    other ought our ours ourselves out over own please same she should so some such than thank
    thanks that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves hi hello dear regards"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def query_words(text: str) -> list[str]:
    """The words of a search, lower-case, in order, without stop words or repeats."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def significant_words(subject: str, message: str, limit: int = 8) -> list[str]:
    """The words that best say what a ticket is about: frequent, not common, and those of the
    subject counted twice (a subject names the problem; a message also greets and signs)."""
    counts: Counter[str] = Counter()
    for weight, text in ((2, subject), (1, message)):
        for word in _WORD.findall(text.lower()):
            if len(word) >= MIN_SIGNIFICANT and word not in STOP_WORDS and not word.isdigit():
                counts[word] += weight
    return [word for word, _ in counts.most_common(limit)]
