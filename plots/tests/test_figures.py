"""Each figure script draws a PNG from the fixtures, with a caption computed from the data."""

import json
import os
import subprocess
import tempfile
import unittest

import support
import fig_bifurcation
import fig_convergence
import fig_kernels
import fig_peers
import fig_phase
import fig_population
import fig_scaling
import fig_steps_vs_eta
from results import NotInData

ALWAYS = (fig_convergence, fig_steps_vs_eta, fig_scaling, fig_phase, fig_bifurcation,
          fig_kernels, fig_population)


class FigureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Each figure is drawn once on the fixtures; the tests below read what it produced.
        cls.scratch = tempfile.TemporaryDirectory()
        cls.tmp = cls.scratch.name
        cls.data = support.copy_fixtures(os.path.join(cls.tmp, "data"))
        cls.drawn = {m: cls.draw(m, cls.data) for m in ALWAYS}

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    @classmethod
    def draw(cls, module, data, name=None):
        png = os.path.join(cls.tmp, "out", (name or module.__name__) + ".png")
        return module.draw(data, png), png

    def scratch_data(self, name, peers=False):
        return support.copy_fixtures(os.path.join(self.tmp, name), peers=peers)

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

    def test_captions_state_numbers_computed_from_the_data(self):
        caption, _ = self.drawn[fig_phase]
        # grid fixture: eta in {1, 4, 16, 64, 256, 1024} at three lambdas, 9 of them below eta_loc
        self.assertIn("Below eta_loc 9 of 9 runs converge; above it 9 of 9 do not", caption.look)
        caption, _ = self.drawn[fig_steps_vs_eta]
        self.assertIn("lambda = 0.0001: eta = 64", caption.look)
        caption, _ = self.drawn[fig_population]
        self.assertIn("1 count(s) censored", caption.what)
        self.assertIn("1 point(s) failed", caption.what)

    def test_same_data_give_the_same_png_bytes(self):
        _, first = self.drawn[fig_phase]
        with open(first, "rb") as f:
            before = f.read()
        _, second = self.draw(fig_phase, self.data, name="again")
        with open(second, "rb") as f:
            self.assertEqual(before, f.read())

    def test_cli_reports_a_missing_file_and_exits_2(self):
        data = self.scratch_data("without_grid")
        os.remove(os.path.join(data, "grid.csv"))
        script = os.path.join(support.PLOTS, "fig_phase.py")
        done = subprocess.run([support.PYTHON, script, data, os.path.join(self.tmp, "x.png")],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("fig_phase.py: error: ", done.stderr)
        self.assertIn("grid.csv: missing", done.stderr)


if __name__ == "__main__":
    unittest.main()
