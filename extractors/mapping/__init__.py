"""Grids → template keys. One mapper serves every format, so a layout fix lands once.

Never trusts header parsing: merged cells come out empty, repeated or in fragments. Rows are
placed by label anchors (docs/format.md §3.2) and, where labels are lost, by position between
anchors; values by header column positions where they agree with the row, else by the
right-most numeric cells. One module per concern: sections.py finds the tables, section2.py,
section3*.py and section4.py read them, blanks.py decides blank = 0.
"""

from __future__ import annotations

from extractors.document import Document
from extractors.mapping.blanks import apply_blank_as_zero
from extractors.mapping.rows import squeeze
from extractors.mapping.section2 import map_section2
from extractors.mapping.section3 import map_section3
from extractors.mapping.section4 import map_section4
from extractors.mapping.sections import detect_template, heading_section, split_sections
from extractors.report import Report

__all__ = ["apply_blank_as_zero", "detect_template", "heading_section", "map_document", "split_sections", "squeeze"]


def map_document(doc: Document, report: Report) -> None:
    """Fill `report` (template, cells, errors) from a read Document."""
    report.template = detect_template(doc)
    sections = split_sections(doc)
    if not any(sections.get(n) for n in (2, 3, 4)):
        return
    map_section2(sections.get(2, []), report)
    map_section3(sections.get(3, []), report)
    map_section4(sections.get(4, []), report)
    apply_blank_as_zero(report)
