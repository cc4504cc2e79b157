/// The `--help` text: the one place that documents the command line. Its
/// list of parameters is generated from the library's declarations.
enum Usage {
    /// One entry per parameter option: the option, the methods that read it
    /// (or "model"), what it is, and the default.
    static var parameters: String {
        MethodOptions.parameters.map { p in
            let name = MethodOptions.option(p)
            let option: String
            switch p.type {
            case .boolean: option = "--[no-]\(name)"
            case .text: option = "--\(name) " + (p.rangeText.isEmpty ? "TEXT" : p.rangeText.split(separator: ",").map {
                    $0.filter { $0 != " " } }.joined(separator: "|"))
            case .integer, .bigint: option = "--\(name) N"
            case .jsonb: option = "--\(name) JSON"
            case .float8Array: option = "--\(name) X,X,..."
            case .float8: option = "--\(name) X"
            }
            let readers = p.methods.isEmpty ? "model" : p.methods.joined(separator: ", ")
            return "  \(option)\n      \(readers): \(p.summary) (\(p.defaultText))"
        }.joined(separator: "\n")
    }

    static let text = """
        uaknn-eval: evaluate uaknn's predictors on CSV datasets, without a database.

        A dataset is a folder with features.csv and labels.csv: no header, one sample
        a line, numbers separated by commas, row i of one file belonging to row i of
        the other. A test folder for `predict` may hold only features.csv.

        USAGE
          uaknn-eval predict --train DIR --test DIR --method METHOD [--storage MODE]
                             [PARAMETERS] [LABELS]
              Trains on DIR (--train), prints one predicted distribution per row of
              the test folder's features.csv, as CSV, in input order, with every
              digit needed to read the doubles back exactly.

          uaknn-eval cv --data DIR [--folds 5] [--repeats 10] [--seed 0] [--digits 4]
                        [--method all|METHOD[,METHOD...]] [--storage MODE] [PARAMETERS] [LABELS]
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
                           [--method all|METHOD[,METHOD...]] [--storage MODE] [PARAMETERS] [LABELS]
                           [--python python3] [--numpy-script PATH] [--no-numpy [--cpu-time]]
              Trains on all rows but the last --queries, and times predicting those
              rows one at a time and as one batch (per-query latency, median over
              --rounds). In the same run it times NumPy doing the bare float64
              matrix-vector product (single) and matrix-matrix product (batch)
              over the same training matrix, via bench/numpy_reference.py, and
              prints the ratios. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset
              for that subprocess only. The batch figures depend on the CPU the
              core is compiled for: see the note in BenchCommand.swift. The maxent
              fit and the zscore statistics are made before any timing. Prints the
              storage mode the model is held in and the memory it holds.
              --cpu-time times the predicting thread's CPU time instead of wall
              time (steadier on a shared machine; needs --no-numpy).

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

          uaknn-eval scale [--rows 20000,100000,300000] [--features 64] [--density 1]
                           [--storage dense,float4,sparse|all] [--method uaknn,aaknn]
                           [--queries 32] [--rounds 3] [--seed 0] [--data DIR[,DIR...]]
                           [--cpu-time]
              How prediction time and memory grow with rows and features, per
              storage mode: random models of each --rows x --features (features
              uniform in [0, 1), each non-zero with probability --density; fixed
              seed), then each --data folder (queries: its last --queries rows);
              with --data and none of --rows, --features, --density, only the folders.
              Every round times each storage mode and method in turn. Prints
              ms/query one at a time and in one batch, and MB held.

          uaknn-eval compare --data DIR [--storage float4] [--against dense]
                             [--train-fraction 0.8 | --train-rows N]
                             [--method all|METHOD[,METHOD...]] [--tolerance 1e-6] [PARAMETERS]
              Trains a model of each storage mode on the first rows, predicts the
              rest with each method and prints the largest difference, the
              queries differing by more than --tolerance, and how many of those
              used other neighbours (a distance tie or near-tie broken the other
              way by the storage's rounding). Exits 1 when a difference beyond
              the tolerance has the same neighbours (unexplained).

        STORAGE (--storage, every command; default auto)
          auto      sparse when at most 1 feature value in 8 is non-zero, else dense
          dense     float64 rows
          sparse    each row's non-zero values (predicts exactly what dense does)
          float4    float32 rows: half the memory; features rounded to float32

        METHODS
          uaknn     UAKNN (spec "UAKNN")
          wuaknn    UAKNN's weighting without uncertainty
          aaknn     AA-kNN: mean distribution of the k nearest (Euclidean)
          kernel    kernel kNN: Gaussian-weighted mean of the k nearest
          prior     the mean distribution of the training rows, whatever the query
          maxent    maximum-entropy model (softmax of a linear function of the
                    z-scored features, L2-penalized, fitted by L-BFGS)
          all       every one of the above (cv, bench)

        PARAMETERS (each must apply to a chosen method; the defaults, ranges and
        descriptions are the library's own, as uaknn_parameters() lists them in SQL)
        \(parameters)
          --seed N                uaknn, draws in sampled mode; in cv and tune also the folds (0)

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
          uaknn-eval tune --data path/to/Yeast_alpha
          uaknn-eval bench --data path/to/Movie
          uaknn-eval scale --data path/to/Movie

        """
}
