#!/usr/bin/env bash
# Prints a WARNING on standard error if the CPUs were more than 10% busy over the last 2 seconds:
# any other busy process on this small machine skews every benchmark figure. Used by
# benchmarks/run.sh and benchmarks-spring-boot/run.sh just before they start JMH.
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
