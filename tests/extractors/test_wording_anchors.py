"""Every retyped label still names its own row, and never another one (tests/fixtures/wording.py).

A label that matches no anchor is recovered by position (or is null and flagged); a label that
matches another row's anchor is a silently wrong number. These tests read the template's anchors
the way the mapper does (squeezed substrings) against every wording of every label.
"""

from __future__ import annotations

import pytest

from extractors.mapping import heading_section, squeeze
from extractors.template import (
    SECTION2_ROWS,
    SECTION2_ROWS_2019,
    SECTION3_GROUP_LABELS,
    SECTION3_ROWS,
    SECTION4_GROUPS,
    ColumnSpec,
    RowSpec,
)
from tests.fixtures.report_form import HEADING_STYLES, HEADING_TEXTS, FormOptions, heading_text
from tests.fixtures.wording import WORDINGS, check_wording, reword

WORDING_NAMES = sorted(WORDINGS)
_ANCHORED_ROWS = [spec for spec in SECTION3_ROWS if spec.key != "other_misc"]  # 3.其他 is matched by position


def _hits(label: str, specs: list[RowSpec] | list[ColumnSpec]) -> set[str]:
    squeezed = squeeze(label)
    return {spec.key for spec in specs if any(squeeze(a) in squeezed for a in spec.anchors)}


@pytest.mark.parametrize("name", WORDING_NAMES)
def test_section3_row_labels_match_only_their_own_row(name: str) -> None:
    for spec in _ANCHORED_ROWS:
        label = reword({name}, f"s3_row:{spec.key}", spec.label)
        assert _hits(label, _ANCHORED_ROWS) <= {spec.key}, (name, label)


@pytest.mark.parametrize("name", WORDING_NAMES)
def test_section3_group_labels_name_no_row(name: str) -> None:
    for group, labels in SECTION3_GROUP_LABELS.items():
        label = reword({name}, f"s3_group:{group}", labels[0])
        assert not _hits(label, _ANCHORED_ROWS), (name, label)
        assert any(squeeze(g) in squeeze(label) for g in labels), (name, label)


@pytest.mark.parametrize("name", WORDING_NAMES)
@pytest.mark.parametrize("rows", [SECTION2_ROWS, SECTION2_ROWS_2019], ids=["2021", "2019"])
def test_section2_row_labels_match_only_their_own_row(name: str, rows: tuple[RowSpec, ...]) -> None:
    for spec in rows:
        label = reword({name}, f"s2_row:{spec.key}", spec.label)
        assert _hits(label, list(rows)) == {spec.key}, (name, label)


@pytest.mark.parametrize("name", WORDING_NAMES)
def test_section4_group_labels_match_their_own_group_most_specifically(name: str) -> None:
    """`经复议后起诉` also holds the bare 复议 anchor; its longest matching anchor must be its own."""
    for group in SECTION4_GROUPS:
        label = squeeze(reword({name}, f"s4_group:{group.key}", group.label.split(" › ")[-1]))
        best = max((len(squeeze(a)), g.key) for g in SECTION4_GROUPS for a in g.anchors if squeeze(a) in label)
        assert best[1] == group.key, (name, label)


@pytest.mark.parametrize("style", HEADING_STYLES[:3])
@pytest.mark.parametrize("name", WORDING_NAMES)
def test_headings_are_recognised_in_every_wording(name: str, style: str) -> None:
    options = FormOptions(wording=frozenset({name}), headings=style)
    for section in HEADING_TEXTS:
        text = heading_text(section, options)
        assert text is not None and heading_section(text) == section, (name, text)


def test_wording_switches_refuse_unknown_names_and_two_of_a_family() -> None:
    with pytest.raises(ValueError, match="unknown"):
        check_wording({"typoes"})
    with pytest.raises(ValueError, match="at most one"):
        FormOptions(wording=frozenset({"item_comma", "item_parenthesised"}))


def test_rewording_is_applied_in_stages() -> None:
    """A whole-label replacement, then the numbering, then brackets over both."""
    chosen = {"short_labels", "item_parenthesised", "ascii_brackets"}
    assert reword(chosen, "s3_row:unavailable_not_held", "1.本机关不掌握相关政府信息") == "(1)本机关不掌握"
    assert reword(chosen, "s3_row:granted", "（一）予以公开") == "(一)予以公开"
