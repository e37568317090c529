"""Shared by the plots tests: paths, a scratch copy of the fixtures, the PNG check."""

import os
import shutil
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
PLOTS = os.path.dirname(TESTS)
FIXTURES = os.path.join(TESTS, "fixtures")
PYTHON = "/usr/bin/python3"  # Debian's, with matplotlib; the first python3 on PATH may lack it
sys.path.insert(0, PLOTS)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def copy_fixtures(dst, peers=False):
    """The fixture data directory copied to dst (so a test may break it), with or without the
    optional peer comparison."""
    shutil.copytree(FIXTURES, dst, ignore=shutil.ignore_patterns("peers", "README.md"))
    if peers:
        for name in os.listdir(os.path.join(FIXTURES, "peers")):
            shutil.copy(os.path.join(FIXTURES, "peers", name), dst)
    return dst


def assert_png(test, path):
    with open(path, "rb") as f:
        head = f.read(8)
    test.assertEqual(head, PNG_SIGNATURE, path)
    test.assertGreater(os.path.getsize(path), 5000, path)
