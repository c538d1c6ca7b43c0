"""Draw a cell where it was printed, boxed in red: the PDF page region (pypdfium2), or for
HTML/DOCX a rendered snippet of its table row (Pillow), captioned with report and key.

Chinese text needs a CJK font on every machine: WenQuanYi Micro Hei ships with the
paperang-p2-fonts-cjk dependency, so no system font is assumed; `XXGK_CJK_FONT` may name another.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.provenance import CellRef, ReportRef

if TYPE_CHECKING:
    from PIL import Image, ImageFont

SCALE = 2.0  # pixels per PDF point
CONTEXT_POINTS = 90  # page shown above and below the cell
RED = (220, 30, 30)
_GRID, _HEADER_FILL, _TEXT = (120, 120, 120), (235, 238, 242), (20, 20, 20)


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    configured = os.environ.get("XXGK_CJK_FONT")
    if configured:
        return ImageFont.truetype(configured, size)
    import paperang_p2_fonts_cjk

    return ImageFont.truetype(str(Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"), size)


def caption(report: ReportRef, cell: CellRef) -> str:
    label = " › ".join(part for part in (cell.row_label, cell.col_label) if part)
    return f"{report.agency or '?'} {report.year or '?'} · {cell.key} {label} = {cell.raw if cell.raw else '(blank)'}"


def render_pdf_cell(pdf: Path, report: ReportRef, cell: CellRef) -> Image.Image:
    """The band of the page around the cell, the cell boxed."""
    import pypdfium2
    from PIL import ImageDraw

    if cell.page is None or not cell.bbox:
        raise ValueError(f"{cell.key}: no page position recorded (the cell was not located on a page)")
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        page = document[cell.page - 1]
        image = page.render(scale=SCALE).to_pil().convert("RGB")
    finally:
        document.close()
    x0, top, x1, bottom = (v * SCALE for v in cell.bbox)
    ImageDraw.Draw(image).rectangle((x0 - 4, top - 4, x1 + 4, bottom + 4), outline=RED, width=4)
    band = (0, max(0, int(top - CONTEXT_POINTS * SCALE)), image.width,
            min(image.height, int(bottom + CONTEXT_POINTS * SCALE)))
    return _with_caption(image.crop(band), f"{caption(report, cell)} · page {cell.page}")


def render_row_cell(report: ReportRef, cell: CellRef, row: list[CellRef]) -> Image.Image:
    """A table of the row's cells (header: column labels; body: the raw text), the cell boxed."""
    from PIL import Image, ImageDraw

    font = cjk_font(22)
    header = [cell.row_label or cell.row_key, *(c.col_label or c.col_key for c in row)]
    body = [f"table {cell.table_no}, row {cell.row_no}", *(c.raw or "" for c in row)]
    widths = [int(max(font.getlength(h), font.getlength(b))) + 28 for h, b in zip(header, body, strict=True)]
    widths[0] = min(widths[0], 520)
    height, margin = 44, 16
    image = Image.new("RGB", (sum(widths) + 2 * margin, 2 * height + 2 * margin), "white")
    draw = ImageDraw.Draw(image)
    x = margin
    for index, width in enumerate(widths):
        for line, texts in enumerate((header, body)):
            y = margin + line * height
            draw.rectangle((x, y, x + width, y + height), outline=_GRID, fill=_HEADER_FILL if line == 0 else "white")
            draw.text((x + 12, y + 10), _fit(texts[index], width - 20, font), font=font, fill=_TEXT)
        target = index > 0 and row[index - 1].col_key == cell.col_key
        if target:
            draw.rectangle((x - 2, margin - 2, x + width + 2, margin + 2 * height + 2), outline=RED, width=4)
        x += width
    return _with_caption(image, f"{caption(report, cell)} · table {cell.table_no} row {cell.row_no} "
                                f"col {cell.col_no}")


def _fit(text: str, width: float, font: ImageFont.FreeTypeFont) -> str:
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _with_caption(image: Image.Image, text: str) -> Image.Image:
    from PIL import Image, ImageDraw

    font = cjk_font(24)
    band = 48
    out = Image.new("RGB", (max(image.width, int(font.getlength(text)) + 32), image.height + band), "white")
    ImageDraw.Draw(out).text((16, 10), text, font=font, fill=_TEXT)
    out.paste(image, (0, band))
    return out
