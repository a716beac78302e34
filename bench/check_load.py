"""Read locust's CSV from bench/load_test.sh, print p50/p95/p99 by request, and fail on any error
or on an aggregate p95 over the limit (a guard against regressions; the goal itself is 300 ms).

Usage: python bench/check_load.py [stats.csv] [p95 limit in ms]
"""

import csv
import sys


def main(path="/tmp/plantracker_load_stats.csv", limit_ms="500"):
    with open(path, newline="") as stats:
        rows = list(csv.DictReader(stats))
    print(f"{'request':<32}{'count':>7}{'errors':>8}{'p50':>8}{'p95':>8}{'p99':>8}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        print(
            f"{name:<32}{row['Request Count']:>7}{row['Failure Count']:>8}{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    problems = []
    if int(total["Request Count"]) == 0:
        problems.append("no requests were made")
    if int(total["Failure Count"]):
        problems.append(f"{total['Failure Count']} requests failed")
    if float(total["95%"]) > float(limit_ms):
        problems.append(f"p95 {total['95%']} ms is over {limit_ms} ms")
    if problems:
        print("Load test failed: " + "; ".join(problems))
        return 1
    print(f"Load test passed: no errors, p95 {total['95%']} ms (limit {limit_ms} ms).")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
