#!/usr/bin/env bash
# Builds the benchmarks jar and runs it on the current JDK ($JAVA_HOME if set, else java on PATH),
# with -prof gc so that every row also shows the bytes allocated per operation; then prints a table
# of each score with its ratio to its reference, and draws the chart of batch throughput ratios.
#
#   benchmarks/run.sh [smoke|quick|full] [benchmark regex...] [JMH options...]
#
#   smoke  every benchmark once, 1 fork, 1 x 200 ms warmup and measurement: proves that each runs
#          and passes its checks (under 2 minutes); the figures mean nothing
#   quick  1 fork, 2 x 1 s warmup, 3 x 1 s measurement, SnapshotCycleBenchmark at entries=8,256
#          only: about 4.5 minutes, for a first look
#   full   2 forks, 5 x 1 s warmup, 10 x 1 s measurement, every parameter: about 26 minutes,
#          the figures for RESULTS.md
#
# ScalingBenchmark runs single shots (one fresh worker per iteration), so it is run on its own with
# iteration counts instead of times: smoke 1 + 1, quick 10 + 10, full 2 forks x (20 + 30).
#
# Leading arguments that do not start with '-' are regexes that select benchmarks (as JMH's own);
# everything from the first '-' on goes to JMH as is (-p entries=8, -prof stack, -wi 3, ...) and
# replaces the mode's setting of the same option. The --add-opens that hygiene needs is passed with
# -jvmArgsPrepend, so that a -jvmArgsAppend given here (which replaces the one in @Fork, with
# -XX:+AlwaysPreTouch) does not lose it.
#
# On a JDK older than 21, PoolBenchmark's virtualThread peer cannot run: the script passes
# -p peer=<every other peer> (unless the options already set peer), which is how it is skipped.
#
# Output, all under benchmarks/results/ (git-ignored):
#   jdk-<java.version>-<mode>.json       JMH's JSON, all groups of the run (-partial.json when
#                                        regexes or options narrowed it)
#   chart-jdk-<java.version>-<mode>.svg  batch throughput of each peer relative to the bare pool
# For RESULTS.md, combine the full runs of two JDKs into the committed chart:
#   python3 benchmarks/chart.py -o benchmarks/throughput-ratios.svg benchmarks/results/jdk-17*-full.json benchmarks/results/jdk-25*-full.json
#
# Run one benchmark run at a time: the machine has 2 cores.
set -euo pipefail

mode="${1:-quick}"
case "$mode" in
  smoke)
    timed_opts=(-f 1 -wi 1 -w 200ms -i 1 -r 200ms)
    shot_opts=(-f 1 -wi 1 -i 1)
    mode_params=()
    ;;
  quick)
    timed_opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
    shot_opts=(-f 1 -wi 10 -i 10)
    mode_params=(entries=8,256)
    ;;
  full)
    timed_opts=(-f 2 -wi 5 -w 1s -i 10 -r 1s)
    shot_opts=(-f 2 -wi 20 -i 30)
    mode_params=()
    ;;
  *) echo "usage: $0 [smoke|quick|full] [benchmark regex...] [JMH options...]" >&2; exit 2 ;;
esac
shift $(( $# > 0 ? 1 : 0 ))

regexes=()
while (( $# > 0 )) && [[ "$1" != -* ]]; do
  regexes+=("$1")
  shift
done
user_opts=("$@")

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench_dir")"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java="java"
fi
jar="$bench_dir/target/benchmarks.jar"

# mvn picks up the same JAVA_HOME, so the jar is built and run by one JDK.
(cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)

props="$("$java" -XshowSettings:properties -version 2>&1)"
jdk="$(sed -n 's/^ *java\.version = //p' <<<"$props")"
feature="$(sed -n 's/^ *java\.specification\.version = //p' <<<"$props")"
mkdir -p "$bench_dir/results"
# A run narrowed by regexes or options keeps its own file, so that it never replaces a whole run's.
if (( ${#regexes[@]} > 0 || $# > 0 )); then
  out="$bench_dir/results/jdk-$jdk-$mode-partial.json"
else
  out="$bench_dir/results/jdk-$jdk-$mode.json"
fi
chart="$bench_dir/results/chart-jdk-$jdk-$mode.svg"

# Whether the user's JMH options set option $1 (for -p: parameter $2).
user_sets() {
  local prev=""
  for arg in "${user_opts[@]+"${user_opts[@]}"}"; do
    if [[ "$1" == -p ]]; then
      [[ "$prev" == -p && "$arg" == "$2="* ]] && return 0
    elif [[ "$arg" == "$1" ]]; then
      return 0
    fi
    prev="$arg"
  done
  return 1
}

# The mode's options, less those the user sets.
mode_opts() {
  local -a opts=("$@") kept=()
  local i
  for (( i = 0; i < ${#opts[@]}; i += 2 )); do
    user_sets "${opts[i]}" || kept+=("${opts[i]}" "${opts[i+1]}")
  done
  (( ${#kept[@]} == 0 )) || printf '%s\n' "${kept[@]}"
}

# Benchmarks selected by the regexes, split into the time-based ones and the single-shot ones.
mapfile -t selected < <("$java" -jar "$jar" -l "${regexes[@]+"${regexes[@]}"}" | sed -n 's/^\(dev\.hygiene\..*\)$/\1/p')
if (( ${#selected[@]} == 0 )); then
  echo "no benchmark matches: ${regexes[*]-}" >&2
  exit 2
fi
timed=() shots=()
if (( ${#regexes[@]} == 0 )); then
  # Everything: two short regexes, so that the command lines printed below stay readable.
  timed=('^dev\.hygiene\.benchmarks\.(?!ScalingBenchmark\.)')
  shots=('^dev\.hygiene\.benchmarks\.ScalingBenchmark\.')
else
  for name in "${selected[@]}"; do
    anchored="^${name//./\\.}\$"
    if [[ "$name" == *.ScalingBenchmark.* ]]; then shots+=("$anchored"); else timed+=("$anchored"); fi
  done
fi

params=()
for p in "${mode_params[@]+"${mode_params[@]}"}"; do
  user_sets -p "${p%%=*}" || params+=(-p "$p")
done
if (( feature < 21 )) && [[ " ${selected[*]} " == *.PoolBenchmark.* ]] && ! user_sets -p peer; then
  peers="$("$java" -jar "$jar" -lp 'PoolBenchmark' | sed -n 's/^ *param "peer" = {\(.*\)}$/\1/p' | head -n 1)"
  peers="$(tr -d ' ' <<<"$peers" | tr ',' '\n' | grep -vx virtualThread | paste -sd, -)"
  [[ -n "$peers" ]] && params+=(-p "peer=$peers")
  echo "JDK $feature has no virtual threads: PoolBenchmark runs without the virtualThread peer"
fi

# Any other busy process on this small machine skews every figure: say so before the run.
"$bench_dir/warn-if-busy.sh"

echo "JDK $jdk ($(sed -n 's/^ *java\.home = //p' <<<"$props")), mode $mode, $(date -u '+%Y-%m-%d %H:%M UTC')"
parts=()
run_group() {
  local part="$1"; shift
  # -foe: a benchmark whose check fails must fail the run, not print a figure.
  local -a cmd=("$java" -jar "$jar" "$@" -foe true -prof gc
    -jvmArgsPrepend --add-opens=java.base/java.lang=ALL-UNNAMED -rf json -rff "$part"
    "${user_opts[@]+"${user_opts[@]}"}")
  echo "+ ${cmd[*]}"
  # From the project root: AgentBenchmark's forks name the agent jar relative to it.
  (cd "$root" && "${cmd[@]}")
  parts+=("$part")
}
if (( ${#timed[@]} > 0 )); then
  mapfile -t opts < <(mode_opts "${timed_opts[@]}")
  run_group "$out.timed" "${timed[@]}" "${opts[@]+"${opts[@]}"}" "${params[@]+"${params[@]}"}"
fi
if (( ${#shots[@]} > 0 )); then
  mapfile -t opts < <(mode_opts "${shot_opts[@]}")
  run_group "$out.shots" "${shots[@]}" "${opts[@]+"${opts[@]}"}"
fi

python3 -c '
import json, sys
rows = []
for part in sys.argv[2:]:
    rows += json.load(open(part))
json.dump(rows, open(sys.argv[1], "w"), indent=2)' "$out" "${parts[@]}"
rm -f "${parts[@]}"

python3 "$bench_dir/report.py" "$out"
echo "results: $out"
if grep -q '"benchmark" *: *"dev\.hygiene\.benchmarks\.PoolBenchmark\.batch"' "$out"; then
  python3 "$bench_dir/chart.py" -o "$chart" "$out"
  echo "chart:   $chart"
fi
