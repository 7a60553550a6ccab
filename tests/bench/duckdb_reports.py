#!/usr/bin/env python3
"""The report benchmark's questions asked of DuckDB, over the same rows SQLite holds.

`ig-report-bench --duckdb` runs this in the same run as the server and SQLite:

    python3 tests/bench/duckdb_reports.py --sqlite bench.sqlite --queries queries.txt --reps 3

It copies every table of the SQLite file `ig-report-bench` loaded into an in-memory DuckDB
database (through CSV files: DuckDB's own SQLite reader is an extension it would download), then
runs each case's statements as `ig-report-bench` wrote them: a line `# name` starts a case, each
line after it is `p1,p2,…<TAB>SQL`. Every case runs once to warm up, then `--reps` times. For each
case it prints one line: `p50_ms p95_ms rows`, in the order of the cases. Needs `pip install duckdb`.
"""

import argparse
import csv
import os
import sqlite3
import sys
import tempfile
import time

try:
    import duckdb
except ImportError:
    # Said plainly, and a failure: a run without DuckDB must not look like a run with it.
    sys.exit(
        "duckdb_reports.py: the Python package duckdb is not installed, so no DuckDB figures; "
        "install it with `pip install duckdb` (or run ig-report-bench without --duckdb)"
    )

TABLES = ["appeals", "questions", "assignments", "meetings", "meeting_questions", "cards"]


def load(sqlite_path, con):
    """Copies the SQLite tables into DuckDB with the same column names and types."""
    src = sqlite3.connect(sqlite_path)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for table in TABLES:
            cols = src.execute(f"PRAGMA table_info({table})").fetchall()
            # SQLite's INTEGER and TEXT map to DuckDB's BIGINT and VARCHAR.
            decl = ", ".join(
                f"{c[1]} {'VARCHAR' if c[2].upper() == 'TEXT' else 'BIGINT'}" for c in cols
            )
            con.execute(f"CREATE TABLE {table} ({decl})")
            path = os.path.join(tmp, f"{table}.csv")
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                for row in src.execute(f"SELECT * FROM {table}"):
                    w.writerow(["" if v is None else v for v in row])
            con.execute(
                f"COPY {table} FROM '{path}' (HEADER false, NULLSTR '', QUOTE '\"')"
            )
    src.close()
    return time.perf_counter() - started


def cases(path):
    """The cases as (name, [(params, sql)])."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# "):
                out.append((line[2:], []))
            elif line:
                params, sql = line.split("\t", 1)
                values = [int(p) for p in params.split(",") if p]
                out[-1][1].append((values, sql))
    return out


def percentile(samples, p):
    samples = sorted(samples)
    return samples[round((len(samples) - 1) * p)] * 1000.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sqlite", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    con = duckdb.connect()
    seconds = load(args.sqlite, con)
    print(f"DuckDB {duckdb.__version__} loaded in {seconds:.1f} s", file=sys.stderr)
    for name, statements in cases(args.queries):
        samples = []
        rows = 0
        for rep in range(args.reps + 1):
            started = time.perf_counter()
            rows = 0
            for params, sql in statements:
                rows += len(con.execute(sql, params).fetchall())
            if rep > 0:
                samples.append(time.perf_counter() - started)
        print(f"{percentile(samples, 0.5):.1f} {percentile(samples, 0.95):.1f} {rows}", flush=True)


if __name__ == "__main__":
    main()
