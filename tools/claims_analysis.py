#!/usr/bin/python3
"""Recomputes every statistic and decision of docs/preregistration-2.md from the committed files.

Reads docs/results/claims/<spec>/seed-<k>/summary.csv (every probe of the sweep engine's searches, written by
scripts/run-claims.sh) and the spec beside it; recomputes each stability edge and each η* from the probes (the
sweep's search.json, where present, is only compared against the recomputation), then applies the pre-registered
statistics (Student-t 95 % intervals over seeds) and decision rules. The successor of tools/paper_claims.py for the
second study; numpy (Debian's /usr/bin/python3 has it), not part of the build. Run from anywhere:
    /usr/bin/python3 tools/claims_analysis.py

Partial results (a seed whose searches did not all finish) are listed as partial with what is missing, and a
decision needs the number of seeds the pre-registration states.
"""
import csv
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "docs" / "results" / "claims"
# Student-t 0.975 quantiles by degrees of freedom.
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
LN105 = math.log(1.05)

# spec: (label, module axis values in order [smaller fan-in, larger fan-in], predicted interaction as a ratio)
EDGES = {
    "edges-stories260k": ("stories260K, w1 gate_proj (fan-in 64) vs w2 down_proj (172)",
                          ["w1-gate-fanin64", "w2-down-fanin172"], math.sqrt(172 / 64)),
    "edges-minilm-sst2": ("MiniLM, FFN-up (fan-in 384) vs FFN-down (1536)",
                          ["up-fanin384", "down-fanin1536"], math.sqrt(1536 / 384)),
}
# spec: (label, reported metric, higher is better)
LR = {
    "lr-stories260k-tinyshakespeare": ("stories260K tinyshakespeare", "perplexity", False),
    "lr-stories260k-wikitext2": ("stories260K WikiText-2", "perplexity", False),
    "lr-minilm-sst2": ("MiniLM SST-2", "accuracy", True),
}
RANK = {"rank-stories260k-wikitext2": "stories260K WikiText-2", "rank-minilm-sst2": "MiniLM SST-2"}
RANK_SETTINGS = [("a-fixed-alpha", 0.0), ("a-alpha-eq-r", -0.5), ("a-rslora", -0.25), ("b-alpha-eq-r", 0.0)]
SEEDS_NEEDED = {"edges": 3, "lr": 3, "rank": 3}


def t_interval(values):
    """(mean, lo, hi, n); lo/hi nan below 2 values."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(v.mean())
    if n < 2:
        return mean, math.nan, math.nan, n
    half = T975[n - 1] * float(v.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half, n


def fmt_ci(stat, ratio=False):
    mean, lo, hi, n = stat
    if n == 0:
        return "no seeds"
    f = (lambda x: f"×{math.exp(x):.3g}") if ratio else (lambda x: f"{x:+.3f}")
    if n < 2:
        return f"{f(mean)} (1 seed, no interval)"
    return f"{f(mean)} [{f(lo)}, {f(hi)}] (n = {n})"


def load_seeds(spec):
    """[(seed, spec json, rows of summary.csv, search.json or None)] for each committed seed folder."""
    out = []
    for d in sorted((CLAIMS / spec).glob("seed-*"), key=lambda p: int(p.name.split("-")[1])):
        if not (d / "summary.csv").exists():
            continue
        with open(d / "summary.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        search = json.loads((d / "search.json").read_text()) if (d / "search.json").exists() else None
        out.append((int(d.name.split("-")[1]), json.loads((d / "spec.json").read_text()), rows, search))
    return out


def cells(rows, axes):
    """{tuple of the axis values: [(lr, status, row)]} sorted by LR."""
    table = {}
    for r in rows:
        if r["status"] in ("missing", "corrupt"):
            continue
        table.setdefault(tuple(r[a] for a in axes), []).append((float(r["optim.lr"]), r["status"], r))
    return {k: sorted(v, key=lambda t: t[0]) for k, v in table.items()}


def edge_of(probes, resolution, lo, hi):
    """(edge, bracketed, stable, unstable) from one cell's probes: the largest stable LR below the smallest unstable.
    A failed probe counts as neither."""
    unstable = [lr for lr, s, _ in probes if s == "diverged"]
    u = min(unstable) if unstable else None
    stable = [lr for lr, s, _ in probes if s == "ok" and (u is None or lr < u)]
    s = max(stable) if stable else None
    if s is not None and u is not None:
        return math.sqrt(s * u), u / s <= resolution * (1 + 1e-6), s, u
    return (s if s is not None else u), False, s, u


def optimum_of(probes, search, metric, require_all=True):
    """η* per the pre-registration: quadratic of ln metric on ln LR over the stable probes among the 5 lattice points
    around the coarse minimum. Returns dict(eta, a, x_vertex, fit_x, flag, best_lr, finished). require_all=False fits
    whatever of the 5 was probed (for the test-metric check, whose window the search did not follow)."""
    res, start = search["resolution"], search["start"]
    c = round(math.log(search["bracket_factor"]) / math.log(search["resolution"]))
    score = {}
    for lr, s, row in probes:
        j = round(math.log(lr / start) / math.log(res))
        m = float(row[metric]) if s == "ok" and row.get(metric) not in (None, "") else math.nan
        score[j] = math.log(m) if s == "ok" and m > 0 and math.isfinite(m) else math.inf
    coarse = {j: v for j, v in score.items() if j % c == 0}
    if not coarse:
        return None
    jstar = min(coarse, key=lambda j: (coarse[j], j))
    window = [jstar + k for k in range(-c, c + 1)]
    if require_all and any(j not in score for j in window if start * res ** j >= search["min"] * (1 - 1e-9)
           and start * res ** j <= search["max"] * (1 + 1e-9)):
        return {"finished": False}
    stable = [j for j in window if j in score and math.isfinite(score[j])]
    x = np.array([math.log(start * res ** j) for j in stable])
    y = np.array([score[j] for j in stable])
    best = min(stable, key=lambda j: score[j])
    flag = None
    if len(stable) < len([j for j in window if j in score]):
        flag = "at the stability edge"
    out = {"finished": True, "best_lr": start * res ** best, "best_j": best, "fit_x": x, "a": math.nan,
           "x_vertex": math.nan}
    if len(stable) >= 3:
        a, b, _ = np.polyfit(x, y, 2)
        if a > 0:
            xv = -b / (2 * a)
            if xv < x.min() or xv > x.max():
                flag = flag or "clamped"
            out.update(a=float(a), x_vertex=float(xv), eta=math.exp(float(np.clip(xv, x.min(), x.max()))))
        else:
            flag = flag or "not convex"
    if "eta" not in out:
        out["eta"] = out["best_lr"]
    out["flag"] = flag
    return out


def edges_section(lines):
    lines.append("## Claim W: width inside one model (stability edges, 60 steps, loss > 1.5 x first = unstable)")
    for spec, (label, modules, predicted) in EDGES.items():
        seeds = load_seeds(spec)
        lines.append(f"\n### {spec}: {label}")
        if not seeds:
            lines.append("not run (budget): no committed seed")
            continue
        per_seed, partial = {}, []
        for seed, sp, rows, search_json in seeds:
            s = sp["search"]
            table = cells(rows, ["module", "lora.init"])
            got = {}
            for m in modules:
                for init in "ab":
                    probes = table.get((m, init), [])
                    e, ok, st, un = edge_of(probes, s["resolution"], s["min"], s["max"])
                    got[(m, init)] = (e, ok, st, un, len(probes))
                    if search_json:
                        cell = next((c for c in search_json["cells"] if c["point"].get("module") == m
                                     and c["point"].get("lora.init") == init), None)
                        if cell and cell.get("edge") and ok and abs(cell["edge"]["edge"] / e - 1) > 1e-9:
                            lines.append(f"  MISMATCH seed {seed} {m} {init}: "
                                         f"search.json {cell['edge']['edge']} vs {e}")
            for (m, init), (e, ok, st, un, n) in got.items():
                lines.append(f"  seed {seed} {m:<18} init {init.upper()}: edge {e:.4g} "
                             f"({'bracketed' if ok else 'NOT bracketed'}; stable {st if st is None else f'{st:.4g}'}, "
                             f"unstable {un if un is None else f'{un:.4g}'}; {n} probes)")
            if all(v[1] for v in got.values()):
                per_seed[seed] = {k: math.log(v[0]) for k, v in got.items()}
            else:
                partial.append(seed)
        ratio = {m: [d[(m, "a")] - d[(m, "b")] for d in per_seed.values()] for m in modules}
        inter = [d[(modules[1], "a")] - d[(modules[1], "b")] - d[(modules[0], "a")] + d[(modules[0], "b")]
                 for d in per_seed.values()]
        per_init = {i: [d[(modules[1], i)] - d[(modules[0], i)] for d in per_seed.values()] for i in "ab"}
        lines.append(f"  seeds complete: {sorted(per_seed)}" + (f"; incomplete: {partial}" if partial else ""))
        for m in modules:
            interval = t_interval(ratio[m])
            lines.append(f"  ln(edge_A/edge_B) at {m}: {fmt_ci(interval)} = {fmt_ci(interval, True)}")
        for i in "ab":
            lines.append(f"  ln(edge[{modules[1]}]/edge[{modules[0]}]) for Init[{i.upper()}]: "
                         f"{fmt_ci(t_interval(per_init[i]))} = {fmt_ci(t_interval(per_init[i]), True)}")
        stat = t_interval(inter)
        lines.append(f"  interaction I = ln ratio[{modules[1]}] - ln ratio[{modules[0]}]: {fmt_ci(stat)} "
                     f"= {fmt_ci(stat, True)}; predicted ln {predicted:.3g} = {math.log(predicted):+.3f}")
        lines.append(f"  DECISION: {edge_decision(stat, math.log(predicted), partial)}")


def edge_decision(stat, pred, partial):
    mean, lo, hi, n = stat
    if n < SEEDS_NEEDED["edges"]:
        return f"not decided (partial: {n} of 3 seeds complete" + (f"; seeds {partial} incomplete)" if partial else ")")
    has0, hasp = lo <= 0 <= hi, lo <= pred <= hi
    return ("as predicted" if hasp and not has0
            else "no width effect" if has0 and not hasp
            else "width effect of another size" if not has0 and not hasp
            else "inconclusive (interval holds 0 and the prediction)")


def lr_cells(seeds, axes):
    """{seed: {cell key: optimum dict}}, plus a list of notes on unfinished searches."""
    out, notes = {}, []
    for seed, sp, rows, search_json in seeds:
        s = sp["search"]
        table = cells(rows, axes)
        out[seed] = {}
        for key, probes in table.items():
            o = optimum_of(probes, s, s["metric"])
            if o is None or not o["finished"]:
                notes.append(f"seed {seed} {'/'.join(key)}: search unfinished ({len(probes)} probes)")
                continue
            o["probes"] = probes
            out[seed][key] = o
            if search_json:
                cell = next((c for c in search_json["cells"]
                             if tuple(str(c["point"].get(a)) for a in axes) == key), None)
                if cell and cell.get("optimum") and abs(cell["optimum"]["optimum"] / o["eta"] - 1) > 1e-6:
                    notes.append(f"MISMATCH seed {seed} {key}: "
                                 f"search.json η* {cell['optimum']['optimum']} vs {o['eta']}")
    return out, notes


def eta5(o):
    """ln of the LR above η* where the fitted quadratic is 5 % worse than its vertex; (value, extrapolated)."""
    if not (o.get("a", math.nan) > 0):
        return math.nan, False
    v = o["x_vertex"] + math.sqrt(LN105 / o["a"])
    return v, v > float(np.max(o["fit_x"]))


def lr_section(lines):
    lines.append("\n## Claims 2 and 3 with resolution (optimum search on held-out data, 10^(1/8) lattice)")
    decisions = {"claim 2": [], "claim 3": []}
    for spec, (label, metric, higher) in LR.items():
        seeds = load_seeds(spec)
        lines.append(f"\n### {spec}: {label} (LR chosen on {seeds[0][1]['search']['metric'] if seeds else '?'}, "
                     f"reported: test/dev {metric})")
        if not seeds:
            lines.append("not run (budget): no committed seed")
            continue
        opt, notes = lr_cells(seeds, ["lora.init"])
        lines.extend("  " + n for n in notes)
        d2, d3, d1, complete, extrap, d2test = [], [], [], [], 0, []
        for seed, per in opt.items():
            for (init,), o in sorted(per.items()):
                e5, ex = eta5(o)
                row = next(r for lr, s, r in o["probes"] if abs(lr / o["best_lr"] - 1) < 1e-9)
                lines.append(f"  seed {seed} init {init.upper()}: η* {o['eta']:.4g} (best probe {o['best_lr']:.4g}, "
                             f"held-out {float(row[seeds[0][1]['search']['metric']]):.4g}, test {metric} "
                             f"{float(row[metric]):.4g}); 5%-worse LR "
                             f"{math.exp(e5) if math.isfinite(e5) else math.nan:.4g}{' (extrapolated)' if ex else ''}"
                             f"{'; flag: ' + o['flag'] if o['flag'] else ''}")
            if ("a",) in per and ("b",) in per:
                a, b = per[("a",)], per[("b",)]
                complete.append(seed)
                d2.append(math.log(a["eta"]) - math.log(b["eta"]))
                ea, eb = eta5(a)[0], eta5(b)[0]
                extrap += eta5(a)[1] + eta5(b)[1]
                if math.isfinite(ea) and math.isfinite(eb):
                    d3.append(ea - eb)
                ra = next(r for lr, s, r in a["probes"] if abs(lr / a["best_lr"] - 1) < 1e-9)
                rb = next(r for lr, s, r in b["probes"] if abs(lr / b["best_lr"] - 1) < 1e-9)
                d1.append(float(rb[metric]) - float(ra[metric]))
                if not higher:  # the same fit on the test metric, where its 5 points were probed (not a decision)
                    ta, tb = (optimum_of(o["probes"], seeds[0][1]["search"], metric, False) for o in (a, b))
                    if ta and tb and ta["finished"] and tb["finished"]:
                        d2test.append(math.log(ta["eta"]) - math.log(tb["eta"]))
        missing = sorted(set(range(4)) - set(complete))
        lines.append(f"  seeds complete: {complete}" + (f"; missing: {missing} (partial)" if missing else ""))
        s2, s3, s1 = t_interval(d2), t_interval(d3), t_interval(d1)
        lines.append(f"  claim 2: D2 = ln(η*_A/η*_B) {fmt_ci(s2)}; ratio {fmt_ci(s2, True)} -> {lr_decision(s2)}")
        lines.append(f"  claim 3: D3 = ln(η5_A/η5_B) {fmt_ci(s3)}; ratio {fmt_ci(s3, True)} -> {lr_decision(s3)}"
                     f" ({extrap} of {2 * len(complete)} η5 extrapolated beyond the fitted points)")
        lines.append(f"  check, not a decision: ln(η*_A/η*_B) fitted on the test {metric} instead "
                     f"{fmt_ci(t_interval(d2test))} (fit over the probed points among the 5 around the test minimum)")
        lines.append(f"  claim 1 (reported): test {metric} B - A at each side's selected LR {fmt_ci(s1)} "
                     f"({'higher' if higher else 'lower'} is better)")
        decisions["claim 2"].append((spec, lr_decision(s2)))
        decisions["claim 3"].append((spec, lr_decision(s3)))
    lines.append("\n### Across tasks (rule: confirmed if >= 2 tasks support and none contradicts; refuted if >= 2 "
                 "contradict)")
    for claim, per in decisions.items():
        decided = [(s, d) for s, d in per if not d.startswith("not decided")]
        sup = sum(d == "supported" for _, d in decided)
        con = sum(d == "contradicted" for _, d in decided)
        if len(decided) == 0:
            verdict = "not decided (partial: no task has enough seeds)"
        elif len(decided) == 1:
            verdict = f"one task only ({decided[0][0]}: {decided[0][1]}); not a claim-level decision (partial)"
        else:
            verdict = "confirmed" if sup >= 2 and con == 0 else "refuted" if con >= 2 else "inconclusive"
        lines.append(f"  {claim}: {len(decided)} task(s) decided, {sup} support, {con} contradict -> {verdict}")


def lr_decision(stat):
    mean, lo, hi, n = stat
    if n < SEEDS_NEEDED["lr"]:
        return f"not decided (partial: {n} seeds)"
    return "supported" if lo > 0 else "contradicted" if hi < 0 else "not resolved"


def rank_section(lines):
    lines.append("\n## Claim R: rank rules of muA (slope of ln η* on ln r, r in {2, 8, 32})")
    for spec, label in RANK.items():
        seeds = load_seeds(spec)
        lines.append(f"\n### {spec}: {label}")
        if not seeds:
            lines.append("not run (budget): no committed seed")
            continue
        opt, notes = lr_cells(seeds, ["setting"])
        lines.extend("  " + n for n in notes)
        for name, pred in RANK_SETTINGS:
            slopes = []
            for seed, per in opt.items():
                pts = [(math.log(r), math.log(per[(f"{name}-r{r}",)]["eta"])) for r in (2, 8, 32)
                       if (f"{name}-r{r}",) in per]
                if len(pts) == 3:
                    x, y = np.array(pts).T
                    slopes.append(float(np.polyfit(x, y, 1)[0]))
            stat = t_interval(slopes)
            mean, lo, hi, n = stat
            if n < SEEDS_NEEDED["rank"]:
                dec = f"not decided (partial: {n} seeds)"
            else:
                dec = "agrees" if lo <= pred <= hi else "disagrees"
                dec += "; excludes " + (", ".join(f"{p:g}" for p in (0, -0.25, -0.5) if not lo <= p <= hi) or "none")
            lines.append(f"  {name:<14} slope {fmt_ci(stat)}; predicted {pred:+g} -> {dec}")


def main():
    lines = ["# Issue 14: decisions of docs/preregistration-2.md, recomputed by tools/claims_analysis.py", ""]
    edges_section(lines)
    lr_section(lines)
    rank_section(lines)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
