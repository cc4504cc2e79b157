#!/usr/bin/env python3
"""NumPy reference timings for `uaknn-eval bench`.

The floor a k-NN scan is measured against: one pass over the float64 training
matrix. Single query: the bare matrix-vector product `train @ q`; batch: the
matrix-matrix product `train @ queries.T` for the same queries. The split is
the evaluator's: the training matrix is every row of features.csv but the last
QUERIES, and the queries are those last rows.

Timing: one warm-up round, then ROUNDS rounds; per-query time is a round's time
divided by QUERIES; the median over rounds is reported, as the evaluator does.

Prints one JSON object on stdout. Run by the evaluator with OPENBLAS_CORETYPE
and OPENBLAS_L2_SIZE unset (they slow a current OpenBLAS down); run by hand as
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/numpy_reference.py --data DIR
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def blas_info():
    """The BLAS kernel actually in use (threadpoolctl), or None if unavailable."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    return [
        {k: lib.get(k) for k in ("internal_api", "architecture", "num_threads", "version")}
        for lib in threadpoolctl.threadpool_info()
        if lib.get("user_api") == "blas"
    ]


def median_per_query(work, queries, rounds):
    work()  # warm-up: page in, spin up BLAS threads
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) / queries)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="dataset folder with features.csv")
    parser.add_argument("--queries", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    features = np.loadtxt(os.path.join(args.data, "features.csv"), delimiter=",", dtype=np.float64, ndmin=2)
    q = args.queries
    if not 1 <= q < features.shape[0]:
        sys.exit(f"--queries is {q}, expected 1 to {features.shape[0] - 1}")
    train = np.ascontiguousarray(features[:-q])
    queries = np.ascontiguousarray(features[-q:])
    queries_t = np.ascontiguousarray(queries.T)
    sink = np.empty(train.shape[0])
    sink_batch = np.empty((train.shape[0], q))

    def single():
        for i in range(q):
            np.matmul(train, queries[i], out=sink)

    def batch():
        np.matmul(train, queries_t, out=sink_batch)

    # The same work on one thread, to tell how much of NumPy's lead is threads
    # (the core runs a prediction on one thread: a PostgreSQL backend has one).
    one_thread = {}
    try:
        import threadpoolctl
        with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
            one_thread = {
                "matvec_1thread_seconds_per_query": median_per_query(single, q, args.rounds),
                "matmul_1thread_seconds_per_query": median_per_query(batch, q, args.rounds),
            }
    except ImportError:
        pass

    result = {
        "rows": train.shape[0],
        "columns": train.shape[1],
        "queries": q,
        "rounds": args.rounds,
        "matvec_seconds_per_query": median_per_query(single, q, args.rounds),
        "matmul_seconds_per_query": median_per_query(batch, q, args.rounds),
        **one_thread,
        "numpy": np.__version__,
        "blas": blas_info(),
        "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
