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
import re
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


_INTEGER = re.compile(r"[+-]?[0-9]+")


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

    def where(self, column):
        return f"line {self.line}, column {column}"

    def number(self, column, optional=False, finite=True, positive=False):
        """The column as a float; None for an empty optional field. Rejects NaN/Inf unless
        finite=False, because a required quantity that is not finite cannot be drawn, and
        zero or a negative value when positive (lambda, eta, eta_loc, L_s: the program
        refuses them, and a ratio or logarithm of one is meaningless)."""
        raw = self.fields[column].strip()
        if raw == "" and optional:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise ResultError(self.path, f"{self.where(column)}: {raw!r} is not a number") \
                from None
        if finite and not math.isfinite(value):
            raise ResultError(self.path, f"{self.where(column)}: {raw} where a finite number is "
                              "required")
        if positive and not value > 0:
            raise ResultError(self.path, f"{self.where(column)}: {raw} where a positive number "
                              "is required")
        return value

    def count(self, column, optional=False):
        """The column as a count (an int >= 0: steps, a step index, a horizon, n, d); None for
        an empty optional field. A negative, fractional or non-finite count is an error naming
        the line and column: drawn, it would be a point below zero steps or a nan slope."""
        raw = self.fields[column].strip()
        if raw == "" and optional:
            return None
        try:
            # Digits are read as an int, exactly (float would round counts above 2^53).
            value = int(raw) if _INTEGER.fullmatch(raw) else float(raw)
        except ValueError:
            raise ResultError(self.path, f"{self.where(column)}: {raw!r} is not a number; "
                              f"{COUNT_RULE}") from None
        try:
            return as_count(value)
        except ValueError as e:
            raise ResultError(self.path, f"{self.where(column)}: {e}") from None

    def censored_count(self, name):
        """A step count in its pair of columns, NAME and NAME_at_least, exactly one of which is
        set (README.md "Output formats"): (N, None) measured, (None, N) a lower bound."""
        value, at_least = self.count(name, optional=True), self.count(name + "_at_least",
                                                                      optional=True)
        if value is None and at_least is None:
            raise ResultError(self.path, f"line {self.line}: neither {name} nor {name}_at_least "
                              "set")
        if value is not None and at_least is not None:
            raise ResultError(self.path, f"line {self.line}: both {name} ({value}) and "
                              f"{name}_at_least ({at_least}) set; a count is measured or a lower "
                              "bound, not both")
        return value, at_least


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


COUNT_RULE = "a count is an integer >= 0"


def as_count(value):
    """A count (steps, a step index, a horizon, n, d) as an int >= 0, from a JSON number or a
    parsed CSV field; ValueError saying what is wrong (negative, fractional, not finite)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is not a number; {COUNT_RULE}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not finite; {COUNT_RULE}")
        if not value.is_integer():
            raise ValueError(f"{value!r} is fractional; {COUNT_RULE}")
        value = int(value)
    if value < 0:
        raise ValueError(f"{value} is negative; {COUNT_RULE}")
    return value


def record_counts(record, names, pairs, path, where):
    """Checks the count fields of a JSON run record in place: each of names that is set (not
    null) must be a count (as_count), and of each pair NAME/NAME_at_least present, exactly one
    is set (README.md "Output formats"). Errors name the file, the record and the field."""
    for name in names:
        if record.get(name) is not None:
            try:
                record[name] = as_count(record[name])
            except ValueError as e:
                raise ResultError(path, f"{where}, field {name}: {e}") from None
    for name in pairs:
        if name in record or name + "_at_least" in record:
            try:
                get_count(record, name)
            except ValueError as e:
                raise ResultError(path, f"{where}: {e}") from None


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
