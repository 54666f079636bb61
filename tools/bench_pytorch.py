#!/usr/bin/python3
"""PyTorch peer numbers for docs/performance.md (not part of the build).

Needs Debian's PyTorch with OpenBLAS:  apt-get install -y python3-torch libopenblas0-pthread
Run:  /usr/bin/python3 tools/bench_pytorch.py [lora-linear|gemm|all]
The best configuration on this machine (docs/reference/feasibility.md §2.3) is torch.set_num_threads(1) with
OpenBLAS's own 2 pthreads; both that and torch's default (2 OpenMP threads) are reported. OPENBLAS_* variables are
left as the machine sets them.
"""
import math
import statistics
import sys
import time

import torch
import torch.nn as nn


def measure(step, trials=7, min_trial=0.4, warmup=5):
    for _ in range(warmup):
        step()
    t0 = time.perf_counter(); step(); once = max(time.perf_counter() - t0, 1e-6)
    iters = max(1, math.ceil(min_trial / once))
    ms = []
    for _ in range(trials):
        t0 = time.perf_counter()
        for _ in range(iters):
            step()
        ms.append((time.perf_counter() - t0) * 1000 / iters)
    return statistics.median(ms), min(ms), max(ms)


def lora_linear(fused=False):
    """fused=False: the usual nn.Linear expression; fused=True: the branch as one addmm, as LoraLab's LoraLinear."""
    torch.manual_seed(0)
    base = nn.Linear(1024, 1024)
    base.weight.requires_grad_(False); base.bias.requires_grad_(False)
    a = nn.Linear(1024, 8, bias=False); b = nn.Linear(8, 1024, bias=False)
    nn.init.normal_(b.weight, 0, 0.01)
    x = torch.randn(64, 1024)

    def step():
        a.weight.grad = None; b.weight.grad = None
        (base(x) + 2.0 * b(a(x))).sum().backward()

    def step_fused():
        a.weight.grad = None; b.weight.grad = None
        torch.addmm(base(x), a(x), b.weight.t(), alpha=2.0).sum().backward()
    return measure(step_fused if fused else step)


def lora_linear_forward(graph):
    """The fused forward alone: without grad, or building the graph and the sum (no backward)."""
    torch.manual_seed(0)
    base = nn.Linear(1024, 1024)
    base.weight.requires_grad_(False); base.bias.requires_grad_(False)
    a = nn.Linear(1024, 8, bias=False); b = nn.Linear(8, 1024, bias=False)
    x = torch.randn(64, 1024)

    def forward():
        if graph:
            torch.addmm(base(x), a(x), b.weight.t(), alpha=2.0).sum()
        else:
            with torch.no_grad():
                torch.addmm(base(x), a(x), b.weight.t(), alpha=2.0)
    return measure(forward)


def gemm(n):
    a = torch.randn(n, n); b = torch.randn(n, n)
    return measure(lambda: torch.matmul(a, b))


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    print(f"# torch {torch.__version__}, BLAS: {torch.__config__.show().splitlines()[-1].strip()}")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        if which in ("all", "lora-linear"):
            for fused in (False, True):
                med, lo, hi = lora_linear(fused)
                print(f"lora-linear fwd+bwd{' (fused addmm)' if fused else ''}, torch threads={threads}: "
                      f"median {med:.3f} ms "
                      f"(min {lo:.3f}, max {hi:.3f}) {139.5e6 / (med * 1e6):.1f} GFLOP/s")
            for graph in (False, True):
                med, lo, hi = lora_linear_forward(graph)
                what = "forward + graph + sum (no backward)" if graph else "forward only (no grad)"
                print(f"lora-linear {what}, fused, torch threads={threads}: median {med:.3f} ms "
                      f"(min {lo:.3f}, max {hi:.3f})")
        if which in ("all", "gemm"):
            for n in (256, 512, 1024, 2048):
                med, lo, hi = gemm(n)
                print(f"gemm {n}, torch threads={threads}: median {med:.3f} ms {2 * n ** 3 / (med * 1e6):.1f} GFLOP/s")
            # the LoRA-linear benchmark's frozen GEMM alone, as nn.Linear runs it
            x, w, bias = torch.randn(64, 1024), torch.randn(1024, 1024), torch.randn(1024)
            med, lo, hi = measure(lambda: torch.nn.functional.linear(x, w, bias))
            print(f"linear 64x1024 x (1024x1024)^T + b, torch threads={threads}: median {med:.3f} ms "
                  f"{2 * 64 * 1024 * 1024 / (med * 1e6):.1f} GFLOP/s")


if __name__ == "__main__":
    main()
