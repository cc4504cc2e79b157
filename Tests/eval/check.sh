#!/usr/bin/env bash
# End-to-end check of uaknn-eval on Tests/data/SJAFFE: predictions against the
# spec's vectors (Tests/vectors/sjaffe_split.json to 1e-9, maxent_sjaffe.json to
# 1e-6), label rows, cv and tune determinism and shape, a quick bench, and the error messages for bad input (stderr, exit
# status, file and line, never a crash). Exits non-zero on the first failure.
#
# Usage: Tests/eval/check.sh            (builds the release binary first)
#        UAKNN_EVAL=/path/to/uaknn-eval Tests/eval/check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
if [[ -z "${UAKNN_EVAL:-}" ]]; then
    swift build -c release --product uaknn-eval >/dev/null
    UAKNN_EVAL="$ROOT/.build/release/uaknn-eval"
fi
BIN=$UAKNN_EVAL
DATA="$ROOT/Tests/data/SJAFFE"
VECTORS="$ROOT/Tests/vectors/sjaffe_split.json"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1" >&2; failures=$((failures + 1)); }

# --- predict: every configuration of the spec's SJAFFE split -----------------
mkdir -p "$WORK/train" "$WORK/test" "$WORK/test_labelled"
head -n 170 "$DATA/features.csv" >"$WORK/train/features.csv"
head -n 170 "$DATA/labels.csv" >"$WORK/train/labels.csv"
tail -n +171 "$DATA/features.csv" >"$WORK/test/features.csv"
cp "$WORK/test/features.csv" "$WORK/test_labelled/features.csv"
tail -n +171 "$DATA/labels.csv" >"$WORK/test_labelled/labels.csv"

# One line per configuration: name, then the command-line options.
python3 - "$VECTORS" >"$WORK/configs" <<'PY'
import json, sys
configs = json.load(open(sys.argv[1]))["configs"]
for name, config in configs.items():
    method = "wuaknn" if name.startswith("wuaknn") else "aaknn" if name.startswith("aaknn") \
        else "kernel" if name.startswith("kernel") else "uaknn"
    args = ["--method", method]
    for key, value in config["parameters"].items():
        if value is False:
            args.append("--no-" + key)
        else:
            args += ["--" + key.replace("_", "-"), repr(value) if isinstance(value, float) else str(value)]
    print(name, *args)
PY
# Row 177 of aaknn_k5 is an exact tie (its 5th/6th nearest training rows, 0
# and 8, have identical features and different labels), which goes to row 0.
compare() {  # compare CONFIG_NAME PREDICTIONS_CSV
    python3 - "$VECTORS" "$1" "$2" "$DATA/labels.csv" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))["configs"][sys.argv[2]]["predictions"]
got = [[float(x) for x in line.split(",")] for line in open(sys.argv[3]).read().splitlines()]
assert len(got) == len(expected), f"{len(got)} rows, expected {len(expected)}"
worst = max(abs(a - b) for g, e in zip(got, expected) for a, b in zip(g, e))
assert all(len(g) == len(e) for g, e in zip(got, expected)), "row lengths differ"
assert worst <= 1e-9, f"max abs difference {worst}"
PY
}
while read -r name args; do
    # shellcheck disable=SC2086
    if "$BIN" predict --train "$WORK/train" --test "$WORK/test" $args >"$WORK/out.csv" 2>"$WORK/err" \
        && compare "$name" "$WORK/out.csv" 2>>"$WORK/err"; then
        pass "predict $name"
    else
        fail "predict $name ($args): $(tail -n 3 "$WORK/err")"
    fi
done <"$WORK/configs"

if "$BIN" predict --train "$WORK/train" --test "$WORK/test_labelled" --method uaknn >"$WORK/out.csv" \
    && compare uaknn_default "$WORK/out.csv"; then
    pass "predict with a test folder that has labels.csv"
else
    fail "predict with a test folder that has labels.csv"
fi

# Sampled mode: same seed, same output; another seed, another output.
"$BIN" predict --train "$WORK/train" --test "$WORK/test" --method uaknn --mode sampled --seed 7 >"$WORK/s1"
"$BIN" predict --train "$WORK/train" --test "$WORK/test" --method uaknn --mode sampled --seed 7 >"$WORK/s2"
"$BIN" predict --train "$WORK/train" --test "$WORK/test" --method uaknn --mode sampled --seed 8 >"$WORK/s3"
if cmp -s "$WORK/s1" "$WORK/s2" && ! cmp -s "$WORK/s1" "$WORK/s3"; then
    pass "predict --mode sampled is seeded"
else
    fail "predict --mode sampled is seeded"
fi

# --- storage modes -----------------------------------------------------------------
# sparse predicts exactly what dense does (bit for bit); float4 within 1e-6 on
# this split (no neighbour changes order here); auto picks dense for SJAFFE.
for method in uaknn wuaknn aaknn kernel; do
    "$BIN" predict --train "$WORK/train" --test "$WORK/test" --method "$method" --storage dense >"$WORK/dense.csv"
    "$BIN" predict --train "$WORK/train" --test "$WORK/test" --method "$method" --storage SPARSE >"$WORK/sparse.csv"
    "$BIN" predict --train "$WORK/train" --test "$WORK/test" --method "$method" --storage float4 >"$WORK/float4.csv"
    if cmp -s "$WORK/dense.csv" "$WORK/sparse.csv" && python3 - "$WORK/dense.csv" "$WORK/float4.csv" <<'PY'; then
import sys
rows = [[[float(x) for x in line.split(",")] for line in open(p).read().splitlines()] for p in sys.argv[1:]]
assert len(rows[0]) == len(rows[1]) == 43
worst = max(abs(a - b) for r, s in zip(*rows) for a, b in zip(r, s))
assert worst <= 1e-6, worst
PY
        pass "predict --storage dense/sparse/float4 agree ($method)"
    else
        fail "predict --storage dense/sparse/float4 agree ($method)"
    fi
done
if "$BIN" bench --data "$DATA" --queries 4 --rounds 1 --no-numpy --method aaknn --storage sparse >"$WORK/bench" 2>"$WORK/err" \
    && grep -q '^storage: sparse, [0-9.]* MB held' "$WORK/bench" \
    && "$BIN" bench --data "$DATA" --queries 4 --rounds 1 --no-numpy --method aaknn >"$WORK/bench" 2>"$WORK/err" \
    && grep -q '^storage: dense (auto), [0-9.]* MB held' "$WORK/bench"; then
    pass "bench prints the storage mode and memory"
else
    fail "bench prints the storage mode and memory: $(cat "$WORK/err")"
fi
if "$BIN" scale --rows 300 --features 8,16 --density 0.1 --storage all --queries 4 --rounds 1 --data "$DATA" \
    >"$WORK/scale" 2>"$WORK/err" && [[ $(grep -c '^random 0.1 ' "$WORK/scale") -eq 8 ]] \
    && [[ $(grep -c '^SJAFFE ' "$WORK/scale") -eq 4 ]] && grep -q 'auto: sparse' "$WORK/scale"; then
    pass "scale: every storage mode, random and real data"
else
    fail "scale: $(cat "$WORK/err")"
fi
if "$BIN" scale --storage sparse --queries 4 --rounds 1 --data "$DATA" >"$WORK/scale" 2>"$WORK/err" \
    && ! grep -q '^random' "$WORK/scale" && [[ $(grep -c '^SJAFFE ' "$WORK/scale") -eq 1 ]]; then
    pass "scale --data alone measures the folder only"
else
    fail "scale --data alone: $(cat "$WORK/scale" "$WORK/err")"
fi

if "$BIN" compare --data "$DATA" --storage sparse --tolerance 0 >"$WORK/compare" 2>"$WORK/err" \
    && [[ $(grep -cE '^(uaknn|wuaknn|aaknn|kernel) +43 +0 +0 +0 +0$' "$WORK/compare") -eq 4 ]] \
    && "$BIN" compare --data "$DATA" --train-rows 170 >"$WORK/compare" 2>"$WORK/err" \
    && [[ $(grep -cE '^(uaknn|wuaknn|aaknn|kernel) +43 +[0-9.e-]+ +0 +0 +0$' "$WORK/compare") -eq 4 ]]; then
    pass "compare: sparse equals dense exactly, float4 within 1e-6 (spec split)"
else
    fail "compare: $(cat "$WORK/compare" "$WORK/err")"
fi

# --- cv ------------------------------------------------------------------------
"$BIN" cv --data "$DATA" --repeats 2 --seed 3 >"$WORK/cv1" 2>/dev/null
"$BIN" cv --data "$DATA" --repeats 2 --seed 3 >"$WORK/cv2" 2>/dev/null
"$BIN" cv --data "$DATA" --repeats 2 --seed 4 >"$WORK/cv3" 2>/dev/null
# The first line holds the run time; the table must be identical.
if cmp -s <(tail -n +2 "$WORK/cv1") <(tail -n +2 "$WORK/cv2") \
    && ! cmp -s <(tail -n +2 "$WORK/cv1") <(tail -n +2 "$WORK/cv3"); then
    pass "cv is deterministic for a seed"
else
    fail "cv is deterministic for a seed"
fi
if python3 - "$WORK/cv1" <<'PY'; then pass "cv table: 4 methods x 6 metrics, values in range"; else fail "cv table shape"; fi
import re, sys
lines = open(sys.argv[1]).read().splitlines()
header = next(l for l in lines if l.startswith("method"))
for m in ["chebyshev", "clark", "canberra", "kl", "cosine", "intersection"]:
    assert m in header, m
rows = {l.split()[0]: l for l in lines if l.split() and l.split()[0] in ("uaknn", "wuaknn", "aaknn", "kernel")}
assert set(rows) == {"uaknn", "wuaknn", "aaknn", "kernel"}, rows.keys()
for name, line in rows.items():
    cells = re.findall(r"(-?\d+\.\d+) ± (\d+\.\d+)", line)
    assert len(cells) == 6, (name, line)
    means = [float(m) for m, _ in cells]
    assert 0 < means[4] <= 1 and 0 < means[5] <= 1, (name, means)  # cosine, intersection
PY
if "$BIN" cv --data "$DATA" --repeats 1 --folds 3 --method uaknn,aaknn --k 7 >"$WORK/cv4" 2>/dev/null \
    && grep -q '^uaknn' "$WORK/cv4" && grep -q '^aaknn' "$WORK/cv4" && ! grep -q '^kernel' "$WORK/cv4"; then
    pass "cv with a method list"
else
    fail "cv with a method list"
fi

if "$BIN" cv --data "$DATA" --repeats 1 --method prior,maxent,kernel --standardize zscore >"$WORK/cv5" 2>/dev/null \
    && grep -q '^prior' "$WORK/cv5" && grep -q '^maxent' "$WORK/cv5" && grep -q 'standardize zscore' "$WORK/cv5"; then
    pass "cv with prior, maxent and --standardize zscore"
else
    fail "cv with prior, maxent and --standardize zscore"
fi

# --- maxent: the spec's vector (train rows 0..169, predict 170..212, to 1e-6) ----
if "$BIN" predict --train "$WORK/train" --test "$WORK/test" --method maxent >"$WORK/maxent.csv" 2>"$WORK/err" \
    && python3 - "$ROOT/Tests/vectors/maxent_sjaffe.json" "$WORK/maxent.csv" <<'PY'; then
import json, sys
expected = json.load(open(sys.argv[1]))["predictions"]
got = [[float(x) for x in line.split(",")] for line in open(sys.argv[2]).read().splitlines()]
assert len(got) == len(expected), len(got)
worst = max(abs(a - b) for g, e in zip(got, expected) for a, b in zip(g, e))
assert worst <= 1e-6, worst
PY
    pass "predict --method maxent matches vectors/maxent_sjaffe.json"
else
    fail "predict --method maxent: $(tail -n 3 "$WORK/err")"
fi

# --- label rows: counts need --normalize-labels, and then predict the same -----
mkdir -p "$WORK/counts"
cp "$WORK/train/features.csv" "$WORK/counts/"
python3 -c "
import sys
for line in open(sys.argv[1]):
    print(','.join(repr(float(x) * 40) for x in line.split(',')))" "$WORK/train/labels.csv" >"$WORK/counts/labels.csv"
"$BIN" predict --train "$WORK/train" --test "$WORK/test" --method aaknn --k 1 >"$WORK/p1"
if ! "$BIN" predict --train "$WORK/counts" --test "$WORK/test" --method aaknn --k 1 >/dev/null 2>"$WORK/err" \
    && grep -q "normalize_labels" "$WORK/err" \
    && "$BIN" predict --train "$WORK/counts" --test "$WORK/test" --method aaknn --k 1 --normalize-labels >"$WORK/p2" \
    && python3 - "$WORK/p1" "$WORK/p2" <<'PY'; then
import sys
a = [[float(x) for x in l.split(",")] for l in open(sys.argv[1])]
b = [[float(x) for x in l.split(",")] for l in open(sys.argv[2])]
assert max(abs(x - y) for r, s in zip(a, b) for x, y in zip(r, s)) <= 1e-15
PY
    pass "label counts: refused, then accepted with --normalize-labels"
else
    fail "label counts: $(cat "$WORK/err")"
fi

# A mixture under --standardize: the tuned winner on SJAFFE, cross-validated
# alone, scores what tune gave it (KL 0.042937955579, 1 x 5-fold, seed 0).
if "$BIN" cv --data "$DATA" --repeats 1 --method mix --members '[{"method": "aaknn", "k": 5}, {"method": "maxent"}]' \
        --weights 0.75,0.25 --standardize zscore --digits 12 >"$WORK/cv6" 2>/dev/null \
    && grep -q '^mix .* 0\.042937955579 ± ' "$WORK/cv6"; then
    pass "cv of a mixture with --standardize zscore"
else
    fail "cv of a mixture with --standardize zscore"
fi

# --- tune ------------------------------------------------------------------------
if "$BIN" tune --list | grep -c '^[0-9]' | grep -qx 28; then
    pass "tune --list: 28 grid candidates"
else
    fail "tune --list"
fi
if "$BIN" tune --data "$DATA" --folds 3 >"$WORK/tune1" 2>/dev/null \
    && "$BIN" tune --data "$DATA" --folds 3 >"$WORK/tune2" 2>/dev/null \
    && python3 - "$WORK/tune1" "$WORK/tune2" <<'PY'; then
import re, sys
def board(path):
    lines = open(path).read().splitlines()
    rows = [l for l in lines if re.match(r"^\d+ ", l)]
    # Everything but the seconds column, which is a timing.
    return [l.rsplit(None, 1)[0] for l in rows], lines
a, lines = board(sys.argv[1])
b, _ = board(sys.argv[2])
assert len(a) == 31, len(a)
assert a == b, "leaderboards differ"
kl = [float(re.findall(r"(\d+\.\d+) ± ", l)[3]) for l in a]
assert kl == sorted(kl), kl
assert any(l.startswith("best: ") for l in lines)
PY
    pass "tune: 31 candidates ranked by kl, deterministic"
else
    fail "tune"
fi

# --- bench (tiny) --------------------------------------------------------------
if "$BIN" bench --data "$DATA" --queries 8 --rounds 1 --no-numpy >"$WORK/bench" 2>"$WORK/err" \
    && grep -q '^uaknn ' "$WORK/bench" && grep -q '^kernel ' "$WORK/bench"; then
    pass "bench --no-numpy"
else
    fail "bench --no-numpy: $(cat "$WORK/err")"
fi
if python3 -c "import numpy" 2>/dev/null; then
    if "$BIN" bench --data "$DATA" --queries 8 --rounds 1 --method uaknn >"$WORK/bench" 2>"$WORK/err" \
        && grep -q '^numpy ' "$WORK/bench" && grep -q '^target' "$WORK/bench"; then
        pass "bench with the NumPy reference"
    else
        fail "bench with the NumPy reference: $(cat "$WORK/err")"
    fi
fi

# --- errors: stderr, exit status, where -----------------------------------------
# expect_error STATUS PATTERN -- ARGS...: exit status STATUS, nothing on stdout,
# stderr matching PATTERN (extended regex).
expect_error() {
    local status=$1 pattern=$2
    shift 3
    local got=0
    "$BIN" "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
    if [[ $got -eq $status ]] && [[ ! -s "$WORK/out" ]] && grep -Eq "$pattern" "$WORK/err"; then
        pass "error: $pattern"
    else
        fail "error $* -> status $got (expected $status), stderr: $(cat "$WORK/err")"
    fi
}
bad() {  # bad NAME: a copy of the train folder to damage
    rm -rf "${WORK:?}/$1"
    cp -r "$WORK/train" "$WORK/$1"
    echo "$WORK/$1"
}
d=$(bad ragged); sed -i '5s/,[^,]*$//' "$d/features.csv"
expect_error 1 "features.csv:5: 242 values, expected 243 \(as on line 1\)" -- cv --data "$d"
d=$(bad word); sed -i '7s/^[^,]*,/abc,/' "$d/features.csv"
expect_error 1 'features.csv:7: column 1 is not a number: "abc"' -- cv --data "$d"
d=$(bad empty); sed -i '9s/,[^,]*,/,,/' "$d/features.csv"
expect_error 1 "features.csv:9: column 2 is empty" -- cv --data "$d"
d=$(bad nan); sed -i '3s/^[^,]*,/nan,/' "$d/labels.csv"
expect_error 1 'labels.csv:3: column 1 is not a finite number: "nan"' -- cv --data "$d"
d=$(bad blank); sed -i '4s/.*//' "$d/labels.csv"
expect_error 1 "labels.csv:4: empty line" -- cv --data "$d"
d=$(bad rows); sed -i '$d' "$d/labels.csv"
expect_error 1 "features.csv has 170 rows but labels.csv has 169" -- cv --data "$d"
d=$(bad distribution); sed -i '6s/^[^,]*,/0.9,/' "$d/labels.csv"
expect_error 1 "labels.csv:6: .*label" -- predict --train "$d" --test "$WORK/test" --method uaknn
d=$(bad nolabels); rm "$d/labels.csv"
expect_error 1 "labels.csv: cannot open \(No such file or directory\)" -- predict --train "$d" --test "$WORK/test" --method uaknn
expect_error 1 "features.csv: cannot open" -- cv --data "$WORK/does-not-exist"
d=$(bad columns); cut -d, -f1-100 "$WORK/test/features.csv" >"$d/features.csv"; rm "$d/labels.csv"
expect_error 1 "100 columns, but the training data .* has 243" -- predict --train "$WORK/train" --test "$d" --method uaknn
expect_error 2 "unknown option --varience" -- predict --train "$WORK/train" --test "$WORK/test" --method uaknn --varience 1
expect_error 2 'unknown method "knn"' -- predict --train "$WORK/train" --test "$WORK/test" --method knn
expect_error 2 'unknown command "train"' -- train --data "$DATA"
expect_error 2 "option --train is required" -- predict --test "$WORK/test" --method uaknn
expect_error 2 "option --method needs a value" -- predict --train "$WORK/train" --test "$WORK/test" --method
expect_error 2 'option --k: "x" is not a whole number' -- predict --train "$WORK/train" --test "$WORK/test" --method aaknn --k x
expect_error 2 "k is 0, expected an integer from 1 to 10000" -- predict --train "$WORK/train" --test "$WORK/test" --method aaknn --k 0
expect_error 2 "variance is -1.0, expected" -- predict --train "$WORK/train" --test "$WORK/test" --method uaknn --variance -1
expect_error 2 "option --k does not apply to uaknn" -- predict --train "$WORK/train" --test "$WORK/test" --method uaknn --k 3
expect_error 2 'unknown mode "exact"' -- predict --train "$WORK/train" --test "$WORK/test" --method uaknn --mode exact
expect_error 2 "option --folds is 1, expected 2" -- cv --data "$DATA" --folds 1
expect_error 2 "option --seed given twice" -- cv --data "$DATA" --seed 1 --seed 2
expect_error 2 'unknown standardize "z"' -- cv --data "$DATA" --method aaknn --standardize z
expect_error 2 "option --standardize does not apply to maxent" -- cv --data "$DATA" --method maxent --standardize zscore
expect_error 2 "l2 is 0.0, expected" -- predict --train "$WORK/train" --test "$WORK/test" --method maxent --l2 0
expect_error 2 "label_tolerance is -1.0, expected" -- cv --data "$DATA" --label-tolerance -1
expect_error 2 'unknown metric kind "kll"' -- tune --data "$DATA" --metric kll
expect_error 2 "option --data does not apply with --list" -- tune --list --data "$DATA"
expect_error 2 'option --storage: unknown storage "csr"\. Valid storage modes are: auto, dense, sparse, float4' -- cv --data "$DATA" --storage csr
expect_error 2 "cpu-time needs --no-numpy" -- bench --data "$DATA" --cpu-time

if "$BIN" --help | grep -q "uaknn-eval predict" && "$BIN" cv --help | grep -q "uaknn-eval cv" \
    && "$BIN" --help | grep -q "uaknn-eval tune"; then
    pass "--help"
else
    fail "--help"
fi

if [[ $failures -gt 0 ]]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
