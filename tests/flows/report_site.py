"""The crawler's fixture website serving REAL rendered reports, and helpers to read a warehouse back.

Shared by the crawl-flow and Dask tests: every report slot of `tests/crawl/site.py` gets a report
rendered from a random answer key (PDF, DOCX, inline HTML in UTF-8 and GBK), each for a different
agency-year so none replaces another.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from tests.crawl.site import B_DOWNLOAD, SiteContent
from tests.fixtures.make_examples import BINHE, DONGYUAN, HONGZE, ROUYUAN
from tests.fixtures.render_docx import render_docx
from tests.fixtures.render_html import HtmlLayout, render_html
from tests.fixtures.render_pdf import PdfLayout, render_pdf
from tests.fixtures.values import make_answer

# site path → (answer, format); the paths are those tests/crawl/site.py serves each slot at.
INLINE_2023 = "/a/xxgknb/2024/t20240120_101.html"
PDF_2022 = "/a/files/P020230118.pdf"
DOCX_2021 = "/a/files/report-2021.docx"
INLINE_2020 = "/a/xxgknb/2021/t20210120_104.html"  # reached through a redirect
FLAKY_2019 = "/a/xxgknb/flaky.html"  # 500 twice, then the report
GBK_2023 = "/b/ndbg/202401/t20240201_1.html"
B_PDF_2022 = B_DOWNLOAD  # a PDF behind download.jsp?filename=…

TABLES = ("reports", "cells", "check_results", "quarantine")


@dataclass
class RenderedSite:
    """The content to serve and the answer key behind each report URL path."""

    content: SiteContent
    answers: dict[str, dict[str, Any]]


def rendered_site(workdir: Path) -> RenderedSite:
    """Render one report per slot (distinct agency-years), PDF and DOCX via files in `workdir`."""
    answers = {
        INLINE_2023: make_answer(31, agency=DONGYUAN, year=2023, scale=30),
        PDF_2022: make_answer(32, agency=BINHE, year=2022, scale=30),
        DOCX_2021: make_answer(33, agency=ROUYUAN, year=2021, scale=30),
        INLINE_2020: make_answer(34, agency=DONGYUAN, year=2020, scale=30),
        FLAKY_2019: make_answer(35, agency=DONGYUAN, year=2019, scale=30),
        GBK_2023: make_answer(36, agency=HONGZE, year=2023, scale=200),
        B_PDF_2022: make_answer(37, agency=HONGZE, year=2022, scale=200),
    }
    pdf_a, pdf_b, docx = workdir / "a.pdf", workdir / "b.pdf", workdir / "a.docx"
    render_pdf(answers[PDF_2022], pdf_a, PdfLayout())
    render_pdf(answers[B_PDF_2022], pdf_b, PdfLayout(name="no-rules", ruled=False))
    render_docx(answers[DOCX_2021], docx)
    content = SiteContent(
        a_inline_2023=render_html(answers[INLINE_2023]),
        a_pdf_2022=pdf_a.read_bytes(),
        a_docx_2021=docx.read_bytes(),
        a_inline_2020=render_html(answers[INLINE_2020], HtmlLayout(word_markup=True)),
        a_inline_2019=render_html(answers[FLAKY_2019]),
        b_inline_gbk_2023=render_html(answers[GBK_2023], HtmlLayout(encoding="gbk")),
        b_pdf_2022=pdf_b.read_bytes(),
    )
    return RenderedSite(content, answers)


def sources_toml(path: Path, *sources: tuple[str, str]) -> Path:
    """Write a sources file with one [[source]] per (name, start_url)."""
    path.write_text("".join(f'[[source]]\nname = "{name}"\nstart_url = "{url}"\n\n' for name, url in sources),
                    encoding="utf-8")
    return path


def closed_port() -> int:
    """A loopback port nobody listens on: an unreachable host, without leaving the machine."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def query(warehouse: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def contents(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The contract tables' rows without load timestamps, sorted: what two equal loads share."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in TABLES:
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [table]).fetchall() if c not in ("loaded_at", "seen_at", "checked_at", "fetched_at")]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
    return out


def cell_values(warehouse: Path, source: str) -> dict[tuple[int, str, str], float | None]:
    """Every cell of the current report loaded from `source`."""
    rows = query(warehouse, "SELECT c.section, c.row_key, c.col_key, c.value FROM cells c "
                            "JOIN reports r USING (report_id) WHERE r.source = ?", source)
    return {(s, r, c): None if v is None else float(v) for s, r, c, v in rows}


def wrong_cells(answer: dict[str, Any], cells: dict[tuple[int, str, str], float | None]) -> list[str]:
    """Answer cells the warehouse holds differently (numbers only; amount_raw strings are not cells)."""
    wrong = []
    for section in (2, 3, 4):
        for row, columns in answer[f"section{section}"].items():
            for col, expected in columns.items():
                if isinstance(expected, str):
                    continue
                got = cells.get((section, row, col))
                same = got is None if expected is None else got is not None and abs(got - expected) < 1e-4
                if not same:
                    wrong.append(f"{section}.{row}.{col}: {expected!r} != {got!r}")
    return wrong
