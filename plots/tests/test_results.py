"""A missing or malformed result file is an error naming the file (and line/column or field)."""

import csv
import json
import os
import tempfile
import unittest

import support
from kernels import load_kernels
from results import ResultError, get_count, read_json
from solver_runs import (load_bifurcation, load_methods, load_peers, load_run_records,
                         load_run_table, load_traced_runs)
from verdicts import load_verdicts, population_points

FIGURES = "figures"


class LoaderErrorTest(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.data = support.copy_data(os.path.join(self.scratch.name, "data"))
        self.figures = os.path.join(self.data, FIGURES)

    def tearDown(self):
        self.scratch.cleanup()

    def path(self, name):
        return os.path.join(self.data, name)

    def rewrite(self, name, edit):
        with open(self.path(name), encoding="utf-8") as f:
            text = f.read()
        with open(self.path(name), "w", encoding="utf-8") as f:
            f.write(edit(text))

    def assert_error(self, load, name, *fragments):
        with self.assertRaises(ResultError) as caught:
            load()
        message = str(caught.exception)
        self.assertTrue(caught.exception.path.endswith(name), message)
        self.assertIn(name, message)
        for fragment in fragments:
            self.assertIn(fragment, message)

    def records(self, name):
        with open(self.path(name), encoding="utf-8") as f:
            return json.load(f)["runs"]

    def trace_of(self, experiment):
        """The trace file (relative to the data directory) that figures/runs.json names for an
        experiment."""
        record = next(r for r in self.records(f"{FIGURES}/runs.json")
                      if r["experiment"] == experiment)
        return f"{FIGURES}/{record['trace']}"

    def test_the_data_load(self):
        traced = [r for r in self.records(f"{FIGURES}/runs.json")
                  if r["experiment"].startswith("trace/")]
        self.assertGreater(len(traced), 1)
        self.assertEqual(len(load_traced_runs(self.figures, "trace/")), len(traced))
        with open(self.path(f"{FIGURES}/runs.csv"), newline="") as f:
            grid = [r for r in csv.DictReader(f) if r["experiment"].startswith("grid/")]
        self.assertEqual(len(load_run_table(self.figures).named("grid/", "test")), len(grid))
        with open(self.path("runs.csv"), newline="") as f:
            claims = list(csv.DictReader(f))
        table = load_run_table(self.data)
        self.assertEqual(len(table.rows) + len(table.skipped), len(claims))
        self.assertEqual(len(load_run_records(self.data)), len(claims))
        self.assertEqual(len(load_kernels(self.data)), 2)
        self.assertEqual(load_verdicts(self.data)["counts"]["fail"], 1)
        self.assertIsNone(load_peers(self.data))

    def test_missing_csv_names_the_file(self):
        os.remove(self.path("runs.csv"))
        self.assert_error(lambda: load_run_table(self.data), "runs.csv", "missing")

    def test_truncated_json_names_the_file(self):
        self.rewrite("verdicts.json", lambda t: t[: len(t) // 2])
        self.assert_error(lambda: load_verdicts(self.data), "verdicts.json", "not valid JSON")

    def test_csv_missing_a_column_names_the_column(self):
        def drop_eta(text):
            lines = [line.split(",") for line in text.splitlines()]
            i = lines[0].index("eta")
            return "\n".join(",".join(f[:i] + f[i + 1:]) for f in lines) + "\n"

        self.rewrite(f"{FIGURES}/runs.csv", drop_eta)
        self.assert_error(lambda: load_run_table(self.figures), f"{FIGURES}/runs.csv",
                          "missing column(s) eta")

    def test_truncated_csv_names_the_line(self):
        self.rewrite("runs.csv", lambda t: t[: t.rindex(",", 0, len(t) - 40)])
        with open(self.path("runs.csv"), encoding="utf-8") as f:
            last = len(f.read().splitlines())
        self.assert_error(lambda: load_run_table(self.data), "runs.csv", f"line {last}:",
                          "truncated")

    def test_non_numeric_and_non_finite_values_name_line_and_column(self):
        self.rewrite("runs.csv", lambda t: t.replace(",0.01,gd,", ",abc,gd,", 1))
        self.assert_error(lambda: load_run_table(self.data), "runs.csv",
                          "line 2, column lambda", "'abc' is not a number")
        self.rewrite("runs.csv", lambda t: t.replace(",abc,gd,", ",nan,gd,", 1))
        self.assert_error(lambda: load_run_table(self.data), "runs.csv",
                          "line 2, column lambda", "finite number")

    def test_unknown_termination_is_rejected(self):
        self.rewrite("runs.csv", lambda t: t.replace(",converged,", ",stalled,", 1))
        self.assert_error(lambda: load_run_table(self.data), "runs.csv",
                          "column termination", "stalled")

    def test_an_experiment_twice_names_both_lines(self):
        def repeat_first(text):
            lines = text.splitlines(keepends=True)
            return "".join(lines + [lines[1]])

        self.rewrite("runs.csv", repeat_first)
        with open(self.path("runs.csv"), encoding="utf-8") as f:
            last = len(f.read().splitlines())
        self.assert_error(lambda: load_run_table(self.data), "runs.csv", f"line {last}:",
                          "also on line 2")

    def test_run_without_its_trace_names_the_trace(self):
        trace = self.trace_of("trace/s2")
        os.remove(self.path(trace))
        self.assert_error(lambda: load_traced_runs(self.figures, "trace/"), trace, "missing")

    def test_trace_outside_the_runner_directory_is_rejected(self):
        def escape(text):
            doc = json.loads(text)
            next(r for r in doc["runs"] if r["trace"])["trace"] = "../verdicts.json"
            return json.dumps(doc)

        self.rewrite(f"{FIGURES}/runs.json", escape)
        self.assert_error(lambda: load_run_records(self.figures), f"{FIGURES}/runs.json",
                          "'../verdicts.json' is not a path inside")

    def test_traced_run_without_a_trace_is_rejected(self):
        def drop(text):
            doc = json.loads(text)
            next(r for r in doc["runs"] if r["experiment"] == "trace/s2")["trace"] = None
            return json.dumps(doc)

        self.rewrite(f"{FIGURES}/runs.json", drop)
        self.assert_error(lambda: load_traced_runs(self.figures, "trace/"),
                          f"{FIGURES}/runs.json", "(trace/s2)", "no trace")

    def test_run_record_with_a_non_numeric_field_names_it(self):
        self.rewrite(f"{FIGURES}/runs.json", lambda t: t.replace('"eta": 100.0', '"eta": "big"'))
        self.assert_error(lambda: load_traced_runs(self.figures, "trace/"),
                          f"{FIGURES}/runs.json", "(trace/eta100)", "field eta")

    def test_verdict_counts_must_match_the_list(self):
        self.rewrite("verdicts.json", lambda t: t.replace('"fail": 1', '"fail": 0'))
        self.assert_error(lambda: load_verdicts(self.data), "verdicts.json", "counts.fail")

    def test_unknown_verdict_is_rejected(self):
        self.rewrite("verdicts.json", lambda t: t.replace('"verdict": "fail"', '"verdict": "meh"'))
        self.assert_error(lambda: load_verdicts(self.data), "verdicts.json", "'meh'")

    def test_malformed_population_count_names_the_point(self):
        # points[2] is the censored one: its settled_eta1 is null, settled_eta1_at_least set.
        self.rewrite("verdicts.json",
                     lambda t: t.replace('"settled_eta1": null', '"settled_eta1": "lots"', 1))
        doc = load_verdicts(self.data)
        self.assert_error(lambda: population_points(doc, self.data), "verdicts.json",
                          "points[2].settled_eta1")

    def test_kernels_files_are_required_and_checked(self):
        self.rewrite("kernels_release.json",
                     lambda t: t.replace('"bytes_per_second": ', '"bytes_per_second": "x", "o": ',
                                         1))
        self.assert_error(lambda: load_kernels(self.data), "kernels_release.json",
                          "bytes_per_second")
        for name in ("kernels_release.json", "kernels_native-openmp.json"):
            os.remove(self.path(name))
        self.assert_error(lambda: load_kernels(self.data), "kernels_<preset>.json", "required")

    def test_bifurcation_row_to_the_horizon_needs_an_iterate(self):
        self.rewrite("bifurcation.csv", lambda t: t.replace(",max_steps,3997,", ",max_steps,,", 1))
        self.assert_error(lambda: load_bifurcation(self.data), "bifurcation.csv", "column t")
        dataset, lam, eta_loc, fan = load_bifurcation(support.generated_data())
        self.assertEqual(fan[-1].termination, "diverged")
        self.assertEqual(fan[-1].w, [])

    def test_one_peers_file_without_the_other_names_the_missing_one(self):
        with open(self.path("peers.csv"), "w") as f:
            f.write("method,dataset,lambda,final_gap,seconds,iterations,status\n")
        self.assert_error(lambda: load_peers(self.data), "peers_trace.csv", "missing")

    def test_method_table_orders_and_names_the_sweep_methods(self):
        table = load_methods(self.data)
        claim_runs = [r for r in load_run_table(self.data).rows if not r.experiment.startswith("eos/")]
        keys = sorted({(r.solver, r.rule) for r in claim_runs}, key=table.order)
        self.assertEqual([table.label(*k) for k in keys],
                         ["GD 1/L_s", "GD S2", "GD S3", "GD 0.5 eta_loc", "GD best eta", "Nesterov"])
        self.assertEqual(table.label("gd", "s2:c=2"), "GD S2 (c=2)")  # not the default: shown
        self.assertEqual(table.label("gd", "loc:frac=0.9"), "GD 0.9 eta_loc")
        self.assertEqual(table.label("nesterov", "s2:c=1"), "Nesterov S2")  # not its default rule
        # Names the table lacks (a newer program's rows) are drawn last under their own names.
        self.assertEqual(table.label("gd", "silver:x=1"), "GD silver (x=1)")
        self.assertGreater(table.order(("gd", "silver")), table.order(("gd", "fixed:eta=1")))
        self.assertGreater(table.order(("sgd", "classical")), table.order(("nesterov", "best")))

    def test_method_table_is_required_and_checked(self):
        self.rewrite("methods.json", lambda t: t.replace('"kind": "solver"', '"kind": "solve"', 1))
        self.assert_error(lambda: load_methods(self.data), "methods.json", "field kind", "'solve'")
        self.rewrite("methods.json", lambda t: t.replace('"default": 1.0', '"default": "one"', 1))
        self.assert_error(lambda: load_methods(self.data), "methods.json", "field parameters")
        os.remove(self.path("methods.json"))
        self.assert_error(lambda: load_methods(self.data), "methods.json", "missing")

    def edit_cell(self, name, column, value, pick=lambda row: True):
        """Sets one field of the first CSV record that pick accepts (read with the csv module
        alone); returns the record's line number."""
        with open(self.path(name), newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        k = next(i for i, row in enumerate(rows) if pick(row))
        rows[k][column] = value
        with open(self.path(name), "w", newline="", encoding="utf-8") as f:
            out = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
            out.writeheader()
            out.writerows(rows)
        return k + 2

    def edit_record(self, name, edit):
        """Applies edit to the parsed runs.json and writes it back."""
        with open(self.path(name), encoding="utf-8") as f:
            doc = json.load(f)
        edit(doc)
        with open(self.path(name), "w", encoding="utf-8") as f:
            json.dump(doc, f)

    def test_a_count_that_is_negative_fractional_or_not_finite_names_line_and_column(self):
        # Every count column of a run row (README.md "Output formats"), drawn or not.
        name = f"{FIGURES}/runs.csv"
        with open(self.path(name), encoding="utf-8") as f:
            original = f.read()

        def measured(row):
            return row["settled"] != "" and row["first_hit"] != ""

        def censored(row):
            return row["settled_at_least"] != "" and row["first_hit_at_least"] != ""

        cases = [(c, measured) for c in ("settled", "first_hit", "horizon", "steps", "increases",
                                         "n", "d")]
        cases += [("settled_at_least", censored), ("first_hit_at_least", censored),
                  ("last_increase", lambda row: row["last_increase"] != "")]
        bad = (("-5", "-5 is negative"), ("2.5", "2.5 is fractional"), ("nan", "nan is not "
               "finite"), ("inf", "inf is not finite"), ("-1e999", "-inf is not finite"),
               ("lots", "'lots' is not a number"))
        for column, pick in cases:
            for value, problem in bad:
                with self.subTest(column=column, value=value):
                    self.rewrite(name, lambda _: original)
                    line = self.edit_cell(name, column, value, pick)
                    self.assert_error(lambda: load_run_table(self.figures), name,
                                      f"line {line}, column {column}: {problem}",
                                      "a count is an integer >= 0")
        # Counts are read exactly, beyond double's 2^53.
        self.rewrite(name, lambda _: original)
        line = self.edit_cell(name, "settled", "9007199254740993", measured)
        row = next(r for r in load_run_table(self.figures).rows if r.line == line)
        self.assertEqual(row.settled, 9007199254740993)

    def test_a_count_pair_holds_exactly_one_value(self):
        name = f"{FIGURES}/runs.csv"
        line = self.edit_cell(name, "settled_at_least", "7", lambda r: r["settled"] != "")
        self.assert_error(lambda: load_run_table(self.figures), name,
                          f"line {line}: both settled (", "and settled_at_least (7) set")
        self.edit_cell(name, "settled_at_least", "", lambda r: r["settled"] != "")
        line = self.edit_cell(name, "first_hit", "", lambda r: r["first_hit"] != "")
        self.assert_error(lambda: load_run_table(self.figures), name,
                          f"line {line}: neither first_hit nor first_hit_at_least set")

    def test_lambda_eta_eta_loc_and_smoothness_must_be_positive(self):
        with open(self.path("runs.csv"), encoding="utf-8") as f:
            original = f.read()
        for column, value in (("lambda", "0"), ("eta", "-1"), ("eta_loc", "0"),
                              ("smoothness", "-0.5")):
            with self.subTest(column=column):
                self.rewrite("runs.csv", lambda _: original)
                line = self.edit_cell("runs.csv", column, value)
                self.assert_error(lambda: load_run_table(self.data), "runs.csv",
                                  f"line {line}, column {column}: {value} where a positive "
                                  "number is required")

    def test_run_record_counts_name_the_record_and_field(self):
        name = f"{FIGURES}/runs.json"
        records = self.records(name)
        i = next(k for k, r in enumerate(records) if r["settled"] is not None)
        where = f"runs[{i}] ({records[i]['experiment']})"
        for field, value, problem in (("settled", -5, "-5 is negative"),
                                      ("settled", 2.5, "2.5 is fractional"),
                                      ("steps", -1, "-1 is negative"),
                                      ("increases", "many", "'many' is not a number"),
                                      ("settled_at_least", 3, "settled_at_least = 3")):
            with self.subTest(field=field, value=value):
                self.edit_record(name, lambda doc: doc["runs"][i].update({field: value}))
                self.assert_error(lambda: load_run_records(self.figures), name, where,
                                  problem)
                self.edit_record(name, lambda doc: doc["runs"][i].update(
                    {field: records[i][field]}))
        # best's grid: every (eta, settled, settled_at_least) tried.
        records = self.records("runs.json")
        i = next(k for k, r in enumerate(records) if r.get("grid"))
        self.edit_record("runs.json", lambda doc: doc["runs"][i]["grid"][1].update(settled=-3))
        self.assert_error(lambda: load_run_records(self.data), "runs.json",
                          f"runs[{i}] ({records[i]['experiment']}).grid[1], field settled: "
                          "-3 is negative")

    def test_traced_run_counts_and_trace_steps_are_checked(self):
        name = f"{FIGURES}/runs.json"
        i = next(k for k, r in enumerate(self.records(name)) if r["experiment"] == "trace/s2")
        self.edit_record(name, lambda doc: doc["runs"][i].update(last_increase=1.5))
        self.assert_error(lambda: load_traced_runs(self.figures, "trace/"), name,
                          "(trace/s2), field last_increase: 1.5 is fractional")
        self.edit_record(name, lambda doc: doc["runs"][i].update(last_increase=None,
                                                                 smoothness=0))
        self.assert_error(lambda: load_traced_runs(self.figures, "trace/"), name,
                          "(trace/s2), field smoothness: 0 is not a positive finite number")
        self.edit_record(name, lambda doc: doc["runs"][i].update(smoothness=1.0))
        trace = self.trace_of("trace/s2")
        line = self.edit_cell(trace, "t", "-1")
        self.assert_error(lambda: load_traced_runs(self.figures, "trace/"), trace,
                          f"line {line}, column t: -1 is negative")

    def test_bifurcation_steps_and_stepsizes_are_checked(self):
        line = self.edit_cell("bifurcation.csv", "t", "3997.5", lambda r: r["t"] != "")
        self.assert_error(lambda: load_bifurcation(self.data), "bifurcation.csv",
                          f"line {line}, column t: 3997.5 is fractional")
        self.edit_cell("bifurcation.csv", "t", "3997", lambda r: r["t"] != "")
        line = self.edit_cell("bifurcation.csv", "eta", "-47")
        self.assert_error(lambda: load_bifurcation(self.data), "bifurcation.csv",
                          f"line {line}, column eta: -47 where a positive number is required")

    def test_peer_iterations_are_a_count_or_nothing(self):
        self.data = data = support.copy_data(os.path.join(self.scratch.name, "peers"),
                                             peers=True)
        self.assertEqual(load_peers(data).rows[0]["iterations"], 14)
        line = self.edit_cell("peers.csv", "iterations", "-14")
        self.assert_error(lambda: load_peers(data), "peers.csv",
                          f"line {line}, column iterations: -14 is negative")
        self.edit_cell("peers.csv", "iterations", "")
        self.assertIsNone(load_peers(data).rows[0]["iterations"])

    def test_population_n_is_a_sample_size(self):
        for value, problem in (("128.5", "128.5 is fractional"), ("-128", "-128 is negative"),
                               ("0", "0 is not a sample size")):
            with self.subTest(n=value):
                self.rewrite("verdicts.json", lambda t: t.replace('"n": 128,', f'"n": {value},'))
                doc = load_verdicts(self.data)
                self.assert_error(lambda: population_points(doc, self.data), "verdicts.json",
                                  f"points[0].n: {problem}")
                self.rewrite("verdicts.json", lambda t: t.replace(f'"n": {value},', '"n": 128,'))

    def test_read_json_of_a_missing_file(self):
        self.assert_error(lambda: read_json(self.path("nothing.json")), "nothing.json", "missing")

    def test_get_count_reads_censored_counts(self):
        self.assertEqual(get_count({"s": 214, "s_at_least": None}, "s"), (214.0, False))
        self.assertEqual(get_count({"s": None, "s_at_least": 100000}, "s"), (100000.0, True))
        for bad in ({}, {"s": 214}, {"s": None, "s_at_least": None}, {"s": 1, "s_at_least": 2},
                    {"s": "214", "s_at_least": None}, {"s": -3, "s_at_least": None},
                    {"s": 1.5, "s_at_least": None}, {"s": True, "s_at_least": None},
                    {"s": None, "s_at_least": float("nan")}):
            with self.assertRaises(ValueError):
                get_count(bad, "s")


if __name__ == "__main__":
    unittest.main()
