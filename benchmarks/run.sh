#!/usr/bin/env bash
# Builds the benchmarks jar and runs it on the current JDK ($JAVA_HOME if set, else java on PATH),
# with -prof gc so that every row also shows the bytes allocated per operation.
#
#   benchmarks/run.sh [quick|full] [JMH options...]
#
#   quick  1 fork, 3 x 1 s warmup, 5 x 1 s measurement: a few minutes, for a first look
#   full   2 forks, 5 x 1 s warmup, 10 x 1 s measurement: the figures for RESULTS.md
#
# Anything after the mode goes to JMH as is: a benchmark regex, -p entries=8, -prof stack, ...
# The --add-opens that hygiene needs is passed with -jvmArgsPrepend, so that a -jvmArgsAppend
# given here (which replaces the one in @Fork) does not lose it.
#
# JSON results go to benchmarks/results/jdk-<java.version>-<mode>.json (git-ignored); a compact
# table is printed at the end. Run one benchmark at a time: the machine has 2 cores.
set -euo pipefail

mode="${1:-quick}"
case "$mode" in
  quick) jmh_opts=(-f 1 -wi 3 -w 1s -i 5 -r 1s) ;;
  full)  jmh_opts=(-f 2 -wi 5 -w 1s -i 10 -r 1s) ;;
  *) echo "usage: $0 [quick|full] [JMH options...]" >&2; exit 2 ;;
esac
shift $(( $# > 0 ? 1 : 0 ))

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench_dir")"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java="java"
fi

# mvn picks up the same JAVA_HOME, so the jar is built and run by one JDK.
(cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)

props="$("$java" -XshowSettings:properties -version 2>&1)"
jdk="$(sed -n 's/^ *java\.version = //p' <<<"$props")"
mkdir -p "$bench_dir/results"
out="$bench_dir/results/jdk-$jdk-$mode.json"

# Any other busy process on this small machine skews every figure: say so before the run.
busy="$(python3 -c '
import time
def sample():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(f), f[3] + f[4]
t0, i0 = sample(); time.sleep(2); t1, i1 = sample()
print(round(100 * (1 - (i1 - i0) / max(1, t1 - t0))))')"
if (( busy > 10 )); then
  echo "WARNING: the CPUs were ${busy}% busy just before the run; these figures are not trustworthy" >&2
fi

echo "JDK $jdk ($(sed -n 's/^ *java\.home = //p' <<<"$props")), mode $mode"
# -foe: a benchmark whose teardown check fails must fail the run, not print a figure.
"$java" -jar "$bench_dir/target/benchmarks.jar" "${jmh_opts[@]}" -foe true -prof gc \
  -jvmArgsPrepend --add-opens=java.base/java.lang=ALL-UNNAMED \
  -rf json -rff "$out" "$@"

python3 - "$out" <<'EOF'
import json, sys

rows = []
for r in json.load(open(sys.argv[1])):
    name = ".".join(r["benchmark"].split(".")[-2:])
    params = ",".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
    pm = r["primaryMetric"]
    alloc = None
    for key, m in r.get("secondaryMetrics", {}).items():
        if key.lstrip("\u00b7") == "gc.alloc.rate.norm":
            alloc = m["score"]
    rows.append((name, params, pm["score"], pm["scoreError"], pm["scoreUnit"], alloc))

head = ("benchmark", "params", "score", "error", "unit", "B/op")
cells = [head] + [(n, p, f"{s:.2f}", "" if e != e else f"\u00b1{e:.2f}", u,
                   "n/a" if a is None else f"{a:.1f}") for n, p, s, e, u, a in rows]
widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
for row in cells:
    print("  ".join(c.ljust(w) if i in (0, 1, 4) else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths))))
EOF
echo "results: $out"
