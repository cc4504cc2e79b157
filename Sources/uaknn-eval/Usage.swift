/// The `--help` text: the one place that documents the command line.
enum Usage {
    static let text = """
        uaknn-eval: evaluate uaknn's predictors on CSV datasets, without a database.

        A dataset is a folder with features.csv and labels.csv: no header, one sample
        a line, numbers separated by commas, row i of one file belonging to row i of
        the other. A test folder for `predict` may hold only features.csv.

        USAGE
          uaknn-eval predict --train DIR --test DIR --method METHOD [PARAMETERS]
              Trains on DIR (--train), prints one predicted distribution per row of
              the test folder's features.csv, as CSV, in input order, with every
              digit needed to read the doubles back exactly.

          uaknn-eval cv --data DIR [--folds 5] [--repeats 10] [--seed 0]
                        [--method all|METHOD[,METHOD...]] [PARAMETERS]
              Repeated k-fold cross-validation (the paper's protocol: 10 × 5-fold).
              Prints mean ± std of chebyshev, clark, canberra, kl, cosine and
              intersection per method, over all folds × repeats. The seed fixes
              the splits (and UAKNN's draws in sampled mode). Progress on stderr.

          uaknn-eval bench --data DIR [--queries 64] [--rounds 5]
                           [--method all|METHOD[,METHOD...]] [PARAMETERS]
                           [--python python3] [--numpy-script PATH] [--no-numpy]
              Trains on all rows but the last --queries, and times predicting those
              rows one at a time and as one batch (per-query latency, median over
              --rounds). In the same run it times NumPy doing the bare float64
              matrix-vector product (single) and matrix-matrix product (batch)
              over the same training matrix, via bench/numpy_reference.py, and
              prints the ratios. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset
              for that subprocess only. The batch figures depend on the CPU the
              core is compiled for: see the note in BenchCommand.swift.

          uaknn-eval noise --data DIR --rate R --noise uniform|asymmetric|semantic
                           [--seed 0] [--k 1,5,15,41,101] [--method aaknn] [--score kl]
                           [--bandwidth X] [--bandwidth-rule R] [--bandwidth-scale X]
                           [--rows N] [--cv [--folds 5] [--repeats 1]]
              Label-noise benchmark (NEIGHBOURS.md F3.3). Picks round(R x M) rows
              (seeded) and transposes each one's top label t with another label:
              uniform over all labels (t itself leaves the row unchanged), per-label
              pairs a/b w.p. 2/3 / 1/3 (asymmetric), or the label with the nearest
              centroid (semantic). Prints per k the ROC AUC and average precision of
              the leave-one-out score (--method aaknn|kernel|uaknn|wuaknn, --score
              any metric kind) against the rows that changed, how many rows disagree
              on their top label and the share of those that changed. --rows N
              takes a seeded random subset first. --cv adds cross-validation trained
              on the noisy labels and scored on the clean ones.

        METHODS
          uaknn     UAKNN (spec "UAKNN")
          wuaknn    UAKNN's weighting without uncertainty
          aaknn     AA-kNN: mean distribution of the k nearest (Euclidean)
          kernel    kernel kNN: Gaussian-weighted mean of the k nearest

        PARAMETERS (spec defaults; each must apply to a chosen method)
          --variance X            uaknn, σ² (0.5)
          --samples N             uaknn, draws in sampled mode (100)
          --perturbation-ratio X  uaknn, ρ (0.05)
          --softmax-base X        uaknn, wuaknn, β (2)
          --temperature X         uaknn, τ (1)
          --mode expected|sampled uaknn (expected)
          --seed N                uaknn, draws in sampled mode; in cv also the shuffle (0)
          --normalization softmax|linear   uaknn (softmax)
          --no-prototypes         uaknn ablation: the L nearest samples instead
          --no-perturbation       uaknn ablation: every c_j = 0
          --k N                   aaknn (5), kernel (32; 0 = all rows, with fixed or median)
          --bandwidth X           kernel: s, implies --bandwidth-rule fixed
          --bandwidth-rule kth|fixed|median
                                  kernel (kth: s = distance to the k-th neighbour;
                                  median: s = scale x the rows' median distance to
                                  their k-th nearest other row)
          --bandwidth-scale X     kernel, the median rule's scale (0.5)
          --fallback none|prior|aaknn|uaknn|wuaknn
                                  kernel: blend with this method by the confidence
                                  g(x) (needs fixed or median); uaknn and wuaknn
                                  take the uaknn parameters given, aaknn k = 5

        EXIT STATUS
          0 success, 1 bad data or files (the message names file and line),
          2 bad command line.

        EXAMPLE
          uaknn-eval predict --train train --test test --method uaknn --variance 0.3
          uaknn-eval cv --data Tests/data/SJAFFE
          uaknn-eval bench --data /work/shared/datasets/Movie

        """
}
