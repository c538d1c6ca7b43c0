"""Page images: rendering, stamp removal, skew and the ruling lines of tables (OpenCV morphology)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.ocr.engine import OcrBox

# A text box this many times wider than tall has a reliable baseline angle.
_LONG_BOX = 4.0
_MAX_SKEW_DEGREES = 5.0
# A horizontal rule is at least half an inch long (a table row border spans at least one cell).
_HORIZONTAL_RULE_INCHES = 0.5
# The share of a box's ink, at each edge, taken for specks and strays rather than its glyphs.
_STRAY_INK = 0.01


@dataclass(frozen=True)
class Rule:
    """A vertical ruling line of a table, in page pixels of the deskewed image."""

    x: float
    top: float
    bottom: float


@dataclass(frozen=True)
class HorizontalRule:
    """A horizontal ruling line of a table (a row border), in page pixels of the deskewed image."""

    y: float
    x0: float
    x1: float


def ink_image(rgb: np.ndarray) -> np.ndarray:
    """The page as grey ink on white with red and orange (seals, stamps) washed out.

    Black and grey print is dark in every channel; a red seal is bright in the red channel, so the
    red channel alone keeps the print and drops the seal.
    """
    if rgb.ndim == 2:
        return rgb
    return np.ascontiguousarray(rgb[:, :, 0])


def skew_degrees(boxes: Sequence[OcrBox]) -> float:
    """The page's rotation, from the baselines of long text boxes (0 when there are none)."""
    angles = []
    for box in boxes:
        (x0, y0), (x1, y1) = box.corners[0], box.corners[1]
        height = math.dist(box.corners[0], box.corners[3])
        if x1 - x0 > _LONG_BOX * max(height, 1.0):
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    if not angles:
        return 0.0
    angle = statistics.median(angles)
    return angle if abs(angle) <= _MAX_SKEW_DEGREES else 0.0


def rotation(shape: tuple[int, ...], degrees: float) -> np.ndarray:
    """The affine matrix that turns the page by -`degrees` about its centre (undoes the skew)."""
    height, width = shape[:2]
    return cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)


def deskew_corners(corners: Sequence[tuple[float, float]], matrix: np.ndarray) -> list[tuple[float, float]]:
    points = np.array([[x, y, 1.0] for x, y in corners])
    turned = points @ matrix.T
    return [(float(x), float(y)) for x, y in turned]


def straight_ink(grey: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """The deskewed page as a binary ink mask (255 = ink), thresholded against the local paper tone."""
    height, width = grey.shape[:2]
    straight = cv2.warpAffine(grey, matrix, (width, height), borderValue=255)
    return cv2.adaptiveThreshold(straight, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _rule_length(dpi: int) -> int:
    """Strokes at least ~4 mm long are ruling lines (a 10.5 pt glyph's longest stroke is ~3.5 mm)."""
    return max(int(dpi * 0.16), 10)


def vertical_rules(ink: np.ndarray, dpi: int) -> list[Rule]:
    """Vertical table rules: dark strokes at least ~4 mm tall that survive a tall thin opening."""
    return [Rule(x + w / 2, y, y + h) for x, y, w, h in _strokes(ink, dpi, (1, _rule_length(dpi)))]


def horizontal_rules(ink: np.ndarray, dpi: int) -> list[HorizontalRule]:
    """Horizontal table rules: dark strokes at least ~13 mm long that survive a long flat opening.

    Longer than a vertical rule's minimum: a dash standing for "not applicable" (——) or a long
    ideograph stroke (一) in a large font is several millimetres wide, a row border spans columns.
    """
    length = max(int(dpi * _HORIZONTAL_RULE_INCHES), 10)
    return [HorizontalRule(y + h / 2, x, x + w) for x, y, w, h in _strokes(ink, dpi, (length, 1))]


def _strokes(ink: np.ndarray, dpi: int, kernel_size: tuple[int, int]) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of the thin strokes as long as the (width, height) kernel along its long side."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, kernel_size)
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines)
    length, along_x = max(kernel_size), kernel_size[0] > kernel_size[1]
    strokes = []
    for index in range(1, count):
        x, y, w, h = (float(v) for v in stats[index][:4])
        long_side, thickness = (w, h) if along_x else (h, w)
        if long_side >= length and thickness <= dpi * 0.05:
            strokes.append((x, y, w, h))
    return strokes


def glyph_ink(ink: np.ndarray, dpi: int) -> np.ndarray:
    """The ink of the glyphs alone: ruling lines (long horizontal or vertical strokes) taken out."""
    length = _rule_length(dpi)
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return cv2.subtract(ink, cv2.bitwise_or(across, down))


def ink_extent(glyphs: np.ndarray, box: tuple[float, float, float, float]) -> tuple[float, float, float, float] | None:
    """The box holding the glyph ink inside a detected box (pixels), or None when it holds no ink.

    The detector pads its boxes by a varying margin (more for short words than for long ones), so
    box edges say little about where the text is; the ink does, like a text layer's glyph boxes.
    The outermost `_STRAY_INK` of the ink on each side (paper speckle, a neighbour's stroke) is left out.
    """
    height, width = glyphs.shape[:2]
    x0, y0 = max(int(box[0]), 0), max(int(box[1]), 0)
    x1, y1 = min(math.ceil(box[2]), width), min(math.ceil(box[3]), height)
    crop = glyphs[y0:y1, x0:x1] > 0
    total = int(crop.sum())
    if total == 0:
        return None
    top, bottom = _core(crop.sum(axis=1), total)
    left, right = _core(crop.sum(axis=0), total)
    return (x0 + left, y0 + top, x0 + right, y0 + bottom)


def _core(profile: np.ndarray, total: int) -> tuple[float, float]:
    """First and one-past-last index of the profile once `_STRAY_INK` of its mass is cut from each end."""
    cumulative = np.cumsum(profile)
    first = int(np.searchsorted(cumulative, _STRAY_INK * total, side="right"))
    last = int(np.searchsorted(cumulative, (1 - _STRAY_INK) * total, side="left"))
    return float(first), float(last + 1)
