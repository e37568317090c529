"""The alpha-beta model of one data-parallel GD step: compute on n/P rows, then the reduction of
d + 1 numbers (grad f and f), projected to P ranks from what bench_reduce measured here.

    step(P) = n k c / min(P, blocks) + reduce(P)
                                        (k = d for dense rows, the nonzeros a row for sparse)
    fast           reduce = 2 log2(P) alpha + 2 (P - 1)/P * B / beta          (B = 8 (d + 1) bytes)
    deterministic  reduce = fold + 2 min_k (P - 1 + k) (alpha + B / (k beta))
                   the canonical order: the running sum passes rank to rank in k pieces, each rank
                   adding its partials (fold: partials * (d + 1) additions, in sequence over the
                   ranks), then the result goes back the same way (a pipelined broadcast)
partials: the kernel's fixed row blocks (objective.h), which ranks take whole: n/512 for dense
rows; for sparse rows at most min(64, n k / (8 d)) blocks of 512 2^j rows (sparse_block_rows),
since n/512 partials of d + 1 numbers each would make the fold cost more than the step. A rank
without a block only waits, so sparse rows with few nonzeros per column gain nothing past their
block count.

c (seconds per row and column of the fused value and gradient) and the fold's cost per addition
come from the measurement; alpha and beta from its ping-pong ("this machine"), or from the
network rows of NETWORKS.

For sparse rows (--nnz K) the cost of a nonzero is taken as that of a dense entry: a sparse
nonzero costs more (its column is gathered), so the model overstates communication's share.

Usage: /usr/bin/python3 plots/mpi_model.py REDUCE.json [--rows N] [--nnz K]
"""

import argparse
import json
import math
import sys

# Network figures: bandwidth is the line rate (IEEE 802.3ae 10GBASE: 10 Gb/s; IEEE 802.3ba
# 100GBASE: 100 Gb/s); latency is an assumed one-way MPI small-message latency (TCP over 10 GbE;
# RDMA over 100 Gb), to be replaced by bench_reduce's ping-pong on the cluster itself.
NETWORKS = {
    "10 GbE (TCP, alpha 10 us assumed)": (10e-6, 10e9 / 8),
    "100 GbE (RDMA, alpha 2 us assumed)": (2e-6, 100e9 / 8),
}
RANKS = (1, 2, 4, 8, 16, 32, 64)
DIMENSIONS = (100, 1000, 10_000, 100_000, 1_000_000)


def fast_reduce(p, d, alpha, beta):
    if p == 1:
        return 0.0
    b = 8.0 * (d + 1)
    return 2 * math.log2(p) * alpha + 2 * (p - 1) / p * b / beta


def deterministic_reduce(p, d, alpha, beta, fold):
    if p == 1:
        return fold
    b = 8.0 * (d + 1)
    best = min((p - 1 + k) * (alpha + b / (k * beta)) for k in range(1, 4097))
    return fold + 2 * best


def fold_seconds_per_addition(doc):
    """The serial fold's cost per addition: the measured local fold of the d = 100 row over the
    blocks one rank holds."""
    row = next(r for r in doc["reductions"] if r["d"] == 100)
    local_blocks = row["blocks"] / doc["ranks"]
    return row["local_fold_seconds"] / (local_blocks * (row["d"] + 1))


def sparse_blocks(rows, d, stored):
    """The kernel's row blocks of CSR data (objective.h, sparse_block_rows): 512 2^j rows, at most
    min(64, stored / (8 d)) blocks, at least one."""
    most = min(64, max(1, stored // (8 * d)))
    block = 512
    while math.ceil(rows / block) > most:
        block *= 2
    return math.ceil(rows / block)


def steps_per_second(doc, rows, alpha, beta, deterministic, nnz=None):
    c = doc["compute_seconds_per_entry"]
    per_add = fold_seconds_per_addition(doc)
    table = {}
    for d in DIMENSIONS:
        k = min(d, nnz) if nnz else d
        blocks = sparse_blocks(rows, d, rows * k) if nnz else math.ceil(rows / 512)
        for p in RANKS:
            compute = rows * k * c / min(p, blocks)
            if deterministic:
                reduce = deterministic_reduce(p, d, alpha, beta, blocks * (d + 1) * per_add)
            else:
                reduce = fast_reduce(p, d, alpha, beta)
            table[(d, p)] = 1 / (compute + reduce)
    return table


def markdown(doc, rows, nnz=None):
    shape = f"sparse rows of {nnz} nonzeros" if nnz else "dense rows"
    out = [f"Model of one step at n = {rows:,} {shape} (compute {doc['compute_seconds_per_entry']:.3g} s "
           f"per row and column, measured; fold {fold_seconds_per_addition(doc):.3g} s per addition). "
           "Steps per second; in brackets the speedup over P = 1.\n"]
    networks = dict(NETWORKS)
    if doc.get("alpha_seconds") and doc.get("beta_bytes_per_second"):
        networks = {f"this machine (alpha {doc['alpha_seconds'] * 1e6:.2f} us, beta "
                    f"{doc['beta_bytes_per_second'] / 1e9:.2f} GB/s, measured)":
                    (doc["alpha_seconds"], doc["beta_bytes_per_second"]), **networks}
    for name, (alpha, beta) in networks.items():
        for deterministic in (True, False):
            t = steps_per_second(doc, rows, alpha, beta, deterministic, nnz)
            out.append(f"\n**{name}, {'deterministic' if deterministic else 'fast'} reduction**\n")
            out.append("| d | " + " | ".join(f"P = {p}" for p in RANKS) + " |")
            out.append("|---:|" + "---:|" * len(RANKS))
            for d in DIMENSIONS:
                base = t[(d, 1)]
                out.append(f"| {d:.0e} | " + " | ".join(
                    f"{t[(d, p)]:.3g} ({t[(d, p)] / base:.1f}x)" for p in RANKS) + " |")
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mpi_model", description=__doc__.split("\n\n")[0])
    parser.add_argument("reduce_json", help="bench_reduce's output (mpirun -np 2 or more)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="n, the rows of the data")
    parser.add_argument("--nnz", type=int, help="nonzeros a row (sparse rows); default dense")
    a = parser.parse_args(argv)
    try:
        with open(a.reduce_json) as f:
            doc = json.load(f)
        sys.stdout.write(markdown(doc, a.rows, a.nnz))
    except (OSError, ValueError, KeyError, StopIteration) as e:
        sys.exit(f"mpi_model: {a.reduce_json}: {e!r}")


if __name__ == "__main__":
    main()
