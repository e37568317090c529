#!/usr/bin/python3
"""Tests of bench/machine_read.py (the machine's read limit: the best read_GBps_best over the
flavours' bench_kernels files, stamped into each) and of flavour_report.py's ratio against it,
on constructed files.

    /usr/bin/python3 test_machine_read.py [path/to/machine_read.py]
"""

import contextlib
import importlib.util
import io
import json
import os
import sys
import tempfile
import unittest

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MACHINE_READ = os.path.join(BENCH, "machine_read.py")


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kernels_file(flavour, read_best=None, read_at="flavour/threads=1", probe=20.0,
                 fused_bytes=15e9):
    """A bench_kernels JSON of one flavour: fused DRAM double d=64 on one thread, 3 repetitions."""
    context = {"flavour": flavour, "probe_GBps_threads=1": f"{probe:.3f}"}
    if read_best is not None:
        context.update(read_GBps_best=f"{read_best:.3f}", read_best_at=read_at)
    name = "fused/double/DRAM/n=262144/d=64/threads=1/real_time"
    runs = [{"name": name, "run_name": name, "run_type": "iteration", "real_time": 10.0 + k,
             "time_unit": "ms", "bytes_per_second": fused_bytes, "items_per_second": 1e9,
             "probe_ratio": fused_bytes / (probe * 1e9)} for k in range(3)]
    return {"context": context, "benchmarks": runs}


class MachineReadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mr = load(MACHINE_READ, "machine_read")
        cls.report = load(os.path.join(os.path.dirname(MACHINE_READ), "flavour_report.py"),
                          "flavour_report")

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, preset, doc):
        path = os.path.join(self.tmp.name, f"kernels_{preset}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        return path

    def run_main(self, *paths):
        out = os.path.join(self.tmp.name, "read_bandwidth.json")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = self.mr.main([out, *paths])
        return status, out

    def test_the_best_flavour_is_the_machine_and_every_file_is_stamped(self):
        release = self.write("release", kernels_file("baseline", 29.3, "avx2/threads=1"))
        native = self.write("native", kernels_file("native", 18.1, "flavour/threads=1"))
        omp = self.write("native-openmp", kernels_file("native+openmp", 38.5, "avx512/threads=2"))
        old = self.write("scalar", kernels_file("scalar"))  # no survey: stamped, never the best
        status, out = self.run_main(release, native, omp, old)
        self.assertEqual(status, 0)
        with open(out, encoding="utf-8") as f:
            summary = json.load(f)
        self.assertEqual(summary["machine_read_GBps"], 38.5)
        self.assertEqual(summary["at"], "native-openmp: avx512/threads=2")
        self.assertEqual(set(summary["flavours"]), {"release", "native", "native-openmp", "scalar"})
        for path in (release, native, omp, old):
            with open(path, encoding="utf-8") as f:
                context = json.load(f)["context"]
            self.assertEqual(context["machine_read_GBps"], "38.500", path)
            self.assertEqual(context["machine_read_at"], "native-openmp: avx512/threads=2", path)

    def test_no_survey_in_any_file_is_an_error_and_nothing_is_written(self):
        old = self.write("release", kernels_file("baseline"))
        status, out = self.run_main(old)
        self.assertEqual(status, 1)
        self.assertFalse(os.path.exists(out))
        with open(old, encoding="utf-8") as f:
            self.assertNotIn("machine_read_GBps", json.load(f)["context"])

    def test_the_report_divides_by_the_machine_not_by_the_own_probe(self):
        # Each kernel reads 15 GB/s; the own probes differ (20 and 30 GB/s), the machine is 37.5.
        release = self.write("release", kernels_file("baseline", 37.5, probe=30.0))
        native = self.write("native", kernels_file("native", 25.0, probe=20.0))
        self.assertEqual(self.run_main(release, native)[0], 0)
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            self.report.main([release, native])
        lines = [l for l in text.getvalue().splitlines() if "over the machine's read" in l]
        self.assertEqual(len(lines), 2, text.getvalue())
        for line in lines:
            self.assertIn(" 0.40 ", line)  # 15 / 37.5, for both flavours
        self.assertIn("machine read limit 37.50 GB/s", text.getvalue())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        MACHINE_READ = sys.argv.pop(1)
    unittest.main()
