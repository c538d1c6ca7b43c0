"""`xxgk show`: a number followed back to its file, for a PDF, an HTML and a DOCX report."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from flows.cli import main
from tests.analysts.conftest import SampleRun


def red_box(path: Path) -> tuple[int, int, int, int] | None:
    """Bounding box of the pure red pixels the renderer draws around the cell."""
    image = Image.open(path).convert("RGB")
    mask = Image.eval(image.getchannel("R"), lambda v: 255 if v > 200 else 0)
    green = Image.eval(image.getchannel("G"), lambda v: 255 if v < 60 else 0)
    return Image.composite(mask, Image.new("L", image.size, 0), green).getbbox()


@pytest.mark.parametrize("report, key, expected", [
    ("沙坡头区滨河镇 2024", "3.carried_over.total", ["raw      '1'", "page 2, bbox [", "Y-1 fail"]),
    ("淮安市洪泽区/2023", "s3_carried_forward__total", ["value    999", "table 1, row 27", "T3-1 fail", "T3-7"]),
    ("沙坡头区柔远镇 2023", "3.new_requests.total", ["value    32", "rouyuan-2023.docx", "table 1, row 3"]),
], ids=["pdf", "html", "docx"])
def test_show_prints_the_cell_and_draws_it(sample_run: SampleRun, tmp_path: Path, report: str, key: str,
                                           expected: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "cell.png"
    assert main(["show", report, key, "--png", str(png), "--warehouse", str(sample_run.warehouse)]) == 0
    out = capsys.readouterr().out
    assert all(text in out for text in expected), out
    box = red_box(png)
    assert box is not None
    width, height = Image.open(png).size
    assert 10 < box[2] - box[0] < width / 2 and 10 < box[3] - box[1] < height  # one cell, not the page


def test_show_pdf_box_sits_on_the_recorded_bbox(sample_run: SampleRun, tmp_path: Path) -> None:
    import duckdb

    png = tmp_path / "cell.png"
    assert main(["show", "沙坡头区滨河镇 2023", "3.new_requests.total", "--png", str(png),
                 "--warehouse", str(sample_run.warehouse)]) == 0
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        [(bbox,)] = con.execute("SELECT c.bbox FROM cells c JOIN reports r USING (report_id) WHERE r.year = 2023 "
                                "AND r.agency = '沙坡头区滨河镇' AND c.section = 3 AND c.row_key = 'new_requests' "
                                "AND c.col_key = 'total'").fetchall()
    box = red_box(png)
    assert box is not None and abs(box[0] - (bbox[0] * 2 - 6)) <= 4 and abs(box[2] - (bbox[2] * 2 + 6)) <= 4


@pytest.mark.parametrize("report, key, message", [
    ("nosuchreport", "3.new_requests.total", "no current report matches"),
    ("沙坡头区滨河镇 2024", "3.no_such_row.total", "has no cell"),
    ("沙坡头区滨河镇 2024", "new_requests", "is not a cell key"),
])
def test_show_explains_what_it_cannot_find(sample_run: SampleRun, report: str, key: str, message: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", report, key, "--warehouse", str(sample_run.warehouse)]) == 1
    assert message in capsys.readouterr().err
