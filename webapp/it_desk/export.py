"""Every table of the IT desk as CSV, with the report's rule for cells a spreadsheet must show
as text (:func:`webapp.feedback.report.csv_cell`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

from webapp.feedback.report import csv_cell


def csv_response(name: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A download named ``name``.csv: a header row, then ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
