"""Reading an import's CSV: the header checked against the expected columns, rows with their line numbers.

Shared by the venue and member imports, so both report a wrong file the same way ("line 1: missing
column(s): ...") and both forgive a spreadsheet's byte-order mark, spaces and capitals in the header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable


def read_csv(text: str, *, columns: Iterable[str], required: Iterable[str]
             ) -> tuple[list[tuple[int, dict[str, str | None]]], list[str]]:
    """(line number, row) pairs and the file's problems; no rows when the header is wrong.

    Row values are the raw cells (None where a row is short); a row with more cells than the header
    has the extra cells under the key None, for the caller to refuse with its line number.
    """
    columns, required = tuple(columns), tuple(required)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in columns]
    problems = []
    if missing:
        problems.append(f"line 1: missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"line 1: unknown column(s): {', '.join(unknown)} (expected: {', '.join(columns)})")
    if problems:
        return [], problems
    reader.fieldnames = header
    rows = []
    last_line = reader.line_num  # the header's
    try:
        for row in reader:
            rows.append((reader.line_num, row))
            last_line = reader.line_num
    except csv.Error as error:
        # Python's csv module refuses a field over 128 KiB ("field larger than field limit") and
        # malformed quoting: name the line the bad record starts on, instead of a traceback.
        line = last_line + 1
        if "field limit" in str(error):
            return [], [f"line {line}: a value is longer than {csv.field_size_limit() // 1024} KiB "
                        "(an unclosed quote, or not this kind of file?)"]
        return [], [f"line {line}: not readable as CSV ({error})"]
    return rows, []
