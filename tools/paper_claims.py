#!/usr/bin/env python3
"""Evaluates the paper's three real-model claims per task from the committed sweep results (docs/results.md §6).

Reads docs/results/<sweep>/summary.csv and compare.txt (made by scripts/run-paper-sweeps.sh) and applies the decision
rules written in docs/results.md §6 before the sweeps ran. Standard library only; not part of the build.
Run from the repository root:  python3 tools/paper_claims.py

Per task and init: seed-mean metric per LR, best LR (η*), and for claim 3 which LRs are "degraded" (seed mean worse
than the side's own best by more than the task's threshold) or "failed" (a seed diverged / non-finite, or the mean is
at chance). Claim 3 is judged above each side's own optimum only: below it a worse score is under-training, not
instability (docs/results.md §6 explains this reading of the rule). A task at chance at every LR for both inits says
nothing about the claims (rule fixed before the runs): all three are "inconclusive (at chance)" there.

After the decisions it prints two things the rules do not use: a sign test over tasks for claim 1, and a sensitivity
recount without the tasks that barely learned (the better side's best seed mean clears chance by less than twice the
task's degradation threshold): a post-hoc check of how much each decision rests on near-chance tasks. Last, the extra
arms that have results (LoRA+, rsLoRA, PEFT's gaussian; not part of the rules).
"""
import csv
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "results"

# name: (metric, higher is better, degradation threshold, relative threshold?, chance level or None)
# Chance levels from the GLUE dev files in data/: SST-2 majority 444/872; MRPC F1 of the constant "paraphrase"
# predictor with p = 279/408: 2p/(1+p); CoLA: MCC <= 0.02 (the rule's own level).
TASKS = {
    "minilm-sst2": ("accuracy", True, 0.01, False, 444 / 872 + 0.01),
    "minilm-cola": ("mcc", True, 0.02, False, 0.02),
    "minilm-mrpc": ("f1", True, 0.01, False, 2 * (279 / 408) / (1 + 279 / 408)),
    "stories260k-wikitext2": ("perplexity", False, 0.05, True, None),
    "stories260k-tinyshakespeare": ("perplexity", False, 0.05, True, None),
}
# Extra arms (docs/results.md §5) -> the core task whose metric, thresholds and chance level they share. Not part of
# the decisions; the A-vs-B arms get the same per-claim readings, the gaussian arm (Init[A] vs PEFT's gaussian) none.
EXTRAS = {
    "stories260k-wikitext2-loraplus": "stories260k-wikitext2",
    "stories260k-wikitext2-gaussian": "stories260k-wikitext2",
    "stories260k-wikitext2-rslora": "stories260k-wikitext2",
    "minilm-sst2-loraplus": "minilm-sst2",
}


def load(sweep, metric):
    """{init: {lr: [values per seed (nan if diverged/failed)]}}"""
    table = {}
    with open(RESULTS / sweep / "summary.csv", newline="") as f:
        for row in csv.DictReader(f):
            value = float(row[metric]) if row["status"] == "ok" and row.get(metric) not in (None, "") else math.nan
            table.setdefault(row["lora.init"], {}).setdefault(float(row["optim.lr"]), []).append(value)
    return table


def seed_means(points):
    """{lr: [values per seed]} -> {lr: seed mean} (nan when a seed is nan), in LR order."""
    return {lr: sum(v) / len(v) for lr, v in sorted(points.items())}


def best_point(means, higher):
    """(best LR, its seed mean) over the finite means; (nan, nan) when none is finite."""
    finite = {lr: m for lr, m in means.items() if math.isfinite(m)}
    if not finite:
        return math.nan, math.nan
    lr = (max if higher else min)(finite, key=finite.get)
    return lr, finite[lr]


def verdict(sweep):
    path = RESULTS / sweep / "compare.txt"
    if not path.exists():
        return "no compare.txt"
    lines = [l.strip() for l in path.read_text().splitlines() if l.startswith("  (all): ")]
    return re.sub(r"^\(all\): ", "", lines[0]) if lines else "no verdict line"


def analyse(sweep, task=None):
    """Per-claim readings for an Init[A]-vs-Init[B] sweep, with the thresholds of `task` (default: the sweep itself)."""
    metric, higher, threshold, relative, chance = TASKS[task or sweep]
    table = load(sweep, metric)
    lrs = sorted({lr for side in table.values() for lr in side})
    mean = {s: seed_means(table[s]) for s in table}
    optimum = {s: best_point(mean[s], higher) for s in mean}
    best_lr = {s: lr for s, (lr, _) in optimum.items()}
    best = {s: value for s, (_, value) in optimum.items()}

    def worse(a, b):  # a worse than b
        return a < b if higher else a > b

    def degraded(s, lr):
        m = mean[s][lr]
        if not math.isfinite(m):
            return True
        gap = (m - best[s]) if not higher else (best[s] - m)
        return gap > (threshold * best[s] if relative else threshold)

    def failed(s, lr):
        v = table[s][lr]
        if any(not math.isfinite(x) for x in v):
            return True
        return chance is not None and mean[s][lr] <= chance

    at_chance = chance is not None and all(failed(s, lr) for s in "ab" for lr in lrs)
    barely = chance is not None and (max if higher else min)(best.values()) - chance < 2 * threshold
    # Claim 1: A's best beats B's.
    c1 = "supports" if worse(best["b"], best["a"]) else "contradicts" if worse(best["a"], best["b"]) else "tie"
    # Claim 2: A's optimal LR is larger; an optimum on the grid's edge is not bracketed.
    edge = [s for s in "ab" if best_lr[s] in (lrs[0], lrs[-1])]
    if edge:
        c2 = f"inconclusive (η* of {', '.join(edge).upper()} at the grid edge)"
    elif best_lr["a"] > best_lr["b"]:
        c2 = "supports"
    elif best_lr["a"] < best_lr["b"]:
        c2 = "contradicts"
    else:
        c2 = "no support (same η*)"
    # Claim 3: above a side's own optimum, B degraded/failed where A is not (supports), or the reverse (contradicts).
    bad = {s: {lr: degraded(s, lr) or failed(s, lr) for lr in lrs} for s in "ab"}
    support = [lr for lr in lrs if lr > best_lr["b"] and bad["b"][lr] and not bad["a"][lr]]
    against = [lr for lr in lrs if lr > best_lr["a"] and bad["a"][lr] and not bad["b"][lr]]
    c3 = ("mixed (inconclusive)" if support and against else "supports" if support
          else "contradicts" if against else "no support (no LR separates them)")
    if at_chance:
        c1 = c2 = c3 = "inconclusive (at chance)"
    return dict(barely=barely, metric=metric, lrs=lrs, mean=mean, table=table, best_lr=best_lr, best=best,
                c1=c1, c2=c2, c3=c3,
                support=support, against=against, failed={s: [lr for lr in lrs if failed(s, lr)] for s in "ab"},
                degraded={s: [lr for lr in lrs if degraded(s, lr)] for s in "ab"}, verdict=verdict(sweep))


def fmt(x):
    return "nan" if not math.isfinite(x) else f"{x:.4g}"


def lr_list(lrs):
    return ", ".join(f"{lr:g}" for lr in lrs) or "none"


def print_extras():
    """Each extra arm's compare verdict, best LR and per-LR seed means per side; for A-vs-B arms the claim readings."""
    for sweep, task in EXTRAS.items():
        if not (RESULTS / sweep / "summary.csv").exists():
            continue
        metric, higher = TASKS[task][:2]
        table = load(sweep, metric)
        print(f"{sweep} ({metric}, {'higher' if higher else 'lower'} is better): {verdict(sweep)}")
        for side, points in table.items():
            means = seed_means(points)
            best_lr, best = best_point(means, higher)
            cells = "  ".join(f"{lr:g}: {fmt(m)}" for lr, m in means.items())
            print(f"  {side:<9} best {best_lr:g} -> {fmt(best)}   {cells}")
        if set(table) == {"a", "b"}:
            r = analyse(sweep, task)
            print(f"  claims, read with {task}'s thresholds: claim 1 {r['c1']}; claim 2 {r['c2']}; claim 3 {r['c3']} "
                  f"(LRs for: {lr_list(r['support'])}; against: {lr_list(r['against'])})")


def print_decisions(results, title):
    """Counts supports/contradictions per claim over `results` and applies the ">= 4 of the 5 core tasks" rule."""
    print(f"decisions ({title}):")
    for c, name in (("c1", "claim 1"), ("c2", "claim 2"), ("c3", "claim 3")):
        s = sum(r[c].startswith("supports") for r in results)
        x = sum(r[c].startswith("contradicts") for r in results)
        # Claim 1 is "on average": only a significant compare verdict for B blocks it.
        blocking = sum(r[c] == "contradicts" and " is BETTER" in r["verdict"] for r in results) if c == "c1" else x
        decision = "confirmed" if s >= 4 and blocking == 0 else "refuted" if x >= 3 else "inconclusive"
        print(f"  {name}: {s} of {len(results)} tasks support, {x} contradict -> {decision}")
    print("  (rule: confirmed if >= 4 of the 5 core tasks support and none contradicts - for claim 1, none with a "
          "significant compare verdict; refuted if >= 3 contradict)")


def main():
    results = {t: analyse(t) for t in TASKS if (RESULTS / t / "summary.csv").exists()}
    print("| task | metric | η*_A → best | η*_B → best | claim 1 | claim 2 | claim 3 (LRs for / against) "
          "| compare verdict (B − A) |")
    print("|---|---|---|---|---|---|---|---|")
    for task, r in results.items():
        print(f"| {task} | {r['metric']} | {r['best_lr']['a']:g} → {fmt(r['best']['a'])} | "
              f"{r['best_lr']['b']:g} → {fmt(r['best']['b'])} | {r['c1']} | {r['c2']} | "
              f"{r['c3']} ({lr_list(r['support'])} / {lr_list(r['against'])}) | {r['verdict']} |")
    print()
    for task, r in results.items():
        print(f"{task}: seed means per LR (A | B); degraded A: {lr_list(r['degraded']['a'])}; degraded B: "
              f"{lr_list(r['degraded']['b'])}; failed A: {lr_list(r['failed']['a'])}; "
              f"failed B: {lr_list(r['failed']['b'])}")
        for lr in r["lrs"]:
            a = r["table"]["a"].get(lr, [])
            b = r["table"]["b"].get(lr, [])
            print(f"  {lr:<8g} A {fmt(r['mean']['a'].get(lr, math.nan)):>8} ({' / '.join(map(fmt, a))})   "
                  f"B {fmt(r['mean']['b'].get(lr, math.nan)):>8} ({' / '.join(map(fmt, b))})")
    print()
    print_decisions(list(results.values()), "all tasks, the rule fixed before the runs")
    wins = sum(r["c1"] == "supports" for r in results.values())
    losses = sum(r["c1"] == "contradicts" for r in results.values())
    p = sum(math.comb(wins + losses, k) for k in range(wins, wins + losses + 1)) / 2 ** (wins + losses)
    print(f"claim 1 sign test over tasks: {wins} for, {losses} against, one-sided p = {p:.3g} (not part of the rule)")
    barely = [t for t, r in results.items() if r["barely"]]
    if barely:
        print()
        print_decisions([r for t, r in results.items() if t not in barely],
                        f"sensitivity, post hoc: without the tasks that barely learned ({', '.join(barely)})")
    print()
    print_extras()
    return 0


if __name__ == "__main__":
    sys.exit(main())
