#!/usr/bin/env bash
# Builds benchmarks-spring-boot and runs SpringBootRequestBenchmark and SpringFilterCostBenchmark on
# the current JDK ($JAVA_HOME if set, else java on PATH) from the class path (no shaded jar: merging
# Spring Boot's jars breaks their META-INF/spring* files), with -prof gc; then prints each score with
# its ratio to starter=off, and the starter's cost per request: (filteredThreadLocals - threadLocals)
# and (filteredDispatch - dispatch) as shares of httpRequest.
#
#   benchmarks-spring-boot/run.sh [smoke|quick|full] [benchmark regex] [JMH options...]
#
#   smoke  1 fork, 1 x 1 s warmup, 1 x 1 s measurement: proves that it runs and passes its checks
#          (about 30 s); the figures mean nothing
#   quick  1 fork, 3 x 2 s warmup, 3 x 2 s measurement: a first look (about 1 minute)
#   full   2 forks, 20 x 2 s warmup, 5 x 2 s measurement: the figures for benchmarks/RESULTS.md
#          (about 9 minutes). Spring MVC, Tomcat and the HttpClient keep warming up for about 30 s
#          on the 2-core machine (throughput still doubled after 5 x 2 s), hence the long warmup
#
# JMH options given here (-p starter=on, -t 8, -prof stack, ...) replace the mode's setting of the
# same option. The --add-opens that hygiene needs is passed with -jvmArgsPrepend, so that a
# -jvmArgsAppend given here (which replaces the one in @Fork) does not lose it.
#
# Output, under benchmarks-spring-boot/results/ (git-ignored): jdk-<java.version>-<mode>.json
# (-partial.json when options narrowed it).
#
# Run one benchmark run at a time: the machine has 2 cores.
set -euo pipefail

mode="${1:-quick}"
# Both benchmarks, unless the first JMH option is a regex (no leading '-') that narrows them.
benchmarks='^dev\.hygiene\.benchmarks\.spring\.'
case "$mode" in
  smoke) mode_opts=(-f 1 -wi 1 -w 1s -i 1 -r 1s) ;;
  quick) mode_opts=(-f 1 -wi 3 -w 2s -i 3 -r 2s) ;;
  full)  mode_opts=(-f 2 -wi 20 -w 2s -i 5 -r 2s) ;;
  *) echo "usage: $0 [smoke|quick|full] [JMH options...]" >&2; exit 2 ;;
esac
shift $(( $# > 0 ? 1 : 0 ))
if (( $# > 0 )) && [[ "$1" != -* ]]; then
  benchmarks="$1"
  shift
fi
user_opts=("$@")

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$module_dir")"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java="java"
fi

# mvn picks up the same JAVA_HOME, so the classes are built and run by one JDK.
(cd "$root" && mvn -B -q -pl benchmarks-spring-boot -am package -DskipTests)
classpath="$module_dir/target/classes:$(cat "$module_dir/target/classpath.txt")"

props="$("$java" -XshowSettings:properties -version 2>&1)"
jdk="$(sed -n 's/^ *java\.version = //p' <<<"$props")"
mkdir -p "$module_dir/results"
if (( ${#user_opts[@]} > 0 )) || [[ "$benchmarks" != '^dev\.hygiene\.benchmarks\.spring\.' ]]; then
  out="$module_dir/results/jdk-$jdk-$mode-partial.json"
else
  out="$module_dir/results/jdk-$jdk-$mode.json"
fi

# The mode's options, less those the user sets.
opts=()
for (( i = 0; i < ${#mode_opts[@]}; i += 2 )); do
  set_by_user=false
  for arg in "${user_opts[@]+"${user_opts[@]}"}"; do
    [[ "$arg" == "${mode_opts[i]}" ]] && set_by_user=true
  done
  $set_by_user || opts+=("${mode_opts[i]}" "${mode_opts[i+1]}")
done

# Any other busy process on this small machine skews every figure: say so before the run.
"$root/benchmarks/warn-if-busy.sh"

echo "JDK $jdk ($(sed -n 's/^ *java\.home = //p' <<<"$props")), mode $mode, $(date -u '+%Y-%m-%d %H:%M UTC'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
# -foe: a benchmark whose check fails must fail the run, not print a figure.
cmd=("$java" -cp "$classpath" org.openjdk.jmh.Main "$benchmarks"
  "${opts[@]+"${opts[@]}"}" -foe true -prof gc -jvmArgsPrepend --add-opens=java.base/java.lang=ALL-UNNAMED
  -rf json -rff "$out" "${user_opts[@]+"${user_opts[@]}"}")
echo "+ java -cp benchmarks-spring-boot/target/classes:\$(cat benchmarks-spring-boot/target/classpath.txt) ${cmd[*]:3}"
"${cmd[@]}"

python3 "$root/benchmarks/report.py" "$out"
python3 - "$out" <<'PY'
import json, sys
scores = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))
          if "SpringFilterCostBenchmark" in r["benchmark"]}
def cost(base, filtered):
    b, f, h = scores[base], scores[filtered], scores["httpRequest"]["score"]
    d, err = f["score"] - b["score"], float(f["scoreError"]) + float(b["scoreError"])
    print(f"  {filtered} - {base} = {d:.0f} +- {err:.0f} ns = {100 * d / h:.3f}% (+- {100 * err / h:.3f}%) of httpRequest ({h / 1000:.1f} us)")
if {"threadLocals", "filteredThreadLocals", "dispatch", "filteredDispatch", "httpRequest"} <= scores.keys():
    print("starter's cost per request:")
    cost("threadLocals", "filteredThreadLocals")
    cost("dispatch", "filteredDispatch")
PY
echo "results: $out"
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
