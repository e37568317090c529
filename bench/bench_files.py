"""What the benchmark scripts (gate.py, counts.py, ab.py) share: the refusal they exit 2 on,
reading a JSON file into one, and Google Benchmark's time units."""

import json

TIME_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


class Refusal(Exception):
    """Input the script will not judge: it prints the message and exits 2."""


def read_json(path):
    """The parsed JSON of `path`; a Refusal naming the file if it cannot be read or parsed."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Refusal(f"cannot read {path}: {e}")
