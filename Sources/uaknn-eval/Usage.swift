/// The `--help` text: the one place that documents the command line.
enum Usage {
    static let text = """
        uaknn-eval: evaluate uaknn's predictors on CSV datasets, without a database.

        A dataset is a folder with features.csv and labels.csv: no header, one sample
        a line, numbers separated by commas, row i of one file belonging to row i of
        the other. A test folder for `predict` may hold only features.csv.

        USAGE
          uaknn-eval predict --train DIR --test DIR --method METHOD [--storage MODE]
                             [PARAMETERS]
              Trains on DIR (--train), prints one predicted distribution per row of
              the test folder's features.csv, as CSV, in input order, with every
              digit needed to read the doubles back exactly.

          uaknn-eval cv --data DIR [--folds 5] [--repeats 10] [--seed 0]
                        [--method all|METHOD[,METHOD...]] [--storage MODE] [PARAMETERS]
              Repeated k-fold cross-validation (the paper's protocol: 10 × 5-fold).
              Prints mean ± std of chebyshev, clark, canberra, kl, cosine and
              intersection per method, over all folds × repeats. The seed fixes
              the splits (and UAKNN's draws in sampled mode). Progress on stderr.

          uaknn-eval bench --data DIR [--queries 64] [--rounds 5]
                           [--method all|METHOD[,METHOD...]] [--storage MODE] [PARAMETERS]
                           [--python python3] [--numpy-script PATH] [--no-numpy [--cpu-time]]
              Trains on all rows but the last --queries, and times predicting those
              rows one at a time and as one batch (per-query latency, median over
              --rounds). In the same run it times NumPy doing the bare float64
              matrix-vector product (single) and matrix-matrix product (batch)
              over the same training matrix, via bench/numpy_reference.py, and
              prints the ratios. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset
              for that subprocess only. The batch figures depend on the CPU the
              core is compiled for: see the note in BenchCommand.swift. Prints the
              storage mode the model is held in and the memory it holds.
              --cpu-time times the predicting thread's CPU time instead of wall
              time (steadier on a shared machine; needs --no-numpy).

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
          --k N                   aaknn (5), kernel (32)
          --bandwidth X           kernel (the distance to the k-th neighbour)

        EXIT STATUS
          0 success, 1 bad data or files (the message names file and line),
          2 bad command line.

        EXAMPLE
          uaknn-eval predict --train train --test test --method uaknn --variance 0.3
          uaknn-eval cv --data Tests/data/SJAFFE
          uaknn-eval bench --data /work/shared/datasets/Movie
          uaknn-eval scale --data /work/shared/datasets/Movie

        """
}
