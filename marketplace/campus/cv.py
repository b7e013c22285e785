"""A person's CV: what their record holds (skills, qualifications, the work they want) joined with
their own words, as one structure (`build_cv`) that the page, the Word document (python-docx) and the PDF
(fpdf2) all show: the writers only lay it out, so the three cannot say different things."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from docx import Document
from docx.shared import Pt
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from marketplace.config import PROJECT_ROOT
from marketplace.reference import QUALIFICATION_LEVELS, QUALIFICATION_SUBJECTS

# Characters XML (and so Word) cannot hold: control characters other than tab and newline.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str | None) -> str:
    return NOT_XML.sub("", text or "").strip()


def _lines(text: str | None) -> list[str]:
    return [line.strip(" -•*\t") for line in _clean(text).splitlines() if line.strip(" -•*\t")]


@dataclass
class CVSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.paragraphs and not self.bullets


@dataclass
class CV:
    name: str
    contact: str
    sections: list[CVSection]

    @property
    def filled_sections(self) -> list[CVSection]:
        return [section for section in self.sections if not section.is_empty]


def qualification_text(qualification: dict) -> str:
    subject = QUALIFICATION_SUBJECTS.get(qualification.get("subject"), "")
    level = QUALIFICATION_LEVELS.get(qualification.get("level"), "")
    title = _clean(qualification.get("title")) or subject or "Qualification"
    detail = ", ".join(part for part in (subject if subject != title else "", level) if part)
    return f"{title} ({detail})" if detail else title


def build_cv(participant, words) -> CV:
    """The CV from the record and the person's own words (`words`: their CampusCV, or None). The record's
    parts are read now, so what the case manager updates shows at once; the person's words come first."""
    statement = _clean(getattr(words, "statement", ""))
    wanted = list(participant.interests or [])
    about = CVSection("About me", paragraphs=[p for p in statement.split("\n\n") if p.strip()])
    if wanted:
        about.paragraphs.append("The work I am looking for: " + ", ".join(_clean(w) for w in wanted) + ".")
    experience = CVSection("Work and experience", bullets=_lines(getattr(words, "experience", "")))
    if not experience.bullets:
        experience.bullets = _lines(participant.work_history)
    skills = CVSection("Skills", bullets=[_clean(skill) for skill in participant.skills or [] if _clean(skill)])
    qualifications = CVSection("Qualifications", bullets=[qualification_text(q) for q in participant.qualifications
                                                          or []])
    training = CVSection("Training and courses", bullets=_lines(getattr(words, "training", "")))
    other = CVSection("Other things about me", paragraphs=[p for p in _clean(getattr(words, "interests", ""))
                                                           .split("\n\n") if p.strip()])
    return CV(name=_clean(participant.full_name), contact=_clean(getattr(words, "contact", "")),
              sections=[about, experience, skills, qualifications, training, other])


def docx_bytes(cv: CV) -> bytes:
    """The CV as a Word document."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    document.core_properties.title = f"CV: {cv.name}"
    document.core_properties.author = cv.name
    document.add_heading(cv.name, level=0)
    if cv.contact:
        document.add_paragraph(cv.contact)
    for section in cv.filled_sections:
        document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for bullet in section.bullets:
            document.add_paragraph(bullet, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# DejaVu Sans ships in static/fonts (its licence beside it): the PDF core fonts hold Latin-1 only, and a
# name like Łukasz or Nguyễn must print as typed. Anything the font has no glyph for is reduced to its
# base letter where it has one (ẞ stays, a letter with an unusual accent loses the accent) and otherwise
# left out (emoji), rather than printing an empty box or failing the download.
FONT_DIR = PROJECT_ROOT / "static" / "fonts"
PDF_FONTS = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}


@cache
def _glyphs() -> frozenset[int]:
    return frozenset(set.intersection(*(set(TTFont(path).getBestCmap()) for path in PDF_FONTS.values())))


def printable(text: str) -> str:
    """`text` with only characters the PDF's font can draw (see PDF_FONTS)."""
    glyphs = _glyphs()
    kept = []
    for char in text.replace("\t", " "):
        if char == "\n" or ord(char) in glyphs:
            kept.append(char)
            continue
        base = "".join(part for part in unicodedata.normalize("NFKD", char) if ord(part) in glyphs)
        kept.append(base)
    return re.sub(r"[ ]{2,}", " ", "".join(kept))


def pdf_bytes(cv: CV) -> bytes:
    """The CV as a PDF (A4, tagged with its title and language)."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    for style, path in PDF_FONTS.items():
        pdf.add_font("DejaVuSans", style, str(path))
    pdf.set_title(printable(f"CV: {cv.name}"))
    pdf.set_author(printable(cv.name))
    pdf.set_lang("en-GB")
    pdf.add_page()

    def line(text: str, size: float, style: str = "", gap: float = 2) -> None:
        pdf.set_font("DejaVuSans", style, size)
        pdf.multi_cell(0, size * 0.5, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    line(cv.name, 20, "B", gap=3)
    if cv.contact:
        line(cv.contact, 11, gap=4)
    for section in cv.filled_sections:
        pdf.ln(2)
        line(section.heading, 14, "B")
        for paragraph in section.paragraphs:
            line(paragraph, 11)
        for bullet in section.bullets:
            pdf.set_font("DejaVuSans", "", 11)
            pdf.cell(6, 5.5, "\u2022")
            pdf.multi_cell(0, 5.5, printable(bullet), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
    return bytes(pdf.output())
