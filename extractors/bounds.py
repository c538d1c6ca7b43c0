"""Size checks the readers make before they allocate: a table bomb becomes an `error` with its reason.

The limits live in ExtractSettings (extractors/extract.py); these helpers only word the refusal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from extractors.document import UnreadableDocument

if TYPE_CHECKING:
    from extractors.extract import ExtractSettings


def check_grid_size(rows: int, cells: int, source: str, limits: ExtractSettings) -> None:
    """Refuse a table of more rows, or more cells once spans are expanded, than the limits allow."""
    if rows > limits.max_table_rows:
        raise UnreadableDocument(f"{source}: table over {limits.max_table_rows:,} rows")
    if cells > limits.max_grid_cells:
        raise UnreadableDocument(f"{source}: table grid over {limits.max_grid_cells:,} cells")
