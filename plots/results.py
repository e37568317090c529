"""Reading and validating result files: the primitives every loader uses (solver_runs.py,
verdicts.py, kernels.py).

Every problem is raised as ResultError naming the file (and the line and column, or the JSON
field, where there is one), so a broken data directory is reported, not drawn as a wrong plot.
The formats are those of README.md "Output formats"; only the columns and fields the figures use
are required, so extra columns from newer writers are harmless.
"""

import csv
import json
import math
import os
from dataclasses import dataclass

VERDICTS = "verdicts.json"
GRID = "grid.csv"
RULES = "rules.csv"
SWEEP = "sweep.csv"
METHODS = "methods.json"
BIFURCATION = "bifurcation.csv"
PEERS = "peers.csv"
PEERS_TRACE = "peers_trace.csv"


class ResultError(Exception):
    """A required result file is missing or malformed."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class NotInData(ResultError):
    """The data for an optional figure is absent (peers not run, no S10 in the suite)."""


def read_json(path):
    if not os.path.isfile(path):
        raise ResultError(path, "missing (required result file)")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ResultError(path, f"not valid JSON ({e})") from None


@dataclass
class Row:
    """One CSV record: its fields by column name and the line it starts on."""

    path: str
    line: int
    fields: dict

    def text(self, column):
        return self.fields[column]

    def number(self, column, optional=False, finite=True):
        """The column as a float; None for an empty optional field. Rejects NaN/Inf unless
        finite=False, because a required quantity that is not finite cannot be drawn."""
        raw = self.fields[column].strip()
        if raw == "" and optional:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise ResultError(self.path, f"line {self.line}, column {column}: "
                              f"{raw!r} is not a number") from None
        if finite and not math.isfinite(value):
            raise ResultError(self.path, f"line {self.line}, column {column}: "
                              f"{raw} where a finite number is required")
        return value


def read_csv(path, columns):
    """Rows of a header-first CSV file; every record must have the header's field count (a
    truncated last line does not) and the header must hold every name in `columns`."""
    if not os.path.isfile(path):
        raise ResultError(path, "missing (required result file)")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise ResultError(path, "empty file (no header)") from None
        except csv.Error as e:
            raise ResultError(path, f"line 1: {e}") from None
        missing = [c for c in columns if c not in header]
        if missing:
            raise ResultError(path, f"missing column(s) {', '.join(missing)} "
                              f"(header: {','.join(header)})")
        rows = []
        line = reader.line_num + 1
        try:
            for record in reader:
                if record and len(record) != len(header):
                    raise ResultError(path, f"line {line}: {len(record)} fields, expected "
                                      f"{len(header)} (truncated or malformed record)")
                if record:
                    rows.append(Row(str(path), line, dict(zip(header, record))))
                line = reader.line_num + 1
        except csv.Error as e:
            raise ResultError(path, f"line {line}: {e}") from None
    if not rows:
        raise ResultError(path, "no records after the header")
    return rows


def is_number(value):
    """A finite JSON number (JSON true/false load as bool, a subclass of int: not numbers)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        math.isfinite(value)


def parse_count(text):
    """A step count as written by `verify`: "214" -> (214, False); ">=N" (censored by the
    horizon) -> (N, True)."""
    text = str(text).strip()
    censored = text.startswith(">=")
    value = float(text[2:] if censored else text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    return value, censored


def single(rows, path, key, what):
    """The one value of key(row) over rows; a file mixing several would be drawn wrongly."""
    values = sorted({key(r) for r in rows}, key=str)
    if len(values) != 1:
        raise ResultError(path, f"holds several {what} ({', '.join(map(str, values))}); "
                          "this figure expects one")
    return values[0]


def data_files(data_dir):
    """Every file below the data directory, as sorted paths relative to it."""
    found = []
    for root, _, files in os.walk(data_dir):
        found += [os.path.relpath(os.path.join(root, f), data_dir) for f in files]
    return sorted(found)
