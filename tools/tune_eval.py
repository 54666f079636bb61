#!/usr/bin/env python3
"""Table of `loralab tune` against the committed grids, by the evaluation rule in docs/tune.md.

Reads runs/tune-eval/<task>/tune.json (tune's trials, steps and verdict), runs/tune-eval/<task>/eval-seed-<s>/
result.json (the recommended config trained with seeds 0, 1, 2) and docs/results/<task>/summary.csv (the grid).
Writes the table to stdout. Standard library only. Written before the runs it reads (2026-12-05) and not yet run
on a finished tune: check its field names against the first tune.json it meets.

Usage: /usr/bin/python3 tools/tune_eval.py [--runs runs/tune-eval] [task ...]
"""
import argparse
import csv
import json
import math
import os
import statistics

# task -> (report metric in the grid's summary.csv and finetune's result.json, lower is better, grid steps)
TASKS = {
    "stories260k-tinyshakespeare": ("perplexity", True, 5600),
    "stories260k-wikitext2": ("perplexity", True, 5600),
    "minilm-sst2": ("accuracy", False, 6400),
    "minilm-mrpc": ("f1", False, 6400),
}
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365}  # Student-t 0.975 quantiles


def t_interval(values):
    """Mean and Student-t 95 % interval over independent seeds."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, None
    half = T975[len(values) - 1] * statistics.stdev(values) / math.sqrt(len(values))
    return mean, (mean - half, mean + half)


def grid_best(task, metric, lower):
    """The grid's best cell (init, lr) by the mean over its seeds, from the committed summary.csv."""
    cells = {}
    with open(os.path.join("docs", "results", task, "summary.csv")) as f:
        for row in csv.DictReader(f):
            if row["status"] == "ok" and row[metric] not in ("", "NaN"):
                cells.setdefault((row["lora.init"], float(row["optim.lr"])), []).append(float(row[metric]))
    key = (min if lower else max)(cells, key=lambda k: statistics.fmean(cells[k]))
    return key, t_interval(cells[key]), len(cells[key])


def metric_of(result, metric):
    """The report metric from finetune's result.json (the final evaluation's metrics)."""
    for path in (("final_metrics", metric), ("metrics", metric), (metric,)):
        node = result
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, (int, float)):
            return float(node)
    raise SystemExit(f"tune_eval: result.json has no '{metric}' (keys: {sorted(result)})")


def steps_without_baseline(tune):
    """lr-find's steps plus the steps of every distinct run that holds a role other than the baseline's."""
    roles = {}
    for t in tune["trials"]:
        roles.setdefault(t["id"], (set(), t["steps_completed"] or 0))[0].add(t["stage"])
    trials = sum(steps for stages, steps in roles.values() if stages - {"baseline"})
    baseline = sum(steps for stages, steps in roles.values() if stages == {"baseline"})
    return tune["lr_find_steps_used"] + trials, baseline


def fmt(x, lower):
    return f"{x:.2f}" if lower else f"{x:.3f}"


def row(runs, task):
    metric, lower, grid_steps = TASKS[task]
    folder = os.path.join(runs, task)
    with open(os.path.join(folder, "tune.json")) as f:
        tune = json.load(f)
    rec = tune["recommended"]
    seeds = []
    for s in (0, 1, 2):
        path = os.path.join(folder, f"eval-seed-{s}", "result.json")
        if os.path.exists(path):
            with open(path) as f:
                seeds.append(metric_of(json.load(f), metric))
    (g_init, g_lr), (g_mean, g_ci), g_n = grid_best(task, metric, lower)
    steps, baseline_steps = steps_without_baseline(tune)
    out = [f"{task}: pick Init[{rec['init'].upper()}] lr {rec['lr']:g}"
           + (" (the baseline)" if tune["recommended_is_baseline"] else ""),
           f"  grid best Init[{g_init.upper()}] lr {g_lr:g}: {metric} {fmt(g_mean, lower)} "
           f"[{fmt(g_ci[0], lower)}, {fmt(g_ci[1], lower)}] ({g_n} seeds)"]
    if len(seeds) == 3:
        mean, ci = t_interval(seeds)
        inside = g_ci[0] <= mean <= g_ci[1]
        gap = (mean - g_mean) / g_mean if lower else mean - g_mean
        close = (gap <= 0.02) if lower else (gap >= -0.005)
        gap_text = f"{100 * gap:+.1f} %" if lower else f"{100 * gap:+.1f} points"
        out.append(f"  recommendation, seeds 0-2: {metric} {fmt(mean, lower)} [{fmt(ci[0], lower)}, "
                   f"{fmt(ci[1], lower)}] (per seed {', '.join(fmt(v, lower) for v in seeds)}); "
                   f"inside the grid best's interval: {'yes' if inside else 'no'}; "
                   f"vs its mean {gap_text}, within {'2 %' if lower else '0.5 points'}: {'yes' if close else 'no'}")
    else:
        out.append(f"  recommendation: {len(seeds)} of 3 seeds finished, not evaluated")
    out.append(f"  steps (lr-find + rungs + finalist seeds): {steps} = {100 * steps / grid_steps:.1f} % of the grid's "
               f"{grid_steps} (target <= 25 %: {'met' if steps <= 0.25 * grid_steps else 'not met'}); "
               f"baseline {baseline_steps} more")
    out.append(f"  verdict vs baseline: {tune['verdict']}")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", default=os.path.join("runs", "tune-eval"))
    ap.add_argument("tasks", nargs="*", default=list(TASKS))
    args = ap.parse_args()
    for task in args.tasks:
        if not os.path.exists(os.path.join(args.runs, task, "tune.json")):
            print(f"{task}: no tune.json in {args.runs}/{task}")
            continue
        print(row(args.runs, task))


if __name__ == "__main__":
    main()
