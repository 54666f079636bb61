#!/usr/bin/python3
"""PyTorch peer of one batch of `loralab reproduce` (benchmarks/LoraLab.Benchmarks/ToyPeerBenchmark.cs): K = 28 toy
LoRA runs (width 1024, rank 4, layer readout, 400 steps) trained as one batched computation, from the problem and
factors LoraLab exported. Written as one would in PyTorch: G = A·H as one stacked GEMM, the closed-form layer loss
and its gradients through r×r matrices in float64 (docs/protocol-width-sweep.md §5), ∂L/∂A = ∂L/∂G·Hᵀ, Adam
per configuration (its own LR), the per-step diagnostics LoraLab records (RMS of Z_A and Z_B, ‖ΔW‖, gradient
norms), and runs whose loss exceeds 10× their initial loss dropped from the batch. Timed whole, like LoraLab's side.

    /usr/bin/python3 tools/peers/toy.py --state DIR/toy.safetensors [--check] [--threads 1]
"""
import torch

import common


class Objective:
    def __init__(self, h, ta, tb, scale):
        self.h, self.s = h, scale
        self.n, self.points = h.shape
        self.g_star = ta.double() @ h.double()                                  # (r*, N)
        self.b_star = tb.double()                                               # (n, r*)
        self.teacher_sq = float((self.b_star.t() @ self.b_star * (self.g_star @ self.g_star.t())).sum())

    def evaluate(self, b, g, grads=False):
        s, nn = self.s, self.n * float(self.points)
        gd, bd = g.double(), b.double()                                         # (K, r, N), (K, n, r)
        p = gd @ gd.transpose(1, 2)
        q = bd.transpose(1, 2) @ bd
        zb_sq = (p * q).sum((1, 2)) * s * s
        rms_za = (p.diagonal(0, 1, 2).sum(-1) / (g.shape[1] * self.points)).sqrt()
        rms_zb = (zb_sq / nn).sqrt()
        rr = gd @ self.g_star.t()                                               # (K, r, r*)
        c = bd.transpose(1, 2) @ self.b_star                                    # (K, r, r*)
        loss = (zb_sq - 2 * s * (c * rr).sum((1, 2)) + self.teacher_sq) / nn
        if not grads:
            return loss
        k = 2 * s / nn
        grad_g = ((s * (q @ gd) - c @ self.g_star) * k).float()
        grad_b = ((s * (bd @ p) - self.b_star @ rr.transpose(1, 2)) * k).float()
        return loss, rms_za, rms_zb, grad_g, grad_b


def train(st, meta, record=None):
    scale, steps = float(meta["scale"]), int(meta["steps"])
    b1, b2, eps, factor = (float(meta[k]) for k in ("beta1", "beta2", "eps", "divergence_factor"))
    h, h_t = st["h_train"], st["h_train"].t()
    train_obj = Objective(h, st["teacher_a"], st["teacher_b"], scale)
    test_obj = Objective(st["h_test"], st["teacher_a"], st["teacher_b"], scale)
    a, b = st["a"].clone(), st["b"].clone()
    lr_a, lr_b = st["lr"].float(), st["lr_b"].float()
    kk, r, n = a.shape
    rows = torch.arange(kk)
    m_a, v_a, m_b, v_b = (torch.zeros_like(x) for x in (a, a, b, b))
    initial_test = test_obj.evaluate(b, (a.view(-1, n).double() @ test_obj.h.double()).view(kk, r, -1).float())
    initial = None
    history = []
    for t in range(steps):
        k = a.shape[0]
        if k == 0:
            break
        g = (a.view(k * r, n) @ h).view(k, r, -1)                               # (K, r, N)
        loss, za, zb, grad_g, grad_b = train_obj.evaluate(b, g, grads=True)
        grad_a = (grad_g.view(k * r, -1) @ h_t).view(k, r, n)
        aat, btb = (a @ a.transpose(1, 2)).double(), (b.transpose(1, 2) @ b).double()
        dw = (aat * btb).sum((1, 2)).clamp_min(0).sqrt() * scale
        norm_a, norm_b = grad_a.flatten(1).norm(dim=1).double(), grad_b.flatten(1).norm(dim=1).double()
        history.append((rows.tolist(), loss.tolist(), za.tolist(), zb.tolist(), dw.tolist(),
                        norm_a.tolist(), norm_b.tolist()))
        if record is not None:
            record(t, rows.tolist(), loss.tolist())
        if t == 0:
            initial = loss.clone()
        alive = loss <= factor * initial[rows]
        if not bool(alive.all()):
            keep = alive.nonzero().squeeze(1)
            rows, a, b, grad_a, grad_b = rows[keep], a[keep], b[keep], grad_a[keep], grad_b[keep]
            m_a, v_a, m_b, v_b, lr_a, lr_b = m_a[keep], v_a[keep], m_b[keep], v_b[keep], lr_a[keep], lr_b[keep]
            if rows.numel() == 0:
                break
        bias1, bias2 = 1 - b1 ** (t + 1), (1 - b2 ** (t + 1)) ** 0.5
        for p, grad, m, v, lr in ((a, grad_a, m_a, v_a, lr_a), (b, grad_b, m_b, v_b, lr_b)):
            m.mul_(b1).add_(grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
            p.sub_(m * (lr / bias1).view(-1, 1, 1) / (v.sqrt() / bias2 + eps))
    final = [o.evaluate(b, (a.view(-1, n).double() @ o.h.double()).view(a.shape[0], r, -1))
             for o in (train_obj, test_obj)] if a.shape[0] else []
    return rows, initial_test, final, history


def main():
    common.header()
    st, meta = common.read_safetensors(common.arg("--state"))
    if common.flag("--check"):
        def record(t, rows, losses):
            if t < 3:
                for k, value in zip(rows, losses):
                    common.loss(f"toy-{k}", t, value)
        train(st, meta, record)
        return
    kk = st["a"].shape[0]
    stopped = [0]

    def run():
        rows, _, _, _ = train(st, meta)
        stopped[0] = kk - rows.numel()
    timing = common.measure(run, trials=3, warmup=0)
    common.result("toy-batch", timing, f"{timing[0] / int(meta['steps']):.3f} ms/step; "
                                        f"{stopped[0]} of {kk} runs stopped as diverged")


if __name__ == "__main__":
    main()
