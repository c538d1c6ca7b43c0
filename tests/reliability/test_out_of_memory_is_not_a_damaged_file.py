"""Regression: a DOCX that ran out of memory under the worker's cap was reported as "not a readable
Word document (Unable to allocate output buffer.)", because the reader's catch-all for malformed
packages also caught zlib's MemoryError. Running out of memory is the file's size against the limit,
not its form: the readers let MemoryError through and the report says so, so the extraction pool can
name its memory limit (tests/flows/test_workers.py feeds it the real bomb)."""

from __future__ import annotations

from pathlib import Path

import pytest

import extractors.docx
import extractors.pdf
from extractors.extract import extract_bytes
from extractors.files import OUT_OF_MEMORY
from extractors.report import ReportStatus

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _allocation_fails(*_args: object, **_kwargs: object) -> None:
    raise MemoryError("Unable to allocate output buffer.")


@pytest.mark.parametrize(("library", "attribute", "example"), [
    (extractors.docx.docx, "Document", "rouyuan-2023.docx"),
    (extractors.pdf.pypdfium2, "PdfDocument", "binhe-2023.pdf"),
])
def test_a_failed_allocation_is_reported_as_memory_not_as_a_broken_file(
        monkeypatch: pytest.MonkeyPatch, library: object, attribute: str, example: str) -> None:
    monkeypatch.setattr(library, attribute, _allocation_fails)
    report = extract_bytes((EXAMPLES / example).read_bytes(), example)
    assert report.status == ReportStatus.ERROR
    assert report.errors == [f"{example}: {OUT_OF_MEMORY}"]


def test_pdfminer_running_out_of_memory_is_not_damage_at_that_page() -> None:
    with pytest.raises(MemoryError), extractors.pdf._parsed("x.pdf", "page 1"):
        _allocation_fails()


def test_a_malformed_package_is_still_a_broken_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def bad_content_types(*_args: object, **_kwargs: object) -> None:
        raise KeyError("[Content_Types].xml")

    monkeypatch.setattr(extractors.docx.docx, "Document", bad_content_types)
    report = extract_bytes((EXAMPLES / "rouyuan-2023.docx").read_bytes(), "x.docx")
    assert report.status == ReportStatus.ERROR and "not a readable Word document" in report.errors[0]
