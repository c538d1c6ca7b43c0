"""The scale generator writes consistent reports straight into the warehouse, marts included."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.connection import open_readonly
from warehouse.synthetic import YEARS, SyntheticSettings, generate


def test_generates_consistent_reports_with_marts(warehouse: Path) -> None:
    assert generate(warehouse, SyntheticSettings(reports=30)) == 30
    with open_readonly(warehouse) as con:
        assert con.execute("SELECT count(*), count(DISTINCT agency_id) FROM agency_year").fetchone() == (
            30, -(-30 // len(YEARS)))
        assert con.execute("SELECT count(*) FROM cells").fetchone() == (30 * 200,)
        broken = con.execute("""
            SELECT count(*) FROM agency_year
            WHERE new_requests + carried_over <> outcome_total + carried_forward
               OR outcome_total <> granted + partially_granted + denied_total + unavailable_total
                                    + not_processed_total + other_total""").fetchone()
        assert broken == (0,)
        peers = con.execute("SELECT count(*) FROM township_comparison WHERE peers_in_county > 1").fetchone()
        assert peers and peers[0] > 0
        unresolved = con.execute("SELECT count(*) FROM agencies WHERE township IS NULL OR county_code IS NULL")
        assert unresolved.fetchone() == (0,)


def test_refuses_a_warehouse_that_already_has_reports(warehouse: Path) -> None:
    generate(warehouse, SyntheticSettings(reports=4))
    with pytest.raises(ValueError, match="empty warehouse only"):
        generate(warehouse, SyntheticSettings(reports=4))


def test_settings_validate_themselves() -> None:
    with pytest.raises(ValueError):
        SyntheticSettings(reports=0)
    with pytest.raises(ValueError):
        SyntheticSettings(reports=1, seed=3)
