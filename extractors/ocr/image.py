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


@dataclass(frozen=True)
class Rule:
    """A vertical ruling line of a table, in page pixels of the deskewed image."""

    x: float
    top: float
    bottom: float


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


def vertical_rules(grey: np.ndarray, matrix: np.ndarray, dpi: int) -> list[Rule]:
    """Vertical table rules: dark strokes at least ~4 mm tall that survive a tall thin opening."""
    height, width = grey.shape[:2]
    straight = cv2.warpAffine(grey, matrix, (width, height), borderValue=255)
    ink = cv2.adaptiveThreshold(straight, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    min_length = max(int(dpi * 0.16), 10)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, min_length))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines)
    rules = []
    for index in range(1, count):
        x, y, w, h = (int(v) for v in stats[index][:4])
        if h >= min_length and w <= dpi * 0.05:
            rules.append(Rule(x + w / 2, float(y), float(y + h)))
    return rules
