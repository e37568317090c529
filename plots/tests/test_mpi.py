"""Figure 11 and the report's Open MPI section, from small synthetic outputs of bench_data_parallel
and bench_reduce: the figure is drawn with the measured numbers in its labels and the model's
curves from mpi_model.py, the section shows it and the measured table or says the stage did not
run, and a missing or malformed input is an error naming the file (exit 2 from the command
line)."""

import io
import json
import os
import subprocess
import tempfile
import unittest
from unittest import mock

import support
import fig_mpi
import figure
import mpi_model
import mpi_results
import report
from results import NotInData, ResultError


def timing(seconds, communication):
    return {"seconds_per_step": seconds, "steps_per_second": 1 / seconds,
            "communication_seconds_per_step": communication, "samples": [seconds] * 3}


def data_parallel(scaling, n, alone_rows, alone, deterministic, fast, nnz=None):
    """A bench_data_parallel document: alone, deterministic and fast are (seconds a step,
    communication a step); nnz: CSR rows of that many nonzeros, d = 2^20."""
    strong = scaling == "strong"
    d = 2**20 if nnz else 100
    data = f"planted:d={d},n={n}" + (f",nnz={nnz}" if nnz else "") + ",seed=1"
    return {"processes": 2, "scaling": scaling, "data": data, "n": n,
            "d": d, "alone_rows": alone_rows, "evaluations_per_repetition": 2,
            "repetitions": 3, "alone": timing(*alone), "deterministic": timing(*deterministic),
            "fast": timing(*fast), "ratio_deterministic": alone[0] / deterministic[0],
            "ratio_fast": alone[0] / fast[0],
            "deterministic_matches_alone": True if strong else None,
            "fast_matches_alone": False if strong else None,
            "environment": {"commit": "test", "cpu": "test", "flavour": "baseline"}}


def reduce_doc():
    rows = [{"d": d, "blocks": 8, "fast_seconds": 1e-5 * k, "deterministic_seconds": 2e-5 * k,
             "local_fold_seconds": 1e-6 * k, "fast_matches_serial": False,
             "deterministic_matches_serial": True}
            for k, d in enumerate((100, 10_000, 1_000_000), start=1)]
    return {"alpha_seconds": 1e-6, "beta_bytes_per_second": 5e9, "blocks": 8, "ranks": 2,
            "compute_seconds_per_entry": 1e-9, "reductions": rows, "rows": 4096,
            "environment": {"commit": "test", "cpu": "test", "flavour": "baseline"}}


# Made-up times: strong speedups 1.60x (deterministic) and 1.78x (fast); weak efficiencies 0.80
# and 0.89; on CSR rows 1.25x and 1.50x, efficiencies 0.50 and 0.75.
DOCS = {mpi_results.STRONG: data_parallel("strong", 4096, 4096, (0.008, 0), (0.005, 0.001),
                                          (0.0045, 0.0005)),
        mpi_results.WEAK: data_parallel("weak", 8192, 4096, (0.008, 0), (0.010, 0.002),
                                        (0.009, 0.001)),
        mpi_results.REDUCE: reduce_doc(),
        mpi_results.SPARSE_STRONG: data_parallel("strong", 65536, 65536, (0.1, 0), (0.08, 0.01),
                                                 (0.2 / 3, 0.005), nnz=32),
        mpi_results.SPARSE_WEAK: data_parallel("weak", 131072, 65536, (0.1, 0), (0.2, 0.05),
                                               (0.4 / 3, 0.02), nnz=32)}


def write_mpi(data_dir, docs=DOCS):
    directory = os.path.join(data_dir, mpi_results.MPI_DIR)
    os.makedirs(directory, exist_ok=True)
    for name, doc in docs.items():
        with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
            json.dump(doc, f)
    return data_dir


class MpiFigureTest(unittest.TestCase):
    def setUp(self):
        scratch = tempfile.TemporaryDirectory()
        self.addCleanup(scratch.cleanup)
        self.tmp = scratch.name
        self.data = write_mpi(os.path.join(self.tmp, "data"))

    def draw_kept(self):
        """Draws figure 11, keeping every text and every labelled line of its panels."""
        kept = {"texts": [], "lines": {}}

        def keep(fig, out_png, rect=None):
            for ax in fig.axes:
                kept["texts"] += [t.get_text() for t in ax.texts]
                if ax.get_legend():  # the CSR panel shares the dense panel's legend
                    kept["texts"] += [t.get_text() for t in ax.get_legend().get_texts()]
                kept["texts"] += [t.get_text() for t in ax.get_xticklabels()]
                kept["lines"].update((line.get_label(), line.get_ydata())
                                     for line in ax.get_lines())
            return save(fig, out_png, rect)

        save = figure.save
        png = os.path.join(self.tmp, "fig11_mpi.png")
        with mock.patch.object(figure, "save", keep):
            caption = fig_mpi.draw(self.data, png)
        support.assert_png(self, png)
        return caption, kept

    def test_measured_numbers_are_in_the_labels_and_the_caption(self):
        caption, kept = self.draw_kept()
        texts = "\n".join(kept["texts"])
        # steps per second, the ratio and the communication of each shared bar
        for number in ("125/s", "200/s", "1.60x", "1.78x", "eff. 0.80", "eff. 0.89",
                       "comm 1 ms", "comm 0.5 ms", "comm 2 ms"):
            self.assertIn(number, texts)
        self.assertIn("measured, deterministic: 1.60x (d = 100)", texts)
        self.assertIn("weak, P = 2\nshared 8,192 x 100\nalone 4,096 rows", texts)
        self.assertIn("strong, P = 2\nshared 65,536 x 1,048,576 CSR\nalone 65,536 rows", texts)
        for number in ("1.25x", "1.50x", "eff. 0.50", "eff. 0.75", "comm 50 ms"):
            self.assertIn(number, texts)
        self.assertIn("Strong scaling (65,536 x 1,048,576 CSR, P = 2): 10.0 steps/s alone; "
                      "shared, deterministic 12.5 (1.25x, result bitwise one process's: yes)",
                      caption.look)
        self.assertIn("weak scaling (65,536 rows alone, 131,072 x 1,048,576 CSR shared): "
                      "efficiency 0.50 deterministic, 0.75 fast", caption.look)
        self.assertIn("deterministic 200 (1.60x, result bitwise one process's: yes), fast 222 "
                      "(1.78x, result bitwise one process's: no)", caption.look)
        self.assertIn("efficiency 0.80 deterministic, 0.89 fast", caption.look)
        self.assertNotRegex(caption.what + caption.look, r"\b(nan|inf)\b")

    def test_the_model_curves_are_mpi_model_speedups(self):
        _, kept = self.draw_kept()
        doc = reduce_doc()
        for network, alpha, beta in ((fig_mpi.THIS_MACHINE, 1e-6, 5e9),
                                     (fig_mpi.TEN_GBE, *mpi_model.NETWORKS[fig_mpi.TEN_GBE])):
            for reduction in mpi_results.REDUCTIONS:
                table = mpi_model.steps_per_second(doc, 4096, alpha, beta,
                                                   reduction == "deterministic")
                for d in fig_mpi.SHOWN_D:
                    drawn = kept["lines"][f"{network}, d = {fig_mpi.power(d)}, {reduction}"]
                    expected = [table[(d, p)] / table[(d, 1)] for p in mpi_model.RANKS]
                    self.assertEqual(list(drawn), expected)

    def test_a_missing_file_exits_2_naming_it(self):
        os.remove(os.path.join(self.data, "mpi", mpi_results.REDUCE))
        done = subprocess.run([support.PYTHON, os.path.join(support.PLOTS, "fig_mpi.py"),
                               self.data, os.path.join(self.tmp, "x.png")],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertRegex(done.stderr, r"^fig_mpi\.py: error: .*/mpi/reduce\.json: missing")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x.png")))

    def test_no_mpi_directory_is_not_in_data_and_exits_2_naming_it(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        with self.assertRaises(NotInData):
            fig_mpi.draw(empty, os.path.join(self.tmp, "x.png"))
        done = subprocess.run([support.PYTHON, os.path.join(support.PLOTS, "fig_mpi.py"),
                               empty, os.path.join(self.tmp, "x.png")],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("empty/mpi: absent: the Open MPI stage did not run", done.stderr)

    def test_a_malformed_field_is_an_error_naming_file_and_field(self):
        for name, edit, problem in (
                (mpi_results.STRONG, lambda d: d["fast"].update(steps_per_second="fast"),
                 "field fast.steps_per_second: 'fast' is not a finite number"),
                (mpi_results.WEAK, lambda d: d.update(scaling="strong"),
                 "field scaling: expected 'weak'"),
                (mpi_results.REDUCE, lambda d: d["reductions"].pop(0),
                 "field reductions: no row with d = 100"),
                (mpi_results.SPARSE_WEAK, lambda d: d.update(scaling="strong"),
                 "field scaling: expected 'weak'")):
            docs = json.loads(json.dumps(DOCS))
            edit(docs[name])
            data = write_mpi(os.path.join(self.tmp, f"bad_{name}"), docs)
            with self.assertRaises(ResultError) as caught:
                mpi_results.load_mpi(data)
            self.assertIn(f"mpi/{name}: {problem}", str(caught.exception))


class MpiSectionTest(unittest.TestCase):
    def setUp(self):
        scratch = tempfile.TemporaryDirectory()
        self.addCleanup(scratch.cleanup)
        self.tmp = scratch.name

    def section(self, data):
        out = os.path.join(self.tmp, "report")
        log = io.StringIO()
        html = report.mpi_section(mpi_results.load_if_run(data), data, out, log)
        return html, log.getvalue(), out

    def test_the_figure_and_the_measured_table(self):
        html, log, out = self.section(write_mpi(os.path.join(self.tmp, "data")))
        self.assertIn('<figure id="fig11"><img src="figures/fig11_mpi.png"', html)
        support.assert_png(self, os.path.join(out, "figures", "fig11_mpi.png"))
        self.assertIn("report: figure 11: fig11_mpi.png", log)
        self.assertIn("<tr><td>planted:d=100,n=4096,seed=1</td><td>strong, P = 2</td>"
                      "<td>deterministic (block order)</td>"
                      "<td>4,096 / 4,096 x 100</td><td>125</td><td>200</td><td>1.60x</td>"
                      "<td>1 ms (20.0% of the step)</td><td>yes</td></tr>", html)
        self.assertIn("<td>weak, P = 2</td><td>fast (MPI_Allreduce)</td>", html)
        self.assertIn("<td>efficiency 0.89</td>", html)
        self.assertIn("not checked (weak scaling: other rows)", html)
        self.assertIn("<tr><td>planted:d=1048576,n=131072,nnz=32,seed=1</td><td>weak, P = 2</td>"
                      "<td>deterministic (block order)</td><td>65,536 / 131,072 x 1048576</td>",
                      html)
        self.assertIn("matched the serial fold bit for bit at 3 of 3 d in block order", html)

    def test_says_the_stage_did_not_run_without_the_directory(self):
        html, log, out = self.section(self.tmp)
        self.assertIn("Not measured: the Open MPI stage did not run", html)
        self.assertIn("out/logs/mpi.log", html)
        self.assertEqual(log, "")
        self.assertFalse(os.path.exists(os.path.join(out, "figures", "fig11_mpi.png")))


@unittest.skipUnless(os.environ.get(support.DATA_VARIABLE),
                     f"needs {support.DATA_VARIABLE} (ctest -R plots_ sets it)")
class MpiReportTest(unittest.TestCase):
    """The whole report, on the generated data directory with and without mpi/."""

    def setUp(self):
        scratch = tempfile.TemporaryDirectory()
        self.addCleanup(scratch.cleanup)
        self.tmp = scratch.name

    def build(self, name, with_mpi):
        out = os.path.join(self.tmp, name)
        data = support.copy_data(os.path.join(out, "data"))
        if with_mpi:
            write_mpi(data)
        with open(report.build(data, out, log=io.StringIO()), encoding="utf-8") as f:
            return f.read(), data, out

    def test_a_contents_entry_and_section_with_figure_11_and_links_to_the_files(self):
        page, _, out = self.build("with", True)
        self.assertIn('<li><a href="#mpi">Past one machine (Open MPI)</a></li>', page)
        start = page.index('<h2 id="mpi">Past one machine (Open MPI)</h2>')
        self.assertLess(page.index('<h2 id="peers"'), start)
        self.assertLess(start, page.index('<figure id="fig11">'))
        self.assertLess(page.index('<figure id="fig11">'), page.index('<h2 id="environment"'))
        self.assertTrue(os.path.isfile(os.path.join(out, "figures", "fig11_mpi.png")))
        for name in (mpi_results.STRONG, mpi_results.WEAK, mpi_results.REDUCE,
                     mpi_results.SPARSE_STRONG, mpi_results.SPARSE_WEAK):
            self.assertIn(f'href="data/mpi/{name}"', page)

    def test_without_the_directory_the_section_says_so(self):
        page, _, out = self.build("without", False)
        start = page.index('<h2 id="mpi">')
        self.assertIn("Not measured: the Open MPI stage did not run",
                      page[start:page.index('<h2 id="environment"')])
        self.assertNotIn("fig11", page)

    def test_a_missing_file_fails_the_build_naming_it(self):
        out = os.path.join(self.tmp, "missing")
        data = write_mpi(support.copy_data(os.path.join(out, "data")))
        os.remove(os.path.join(data, "mpi", mpi_results.WEAK))
        with self.assertRaises(ResultError) as caught:
            report.build(data, out, log=io.StringIO())
        self.assertIn(f"mpi/{mpi_results.WEAK}: missing", str(caught.exception))


class MpiModelTest(unittest.TestCase):
    def test_sparse_blocks_follow_the_kernels_rule(self):
        # tests/test_sparse.cpp checks the same shapes against objective.h's sparse_block_rows.
        self.assertEqual(mpi_model.sparse_blocks(10**6, 2**20, 32 * 10**6), 2)
        self.assertEqual(mpi_model.sparse_blocks(10**6, 10, 2**30), 62)
        self.assertEqual(mpi_model.sparse_blocks(40000, 200, 400000), 40)
        self.assertEqual(mpi_model.sparse_blocks(1000, 10, 79), 1)

    def test_ranks_without_a_block_add_no_speed(self):
        doc = {"compute_seconds_per_entry": 1e-9, "ranks": 2,
               "reductions": [{"d": 100, "blocks": 2, "local_fold_seconds": 1e-9}]}
        table = mpi_model.steps_per_second(doc, 10**6, 0.0, 1e30, False, nnz=32)
        # d = 10^6: 3.2e7 nonzeros make 4 blocks, so P = 8 computes as P = 4 does.
        self.assertEqual(mpi_model.sparse_blocks(10**6, 10**6, 32 * 10**6), 4)
        self.assertAlmostEqual(table[(10**6, 8)], table[(10**6, 4)])
        self.assertAlmostEqual(table[(10**6, 4)], 2 * table[(10**6, 2)])
        self.assertAlmostEqual(table[(100, 8)], 2 * table[(100, 4)])


if __name__ == "__main__":
    unittest.main()
