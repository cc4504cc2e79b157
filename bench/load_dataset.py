#!/usr/bin/env python3
"""Streams a dataset folder (features.csv, labels.csv) as COPY text rows
`id<TAB>{features}<TAB>{labels}`, id counting from 0 in file order, for
`\\copy TABLE FROM PROGRAM 'python3 bench/load_dataset.py DIR'`.

    load_dataset.py DIR [--rows FROM TO]

selects the rows FROM <= id < TO, so a benchmark can split a dataset
deterministically without loading it twice."""
import sys


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    folder, rest = args[0], args[1:]
    first, stop = 0, float("inf")
    if rest[:1] == ["--rows"]:
        first, stop = int(rest[1]), int(rest[2])
    keep = lambda i: first <= i < stop
    with open(f"{folder}/features.csv") as features, open(f"{folder}/labels.csv") as labels:
        out = sys.stdout
        for i, (f, l) in enumerate(zip(features, labels)):
            if keep(i):
                out.write(f"{i}\t{{{f.strip()}}}\t{{{l.strip()}}}\n")


if __name__ == "__main__":
    main()
