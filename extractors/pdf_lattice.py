"""pdfplumber's lattice table finder with its cell search indexed: the same cells, found faster.

`pdfplumber.table.intersections_to_cells` looks, for every intersection, through every later
intersection for the ones below and to the right, and rebuilds the edge sets it compares on each
test: quadratic in the intersections of a page, and a seventh of a report's reading time. Here
the intersections are grouped by column and by row once and each one's edge sets built once;
the search order, and so every cell found, is pdfplumber's. The grouping of cells into tables
(`cells_to_tables`) is pdfplumber's too, with each cell's corners built once.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any

from pdfplumber.page import Page
from pdfplumber.table import CellGroup, Table, TableFinder, TableSettings, edges_to_intersections
from pdfplumber.utils import obj_to_bbox

Point = tuple[float, float]
Box = tuple[float, float, float, float]


def find_lattice_tables(page: Page, table_settings: dict[str, Any]) -> list[Table]:
    """`page.find_tables(table_settings)`, with the cell search of `intersections_to_cells` below."""
    return _LatticeFinder(page, TableSettings.resolve(table_settings)).tables


class _LatticeFinder(TableFinder):
    """TableFinder's own steps (edges, intersections, cells, tables), the cells found by `intersections_to_cells`."""

    def __init__(self, page: Page, settings: TableSettings) -> None:
        self.page = page
        self.settings = settings
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(self.edges, settings.intersection_x_tolerance,
                                                    settings.intersection_y_tolerance)
        self.cells = intersections_to_cells(self.intersections)
        self.tables: list[Table] = [_Table(self.page, group) for group in cells_to_tables(self.cells)]


class _Table(Table):
    """pdfplumber's Table with its box and rows computed once: pdfplumber recomputes them on every
    access, and a ruled table's reading asks for them several times. Its cells never change."""

    @cached_property
    def bbox(self) -> Box:
        return super().bbox

    @cached_property
    def rows(self) -> list[CellGroup]:
        return super().rows


def intersections_to_cells(intersections: dict[Point, dict[str, list[dict[str, Any]]]]) -> list[Box]:
    """Each intersection's smallest cell (it, one below, one to the right, and their corner, all joined
    by edges), searched in pdfplumber's order: points sorted, below by rising y, right by rising x."""
    vertical = {point: {obj_to_bbox(e) for e in edges["v"]} for point, edges in intersections.items()}
    horizontal = {point: {obj_to_bbox(e) for e in edges["h"]} for point, edges in intersections.items()}
    column: defaultdict[float, list[Point]] = defaultdict(list)
    row: defaultdict[float, list[Point]] = defaultdict(list)
    for point in sorted(intersections):
        column[point[0]].append(point)
        row[point[1]].append(point)

    def connects(p1: Point, p2: Point) -> bool:
        return ((p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2]))
                or (p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])))

    def smallest_cell(point: Point) -> Box | None:
        same_x, same_y = column[point[0]], row[point[1]]
        below = same_x[same_x.index(point) + 1:]
        right = same_y[same_y.index(point) + 1:]
        for below_point in below:
            if not connects(point, below_point):
                continue
            for right_point in right:
                if not connects(point, right_point):
                    continue
                corner = (right_point[0], below_point[1])
                if corner in intersections and connects(corner, right_point) and connects(corner, below_point):
                    return (point[0], point[1], corner[0], corner[1])
        return None

    return [cell for point in sorted(intersections) if (cell := smallest_cell(point)) is not None]


def cells_to_tables(cells: list[Box]) -> list[list[Box]]:
    """pdfplumber's `cells_to_tables`: cells grouped into tables by shared corners, in its order.

    A table starts with the first cell left; passes over the remaining cells, in order, add each
    cell that shares a corner with the table so far, until a pass adds none. Tables are sorted by
    their topmost-then-leftmost corner; single cells are not tables.
    """
    corners = [((x0, top), (x0, bottom), (x1, top), (x1, bottom)) for x0, top, x1, bottom in cells]
    remaining = list(range(len(cells)))
    tables: list[list[Box]] = []
    while remaining:
        table, table_corners = [remaining[0]], set(corners[remaining[0]])
        remaining = remaining[1:]
        added = True
        while added:
            added, left = False, []
            for index in remaining:
                if table_corners.isdisjoint(corners[index]):
                    left.append(index)
                else:
                    table.append(index)
                    table_corners.update(corners[index])
                    added = True
            remaining = left
        tables.append([cells[index] for index in table])
    tables.sort(key=lambda table: min((cell[1], cell[0]) for cell in table))
    return [table for table in tables if len(table) > 1]
