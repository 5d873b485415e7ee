"""A small document model for the reports, and its three renderings: Markdown, self-contained HTML and PDF.

A report is built once as a `Document` (sections of paragraphs, labelled fields, figures, tables and charts)
and written out by `to_markdown`, `to_html` and `to_pdf`, so the three downloads always say the same thing.
Every value is treated as data: escaped for Markdown and HTML, never read as markup by the PDF.
No Streamlit here; fpdf2 is imported only when a PDF is written.
"""

import base64
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Field:
    """A labelled paragraph: 'Source. The UCI repository...'."""

    label: str
    text: str


@dataclass(frozen=True)
class Stat:
    """One figure: its label, its value with a unit, and a sentence in plain words."""

    label: str  # "Test accuracy"
    value: str  # "84.2%"
    sentence: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None  # relative column widths on paper; None: equal


@dataclass(frozen=True)
class Chart:
    """A chart: the chart in one sentence for those who cannot see it, and how to draw it as a PNG of this size."""

    title: str
    summary: str
    draw: Callable[[], bytes]  # PNG bytes; called only by the formats that show pictures
    width_mm: float
    height_mm: float


Block = str | Field | Stat | Table | Chart  # a plain str is a paragraph


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]
    level: int = 2  # 2: a section; 3: a part of the section before it


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    sections: tuple[Section, ...]


# --- Markdown -------------------------------------------------------------------------------------------------------

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that could start markup mid-line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows as it is: markup characters backslash-escaped, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _markdown_block(block: Block) -> str:
    if isinstance(block, str):
        return markdown_escape(block)
    if isinstance(block, Field):
        return f"**{markdown_escape(block.label)}.** {markdown_escape(block.text)}"
    if isinstance(block, Stat):
        return (
            f"**{markdown_escape(block.label)}: {markdown_escape(block.value)}**  \n{markdown_escape(block.sentence)}"
        )
    if isinstance(block, Table):
        lines = [block.header, tuple("---" for _ in block.header), *block.rows]
        return "\n".join("| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in lines)
    drawn = "(drawn in the HTML and PDF versions)"
    return f"*Chart: {markdown_escape(block.title)}* {drawn}. {markdown_escape(block.summary)}"


def to_markdown(document: Document) -> str:
    """The document as Markdown; charts become their one-sentence summary."""
    parts = [f"# {markdown_escape(document.title)}", f"*{markdown_escape(document.subtitle)}*"]
    for section in document.sections:
        parts.append(f"{'#' * section.level} {markdown_escape(section.heading)}")
        parts += [_markdown_block(block) for block in section.blocks]
    return "\n\n".join(parts) + "\n"


# --- HTML -----------------------------------------------------------------------------------------------------------

_CSS = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #222; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; }
.subtitle { color: #555; margin-top: 0; }
.stat { margin: 0.8rem 0; } .stat .value { font-size: 1.2rem; font-weight: bold; color: #0072B2; }
.stat p { margin: 0.2rem 0 0; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; } th { background: #f0f4f8; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; } figcaption { color: #444; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_block(block: Block) -> str:
    if isinstance(block, str):
        return f"<p>{_e(block)}</p>"
    if isinstance(block, Field):
        return f"<p><strong>{_e(block.label)}.</strong> {_e(block.text)}</p>"
    if isinstance(block, Stat):
        return (
            f'<div class="stat"><div>{_e(block.label)}: <span class="value">{_e(block.value)}</span></div>'
            f"<p>{_e(block.sentence)}</p></div>"
        )
    if isinstance(block, Table):
        head = "".join(f"<th>{_e(cell)}</th>" for cell in block.header)
        body = "".join("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in block.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    image = base64.b64encode(block.draw()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{image}" alt="{_e(block.summary)}" '
        f'style="width: {block.width_mm:g}mm"><figcaption><strong>{_e(block.title)}.</strong> '
        f"{_e(block.summary)}</figcaption></figure>"
    )


def to_html(document: Document) -> str:
    """The document as one self-contained HTML page: inline CSS, charts as base64 PNG, every value escaped."""
    body = [f"<h1>{_e(document.title)}</h1>", f'<p class="subtitle">{_e(document.subtitle)}</p>']
    for section in document.sections:
        body.append(f"<h{section.level}>{_e(section.heading)}</h{section.level}>")
        body += [_html_block(block) for block in section.blocks]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(document.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


# --- PDF ------------------------------------------------------------------------------------------------------------

LINE_MM = 4.6  # height of a line of body text
KEEP_WITH_HEADING_MM = 30  # room a heading needs below it for the start of its section
BLUE = (0, 114, 178)  # Okabe-Ito blue, as in the charts


def _fonts_folder() -> Path:
    """DejaVu Sans ships with matplotlib: a Unicode font, so "ε", "≤", "×" and "—" print as they are."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _new_pdf(title: str):
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("AI Impact Lab")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    fonts = _fonts_folder()
    for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf")):
        pdf.add_font("dejavu", style, fonts / file)
    pdf.add_page()
    return pdf


def _text(pdf, text: str, *, style: str = "", size: float = 9.5, colour: tuple[int, int, int] = (34, 34, 34)) -> None:
    pdf.set_font("dejavu", style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, LINE_MM * size / 9.5, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _pdf_block(pdf, block: Block) -> None:
    if isinstance(block, str):
        _text(pdf, block)
    elif isinstance(block, Field):
        pdf.set_font("dejavu", "B", 9.5)
        pdf.write(LINE_MM, f"{block.label}. ")
        pdf.set_font("dejavu", "", 9.5)
        pdf.write(LINE_MM, block.text)
        pdf.ln(LINE_MM)
    elif isinstance(block, Stat):
        _text(pdf, f"{block.label}: {block.value}", style="B", colour=BLUE)
        _text(pdf, block.sentence)
    elif isinstance(block, Table):
        pdf.set_font("dejavu", "", 7.5)
        pdf.set_text_color(34, 34, 34)
        with pdf.table(
            line_height=3.6, padding=0.8, text_align="LEFT", first_row_as_headings=True, col_widths=block.widths
        ) as table:
            for row in (block.header, *block.rows):
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
    else:
        if pdf.will_page_break(block.height_mm + 2 * LINE_MM):
            pdf.add_page()  # keep a chart with its title
        _text(pdf, block.title, style="B")
        from io import BytesIO

        pdf.image(BytesIO(block.draw()), w=block.width_mm, h=block.height_mm)
        _text(pdf, block.summary, style="I", size=8.5)
    pdf.ln(1.5)


def to_pdf(document: Document) -> bytes:
    """The document as an A4 PDF in DejaVu Sans, its charts drawn in."""
    pdf = _new_pdf(document.title)
    _text(pdf, document.title, style="B", size=16)
    _text(pdf, document.subtitle, size=8.5, colour=(85, 85, 85))
    for section in document.sections:
        pdf.ln(2)
        if pdf.will_page_break(KEEP_WITH_HEADING_MM):
            pdf.add_page()  # no heading alone at the foot of a page
        _text(pdf, section.heading, style="B", size=13 if section.level == 2 else 11)
        pdf.ln(0.5)
        for block in section.blocks:
            _pdf_block(pdf, block)
    return bytes(pdf.output())
