"""Finding a finding's evidence again in its block's text: shared by the annotated .docx and the HTML page."""

from __future__ import annotations


def find_occurrence(text: str, words: str, occurrence: int) -> int:
    """Start of the occurrence-th match of `words` (0-based; the last one if there are fewer), exact case first,
    then any case; -1 if none."""
    for haystack, needle in ((text, words), (text.lower(), words.lower())):
        starts: list[int] = []
        start = haystack.find(needle)
        while start != -1:
            starts.append(start)
            start = haystack.find(needle, start + 1)
        if starts:
            return starts[min(occurrence, len(starts) - 1)]
    return -1
