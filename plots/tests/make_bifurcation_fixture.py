#!/usr/bin/python3
"""Writes a bifurcation.csv in the documented format (dataset,lambda,eta,eta_loc,termination,t,w)
from GD on the 1-D point x = 1, y = +1, so the figure tests do not need the C++ build.

    make_bifurcation_fixture.py OUT.csv [--lambda 0.01] [--keep 6] [--etas 10]
"""

import argparse
import csv
import math


def grad(w, lam):
    # f(w) = ln(1 + e^-w) + lam/2 w^2, so f'(w) = -s(-w) + lam w.
    return -sigmoid(-w) + lam * w


def sigmoid(z):
    # Branch on the sign so exp never overflows: large-stepsize iterates reach |w| ~ eta.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def eta_loc(lam):
    w = 0.0
    for _ in range(200):  # Newton on f'(w) = 0; f is 1-D and strongly convex
        w -= grad(w, lam) / (sigmoid(w) * sigmoid(-w) + lam)
    return 2.0 / (sigmoid(w) * sigmoid(-w) + lam)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--lambda", dest="lam", type=float, default=0.01)
    parser.add_argument("--keep", type=int, default=6)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--etas", type=int, default=10, help="stepsizes in [0.7, 1.6] eta_loc")
    args = parser.parse_args()
    loc = eta_loc(args.lam)
    # A fan around eta_loc and one stepsize past 2/lambda, where GD diverges.
    etas = [loc * (0.7 + 0.9 * k / (args.etas - 1)) for k in range(args.etas)] + [2.5 / args.lam]
    with open(args.out, "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["dataset", "lambda", "eta", "eta_loc", "termination", "t", "w"])
        for eta in etas:
            w, tail, diverged = 0.0, [], False
            for t in range(1, args.steps + 1):
                w -= eta * grad(w, args.lam)
                if abs(w) > 1e12:
                    diverged = True
                    break
                if t > args.steps - args.keep:
                    tail.append((t, w))
            head = ["oned:x=1", repr(args.lam), repr(eta), repr(loc)]
            if diverged:
                out.writerow(head + ["diverged", "", ""])
                continue
            converged = max(abs(v - tail[-1][1]) for _, v in tail) < 1e-12 * abs(tail[-1][1])
            for t, v in tail:
                out.writerow(head + ["converged" if converged else "max_steps", t, repr(v)])


if __name__ == "__main__":
    main()
