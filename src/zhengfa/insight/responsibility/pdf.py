"""The annual review report (年度考评报告) of one unit as a PDF (reportlab).

Chinese text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1), which PDF
readers supply themselves, so nothing is embedded and no font file is needed here.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhengfa.insight.responsibility.selectors import ReviewReport, report_table

FONT = "STSong-Light"
COLUMN_WIDTHS_MM = (46, 12, 17, 15, 13, 20, 22, 17, 15, 92)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    return title, body, cell


def _cell(value: Any, style: ParagraphStyle) -> Paragraph:
    text = "—" if value is None else str(value)
    return Paragraph(escape(text), style)


def review_report_pdf(report: ReviewReport, language: str = "zh-hans") -> bytes:
    title, body, cell = _styles()
    table = report_table(report)
    score = report.score
    rank = f"{score.rank} / {score.ranked_units}" if score and score.rank else "—"
    summary = [
        f"单位 Unit: {report.unit.name} ({report.unit.code})",
        f"年度 Year: {report.year}",
        f"数据截至 Data as of: {score.as_of if score else '—'}",
        f"加权总分 Total: {score.total if score and score.total is not None else '—'}",
        f"排名 Rank: {rank}",
    ]
    rows = [[_cell(h, cell) for h in table.headers(language)]]
    rows += [[_cell(value, cell) for value in row] for row in table.rows]
    grid = Table(rows, colWidths=[w * mm for w in COLUMN_WIDTHS_MM], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story: list[Any] = [
        Paragraph(escape(f"{report.year}年度目标责任书考评报告 Annual review"), title),
        Spacer(1, 4 * mm),
        *(Paragraph(escape(line), body) for line in summary),
        Spacer(1, 4 * mm),
        grid if score else Paragraph("尚未计分 Not scored yet", body),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{report.unit.name} {report.year}",
    )
    document.build(story)
    return buffer.getvalue()
