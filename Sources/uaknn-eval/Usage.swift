/// The `--help` text: the one place that documents the command line.
enum Usage {
    static let text = """
        uaknn-eval: evaluate uaknn's predictors on CSV datasets, without a database.

        A dataset is a folder with features.csv and labels.csv: no header, one sample
        a line, numbers separated by commas, row i of one file belonging to row i of
        the other. A test folder for `predict` may hold only features.csv.

        USAGE
          uaknn-eval predict --train DIR --test DIR --method METHOD [PARAMETERS] [LABELS]
              Trains on DIR (--train), prints one predicted distribution per row of
              the test folder's features.csv, as CSV, in input order, with every
              digit needed to read the doubles back exactly.

          uaknn-eval cv --data DIR [--folds 5] [--repeats 10] [--seed 0] [--digits 4]
                        [--method all|METHOD[,METHOD...]] [PARAMETERS] [LABELS]
              Repeated k-fold cross-validation (the paper's protocol: 10 × 5-fold),
              with the folds of uaknn_tune in SQL: a row's fold is a hash of its
              key (here its 0-based row number), the seed and the repeat. Prints
              per method the mean of chebyshev, clark, canberra, kl, cosine and
              intersection over every test row of every fold, ± the standard
              deviation of the per-fold means, and n (rows scored). Statistics a
              method derives from rows (zscore, maxent, prior) come from the
              training folds only. The seed fixes the folds (and UAKNN's draws in
              sampled mode). --digits: decimals printed. Progress on stderr.

          uaknn-eval tune --data DIR [--folds 5] [--repeats 1] [--seed 0]
                          [--metric kl] [--l2 0.001] [--digits 4] [LABELS]
          uaknn-eval tune --list [--l2 0.001]
              Cross-validates the default tuning grid as uaknn_tune does (same
              folds, candidates and pick) and prints the leaderboard: rank, the
              six metrics (mean ± std), n and the seconds attributable to each
              candidate, then the best, also as the model options (JSON). The grid
              (--list prints it): prior; aaknn k = 3, 5, 10, 20, 40; kernel k = 16,
              32, 64, 128; wuaknn; uaknn temperature = 1, 0.1, 0.02; each of these
              neighbour candidates with standardize none, then zscore; maxent; then
              mix(w × the best neighbour candidate, (1 − w) × maxent) for w = 0.25,
              0.5, 0.75, under the neighbour's standardize. The best is picked on
              --metric (lower is better, higher for cosine, intersection and
              fidelity); ties go to the earlier candidate.

          uaknn-eval bench --data DIR [--queries 64] [--rounds 5]
                           [--method all|METHOD[,METHOD...]] [PARAMETERS] [LABELS]
                           [--python python3] [--numpy-script PATH] [--no-numpy]
              Trains on all rows but the last --queries, and times predicting those
              rows one at a time and as one batch (per-query latency, median over
              --rounds). In the same run it times NumPy doing the bare float64
              matrix-vector product (single) and matrix-matrix product (batch)
              over the same training matrix, via bench/numpy_reference.py, and
              prints the ratios. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset
              for that subprocess only. The batch figures depend on the CPU the
              core is compiled for: see the note in BenchCommand.swift. The maxent
              fit and the zscore statistics are made before any timing.

        METHODS
          uaknn     UAKNN (spec "UAKNN")
          wuaknn    UAKNN's weighting without uncertainty
          aaknn     AA-kNN: mean distribution of the k nearest (Euclidean)
          kernel    kernel kNN: Gaussian-weighted mean of the k nearest
          prior     the mean distribution of the training rows, whatever the query
          maxent    maximum-entropy model (softmax of a linear function of the
                    z-scored features, L2-penalized, fitted by L-BFGS)
          all       every one of the above (cv, bench)

        PARAMETERS (spec defaults; each must apply to a chosen method)
          --variance X            uaknn, σ² (0.5)
          --samples N             uaknn, draws in sampled mode (100)
          --perturbation-ratio X  uaknn, ρ (0.05)
          --softmax-base X        uaknn, wuaknn, β (2)
          --temperature X         uaknn, τ (1)
          --mode expected|sampled uaknn (expected)
          --seed N                uaknn, draws in sampled mode; in cv and tune also the folds (0)
          --normalization softmax|linear   uaknn (softmax)
          --no-prototypes         uaknn ablation: the L nearest samples instead
          --no-perturbation       uaknn ablation: every c_j = 0
          --k N                   aaknn (5), kernel (32)
          --bandwidth X           kernel (the distance to the k-th neighbour)
          --l2 X                  maxent, the penalty λ (0.001)
          --standardize none|zscore  uaknn, wuaknn, aaknn, kernel: z-score the
                                  features with the training rows' mean and sd
                                  (none); maxent always z-scores

        LABELS (which label lines are accepted; every command)
          --label-tolerance X     how far from 1 a line's sum may be (0.01)
          --normalize-labels      accept any line of values >= 0 with a positive
                                  sum (counts, truncated distributions)
          A line is used divided by its sum unless that sum is 1 within 1e-9.

        EXIT STATUS
          0 success, 1 bad data or files (the message names file and line),
          2 bad command line.

        EXAMPLE
          uaknn-eval predict --train train --test test --method uaknn --variance 0.3
          uaknn-eval cv --data Tests/data/SJAFFE
          uaknn-eval cv --data Tests/data/SJAFFE --method aaknn,maxent --standardize zscore
          uaknn-eval tune --data /work/shared/datasets/Yeast_alpha
          uaknn-eval bench --data /work/shared/datasets/Movie

        """
}
