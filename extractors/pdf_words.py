"""pdfplumber's words of a page's upright chars, computed directly: the same words, found faster.

`pdfplumber.utils.extract_words` is general (four text directions, punctuation splitting, blank
chars, text flow) and builds a dict per word; grouping a report's body text into words was a
tenth of its reading time on the fast path. For the settings the PDF reader uses (upright text,
split where the font size changes, blanks end words) this is the same algorithm, step by step:
runs of chars of one size, each clustered into lines by `top` within the y tolerance (pdfplumber's
`cluster_objects`), each line sorted by `x0` (stably) and split into words where a char starts
left of the previous char, further right than its end plus the x tolerance, or off its line.
Pages with rotated chars (the reference path only) go to pdfplumber itself.
`tests/extractors/test_fast_path_shortcuts.py` checks both against each other on every page.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any

from pdfplumber.utils import extract_words
from pdfplumber.utils.text import LIGATURES

from extractors.pdf_borderless import Word

Char = dict[str, Any]
_RUN = itemgetter("upright", "size")
_X0 = itemgetter("x0")


def page_words(chars: list[Char], x_tolerance: float, y_tolerance: float) -> list[Word]:
    """What `extract_words(chars, x_tolerance, y_tolerance, extra_attrs=["size"])` returns, as Words."""
    if not all(char["upright"] for char in chars):
        raw = extract_words(chars, x_tolerance=x_tolerance, y_tolerance=y_tolerance, extra_attrs=["size"])
        return [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], float(w["size"])) for w in raw]
    words: list[Word] = []
    for _, run in groupby(chars, _RUN):
        for line in _lines(list(run), y_tolerance):
            _split(line, x_tolerance, y_tolerance, words)
    return words


def _lines(chars: list[Char], tolerance: float) -> list[list[Char]]:
    """pdfplumber's `cluster_objects` by `top`: distinct tops sorted, a top more than `tolerance`
    below the previous one starts a line; each line's chars in page order, then sorted by x0."""
    line_of: dict[float, int] = {}
    line, last = 0, None
    for top in sorted({char["top"] for char in chars}):
        if last is not None and top > last + tolerance:
            line += 1
        line_of[top] = line
        last = top
    if line == 0:
        return [sorted(chars, key=_X0)]
    ordered = sorted(chars, key=lambda char: line_of[char["top"]])
    return [sorted(group, key=_X0) for _, group in groupby(ordered, key=lambda char: line_of[char["top"]])]


def _split(line: list[Char], x_tolerance: float, y_tolerance: float, words: list[Word]) -> None:
    """pdfplumber's `iter_chars_to_words` (left to right, blanks not kept, no punctuation split) and
    `merge_chars` (text with ligatures expanded, the box around the chars, the first char's size),
    one pass: a char starts a word when it starts left of the previous one, further right than its
    end plus the x tolerance, or off its line by more than the y tolerance."""
    parts: list[str] = []
    x0 = top = x1 = bottom = size = last_x0 = last_x1 = last_top = 0.0
    for char in line:
        text: str = char["text"]
        if text.isspace() or text == "":  # a blank ends a word; an empty text is a word of its own
            if parts:
                words.append(Word("".join(parts), x0, top, x1, bottom, float(size)))
                parts = []
            if text == "":
                words.append(Word("", char["x0"], char["top"], char["x1"], char["bottom"], float(char["size"])))
            continue
        c_x0, c_top, c_x1, c_bottom = char["x0"], char["top"], char["x1"], char["bottom"]
        if parts and not (c_x0 < last_x0 or c_x0 > last_x1 + x_tolerance or abs(c_top - last_top) > y_tolerance):
            parts.append(LIGATURES.get(text, text))
            x0, top, x1, bottom = min(x0, c_x0), min(top, c_top), max(x1, c_x1), max(bottom, c_bottom)
        else:
            if parts:
                words.append(Word("".join(parts), x0, top, x1, bottom, float(size)))
            parts = [LIGATURES.get(text, text)]
            x0, top, x1, bottom, size = c_x0, c_top, c_x1, c_bottom, char["size"]
        last_x0, last_x1, last_top = c_x0, c_x1, c_top
    if parts:
        words.append(Word("".join(parts), x0, top, x1, bottom, float(size)))
