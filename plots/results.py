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
# A runner directory (`verify --out DIR` for the claim suite, `sweep --suite figures-* --out
# DIR/figures` for the figures' own runs): the records, the same rows as CSV, and the traces that
# the records name.
RUNS_JSON = "runs.json"
RUNS_CSV = "runs.csv"
TRACES = "traces"
# The figures' runner directory inside DATA_DIR, and its experiments' name prefixes: figure 1's
# traced runs, the fixed-stepsize grid of figures 2 and 4, the rules at the grid's lambdas that the
# claim suite lacks (figure 2).
FIGURE_RUNS = "figures"
TRACE_PREFIX = "trace/"
GRID_PREFIX = "grid/"
RULES_PREFIX = "rules/"
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


def get_count(record, name):
    """A step count in the one encoding of every result file (src/largestep/core/result_io.h):
    {name: N, name_at_least: null} when measured -> (N, False); {name: null, name_at_least: N}
    when cut off by the horizon (the count is >= N) -> (N, True). Raises ValueError naming the
    fields unless both are present, one a non-negative integer and the other null."""
    missing = [k for k in (name, name + "_at_least") if k not in record]
    if missing:
        raise ValueError(f"{' and '.join(missing)} missing")
    value, at_least = record[name], record[name + "_at_least"]

    def count(v):
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0

    if count(value) and at_least is None:
        return float(value), False
    if value is None and count(at_least):
        return float(at_least), True
    raise ValueError(f"{name} = {value!r}, {name}_at_least = {at_least!r}: expected one "
                     "non-negative integer and one null")


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
