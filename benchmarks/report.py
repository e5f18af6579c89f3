#!/usr/bin/env python3
"""Prints JMH JSON results as a table: each score, its error, bytes per operation, and its ratio to
the score it is compared with, from the same run and the same other parameters:

  PoolBenchmark.batch, .submitGet        to peer=bare           throughput: above 1 is faster
  SnapshotCycleBenchmark.modified       to handWrittenRemove   time: below 1 is faster
  SnapshotCycleBenchmark.modifiedAudit  to touchOrUndo         time: AUDIT over the same task bare
  AgentBenchmark.plainJvm, .agentJvm     to plainJvm pool=hygienic  throughput: above 1 is faster
  StartupBenchmark.start                 to jvm=plain           time: the agent's start-up cost
  ScalingBenchmark.afterTasks            to tasksBefore=0       time: must stay near 1
  ScalingBenchmark.mapEntries            to entries=8           time: grows with the table
  SpringBootRequestBenchmark.request     to starter=off         throughput: the starter's cost
    (benchmarks-spring-boot)                                    per request is 1 - ratio

Rows without a reference (the other cycle cases, taskWork) have no ratio.

    python3 benchmarks/report.py results.json
"""
import json
import math
import sys

# method -> (how its reference differs: ("param", name, value), ("method", name), or
# ("row", method, {param: value}) for one method with some parameters fixed)
REFERENCES = {
    "PoolBenchmark.batch": ("param", "peer", "bare"),
    "PoolBenchmark.submitGet": ("param", "peer", "bare"),
    "SnapshotCycleBenchmark.modified": ("method", "handWrittenRemove"),
    "SnapshotCycleBenchmark.modifiedAudit": ("method", "touchOrUndo"),
    "AgentBenchmark.plainJvm": ("row", "plainJvm", {"pool": "hygienic"}),
    "AgentBenchmark.agentJvm": ("row", "plainJvm", {"pool": "hygienic"}),
    "StartupBenchmark.start": ("param", "jvm", "plain"),
    "ScalingBenchmark.afterTasks": ("param", "tasksBefore", "0"),
    "ScalingBenchmark.mapEntries": ("param", "entries", "8"),
    "SpringBootRequestBenchmark.request": ("param", "starter", "off"),
}


def load(path):
    rows = []
    for r in json.load(open(path)):
        name = ".".join(r["benchmark"].split(".")[-2:])
        params = dict(r.get("params") or {})
        pm = r["primaryMetric"]
        alloc = None
        for key, m in r.get("secondaryMetrics", {}).items():
            if key.lstrip("\u00b7") == "gc.alloc.rate.norm":
                alloc = m["score"]
        rows.append({"name": name, "params": params, "score": float(pm["score"]), "error": float(pm["scoreError"]),
                     "unit": pm["scoreUnit"], "alloc": alloc, "mode": r["mode"]})
    return rows


def key(name, params):
    return name, tuple(sorted(params.items()))


def with_ratios(rows):
    index = {key(r["name"], r["params"]): r for r in rows}
    for r in rows:
        ref = REFERENCES.get(r["name"])
        r["ratio"], r["to"] = None, ""
        if ref is None:
            continue
        if ref[0] == "param":
            _, param, value = ref
            if param not in r["params"]:
                continue
            other = index.get(key(r["name"], {**r["params"], param: value}))
            label = value if param == "peer" else f"{param}={value}"
        elif ref[0] == "row":
            _, method, fixed = ref
            other = index.get(key(r["name"].split(".")[0] + "." + method, {**r["params"], **fixed}))
            label = method + " " + ",".join(f"{k}={v}" for k, v in fixed.items())
        else:
            other = index.get(key(r["name"].split(".")[0] + "." + ref[1], r["params"]))
            label = ref[1]
        if other is not None and other["score"]:
            r["ratio"], r["to"] = r["score"] / other["score"], label
    return rows


def number(x, digits=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if x != 0 and abs(x) < 0.01:
        return f"{x:.4f}"
    return f"{x:.{digits}f}"


def main(path):
    rows = with_ratios(load(path))
    head = ("benchmark", "params", "mode", "score", "error", "unit", "B/op", "ratio", "to")
    cells = [head]
    for r in rows:
        params = ",".join(f"{k}={v}" for k, v in r["params"].items())
        # Scores under 1 (requests per ms through a server) get 4 decimals, enough to read a 1% difference.
        digits = 4 if abs(r["score"]) < 1 else 2
        error = number(r["error"], digits)
        cells.append((r["name"], params, r["mode"], number(r["score"], digits), f"\u00b1{error}" if error else "",
                      r["unit"], "n/a" if r["alloc"] is None else f"{r['alloc']:.1f}",
                      number(r["ratio"], 3), r["to"]))
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    left = {0, 1, 2, 5, 8}
    for row in cells:
        print("  ".join(c.ljust(w) if i in left else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths))).rstrip())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py results.json")
    main(sys.argv[1])
