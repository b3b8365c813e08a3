"""A client's log report as CSV and as PDF."""

import csv
import io
import unicodedata
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

from core.formats import timestamp_text
from dpo.selectors import ClientLogReport, ReportRow

# DejaVu covers Finnish, Swedish and Sámi letters. Debian's fonts-dejavu-core puts it in
# the first directory; a deployment without it may drop the files into dpo/fonts/.
FONT_DIRS = (
    Path(__file__).resolve().parent / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


# CSV -------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A spreadsheet would run a cell that starts like a formula; make it plain text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def report_csv(report: ClientLogReport) -> bytes:
    """Both logs in one table, oldest first. Semicolons and a byte-order mark, so that a
    spreadsheet in a Finnish locale opens it in columns and with ä and ö intact."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Time"),
            _("Log"),
            _("Agency"),
            _("User"),
            _("Recipient"),
            _("Data"),
            _("Purpose"),
            _("Legal basis"),
            _("Page"),
        ]
    )
    for row in report.rows:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    timestamp_text(row.at),
                    row.kind_label,
                    row.agency,
                    row.person,
                    row.recipient,
                    ", ".join(row.categories),
                    row.purpose,
                    row.basis,
                    row.page,
                )
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# PDF -------------------------------------------------------------------------------


@cache
def unicode_font_files() -> dict[str, Path] | None:
    """The DejaVu files by style, or None when the machine has none."""
    for directory in FONT_DIRS:
        files = {style: directory / name for style, name in FONT_FILES.items()}
        if files[""].is_file():
            return {style: path for style, path in files.items() if path.is_file()}
    return None


def latin1(text: str) -> str:
    """For the core font's Windows-1252 fallback: keep ä, ö and å, strip other letters to
    their base letter (š stays, ŋ becomes ?)."""
    out = []
    for char in text:
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("cp1252", "ignore").decode("cp1252")
            out.append(base or "?")
        else:
            out.append(char)
    return "".join(out)


class ReportPDF(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", format="A4")
        files = unicode_font_files()
        self.is_unicode = files is not None
        if files is not None:
            for style, path in files.items():
                self.add_font("DejaVu", style=style, fname=path)
            self.report_font = "DejaVu"
            self.has_bold = "B" in files
        else:
            self.report_font = "helvetica"
            self.has_bold = True
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(12, 12, 12)

    def text_of(self, value: str) -> str:
        return value if self.is_unicode else latin1(value)

    def use_font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.report_font, style="B" if bold and self.has_bold else "", size=size)

    def footer(self) -> None:
        self.set_y(-10)
        self.use_font(7)
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="R")


def _table(
    pdf: ReportPDF, headings: list[str], widths: tuple[int, ...], lines: list[list[str]]
) -> None:
    pdf.use_font(8)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
        heading = table.row()
        for text in headings:
            heading.cell(pdf.text_of(text))
        for line in lines:
            row = table.row()
            for text in line:
                row.cell(pdf.text_of(text))


def _use_lines(rows: list[ReportRow]) -> list[list[str]]:
    return [
        [timestamp_text(r.at), r.person, ", ".join(r.categories), r.purpose, r.page] for r in rows
    ]


def _disclosure_lines(rows: list[ReportRow]) -> list[list[str]]:
    return [
        [
            timestamp_text(r.at),
            f"{r.agency}, {r.person}",
            r.recipient,
            ", ".join(r.categories),
            r.basis,
            r.purpose,
        ]
        for r in rows
    ]


def report_pdf(report: ClientLogReport) -> bytes:
    pdf = ReportPDF()
    pdf.set_title(pdf.text_of(_("Log report")))
    pdf.add_page()
    pdf.use_font(15, bold=True)
    pdf.cell(0, 9, pdf.text_of(_("Log report")), new_x="LMARGIN", new_y="NEXT")
    pdf.use_font(10)
    for label, value in (
        (_("Client"), report.client_name),
        (_("Date of birth"), report.birth_date.strftime("%d.%m.%Y")),
        (_("Agency"), str(report.agency)),
        (_("Made"), timestamp_text(report.generated_at)),
    ):
        pdf.cell(0, 6, pdf.text_of(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.use_font(8)
    pdf.multi_cell(
        0,
        4.5,
        pdf.text_of(
            _(
                "Under section 11 of the Act on the Processing of Client Data in Healthcare "
                "and Social Welfare (703/2023), who has used or received the client's data, "
                "when, and on what basis, as recorded in this agency's use and disclosure logs."
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for title, rows, headings, widths, lines in (
        (
            _("Use of the data"),
            report.uses,
            [_("Time"), _("User"), _("Data"), _("Purpose"), _("Page")],
            (28, 60, 70, 55, 60),
            _use_lines(report.uses),
        ),
        (
            _("Disclosures"),
            report.disclosures,
            [
                _("Time"),
                _("Disclosed by"),
                _("Recipient"),
                _("Data"),
                _("Legal basis"),
                _("Purpose"),
            ],
            (28, 60, 45, 50, 50, 40),
            _disclosure_lines(report.disclosures),
        ),
    ):
        pdf.ln(4)
        pdf.use_font(12, bold=True)
        pdf.cell(0, 7, pdf.text_of(title), new_x="LMARGIN", new_y="NEXT")
        if rows:
            _table(pdf, headings, widths, lines)
        else:
            pdf.use_font(9)
            pdf.cell(0, 6, pdf.text_of(_("No entries.")), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
