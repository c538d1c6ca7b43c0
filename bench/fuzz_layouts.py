"""Random combinations of every layout switch, extracted and compared cell for cell.

    .venv/bin/python bench/fuzz_layouts.py SEED COUNT

The end-to-end tests pin each layout on its own; real reports combine them. This draws COUNT
documents (HTML, Word-export HTML, flattened text, DOCX; both templates; three scales) with
random switches of tests/fixtures/report_form.FormOptions and prints every document whose
extraction differs from what a faithful extractor returns. Not a test: a search for new failures.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.checked import extract_bytes
from tests.fixtures.compare import wrong_cells
from tests.fixtures.render_docx import DocxLayout, render_docx
from tests.fixtures.render_html import HtmlLayout, render_flattened_text, render_html
from tests.fixtures.report_form import FormOptions, expected_answer
from tests.fixtures.values import make_answer
from tests.fixtures.wording import WORDINGS


def random_options(rng: random.Random, template: str) -> dict[str, Any]:
    """One random combination of layout switches (some combinations FormOptions refuses)."""
    kw: dict[str, Any] = {}
    if rng.random() < .3:
        kw["blank_zeros"] = frozenset(rng.choice([{3}, {3, 4}, {4}]))
    kw["totals_on_summary_rows_only"] = rng.random() < .2
    kw["legal_person_subtotal"] = rng.random() < .25
    kw["group_subtotals"] = rng.random() < .25
    kw["single_other_row"] = template == "2021" and rng.random() < .2
    shape = rng.random()
    if shape < .15:
        kw["transpose_section3"] = True
    elif shape < .5:
        kw["split_section3_at"] = tuple(sorted(rng.sample(range(2, 21), rng.randint(1, 2))))
        kw["repeat_header"] = rng.random() < .5
        kw["narrow_continuations"] = rng.random() < .5
    elif shape < .6:
        kw["header_inside_at"] = rng.randint(2, 20)
    kw["section4_layout"] = rng.choice(["canonical", "transposed", "transposed_grouped", "stacked_header"])
    kw["single_value"] = rng.choice(["first", "duplicated", "drift"])
    kw["garbled_captions"] = rng.random() < .3
    kw["garbled_labels"] = not kw["group_subtotals"] and not kw.get("transpose_section3") and rng.random() < .3
    kw["unit_split"] = rng.random() < .3
    kw["plus_sign"] = rng.random() < .3
    kw["headings"] = rng.choice(["chinese", "arabic", "unnumbered", "none"])
    kw["one_table"] = rng.random() < .2
    kw["number_style"] = rng.choice(["plain", "fullwidth", "thousands", "unit"])
    if rng.random() < .15 and not kw.get("blank_zeros"):
        kw["zero_marker"] = rng.choice(["—", "/", "无"])
    kw["split_section2"] = rng.random() < .3
    # a few habits of the typist; FormOptions refuses two of one family (the draw is then skipped)
    kw["wording"] = frozenset(rng.sample(sorted(WORDINGS), rng.choice([0, 0, 1, 2, 3])))
    return kw


def render(rng: random.Random, answer: dict[str, Any], options: FormOptions, folder: Path) -> tuple[str, bytes]:
    fmt = rng.choice(["html", "word", "text", "docx"])
    if fmt == "docx":
        path = folder / "f.docx"
        render_docx(answer, path, DocxLayout(form=options))
        return "x.docx", path.read_bytes()
    if fmt == "text":
        return "x.txt", render_flattened_text(answer, options, leading_pipe=rng.random() < .5)
    return "x.html", render_html(answer, HtmlLayout(form=options, word_markup=fmt == "word", seed=rng.randint(0, 99)))


def main(seed: int, count: int) -> None:
    rng = random.Random(seed)
    failures = tried = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(count):
            template = rng.choice(["2021", "2019"])
            kw = random_options(rng, template)
            try:
                options = FormOptions(**kw)
            except ValueError:
                continue
            tried += 1
            blanks = kw.get("blank_zeros") or kw["totals_on_summary_rows_only"]
            scale = rng.choice([40, 4000] if blanks else [5, 40, 4000])
            answer = make_answer(rng.randint(0, 10000), template, scale=scale)
            name, data = render(rng, answer, options, Path(tmp))
            report = extract_bytes(data, name)
            wrong = wrong_cells(expected_answer(answer, options), report)
            if wrong or report.status not in ("ok", "invalid") or report.template != template:
                failures += 1
                print("FAIL", name, template, report.status, {k: v for k, v in kw.items() if v}, wrong[:4])
    print(f"{failures}/{tried} failed, {(time.perf_counter() - start) / max(tried, 1) * 1000:.0f} ms/doc")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1, int(sys.argv[2]) if len(sys.argv) > 2 else 200)
