"""A table read from an uploaded file, for every import: CSV (UTF-8 with or without BOM,
UTF-16, Windows-1252; semicolon, tab or comma) or an Excel workbook (.xlsx), as numbered rows.

Files are untrusted (core/uploads.py): their size, a workbook's zip directory and the extent its
sheet declares are checked against the import's limits before anything is parsed, the rows are
read without trusting that extent, and ``cell_problem`` finds what no list holds (control
characters, bytes of another encoding, Excel errors, values longer than any field). A file that
cannot be read raises ``FileProblem``, worded for the person who uploaded it.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import openpyxl
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .uploads import MB, FileRefused, ZipLimits, check_zip

MAX_LINE = 1048576  # the last row of an Excel sheet; a CSV file has no more lines either


@dataclass(frozen=True)
class TableLimits:
    """What an import reads at most: a file within them is read in seconds; anything beyond is
    refused before parsing."""

    file_bytes: int
    rows: int  # rows with values, besides the header
    columns: int  # read of a sheet
    cell_characters: int
    xlsx: ZipLimits  # the workbook's zip directory


class FileProblem(Exception):
    """The file as a whole cannot be read (format, encoding, columns)."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def grouped(number):
    """1,048,576 in English, 1.048.576 in German."""
    return number_format(number, force_grouping=True)


INVISIBLE_ENDS = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters and the BOM


def text(value):
    """The cell as text: in Unicode's composed form (“ü” typed on a Mac is the same “ü”), without
    surrounding spaces and invisible characters."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value))
    return value.strip().strip(INVISIBLE_ENDS).strip()


NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, kept by surrogateescape
UTF8_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")  # decoded from UTF-8, not ASCII
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and line breaks are text
EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!"}


def cell_problem(value, limits: TableLimits) -> str | None:
    """What makes a cell unreadable whatever its column, or None."""
    if not isinstance(value, str):
        return None
    if NOT_UTF8.search(value):
        return _(
            "This value is not UTF-8 like the rest of the file (it was probably saved as "
            "Windows-1252): the file mixes encodings. Save the whole file as “CSV UTF-8”."
        )
    found = CONTROL.search(value)
    if found:
        return _(
            "The value holds an invisible control character (U+%(code)04X) at position "
            "%(position)s. Remove it."
        ) % {"code": ord(found.group()), "position": found.start() + 1}
    if len(value) > limits.cell_characters:
        return _("The value has %(count)s characters; at most %(max)s are read.") % {
            "count": len(value),
            "max": limits.cell_characters,
        }
    if value.strip() in EXCEL_ERRORS:
        return _("The cell holds the Excel error %(error)s instead of a value.") % {
            "error": value.strip()
        }
    return None


def decode(content: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 (Excel in Germany).
    Bytes that are not UTF-8 in a file that is otherwise UTF-8 are kept as surrogates, and the
    cells holding them are reported (``cell_problem``): guessing their encoding line by line
    would import whatever the guess made of them."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise FileProblem([_("The file is not valid UTF-16 text.")]) from error
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="surrogateescape")
    if b"\x00" in content:
        raise FileProblem(
            [_("The file is not a text file. Save it as CSV (UTF-8) or as Excel workbook (.xlsx).")]
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = content.decode("utf-8", errors="surrogateescape")
    if UTF8_LETTER.search(mixed):
        return mixed  # UTF-8 letters beside other bytes
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise FileProblem(
            [_("The file is neither UTF-8 nor Windows-1252 text. Save it as CSV (UTF-8).")]
        ) from error


def within_limit(rows, limits: TableLimits):
    """The non-empty rows, stopping as soon as a file has more than ``limits.rows`` of them or a
    line beyond MAX_LINE, so a huge upload costs no more than a permitted one."""
    kept = []
    empty = (None,) * limits.columns
    for number, values in rows:
        if number > MAX_LINE:
            raise FileProblem(
                [_("The file goes on beyond line %(max)s.") % {"max": grouped(MAX_LINE)}]
            )
        if values == empty or not any(text(value) for value in values):
            continue
        kept.append((number, values))
        if len(kept) > limits.rows + 1:
            raise FileProblem(
                [_("The file has more than %(max)s rows; split it.") % {"max": limits.rows}]
            )
    return kept


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: an .xls, or an encrypted .xlsx
STRICT_OOXML = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def check_workbook_container(content: bytes, limits: TableLimits):
    """Refuse, from the zip directory and a few bytes, what cannot or must not be parsed."""
    try:
        check_zip(content, limits.xlsx, _("The file is not a readable Excel workbook (.xlsx)."))
    except FileRefused as refused:
        raise FileProblem([str(refused)]) from refused
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        workbook = next((name for name in names if name.endswith("workbook.xml")), None)
        if workbook is None:
            raise FileProblem([_("The file is not a readable Excel workbook (.xlsx).")])
        with archive.open(workbook) as part:
            head = part.read(4096)
    if STRICT_OOXML in head:
        raise FileProblem(
            [
                _(
                    "The workbook is saved as “Strict Open XML”, which cannot be read. "
                    "Save it as “Excel Workbook (.xlsx)”."
                )
            ]
        )


def check_declared_extent(sheet, limits: TableLimits):
    """The extent a sheet declares (its <dimension>), before a row is read."""
    rows, columns = sheet.max_row, sheet.max_column
    if (rows or 0) > limits.rows + 1 or (columns or 0) > limits.columns:
        raise FileProblem(
            [
                _(
                    "The sheet declares %(rows)s rows and %(columns)s columns (up to cell "
                    "%(cell)s); at most %(max_rows)s rows and %(max_columns)s columns are read. "
                    "Delete the empty rows and columns after your table, or copy the table "
                    "into a new workbook."
                )
                % {
                    "rows": grouped(rows),
                    "columns": grouped(columns),
                    "cell": f"{get_column_letter(min(columns, 18278))}{rows}",
                    "max_rows": grouped(limits.rows + 1),
                    "max_columns": limits.columns,
                }
            ]
        )


def read_workbook(content: bytes, limits: TableLimits):
    """Rows of the first sheet; cells keep their type (dates, numbers)."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise FileProblem([_("The file is not a readable Excel workbook (.xlsx).")]) from error
    try:
        if not workbook.worksheets:
            raise FileProblem([_("The workbook has no sheet with a table.")])
        sheet = workbook.worksheets[0]
        check_declared_extent(sheet, limits)
        # Read the rows there are, not the rows declared: a wrong <dimension> neither costs
        # time nor hides rows.
        sheet.reset_dimensions()
        return within_limit(
            enumerate(sheet.iter_rows(max_col=limits.columns, values_only=True), start=1), limits
        )
    except FileProblem:
        raise
    except Exception as error:
        raise FileProblem([_("The file is not a readable Excel workbook (.xlsx).")]) from error
    finally:
        workbook.close()


def guess_delimiter(text):
    """The one of ; tab , that the header line uses most (a tie goes to the semicolon)."""
    header = text.split("\n", 1)[0]
    return max([";", "\t", ","], key=header.count)


def is_workbook(filename: str, content: bytes) -> bool:
    return filename.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04"


ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream of an encrypted .xlsx


def check_file(filename: str, content: bytes, limits: TableLimits):
    """What is refused before any parsing: a file over the limit, an old or a password-protected
    Excel file, a workbook whose zip directory or format is out of bounds."""
    if len(content) > limits.file_bytes:
        raise FileProblem([too_large_message(limits)])
    if content[:8] == OLE:
        if ENCRYPTED_PACKAGE in content:
            raise FileProblem(
                [_("The workbook is protected with a password. Save it without a password.")]
            )
        raise FileProblem([_("Old Excel files (.xls) cannot be read: save the file as .xlsx.")])
    if is_workbook(filename, content):
        check_workbook_container(content, limits)


def read_rows(filename: str, content: bytes, limits: TableLimits) -> list[tuple[int, list]]:
    """Lines of the file with their line numbers (the header is line 1)."""
    check_file(filename, content, limits)
    if is_workbook(filename, content):
        return read_workbook(content, limits)
    # U+FEFF is a byte order mark wherever it stands (files put together): never text
    decoded = decode(content).replace("\ufeff", "")
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=guess_delimiter(decoded))
    try:
        return within_limit(((reader.line_num, values) for values in reader), limits)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            message = _("Line %(line)s has a value longer than %(max)s characters.") % {
                "line": reader.line_num,
                "max": grouped(csv.field_size_limit()),
            }
        else:
            message = _("Line %(line)s cannot be read: %(error)s") % {
                "line": reader.line_num,
                "error": error,
            }
        raise FileProblem([message]) from error


def too_large_message(limits: TableLimits):
    return _("The file is larger than %(max)s MB.") % {"max": limits.file_bytes // MB}
