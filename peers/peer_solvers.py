"""The peers: LIBLINEAR (-s 0, primal trust-region Newton), scikit-learn's LogisticRegression
(lbfgs, newton-cg) and gradient descent in numpy with eta = 1/L_s, on the objective

    f(w) = (1/n) sum_i log(1 + exp(-y_i <x_i, w>)) + (lambda/2) ||w||^2.

LIBLINEAR and scikit-learn minimize C sum_i loss_i + ||w||^2 / 2; with C = 1/(n lambda) that is
f(w)/lambda, the same minimizer. Each peer is asked for a certified gap <= eps by its own stopping
rule: f is lambda-strongly convex, so f(w) - f* <= ||grad f(w)||^2 / (2 lambda), and each rule
bounds ||grad f(w)|| (`tolerance_for` turns eps into the peer's tolerance; `gap_bound` goes back).
"""
import dataclasses
import math
import time
import warnings

import numpy as np
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

import liblinear
import liblinearutil


@dataclasses.dataclass
class Fit:
    w: np.ndarray
    iterations: int
    status: str  # converged | max_iter | stalled | non_finite
    note: str = ""
    path: list = dataclasses.field(default_factory=list)  # (seconds, w) along the run, if recorded


def grad_norm_at_zero(X, y):
    """||grad f(0)|| = ||X^T y|| / (2n): l'(0) = -1/2."""
    return np.linalg.norm(X.T @ y) / (2 * X.shape[0])


class Liblinear:
    """LIBLINEAR -s 0 through its Python bindings (the library liblinear-train uses): the problem
    is built once (the data loading), and only train() is timed. It stops when
    ||grad F(w)|| <= e min(n+, n-)/n ||grad F(0)|| with F = f/lambda."""

    name = "liblinear"
    tolerance_name = "-e"

    def __init__(self, X, y, lam):
        self.n, self.d = X.shape
        self.lam = lam
        self.C = 1.0 / (self.n * lam)
        # Debian's bindings (2.3) reach numpy through the `scipy` namespace (scipy.ctypeslib), which
        # SciPy no longer re-exports; Python lists take their pure-Python path, with the same
        # doubles.
        self.problem = liblinearutil.problem(y.tolist(), X.tolist())
        self.scale = min(np.sum(y > 0), np.sum(y < 0)) / self.n * grad_norm_at_zero(X, y)

    def tolerance_for(self, eps):
        return math.sqrt(2 * self.lam * eps) / self.scale

    def gap_bound(self, tol):
        return (tol * self.scale) ** 2 / (2 * self.lam)

    def path_fits(self, tol, tight):
        """Fits with looser tolerances, loosest first (up to e = 1: looser ones stop at w = 0);
        each is one point (time, gap) of the method's path, the tight fit being the last."""
        looser = [tol * 10.0 ** k for k in range(12, 0, -1) if tol * 10.0 ** k <= 1]
        return [lambda e=e: self.fit(e) for e in looser]

    def fit(self, tol):
        messages = []

        def collect(text):
            messages.append(text.decode(errors="replace"))

        param = liblinearutil.parameter(f"-s 0 -c {self.C!r} -e {tol!r} -B -1")
        # Instead of -q's print_null, a collector of the same cost: it counts the Newton
        # iterations and catches the warnings.
        param.print_func = liblinear.PRINT_STRING_FUN(collect)
        model = liblinearutil.train(self.problem, param)
        w, _ = model.get_decfun()
        w = np.array(w[: self.d], dtype=np.float64)
        # In a binary model the decision function favours the first label LIBLINEAR met.
        if model.get_labels()[0] != 1:
            w = -w
        text = "".join(messages)
        iterations = sum(1 for line in text.splitlines() if line.startswith("iter"))
        warning = " ".join(line.strip() for line in text.splitlines() if "WARNING" in line)
        status = "converged"
        if "max number of iterations" in warning:
            status = "max_iter"
        elif warning:
            status = "stalled"
        return Fit(w, iterations, status, warning)


class Sklearn:
    """scikit-learn's LogisticRegression, no intercept, C = 1/(n lambda). In scikit-learn 1.2 both
    solvers minimize F = sum_i loss_i + ||w||^2/(2C) = n f and stop when max_j |dF/dw_j| <= tol
    (lbfgs also on scipy's default relative-reduction test, ftol = 2.2e-9, which scikit-learn does
    not expose)."""

    tolerance_name = "tol"
    kMaxIter = 100000

    def __init__(self, X, y, lam, solver):
        self.name = f"sklearn-{solver}"
        self.X, self.y, self.lam, self.solver = X, y, lam, solver
        self.n, self.d = X.shape

    def tolerance_for(self, eps):
        return self.n * math.sqrt(2 * self.lam * eps / self.d)

    def gap_bound(self, tol):
        return self.d * (tol / self.n) ** 2 / (2 * self.lam)

    def path_fits(self, tol, tight):
        """Fits capped at iteration counts growing geometrically up to the tight fit's: each
        stops where the tight run was after that many iterations (a point of its path)."""
        caps = sorted({max(1, round(1.4 ** k)) for k in range(60)})
        return [lambda c=c: self.fit(tol, max_iter=c) for c in caps if c < tight.iterations]

    def fit(self, tol, max_iter=None):
        model = LogisticRegression(C=1.0 / (self.n * self.lam), fit_intercept=False, tol=tol,
                                   solver=self.solver, max_iter=max_iter or self.kMaxIter)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(self.X, self.y)
        iterations = int(np.max(model.n_iter_))
        w = np.asarray(model.coef_[0], dtype=np.float64)
        if list(model.classes_) != [-1.0, 1.0]:
            raise ValueError(f"labels {model.classes_} are not -1/+1")
        notes = " ".join(str(c.message).split("\n")[0] for c in caught)
        status = "converged"
        if any(issubclass(c.category, ConvergenceWarning) for c in caught):
            status = "max_iter" if iterations >= (max_iter or self.kMaxIter) else "stalled"
        elif caught:
            status = "stalled"  # e.g. newton-cg's "Line Search failed" at the rounding floor
        if not np.all(np.isfinite(w)):
            status = "non_finite"
        return Fit(w, iterations, status, notes)


class NumpyGd:
    """Gradient descent as a Python user writes it: eta = 1/L_s, L_s = lambda_max(X^T X)/(4n) +
    lambda (computed inside the fit), w_0 = 0, stop when ||grad f(w)|| <= tol."""

    name = "numpy-gd"
    tolerance_name = "tol (on ||grad f||)"

    def __init__(self, X, y, lam, max_iter):
        self.X, self.y, self.lam, self.max_iter = X, y, lam, max_iter
        self.n, self.d = X.shape

    def tolerance_for(self, eps):
        return math.sqrt(2 * self.lam * eps)

    def gap_bound(self, tol):
        return tol ** 2 / (2 * self.lam)

    def path_fits(self, tol, tight):
        return []  # the run records its own path (Fit.path)

    def fit(self, tol):
        # The path is recorded at checkpoints geometric in k (a copy of w every step would slow
        # the loop; these ~100 copies cost microseconds), so the timed run is its own trace.
        checkpoints = {round(1.1 ** j) for j in range(400)}
        start = time.perf_counter()
        X, y, lam, n = self.X, self.y, self.lam, self.n
        smoothness = np.linalg.eigvalsh(X.T @ X).max() / (4 * n) + lam
        eta = 1.0 / smoothness
        w = np.zeros(self.d)
        path = [(0.0, w.copy())]
        status = "max_iter"
        k = 0
        for k in range(self.max_iter + 1):
            z = y * (X @ w)
            g = -(X.T @ (y * expit(-z))) / n + lam * w
            gnorm = np.linalg.norm(g)
            if not np.isfinite(gnorm):
                status = "non_finite"
                break
            if gnorm <= tol:
                status = "converged"
                break
            if k == self.max_iter:
                break
            w = w - eta * g
            if k + 1 in checkpoints:
                path.append((time.perf_counter() - start, w.copy()))
        path.append((time.perf_counter() - start, w.copy()))
        return Fit(w, k, status, f"eta = 1/L_s = {eta:.6g}", path)


def versions():
    """The peers' versions, for the result file: scikit-learn, LIBLINEAR (Debian package), numpy,
    scipy and Python."""
    import platform
    import subprocess

    import scipy
    import sklearn

    liblinear_version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "python3-liblinear"], capture_output=True,
        text=True).stdout.strip() or "unknown"
    return (f"scikit-learn {sklearn.__version__}; liblinear {liblinear_version}; "
            f"numpy {np.__version__}; scipy {scipy.__version__}; python {platform.python_version()}")
