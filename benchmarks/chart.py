#!/usr/bin/env python3
"""Draws PoolBenchmark.batch throughput of each peer relative to the bare pool, as an SVG bar chart:
one row per peer, one bar per JMH JSON file (a JDK each), with JMH's error propagated to the ratio,
the bare pool at 1 and DESIGN.md's target for hygiene at 0.95. Python's standard library only.

    python3 benchmarks/chart.py -o benchmarks/throughput-ratios.svg \\
        benchmarks/results/jdk-17.0.15-full.json benchmarks/results/jdk-25.0.3-full.json
"""
import argparse
import json
import math
from xml.sax.saxutils import escape

COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"]
TARGET = 0.95
BENCHMARK = ".PoolBenchmark.batch"


def batch_ratios(path):
    """(label, {peer: (ratio, error or None)}) of one JMH JSON file; peers in the file's order."""
    rows = [r for r in json.load(open(path)) if r["benchmark"].endswith(BENCHMARK)]
    if not rows:
        raise SystemExit(f"{path}: no {BENCHMARK[1:]} results")
    scores = {}
    for r in rows:
        pm = r["primaryMetric"]
        # JMH writes "NaN" as a string when there is no error (a single iteration).
        scores[r["params"]["peer"]] = (float(pm["score"]), float(pm["scoreError"]))
    if "bare" not in scores:
        raise SystemExit(f"{path}: no result for peer=bare, the reference")
    bare, bare_err = scores["bare"]
    ratios = {}
    for peer, (score, err) in scores.items():
        ratio = score / bare
        rel = None
        if not (math.isnan(err) or math.isnan(bare_err)):
            rel = ratio * math.sqrt((err / score) ** 2 + (bare_err / bare) ** 2) if score else None
        ratios[peer] = (ratio, rel)
    first = rows[0]
    label = f"JDK {first['jdkVersion']} ({first['forks']} fork{'s' if first['forks'] != 1 else ''} \u00d7 " \
            f"{first['measurementIterations']} \u00d7 {first['measurementTime']})"
    return label, ratios


def fmt(x):
    return f"{x:.2g}" if x < 0.1 else f"{x:.2f}"


def svg(series):
    peers = []
    for _, ratios in series:
        for peer in ratios:
            if peer not in peers:
                peers.append(peer)
    top = max(max((r + (e or 0)) for r, e in ratios.values()) for _, ratios in series)
    step = 0.25 if top <= 2 else 0.5 if top <= 4 else 1.0
    x_max = step * math.ceil(max(1.1, top * 1.05) / step)

    left, right, plot_w = 150, 60, 540
    bar_h, bar_gap, group_gap = 14, 2, 12
    group_h = len(series) * (bar_h + bar_gap) - bar_gap
    title_h, legend_h = 48, 18 * len(series) + 8
    plot_top = title_h + legend_h
    plot_h = len(peers) * (group_h + group_gap) + group_gap
    width, height = left + plot_w + right, plot_top + plot_h + 40

    def x(v):
        return left + plot_w * min(v, x_max) / x_max

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="20" font-size="14" font-weight="bold">Batch throughput relative to a bare '
           f'ThreadPoolExecutor</text>',
           f'<text x="{left}" y="38" fill="#555">1,000 tasks of about 100 ns through 2 workers '
           f'(PoolBenchmark.batch); higher is faster</text>']
    for i, (label, _) in enumerate(series):
        y = title_h + 4 + 18 * i
        out.append(f'<rect x="{left}" y="{y}" width="12" height="12" fill="{COLOURS[i % len(COLOURS)]}"/>')
        out.append(f'<text x="{left + 18}" y="{y + 10}">{escape(label)}</text>')
    # grid and axis
    v = 0.0
    while v <= x_max + 1e-9:
        out.append(f'<line x1="{x(v):.1f}" y1="{plot_top}" x2="{x(v):.1f}" y2="{plot_top + plot_h}" '
                   f'stroke="#ddd"/>')
        out.append(f'<text x="{x(v):.1f}" y="{plot_top + plot_h + 16}" text-anchor="middle" '
                   f'fill="#555">{v:g}</text>')
        v += step
    out.append(f'<line x1="{x(1):.1f}" y1="{plot_top}" x2="{x(1):.1f}" y2="{plot_top + plot_h}" '
               f'stroke="#333" stroke-width="1.5"/>')
    out.append(f'<line x1="{x(TARGET):.1f}" y1="{plot_top}" x2="{x(TARGET):.1f}" y2="{plot_top + plot_h}" '
               f'stroke="#c00" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{x(TARGET) - 4:.1f}" y="{plot_top + plot_h + 32}" text-anchor="end" fill="#c00">'
               f'target {TARGET:g}</text>')
    for g, peer in enumerate(peers):
        y0 = plot_top + group_gap + g * (group_h + group_gap)
        out.append(f'<text x="{left - 8}" y="{y0 + group_h / 2 + 4:.1f}" text-anchor="end">{escape(peer)}</text>')
        for i, (_, ratios) in enumerate(series):
            y = y0 + i * (bar_h + bar_gap)
            if peer not in ratios:
                out.append(f'<text x="{left + 4}" y="{y + bar_h - 3}" fill="#888">not run</text>')
                continue
            ratio, err = ratios[peer]
            colour = COLOURS[i % len(COLOURS)]
            out.append(f'<rect x="{left}" y="{y}" width="{max(x(ratio) - left, 1):.1f}" height="{bar_h}" '
                       f'fill="{colour}"/>')
            end = x(ratio)
            if err:
                lo, hi = x(max(ratio - err, 0)), x(ratio + err)
                ym = y + bar_h / 2
                out.append(f'<line x1="{lo:.1f}" y1="{ym}" x2="{hi:.1f}" y2="{ym}" stroke="#222"/>')
                end = max(end, hi)
            out.append(f'<text x="{end + 4:.1f}" y="{y + bar_h - 3}">{fmt(ratio)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description="SVG chart of PoolBenchmark.batch throughput ratios")
    parser.add_argument("-o", "--output", required=True, help="the SVG file to write")
    parser.add_argument("json", nargs="+", help="JMH JSON results, one per JDK")
    args = parser.parse_args()
    series = [batch_ratios(path) for path in args.json]
    with open(args.output, "w") as f:
        f.write(svg(series))


if __name__ == "__main__":
    main()
