#!/usr/bin/python3
"""The program under mpirun, against itself in one process (CTest label mpi).

  check_mpi.py CHECK LARGESTEP MPIRUN WORKDIR

CHECK is one of:
  run       `largestep run --json` in one process (no mpirun), then under mpirun with P = 1, 2, 3
            (oversubscribed): every record equal to the single process's, with the wall times
            blanked, in double and float, on a trajectory whose objective goes up and down, and
            with a stepsize from the margin certificate (computed on the shards);
            `--reduce fast` marked in its record, its bits different (so the check can fail).
  reference `reference --method scaled --json` in one process, then under mpirun with P = 1, 2, 3,
            each with an empty cache (computed, not read): every number equal, on dense planted
            data (the Hessian formed from row blocks) and sparse (Newton-CG, Lanczos).
  sweep     `sweep --suite quick` in one process and with P = 3: runs.json and runs.csv equal with
            the wall times blanked, every trace file byte for byte.
  killed    a P = 2 run writing a trace, its rank 1, then in another run its rank 0 (the writer),
            killed by SIGKILL mid-run: mpirun exits non-zero, names the rank, and leaves neither
            the trace nor a temporary file.
  errors    bad input under mpirun: reported once, exit 2; a certificate time budget on shards
            (rank 0's clock stops every process): completes, the budget hit; `--reduce` without
            mpirun: exit 2.
Exit 0 when the check holds, 1 with the differences otherwise.
"""
import csv
import glob
import io
import json
import os
import random
import signal
import subprocess
import sys
import time

TIME_KEYS = {"seconds"}


def blank_times(value):
    if isinstance(value, dict):
        return {k: (None if k in TIME_KEYS else blank_times(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [blank_times(v) for v in value]
    return value


def differences(a, b, path=""):
    """The paths where two JSON values differ (at most 10)."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'second' if k in b else 'first'}")
            else:
                out += differences(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for k, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{k}]")
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: {a!r} != {b!r}")
    return out[:10]


class Check:
    def __init__(self, largestep, mpirun, workdir):
        self.largestep, self.mpirun, self.workdir = largestep, mpirun, workdir
        self.failures = []
        os.makedirs(workdir, exist_ok=True)
        self.env = dict(os.environ, OMP_NUM_THREADS="1",
                        LARGESTEP_CACHE_DIR=os.path.join(workdir, "cache"))

    def mpi(self, processes, *args, forward=()):
        exported = [x for name in ("OMP_NUM_THREADS", "LARGESTEP_CACHE_DIR", *forward)
                    for x in ("-x", name)]
        return [self.mpirun, "--allow-run-as-root", "--oversubscribe", "-np", str(processes),
                *exported, self.largestep, *args]

    def call(self, command, expect=0, timeout=600):
        done = subprocess.run(command, env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if expect is not None and done.returncode != expect:
            self.fail(f"{' '.join(command)}: exit {done.returncode}, expected {expect}\n"
                      f"{done.stderr[-2000:]}")
        return done

    def fail(self, message):
        self.failures.append(message)
        print("FAIL:", message, file=sys.stderr)

    def same(self, what, a, b):
        diff = differences(a, b)
        if diff:
            self.fail(f"{what} differs:\n  " + "\n  ".join(diff))
        else:
            print(f"ok: {what}")


def jittered_hard(c):
    """3,000 rows (6 row blocks, shared unevenly by 3 processes): the hard dataset's two points
    over and over, each coordinate moved by up to 1e-3 relative (a fixed seed). At lambda = 1e-4
    with the loc stepsize the objective rises several times before it converges (asserted below),
    so a change of rounding would show in the step counts."""
    hard = os.path.join(c.workdir, "hard.libsvm")
    c.call([c.largestep, "data", "export", "hard:gamma=0.1", "--out", hard])
    rows = open(hard).read().split("\n")[:2]
    generator = random.Random(1)
    lines = []
    for k in range(3000):
        label, *features = rows[k % 2].split()
        moved = []
        for feature in features:
            index, value = feature.split(":")
            moved.append(f"{index}:{float(value) * (1 + 1e-3 * generator.uniform(-1, 1)):.17g}")
        lines.append(" ".join([label] + moved))
    path = os.path.join(c.workdir, "hard3000.libsvm")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")
    return path


def forget_certificates(c):
    """Removes the cached margin certificates, so that the next run computes its own."""
    for name in glob.glob(os.path.join(c.env["LARGESTEP_CACHE_DIR"], "certificate-*.json")):
        os.remove(name)


def check_run(c):
    planted = ["--data", "planted:n=20000,d=24,gamma=0.02,seed=5", "--lambda", "1e-4",
               "--rule", "loc"]  # 40 row blocks, shared unevenly by 3 processes
    hard = ["--data", "libsvm:" + jittered_hard(c) + ",format=dense", "--lambda", "1e-4",
            "--rule", "loc"]
    # The planted runs hold shards (dense planted data, n d^2 above the MPFR size: shards.h),
    # Nesterov's (f alone each step), safe's (Hessian-vector products) and s2's (the margin
    # certificate, computed afresh by every run of the case) too; the small LIBSVM file is held
    # whole (the MPFR reference needs every row).
    nesterov = planted[:4] + ["--solver", "nesterov"]
    safe = planted[:4] + ["--solver", "safe"]
    # No time budget for the certificate: one stopped by the clock could stop elsewhere in
    # another run.
    unbudgeted = ["--rule", "s2", "--certificate-seconds", "1e9"]
    # Above 10^6 entries Frank-Wolfe starts from the rows with the smallest margins under the best
    # candidate direction, gathered from the processes (certificate.h).
    warm = ["--data", "planted:n=45000,d=24,gamma=0.1,seed=5", "--lambda", "1e-2", *unbudgeted]
    # Below 10^6 entries it starts from the shortest row. Two units of 4096 rows: one each for two
    # processes, none for rank 0 of three; d = 23 leaves Eigen's products a tail after their
    # packets.
    s2 = ["--data", "planted:n=5000,d=23,gamma=0.02,seed=5", "--lambda", "1e-3", *unbudgeted]
    # CSR shards: 1.6e5 nonzeros, 40 objective blocks of 512 rows inside 5 reference units of
    # 4096 (dealt 1, 2, 2 to three processes); the same rows as a LIBSVM file stored as CSR, each
    # process reading its rows by row range.
    sparse_spec = "planted:n=20000,d=500,gamma=0.002,seed=5,nnz=8"
    sparse = ["--data", sparse_spec, "--lambda", "1e-4", "--rule", "loc"]
    sparse_file = os.path.join(c.workdir, "sparse20000.libsvm")
    c.call([c.largestep, "data", "export", sparse_spec, "--out", sparse_file])
    sparse_libsvm = ["--data", "libsvm:" + sparse_file + ",format=csr", *sparse[2:]]
    cases = [("planted, double", planted + ["--scalar", "double"], (1, 2, 3)),
             ("planted, float", planted + ["--scalar", "float", "--eps", "1e-4"], (1, 2, 3)),
             ("planted, Nesterov", nesterov, (2, 3)),
             ("planted, safe", safe, (2,)),
             ("planted, s2 (the margin certificate; P = 3: rank 0 without rows)", s2, (2, 3)),
             ("planted, s2, 1.08e6 entries (Frank-Wolfe warm-started)", warm, (3,)),
             ("jittered hard, double", hard, (2, 3)),
             ("sparse planted (CSR shards)", sparse, (2, 3)),
             ("sparse planted, Nesterov (CSR shards)", sparse + ["--solver", "nesterov"], (3,)),
             ("sparse LIBSVM file (CSR shards read by row range)", sparse_libsvm, (2,))]
    for name, args, counts in cases:
        forget_certificates(c)
        alone = json.loads(c.call([c.largestep, "run", *args, "--json"]).stdout or "{}")
        if not alone:
            return
        if name.startswith("jittered") and alone.get("increases", 0) == 0:
            c.fail(f"{name}: the objective never rose: not the trajectory this case is for")
        if "s2" in args and not alone.get("margin"):
            c.fail(f"{name}: the record has no margin: not the certificate this case is for")
        for processes in counts:
            forget_certificates(c)
            shared = json.loads(c.call(c.mpi(processes, "run", *args, "--json")).stdout or "{}")
            c.same(f"{name}: record with P = {processes} vs one process (steps "
                   f"{alone.get('steps')}, increases {alone.get('increases')})",
                   blank_times(alone), blank_times(shared))
    # Each process held its shard only: 5 units of 4096 rows, dealt 1, 2, 2 (rank 0's display).
    for args, held in ((planted, "rows [0, 4096) of 20000"), (nesterov, "rows [0, 4096) of 20000"),
                       (s2, "rows [0, 0) of 5000"), (sparse, "rows [0, 4096) of 20000"),
                       (sparse_libsvm, "rows [0, 4096) of 20000"), (hard, None)):
        shown = c.call(c.mpi(3, "run", *args, "--json", "--progress")).stderr
        if held and held not in shown:
            c.fail(f"P = 3: rank 0 did not say it holds {held}:\n{shown[-1500:]}")
        elif not held and "holds its shard" in shown:
            c.fail(f"P = 3, small LIBSVM file: a process held a shard, though its MPFR reference "
                   f"needs every row")
        else:
            print(f"ok: P = 3, {args[args.index('--data') + 1]} {' '.join(args[4:])}: "
                  f"{held or 'every row'} held by rank 0")
    # The comparison can fail: MPI_Allreduce's order changes these bits (P = 3), and says so.
    alone = json.loads(c.call([c.largestep, "run", *planted, "--json"]).stdout or "{}")
    fast = json.loads(c.call(c.mpi(3, "run", *planted, "--json", "--reduce", "fast")).stdout or "{}")
    if fast.get("reduce") != "fast":
        c.fail(f"--reduce fast: the record says reduce = {fast.get('reduce')!r}")
    fast.pop("reduce", None)
    if not differences(blank_times(alone), blank_times(fast)):
        c.fail("--reduce fast with P = 3 gave the single process's bits: the case cannot tell "
               "a reduction's order")
    else:
        print("ok: --reduce fast is marked, and its bits differ (P = 3): "
              + "; ".join(differences(blank_times(alone), blank_times(fast))[:2]))


def check_reference(c):
    # The planted set as a dense LIBSVM file: each process reads its rows by row range.
    dense_file = os.path.join(c.workdir, "planted20000.libsvm")
    c.call([c.largestep, "data", "export", "planted:n=20000,d=24,gamma=0.02,seed=5", "--out",
            dense_file])
    libsvm = "libsvm:" + dense_file + ",format=dense"
    cases = [("dense planted (formed Hessian)", "planted:n=20000,d=24,gamma=0.02,seed=5", "1e-4"),
             ("dense LIBSVM file (shards read by row range)", libsvm, "1e-4"),
             ("sparse planted (Newton-CG, Lanczos)",
              "planted:n=9000,d=3000,gamma=0.002,seed=3,nnz=6", "1e-3")]
    for name, data, lam in cases:
        args = ["reference", "--data", data, "--lambda", lam, "--method", "scaled", "--json"]
        records = {}
        for processes in (0, 1, 2, 3):
            # An empty cache each time: the reference is computed, never read back.
            c.env["LARGESTEP_CACHE_DIR"] = os.path.join(c.workdir, f"cache-{name[:6]}-{processes}")
            command = [c.largestep, *args] if processes == 0 else c.mpi(processes, *args)
            records[processes] = json.loads(c.call(command).stdout or "{}")
        alone = records[0]
        if not alone.get("f_star"):
            c.fail(f"{name}: no reference from one process")
            continue
        for processes in (1, 2, 3):
            c.same(f"{name}: reference with P = {processes} vs one process (f* = "
                   f"{alone['f_star'][:22]}, {alone.get('newton_iterations')} Newton steps)",
                   alone, records[processes])
    # Rank 0 of 3 read rows [0, 4096) of the file only (5 units of 4096 rows, dealt 1, 2, 2).
    shown = c.call(c.mpi(3, "reference", "--data", libsvm, "--lambda", "1e-4", "--progress"))
    if "rows [0, 4096) of 20000" not in shown.stderr:
        c.fail(f"LIBSVM, P = 3: rank 0 did not say it holds rows [0, 4096):\n"
               f"{shown.stderr[-1500:]}")
    else:
        print("ok: LIBSVM, P = 3: rank 0 read and held rows [0, 4096) of 20000")


def read_dir(directory):
    runs = blank_times(json.load(open(os.path.join(directory, "runs.json"))))
    rows = list(csv.DictReader(open(os.path.join(directory, "runs.csv"))))
    for row in rows:
        row["seconds"] = None
    traces = {os.path.basename(p): open(p, "rb").read()
              for p in glob.glob(os.path.join(directory, "traces", "*.csv"))}
    return runs, rows, traces


def check_sweep(c):
    one, three = os.path.join(c.workdir, "sweep1"), os.path.join(c.workdir, "sweep3")
    c.call([c.largestep, "sweep", "--suite", "quick", "--out", one])
    c.call(c.mpi(3, "sweep", "--suite", "quick", "--out", three))
    (runs1, rows1, traces1), (runs3, rows3, traces3) = read_dir(one), read_dir(three)
    c.same(f"runs.json of suite quick ({len(runs1['runs'])} runs), P = 3 vs one process",
           runs1, runs3)
    c.same("runs.csv, P = 3 vs one process", rows1, rows3)
    if not traces1 or traces1 != traces3:
        c.fail(f"traces differ: {sorted(traces1)} vs {sorted(traces3)}")
    else:
        print(f"ok: {len(traces1)} trace files byte for byte")


def parent_of(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def rank_pids(parent):
    """The largestep processes under mpirun `parent`, by rank."""
    ranks = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = open(f"/proc/{entry}/environ", "rb").read().split(b"\0")
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read()
        except OSError:
            continue
        if b"largestep" not in cmdline.split(b"\0")[0] or parent_of(entry) != parent:
            continue
        for item in environ:
            if item.startswith(b"OMPI_COMM_WORLD_RANK="):
                ranks[int(item.split(b"=")[1])] = int(entry)
    return ranks


def check_killed(c):
    for victim in (1, 0):  # a worker; the writer itself (its own cleanup cannot run)
        kill_rank(c, victim)


def kill_rank(c, victim):
    out = os.path.join(c.workdir, f"killed{victim}")
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "*")):
        os.remove(old)
    trace = os.path.join(out, "trace.csv")
    # Long enough to be killed mid-run: up to a million steps of a small problem.
    command = c.mpi(2, "run", "--data", "planted:n=20000,d=24,seed=3", "--lambda", "1e-4",
                    "--eta", "0.5", "--eps", "1e-14", "--max-steps", "1000000", "--trace", trace)
    job = subprocess.Popen(command, env=c.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not glob.glob(trace + ".tmp.*"):
        time.sleep(0.05)
    ranks = rank_pids(job.pid)
    if victim not in ranks or not glob.glob(trace + ".tmp.*"):
        job.kill()
        job.communicate()
        c.fail(f"the run did not start writing its trace (ranks found: {ranks})")
        return
    time.sleep(0.3)
    os.kill(ranks[victim], signal.SIGKILL)
    _, stderr = job.communicate(timeout=120)
    left = os.listdir(out)
    named = f"rank {victim}" in stderr
    if job.returncode == 0:
        c.fail(f"mpirun exited 0 after its rank {victim} was killed")
    if not named:
        c.fail(f"the message does not name rank {victim}:\n{stderr[-1500:]}")
    if left:
        c.fail(f"rank {victim} killed: files left behind: {left}")
    if job.returncode != 0 and named and not left:
        print(f"ok: rank {victim} killed: exit {job.returncode}, the rank named, nothing left")


def check_errors(c):
    missing = os.path.join(c.workdir, "no-such-file.libsvm")
    done = c.call(c.mpi(2, "run", "--data", "libsvm:" + missing, "--lambda", "1e-3",
                        "--rule", "classical"), expect=2)
    count = done.stderr.count("largestep: error:")
    if count != 1 or missing not in done.stderr:
        c.fail(f"bad input under mpirun: {count} error messages (1 expected, naming the file):\n"
               f"{done.stderr[-1500:]}")
    else:
        print("ok: bad input reported once, exit 2")
    # A certificate time budget on shards: rank 0's clock stops every process at the same
    # Frank-Wolfe iteration (a process stopping alone would leave the others waiting).
    forget_certificates(c)
    done = c.call(c.mpi(3, "run", "--data", "planted:n=20000,d=24,gamma=0.02,seed=5", "--lambda",
                        "1e-4", "--rule", "s2", "--certificate-seconds", "0.05", "--json"),
                  timeout=300)
    record = json.loads(done.stdout or "{}")
    cached = [json.load(open(name)) for name in
              glob.glob(os.path.join(c.env["LARGESTEP_CACHE_DIR"], "certificate-*.json"))]
    if not record.get("margin") or not any(x.get("time_budget_hit") for x in cached):
        c.fail(f"a certificate budget under mpirun: margin {record.get('margin')}, "
               f"budget hit in the cached record: {[x.get('time_budget_hit') for x in cached]}")
    else:
        print(f"ok: a certificate time budget on shards stops every process alike (P = 3, "
              f"{cached[0].get('iterations')} iterations, margin {record['margin']:.6g})")
    # An eps below the rounding floor of a shared problem (after the processes shared the
    # reference's sums): every process meets it alike, and rank 0 reports it once.
    done = c.call(c.mpi(2, "run", "--data", "planted:n=20000,d=24,gamma=0.02,seed=5", "--lambda",
                        "1e-4", "--rule", "loc", "--eps", "1e-30"), expect=2)
    count = done.stderr.count("rounding floor")
    if count != 1:
        c.fail(f"eps below the floor on shards: {count} reports (1 expected):\n"
               f"{done.stderr[-1500:]}")
    else:
        print("ok: eps below the floor of a shared problem reported once, exit 2")
    # A shard that fails on one process only: 3 units of 4096 rows, rank 0 makes one (786 KB),
    # rank 1 two (1.6 MB), in 1 MB each. Rank 1 reports it, naming itself; nobody waits forever.
    c.env["LARGESTEP_MAX_MEMORY"] = "1000000"
    done = c.call(c.mpi(2, "run", "--data", "planted:n=12288,d=24,gamma=0.02,seed=4",
                        "--lambda", "1e-3", "--rule", "loc", forward=["LARGESTEP_MAX_MEMORY"]),
                  expect=None, timeout=120)  # a wait forever fails here
    del c.env["LARGESTEP_MAX_MEMORY"]
    reports = done.stderr.count("largestep: ")
    if done.returncode == 0 or reports != 1 or "rank 1 of 2" not in done.stderr or \
            "memory" not in done.stderr:
        c.fail(f"a shard failing on rank 1 alone: exit {done.returncode}, {reports} reports "
               f"(1 expected, naming rank 1 and the memory):\n{done.stderr[-1500:]}")
    else:
        print(f"ok: a shard failing on rank 1 alone is reported once by rank 1, exit "
              f"{done.returncode}")
    # A bad value in a CSR LIBSVM file, on a line of rank 1's rows (3 units of 4096 rows: rank 0
    # reads one, rank 1 two): rank 1 reports it once, naming the line.
    bad_file = os.path.join(c.workdir, "sparse-bad.libsvm")
    c.call([c.largestep, "data", "export", "planted:n=12288,d=500,gamma=0.002,seed=4,nnz=8",
            "--out", bad_file])
    lines = open(bad_file).read().split("\n")
    lines[10000] = lines[10000].split()[0] + " 3:x"
    with open(bad_file, "w") as out:
        out.write("\n".join(lines))
    done = c.call(c.mpi(2, "run", "--data", "libsvm:" + bad_file + ",format=csr", "--lambda",
                        "1e-3", "--rule", "loc"), expect=None, timeout=120)
    reports = done.stderr.count("largestep: ")
    if done.returncode == 0 or reports != 1 or f"{bad_file}:10001" not in done.stderr:
        c.fail(f"a bad line in rank 1's rows of a CSR file: exit {done.returncode}, {reports} "
               f"reports (1 expected, naming line 10001):\n{done.stderr[-1500:]}")
    else:
        print(f"ok: a bad line in rank 1's rows of a CSR file is reported once, exit "
              f"{done.returncode}")
    done = c.call([c.largestep, "run", "--data", "hard:gamma=0.1", "--lambda", "1e-3", "--rule",
                   "classical", "--reduce", "fast"], expect=2)
    if "--reduce" not in done.stderr:
        c.fail(f"--reduce without mpirun: the message does not name the option: {done.stderr}")
    else:
        print("ok: --reduce without mpirun is refused")


def main(argv):
    checks = {"run": check_run, "reference": check_reference, "sweep": check_sweep,
              "killed": check_killed, "errors": check_errors}
    if len(argv) != 5 or argv[1] not in checks:
        print(__doc__, file=sys.stderr)
        return 2
    c = Check(argv[2], argv[3], argv[4])
    checks[argv[1]](c)
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
