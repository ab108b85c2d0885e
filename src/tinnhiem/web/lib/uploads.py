"""Limits on uploaded files, checked before any parser sees them: the size of the file, and
for a spreadsheet its unpacked size and its number of rows (the sheet's declared dimension,
then a count of its rows that stops at the limit), so that a 300 000-row workbook is
refused in a fraction of a second instead of holding a worker while openpyxl reads it.

Every refusal is an ``UploadRefused`` (an ``InputError``) with a message in the active
language."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from django.utils.translation import gettext as _

from tinnhiem.errors import InputError

__all__ = [
    "MAX_SHEET_UNPACKED_BYTES",
    "UploadRefused",
    "check_size",
    "check_spreadsheet",
    "is_xlsx",
    "size_text",
]

MAX_SHEET_UNPACKED_BYTES = 100 * 1024 * 1024
"""A workbook whose parts unpack to more than this is refused (a zip bomb, or far more data
than any roster or work programme)."""

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CHUNK = 1 << 16


class UploadRefused(InputError):
    """An upload refused before parsing: too big, too many rows, or not a workbook;
    ``message`` is the reason without the file name."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        super().__init__(message, where=where)


def size_text(size: int) -> str:
    """``5 MB``, ``812 KB``: a size as a person reads it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def check_size(size: int, max_bytes: int, filename: str = "") -> None:
    """Refuse a file larger than ``max_bytes`` (say how large it is, and the limit)."""
    if size > max_bytes:
        raise UploadRefused(
            _("Tệp quá lớn (%(size)s); tối đa %(max)s. Hãy chia nhỏ tệp hoặc bỏ bớt cột thừa.")
            % {"size": size_text(size), "max": size_text(max_bytes)},
            where=filename or None,
        )


def is_xlsx(data: bytes, filename: str) -> bool:
    """An XLSX by its name or its zip signature."""
    return filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"


def check_spreadsheet(data: bytes, filename: str, *, max_rows: int) -> None:
    """Before openpyxl parses ``data``: it must be a zip (XLSX) whose parts unpack to at most
    ``MAX_SHEET_UNPACKED_BYTES``, and no worksheet may declare or hold more than
    ``max_rows`` rows (the header included, plus one)."""
    try:
        book = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(
            _(
                "Tệp không phải bảng tính XLSX đọc được. Hãy mở tệp bằng Excel hoặc "
                "LibreOffice và lưu lại dưới dạng .xlsx, hoặc dạng CSV UTF-8."
            ),
            where=filename or None,
        ) from exc
    with book:
        infos = book.infolist()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_SHEET_UNPACKED_BYTES:
            raise UploadRefused(
                _("Bảng tính quá lớn khi giải nén (%(size)s); tối đa %(max)s.")
                % {"size": size_text(unpacked), "max": size_text(MAX_SHEET_UNPACKED_BYTES)},
                where=filename or None,
            )
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                rows = _count_rows(book, info, max_rows + 1, filename)
                if rows > max_rows + 1:
                    raise UploadRefused(
                        _("Tệp có hơn %(n)s dòng (không kể dòng tiêu đề); tối đa %(n)s dòng.")
                        % {"n": f"{max_rows:,}".replace(",", ".")},
                        where=filename or None,
                    )


def _count_rows(book: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, filename: str) -> int:
    """Rows of a worksheet: its declared dimension when that already exceeds ``limit``,
    else its ``<row>`` elements counted until one past ``limit``."""
    count = 0
    tail = b""
    first = True
    try:
        with book.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    return count
                if first:
                    first = False
                    declared = _DIMENSION.search(chunk)
                    if declared and declared.group(1) and int(declared.group(1)) > limit:
                        return int(declared.group(1))
                window = tail + chunk
                # the tail was scanned already: a tag wholly inside it was counted, one cut
                # by the chunk boundary was not (it ends in the new part)
                count += sum(1 for m in _ROW.finditer(window) if m.end() > len(tail))
                if count > limit:
                    return count
                tail = window[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise UploadRefused(
            _("Tệp XLSX bị hỏng, không đọc được. Hãy lưu lại tệp bằng Excel hoặc LibreOffice."),
            where=filename or None,
        ) from exc
