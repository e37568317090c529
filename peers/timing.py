"""One way to time every method: the whole fit, data already loaded, wall clock, median of repeats."""
import gc
import time


def timed(fit, repeats):
    """Calls fit() `repeats` times; returns (median seconds, what the median call returned).

    The garbage collector is run before, and kept off during, each call, so that a collection
    triggered by an earlier method is not charged to this one.
    """
    runs = []
    for _ in range(max(1, repeats)):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fit()
            seconds = time.perf_counter() - start
        finally:
            gc.enable()
        runs.append((seconds, result))
    runs.sort(key=lambda run: run[0])
    return runs[len(runs) // 2]


def median(values):
    values = sorted(values)
    return values[len(values) // 2]
