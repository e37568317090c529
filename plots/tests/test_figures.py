"""Each figure script draws a PNG from the data the real writers made, with a caption computed
from the data; figure 3's slopes are the checker's."""

import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

import support
import fig_arena
import fig_bifurcation
import fig_convergence
import fig_kernels
import fig_peers
import fig_phase
import fig_population
import fig_scaling
import fig_steps_vs_eta
import fig_time_to_eps
import figure
from results import NotInData, ResultError
from solver_runs import load_methods, load_run_table

ALWAYS = (fig_convergence, fig_steps_vs_eta, fig_scaling, fig_phase, fig_bifurcation,
          fig_kernels, fig_population)


class FigureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Each figure is drawn once on the data; the tests below read what it produced.
        cls.scratch = tempfile.TemporaryDirectory()
        cls.tmp = cls.scratch.name
        cls.data = support.copy_data(os.path.join(cls.tmp, "data"))
        cls.drawn = {m: cls.draw(m, cls.data) for m in ALWAYS}

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    @classmethod
    def draw(cls, module, data, name=None):
        png = os.path.join(cls.tmp, "out", (name or module.__name__) + ".png")
        return module.draw(data, png), png

    def scratch_data(self, name, peers=False, time_to_eps=False, arena=False):
        return support.copy_data(os.path.join(self.tmp, name), peers=peers,
                                 time_to_eps=time_to_eps, arena=arena)

    def draw_kept(self, module, data, name):
        """Draws the figure, keeping (axes title, [(line label, line style, open marker)]) per
        panel and the figure legend's texts as they were when it was saved."""
        kept = {"panels": [], "legend": []}

        def keep(fig, out_png, rect=None):
            for ax in fig.axes:
                kept["panels"].append((ax.get_title(), [
                    (line.get_label(), line.get_linestyle(),
                     line.get_markerfacecolor() == "none")
                    for line in ax.get_lines()]))
            kept["legend"] += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
            return save(fig, out_png, rect)

        save = figure.save
        with mock.patch.object(figure, "save", keep):
            caption, png = self.draw(module, data, name)
        return caption, png, kept

    def test_arena_figure_has_a_panel_per_dataset_and_dashes_the_oracle_methods(self):
        data = self.scratch_data("with_arena", arena=True)
        with open(os.path.join(data, "arena", "arena.json"), encoding="utf-8") as f:
            doc = json.load(f)
        caption, png, kept = self.draw_kept(fig_arena, data, "arena")
        support.assert_png(self, png)
        labels = list(dict.fromkeys(c["label"] for c in doc["cells"]))
        self.assertEqual([title for title, _ in kept["panels"]], labels)
        oracle = {m["name"] for m in doc["methods"] if m["oracles"]}
        free = {m["name"] for m in doc["methods"] if not m["oracles"]}
        self.assertTrue(oracle and free)
        for title, lines in kept["panels"]:
            with self.subTest(panel=title):
                self.assertEqual({label for label, style, _ in lines if style == "--"}, oracle)
                self.assertEqual({label for label, style, _ in lines if style == "-"}, free)
                self.assertEqual(len(lines), len(doc["methods"]))  # no bound, nothing omitted
        for m in doc["methods"]:
            self.assertIn(m["name"] + (f" ({m['oracles']})" if m["oracles"] else ""),
                          kept["legend"])
        self.assertIn("Every run is drawn", caption.what)
        self.assertIn("0 count(s) cut off by the horizon", caption.what)
        # The fixture's fewest passes at each dataset's largest kappa, from the file.
        for label in labels:
            cell = max((c for c in doc["cells"] if c["label"] == label), key=lambda c: c["kappa"])
            best = min(cell["runs"], key=lambda r: r["passes"])
            self.assertIn(f"{label} (kappa {cell['kappa']:.3g}): {best['method']} "
                          f"{best['passes']}", caption.look)

    def test_arena_figure_marks_bounds_open_and_names_the_runs_it_leaves_out(self):
        # A method the fixture lacks (support.add_safe): read from the file like every other.
        data = self.scratch_data("with_arena_safe", arena=True)
        doc = support.add_safe(data)
        caption, png, kept = self.draw_kept(fig_arena, data, "arena_safe")
        support.assert_png(self, png)
        safe = {title: [(label, style, open_) for label, style, open_ in lines
                        if label.lstrip("_").startswith(support.SAFE)]
                for title, lines in kept["panels"]}
        hard, digits = (c["label"] for c in (doc["cells"][0], doc["cells"][3]))
        # hard: two measured counts (a solid line) and one bound (an open marker, no line);
        # digits: two measured counts, the diverged run not drawn.
        self.assertEqual(safe[hard], [(support.SAFE, "-", False),
                                      (f"_{support.SAFE} at least", "None", True)])
        self.assertEqual(safe[digits], [(support.SAFE, "-", False)])
        self.assertIn("1 count(s) cut off by the horizon", caption.what)
        self.assertIn(f"Not drawn: {support.SAFE} at hard0.1 1e-03 (skipped); "
                      f"{support.SAFE} at digits0v8 1e-02 (diverged).", caption.what)
        self.assertIn("2 run(s) not drawn", kept["legend"])
        self.assertIn(support.SAFE, kept["legend"])

    def test_arena_figure_without_the_arena_is_not_in_data(self):
        with self.assertRaises(NotInData):
            fig_arena.draw(self.data, os.path.join(self.tmp, "a.png"))

    def test_every_figure_writes_a_png_with_a_two_line_caption(self):
        for module, (caption, png) in self.drawn.items():
            with self.subTest(module.__name__):
                support.assert_png(self, png)
                for text in (caption.title, caption.what, caption.look):
                    self.assertIsInstance(text, str)
                    self.assertTrue(text.strip())

    def test_peers_figure_draws_when_both_files_exist(self):
        caption, png = self.draw(fig_peers, self.scratch_data("with_peers", peers=True))
        support.assert_png(self, png)
        self.assertIn("liblinear", caption.look)

    def test_peers_figure_without_peers_is_not_in_data(self):
        with self.assertRaises(NotInData):
            fig_peers.draw(self.data, os.path.join(self.tmp, "p.png"))

    def test_time_to_eps_figure_without_its_files_is_not_in_data(self):
        with self.assertRaises(NotInData):
            fig_time_to_eps.draw(self.data, os.path.join(self.tmp, "t.png"))

    def time_to_eps_medians(self, data):
        """Seconds (median over repetitions) by (file, benchmark), read with json alone."""
        out = {}
        for name in os.listdir(data):
            if not name.startswith("time_to_eps_"):
                continue
            with open(os.path.join(data, name)) as f:
                doc = json.load(f)
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
            times = {}
            for b in doc["benchmarks"]:
                if b.get("run_type") != "aggregate" and not b.get("error_occurred"):
                    times.setdefault(b["run_name"], []).append(b["real_time"] * scale[b["time_unit"]])
            for bench, values in times.items():
                values.sort()
                m = len(values) // 2
                out[(name, bench)] = values[m] if len(values) % 2 else (values[m - 1] + values[m]) / 2
        return out

    def test_time_to_eps_figure_states_the_largest_gain_over_the_baseline(self):
        data = self.scratch_data("with_time_to_eps", time_to_eps=True)
        caption, png = self.draw(fig_time_to_eps, data)
        support.assert_png(self, png)
        medians = self.time_to_eps_medians(data)
        base = {b: s for (f, b), s in medians.items() if f == "time_to_eps_release.json"}
        gains = [base[b] / s for (f, b), s in medians.items()
                 if f != "time_to_eps_release.json" and b in base]
        if gains:
            self.assertIn(f"{max(gains):.2f}x", caption.look)
        else:
            self.assertIn("only flavour", caption.look)
        self.assertNotIn("nan", caption.look + caption.what)

    def test_time_to_eps_figure_refuses_a_time_that_is_not_a_time(self):
        data = self.scratch_data("bad_time_to_eps", time_to_eps=True)
        path = os.path.join(data, "time_to_eps_release.json")
        with open(path) as f:
            doc = json.load(f)
        doc["benchmarks"][0]["real_time"] = -1
        with open(path, "w") as f:
            json.dump(doc, f)
        with self.assertRaises(ResultError) as e:
            fig_time_to_eps.draw(data, os.path.join(self.tmp, "t.png"))
        self.assertIn("time_to_eps_release.json", str(e.exception))

    def test_population_figure_without_s10_is_not_in_data(self):
        data = self.scratch_data("without_s10")
        path = os.path.join(data, "verdicts.json")
        with open(path) as f:
            doc = json.load(f)
        (s10,) = [v for v in doc["verdicts"] if v["claim"] == "S10"]
        doc["verdicts"].remove(s10)
        doc["counts"][s10["verdict"]] -= 1
        with open(path, "w") as f:
            json.dump(doc, f)
        with self.assertRaises(NotInData):
            fig_population.draw(data, os.path.join(self.tmp, "p.png"))

    def grid_rows(self):
        """The figures' grid runs, read with the csv module alone (an independent reference)."""
        with open(os.path.join(self.data, "figures", "runs.csv"), newline="") as f:
            return [r for r in csv.DictReader(f) if r["experiment"].startswith("grid/")]

    def test_captions_state_numbers_computed_from_the_data(self):
        grid = self.grid_rows()
        below = [r for r in grid if float(r["eta"]) < float(r["eta_loc"])]
        above = [r for r in grid if float(r["eta"]) > float(r["eta_loc"])]
        converge = sum(r["termination"] == "converged" for r in below)
        stuck = sum(r["termination"] != "converged" for r in above)
        self.assertTrue(below and above)
        caption, _ = self.drawn[fig_phase]
        self.assertIn(f"Below eta_loc {converge} of {len(below)} runs converge; above it {stuck} "
                      f"of {len(above)} do not", caption.look)
        smallest = min(float(r["lambda"]) for r in grid)
        settled = [r for r in grid if float(r["lambda"]) == smallest and r["settled"]]
        fewest = min(settled, key=lambda r: int(r["settled"]))
        caption, _ = self.drawn[fig_steps_vs_eta]
        self.assertIn(f"lambda = {smallest:g}: eta = {float(fewest['eta']):.3g} (", caption.look)
        caption, _ = self.drawn[fig_population]
        self.assertIn("1 count(s) censored", caption.what)
        self.assertIn("1 point(s) failed", caption.what)

    def test_kernel_throughput_is_compared_with_the_one_machine_read_limit(self):
        # The fixtures' flavours have their own probes (29.3 and 21.3 GB/s on one thread) and a
        # stamped machine_read_GBps of 40.043: the caption's ratio uses the latter.
        caption, _ = self.drawn[fig_kernels]
        self.assertIn("of the machine's read limit, 40 GB/s", caption.look)
        self.assertIn("dashed line = the machine's read limit", caption.what)
        # Files without the survey (older bench_kernels) fall back to each build's own probe.
        data = self.scratch_data("kernels_without_machine_read")
        for name in ("kernels_release.json", "kernels_native-openmp.json"):
            path = os.path.join(data, name)
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            for key in ("read_GBps_best", "read_best_at", "machine_read_GBps", "machine_read_at"):
                doc["context"].pop(key)
            with open(path, "w", encoding="utf-8") as f:
                json.dump(doc, f)
        caption, _ = self.draw(fig_kernels, data, "kernels_without_machine_read")
        self.assertIn("of its probe)", caption.look)
        self.assertNotIn("machine", caption.look + caption.what)

    def test_same_data_give_the_same_png_bytes(self):
        _, first = self.drawn[fig_phase]
        with open(first, "rb") as f:
            before = f.read()
        _, second = self.draw(fig_phase, self.data, name="again")
        with open(second, "rb") as f:
            self.assertEqual(before, f.read())

    def test_figure_2_marks_each_rule_once_at_every_grid_lambda(self):
        # The claim suite's GD runs of the rules and the figures' rules/* runs complement each
        # other: together every grid lambda has each rule once.
        claims, figures = load_run_table(self.data), load_run_table(os.path.join(self.data,
                                                                                 "figures"))
        grid = figures.named("grid/", "test")
        rules = fig_steps_vs_eta.rule_runs(claims, figures, grid[0].dataset)
        pattern = re.compile(r"^(rules/lambda=[^/]+|[^/]+/lambda=[^/]+)/"
                             r"(classical|s2|s3|loc|best)$")
        for r in rules:
            self.assertRegex(r.experiment, pattern)
            self.assertEqual(r.solver, "gd")
        for lam in {r.lam for r in grid}:
            names = sorted(pattern.match(r.experiment).group(2) for r in rules if r.lam == lam)
            self.assertEqual(names, ["best", "classical", "loc", "s2", "s3"], lam)
        self.assertTrue(any(r.experiment.startswith("rules/") for r in rules))
        self.assertTrue(any(not r.experiment.startswith("rules/") for r in rules))

    def test_skipped_runs_are_left_out_and_their_series_is_not_fitted(self):
        data = self.scratch_data("skipped")
        edit_runs(data, {}, "hard0.1/lambda=0.001/s3")
        table = load_run_table(data)
        self.assertEqual([r.experiment for r in table.skipped], ["hard0.1/lambda=0.001/s3"])
        self.assertNotIn("hard0.1/lambda=0.001/s3", [r.experiment for r in table.rows])
        slopes = {s.method: s.slope for s in fig_scaling.scaling_series(table)}
        self.assertIsNone(slopes["s3"])
        self.assertIsNotNone(slopes["s2"])
        caption, png = self.draw(fig_scaling, data, name="skipped")
        support.assert_png(self, png)
        self.assertIn("no fit for GD S3 (1 run(s) skipped)", caption.look)
        self.draw(fig_steps_vs_eta, data, name="skipped_rules")

    def test_a_doctored_count_is_refused_by_every_figure_that_reads_it(self):
        # A negative, fractional or non-finite count is an error naming the file, the line and
        # the column (or the record and field), never a point below zero or a nan slope.
        def grid_row(row):
            return row["experiment"].startswith("grid/") and row["settled"] != ""

        cases = (((fig_scaling,), "runs.csv", "settled", "-5", lambda row: row["settled"] != ""),
                 ((fig_steps_vs_eta, fig_phase), "figures/runs.csv", "settled", "2.5", grid_row),
                 ((fig_steps_vs_eta, fig_phase), "figures/runs.csv", "horizon", "-1", grid_row),
                 ((fig_bifurcation,), "bifurcation.csv", "t", "nan", lambda row: row["t"] != ""))
        for modules, name, column, value, pick in cases:
            data = self.scratch_data(f"doctored_{column}_{len(name)}")
            line = edit_csv(os.path.join(data, name), column, value, pick)
            for module in modules:
                with self.subTest(module=module.__name__, column=column):
                    with self.assertRaises(ResultError) as caught:
                        self.draw(module, data, name="doctored")
                    self.assertIn(f"{name}: line {line}, column {column}: {value}",
                                  str(caught.exception).replace(os.sep, "/"))
                    self.assertIn("a count is an integer >= 0", str(caught.exception))
        data = self.scratch_data("doctored_record")
        path = os.path.join(data, "figures", "runs.json")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        next(r for r in doc["runs"] if r["experiment"] == "trace/s2")["increases"] = -2
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        with self.assertRaises(ResultError) as caught:
            self.draw(fig_convergence, data, name="doctored")
        self.assertIn("(trace/s2), field increases: -2 is negative", str(caught.exception))
        # Through the command line: exit 2 and the message, no figure.
        data = self.scratch_data("doctored_cli")
        line = edit_csv(os.path.join(data, "runs.csv"), "settled", "-5",
                        lambda row: row["settled"] != "")
        out = os.path.join(self.tmp, "doctored_cli.png")
        done = subprocess.run([support.PYTHON, os.path.join(support.PLOTS, "fig_scaling.py"),
                               data, out], capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn(f"runs.csv: line {line}, column settled: -5 is negative", done.stderr)
        self.assertFalse(os.path.exists(out))

    def test_no_caption_or_legend_shows_a_nan_or_inf_slope_or_ratio(self):
        # Counts of 0 (no logarithm), a series at one lambda and a series whose lambdas are all
        # equal: where no slope can be fitted, the caption says why.
        data = self.scratch_data("unfittable")
        path = os.path.join(data, "verdicts.json")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        points = next(v for v in doc["verdicts"] if v["claim"] == "S10")["details"]["points"]
        measured = [p for p in points if "failure" not in p]
        for p in measured:
            p["settled_nesterov"] = 0
        for p in measured[1:]:  # one measured count left
            p["settled_large"], p["settled_large_at_least"] = None, 10**6
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        runs = os.path.join(data, "runs.csv")
        edit_csv(runs, "lambda", "0.01", lambda row: row["experiment"].endswith("/nesterov"),
                 every=True)
        edit_csv(runs, "settled", "0", lambda row: row["experiment"].endswith("/classical"),
                 every=True)
        keep = [r for r in read_rows(runs) if not (r["experiment"].endswith("/s3") and
                                                   "lambda=0.01/" not in r["experiment"])]
        write_rows(runs, keep)

        texts = []

        def keep_legend(fig, out_png, rect=None):
            texts.extend(t.get_text() for ax in fig.axes if ax.get_legend()
                         for t in ax.get_legend().get_texts())
            return save(fig, out_png, rect)

        save = figure.save
        with mock.patch.object(figure, "save", keep_legend):
            captions = {m: self.draw(m, data, name=f"unfittable_{m.__name__}")[0]
                        for m in (fig_scaling, fig_population)}
        for caption in captions.values():
            texts += [caption.title, caption.what, caption.look]
        for text in texts:
            self.assertNotRegex(text.lower(), r"\b(nan|inf)\b", text)
        look = captions[fig_scaling].look
        self.assertIn("GD 1/L_s 0.00 (S1)", look)  # max(0, 1) = 1 at every lambda: flat
        self.assertIn("no fit for GD S3 (no slope: one lambda), Nesterov (no slope: all "
                      "lambdas equal)", look)
        self.assertIn("Nesterov: no slope: all lambdas equal", texts)
        look = captions[fig_population].look
        self.assertIn("eta = n^(1/3) (no slope: only 1 of 1 point(s) finite and > 0)", look)
        self.assertIn("Nesterov (no slope: only 0 of 7 point(s) finite and > 0)", look)

    def test_fit_slope_and_ratios_say_why_instead_of_nan(self):
        self.assertAlmostEqual(figure.fit_slope([1, 10, 100], [2, 20, 200]).value, 1.0)
        with_zero = figure.fit_slope([1, 10, 100, 1000], [2, 20, 200, 0])
        self.assertAlmostEqual(with_zero.value, 1.0)
        self.assertEqual(with_zero.text(), "1.00 (1 point(s) not finite and > 0 left out)")
        for x, y, why in (([1, 10], [5, 0], "only 1 of 2 point(s) finite and > 0"),
                          ([1, float("nan")], [5, 6], "only 1 of 2 point(s) finite and > 0"),
                          ([], [], "only 0 of 0 point(s) finite and > 0"),
                          ([0.01, 0.01], [5, 6], "all lambdas equal")):
            slope = figure.fit_slope(x, y, "lambdas")
            self.assertIsNone(slope.value)
            self.assertEqual(slope.text(), f"no slope: {why}")
        self.assertEqual(figure.fmt_ratio(3, 2, ".2f"), "1.50")
        self.assertEqual(figure.fmt_ratio(1, 0, ".2f"), "undefined")
        self.assertEqual(figure.fmt_ratio(1e300, 1e-300, ".2f"), "undefined")
        self.assertEqual(figure.fmt_finite(float("nan"), ".3g"), "undefined")

    def test_floor_reached_is_drawn_as_its_own_termination(self):
        # floor_reached: the horizon came with the gap within its rounding bound of eps (never
        # converged). Every reader of terminations knows it: figure 4 gives it its own phase,
        # figure 2 draws it as not settled, figure 5 reads its iterates like max_steps'.
        data = self.scratch_data("floor")
        runs = os.path.join(data, "figures", "runs.csv")
        edit_csv(runs, "termination", "floor_reached",
                 lambda row: row["experiment"].startswith("grid/") and
                 row["termination"] == "max_steps" and row["settled"] == "")
        edit_csv(os.path.join(data, "bifurcation.csv"), "termination", "floor_reached",
                 lambda row: row["termination"] == "max_steps", every=True)
        legends = []

        def keep_legend(fig, out_png, rect=None):
            legends.extend(t.get_text() for ax in fig.axes if ax.get_legend()
                           for t in ax.get_legend().get_texts())
            return save(fig, out_png, rect)

        save = figure.save
        with mock.patch.object(figure, "save", keep_legend):
            for module in (fig_phase, fig_steps_vs_eta, fig_bifurcation):
                self.draw(module, data, name=f"floor_{module.__name__}")
        self.assertIn("at the floor: 1", legends)
        self.assertEqual(fig_bifurcation.draw(data, os.path.join(self.tmp, "floor5.png")).look,
                         self.drawn[fig_bifurcation][0].look)

    def test_cli_reports_a_missing_file_and_exits_2(self):
        data = self.scratch_data("without_grid")
        os.remove(os.path.join(data, "figures", "runs.csv"))
        script = os.path.join(support.PLOTS, "fig_phase.py")
        done = subprocess.run([support.PYTHON, script, data, os.path.join(self.tmp, "x.png")],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("fig_phase.py: error: ", done.stderr)
        self.assertIn(os.path.join("figures", "runs.csv") + ": missing", done.stderr)


class ScalingSlopesAreTheVerdictsTest(unittest.TestCase):
    """Figure 3 and the checker fit the same rows the same way: the figure's slope of each of
    S1 (against 1/lambda), S2, S3 and S8 is verdicts.json's details.slope of the same dataset."""

    CLAIMS = {"S1": "classical", "S2": "s2", "S3": "s3", "S8": "nesterov"}

    @classmethod
    def setUpClass(cls):
        cls.data = support.generated_data()  # the real verdicts.json of this very run
        with open(os.path.join(cls.data, "verdicts.json"), encoding="utf-8") as f:
            cls.verdicts = [v for v in json.load(f)["verdicts"] if v["claim"] in cls.CLAIMS and
                            v["details"].get("abscissa") == "1/lambda"]
        cls.series = {(s.dataset, s.method): s
                      for s in fig_scaling.scaling_series(load_run_table(cls.data))}

    def test_every_slope_claim_was_judged_with_a_slope(self):
        self.assertEqual(sorted(v["claim"] for v in self.verdicts), sorted(self.CLAIMS))
        for v in self.verdicts:
            self.assertIn("slope", v["details"], v["claim"])

    def test_same_rows_and_same_slope_to_1e_9(self):
        for v in self.verdicts:
            with self.subTest(v["claim"]):
                d = v["details"]
                self.assertEqual(d["method"], self.CLAIMS[v["claim"]])
                s = self.series[(v["dataset"], d["method"])]
                self.assertEqual([r.lam for r in s.rows], d["lambdas"])
                self.assertEqual([r.settled for r in s.rows], d["settled"])
                self.assertEqual([r.settled_at_least for r in s.rows], d["settled_at_least"])
                self.assertLessEqual(abs(s.slope - d["slope"]), 1e-9 * abs(d["slope"]))

    def test_the_legend_shows_those_slopes(self):
        legends = []

        def keep_legend(fig, out_png, rect=None):
            legends.extend(t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts())
            return save(fig, out_png, rect)

        save = figure.save
        with tempfile.TemporaryDirectory() as tmp, mock.patch.object(figure, "save", keep_legend):
            fig_scaling.draw(self.data, os.path.join(tmp, "fig3.png"))
        for v in self.verdicts:
            s = self.series[(v["dataset"], v["details"]["method"])]
            self.assertIn(f"{load_methods(self.data).label(*s.key)}: slope {v['details']['slope']:.2f}", legends)

    def test_censored_and_skipped_runs_fit_as_the_checker_fits_them(self):
        # The checker judges an edited copy (`verify --data`): classical GD cut off by the
        # horizon at the smallest lambda (its lower bound enters both fits), S3 not run at
        # another lambda (no slope on either side).
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            shutil.copytree(self.data, data)
            censored, skipped = "hard0.1/lambda=0.0001/classical", "hard0.1/lambda=0.001/s3"
            edit_runs(data, {censored: {"termination": "max_steps", "settled": None,
                                        "settled_at_least": 100}}, skipped)
            done = subprocess.run([support.largestep(), "verify", "--data", data, "--out",
                                   os.path.join(tmp, "judged")],
                                  capture_output=True, text=True, timeout=300)
            self.assertIn(done.returncode, (0, 1), done.stderr)
            with open(os.path.join(tmp, "judged", "verdicts.json"), encoding="utf-8") as f:
                judged = {v["claim"]: v.get("details") or {} for v in json.load(f)["verdicts"]
                          if v["claim"] in self.CLAIMS and
                          (v.get("details") or {}).get("abscissa") in ("1/lambda", None)}
            series = {s.method: s for s in fig_scaling.scaling_series(load_run_table(data))}
        classical = series["classical"]
        self.assertEqual(classical.rows[-1].settled_at_least, 100)
        self.assertLessEqual(abs(classical.slope - judged["S1"]["slope"]),
                             1e-9 * abs(judged["S1"]["slope"]))
        measured = [r for r in classical.rows if r.settled is not None]
        without = fig_scaling.power_law_slope([1 / r.lam for r in measured],
                                              [r.settled for r in measured])
        self.assertGreater(abs(without - classical.slope), 0.05)  # the lower bound counts
        self.assertIsNone(series["s3"].slope)
        self.assertNotIn("slope", judged["S3"])
        for claim in ("S2", "S8"):
            self.assertLessEqual(abs(series[self.CLAIMS[claim]].slope - judged[claim]["slope"]),
                                 1e-9 * abs(judged[claim]["slope"]))


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)


def edit_csv(path, column, value, pick, every=False):
    """Sets column of the first record that pick accepts (of every one, with every); returns
    the (first) record's line number."""
    rows = read_rows(path)
    chosen = [k for k, row in enumerate(rows) if pick(row)][: None if every else 1]
    for k in chosen:
        rows[k][column] = value
    write_rows(path, rows)
    return chosen[0] + 2


def edit_runs(data, changes, skipped):
    """Edits a claim-suite runner directory as the runner would have written it: fields of
    some runs changed (runs.json and runs.csv alike), and one run turned into a skipped one."""
    path = os.path.join(data, "runs.json")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    kept = ("dataset", "lambda", "solver", "rule", "scalar", "eps", "horizon", "experiment",
            "method")
    for i, r in enumerate(doc["runs"]):
        r.update(changes.get(r["experiment"], {}))
        if r["experiment"] == skipped:
            doc["runs"][i] = {**{k: r[k] for k in kept}, "trace": None,
                              "skipped": "needs a margin"}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    path = os.path.join(data, "runs.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
        header = list(rows[0])
    for row in rows:
        for k, v in changes.get(row["experiment"], {}).items():
            row[k] = "" if v is None else str(v)
        if row["experiment"] == skipped:
            row.update({c: "" for c in header if c not in kept})
            row["skipped"] = "needs a margin"
    with open(path, "w", newline="") as f:
        out = csv.DictWriter(f, header, lineterminator="\n")
        out.writeheader()
        out.writerows(rows)


if __name__ == "__main__":
    unittest.main()
