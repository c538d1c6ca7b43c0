"""The recogniser: RapidOCR on onnxruntime, loaded once per process, models from the wheel only."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

_ENGINE_LOCK = threading.Lock()
_ENGINES: dict[tuple[int, int, float], Any] = {}


@dataclass(frozen=True)
class OcrSettings:
    """How pages are rendered and read; validated so a typo fails loudly."""

    dpi: int = 200
    # Readings below this confidence are kept (a dropped digit would silently blank a cell) but
    # marked uncertain; the OCR-1 rule decides whether the sums pin them down.
    min_confidence: float = 0.9
    # Boxes below this score are noise (stamp strokes, specks), not text.
    min_box_score: float = 0.3
    # The recogniser's input is capped at this many pixels on the long side.
    max_side_pixels: int = 2400
    # Text boxes are found on the page scaled to this many pixels on the long side (1280 is 3–4× faster
    # but merges and misses boxes in dense tables: measured on the synthetic scans, it lost most of 二 and 四).
    detect_side_pixels: int = 2400

    def __post_init__(self) -> None:
        if not 100 <= self.dpi <= 400:
            raise ValueError(f"OcrSettings: dpi must be within 100–400, got {self.dpi}")
        if not 0 < self.min_confidence <= 1 or not 0 <= self.min_box_score < self.min_confidence:
            raise ValueError(f"OcrSettings: need 0 ≤ min_box_score < min_confidence ≤ 1, "
                             f"got {self.min_box_score}, {self.min_confidence}")
        if not 640 <= self.detect_side_pixels <= self.max_side_pixels or self.max_side_pixels < 1000:
            raise ValueError(f"OcrSettings: need 640 ≤ detect_side_pixels ≤ max_side_pixels, max_side_pixels ≥ 1000; "
                             f"got {self.detect_side_pixels}, {self.max_side_pixels}")


@dataclass(frozen=True)
class OcrBox:
    """One recognised text box: its four corners (pixels, clockwise from top-left), text, confidence."""

    corners: tuple[tuple[float, float], ...]
    text: str
    confidence: float


def recognise(image: np.ndarray, settings: OcrSettings) -> list[OcrBox]:
    """Text boxes of one page image (RGB or grey uint8)."""
    engine = _engine(settings)
    with _ENGINE_LOCK:  # one ONNX session per process; calls from task threads take turns
        result = engine(image, use_cls=False)
    if result.boxes is None or result.txts is None or result.scores is None:
        return []
    return [
        OcrBox(tuple((float(x), float(y)) for x, y in corners), text.strip(), float(score))
        for corners, text, score in zip(result.boxes, result.txts, result.scores, strict=True)
        if text.strip()
    ]


def _engine(settings: OcrSettings) -> Any:
    key = (settings.max_side_pixels, settings.detect_side_pixels, settings.min_box_score)
    with _ENGINE_LOCK:
        if key not in _ENGINES:
            from rapidocr import RapidOCR  # heavy import (onnxruntime, opencv): only when a page needs it

            _ENGINES[key] = RapidOCR(params={
                "Global.log_level": "error",
                "Global.text_score": settings.min_box_score,
                "Global.max_side_len": settings.max_side_pixels,
                "Global.use_cls": False,  # scans are upright; the angle classifier only costs time
                # Finding boxes needs no full resolution (3–4× faster); reading them does.
                "Det.limit_type": "max",
                "Det.limit_side_len": settings.detect_side_pixels,
            })
        return _ENGINES[key]
