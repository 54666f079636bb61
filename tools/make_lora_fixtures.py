#!/usr/bin/python3
"""Reference values for LoraLab's LoRA parity tests, computed with PyTorch (an independent implementation).

Run with Debian's PyTorch (apt-get install python3-torch libopenblas0-pthread), not a pyenv python:
    /usr/bin/python3 tools/make_lora_fixtures.py > tests/LoraLab.Tests/Fixtures/lora_linear_parity.json

It replays PEFT's LoRA semantics in plain torch (PEFT itself is not installable here):
  - a base nn.Linear(in, out), then PEFT's draw order for one adapter: nn.Linear(in, r, bias=False) for lora_A,
    nn.Linear(r, out, bias=False) for lora_B, then reset_lora_parameters: kaiming_uniform_(A, a=sqrt(5)), zeros_(B)
    (peft/tuners/lora/layer.py, update_layer + reset_lora_parameters);
  - forward y = base(x) + scaling * lora_B(lora_A(x)), scaling = alpha / r;
  - backward of loss = mean(y^2) with B != 0 (so the A-gradient is not trivially zero);
  - three AdamW steps with separate groups for A and B (PyTorch's own torch.optim.AdamW).
"""
import json
import math

import torch
import torch.nn as nn

IN, OUT, R, ALPHA, SEED = 16, 12, 4, 8.0, 0


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(SEED)
    base = nn.Linear(IN, OUT)
    lora_a = nn.Linear(IN, R, bias=False)
    lora_b = nn.Linear(R, OUT, bias=False)
    nn.init.kaiming_uniform_(lora_a.weight, a=math.sqrt(5))
    nn.init.zeros_(lora_b.weight)
    init_a = lora_a.weight.detach().clone()

    # Make B non-zero so that every gradient is informative, and fix the input.
    torch.manual_seed(1)
    with torch.no_grad():
        lora_b.weight.copy_(torch.randn(OUT, R) * 0.1)
    x = torch.randn(5, IN)
    b_start = lora_b.weight.detach().clone()
    scaling = ALPHA / R

    base.weight.requires_grad_(False)
    base.bias.requires_grad_(False)

    def forward():
        return base(x) + scaling * lora_b(lora_a(x))

    y = forward()
    loss = (y ** 2).mean()
    loss.backward()
    out = {
        "format_version": 1,
        "generator": "tools/make_lora_fixtures.py (PyTorch %s)" % torch.__version__,
        "in_features": IN, "out_features": OUT, "rank": R, "alpha": ALPHA, "seed": SEED,
        "base_weight": flat(base.weight), "base_bias": flat(base.bias),
        "init_lora_a": flat(init_a),
        "lora_b": flat(b_start), "x": flat(x),
        "y": flat(y), "loss": float(loss),
        "grad_a": flat(lora_a.weight.grad), "grad_b": flat(lora_b.weight.grad),
    }

    opt = torch.optim.AdamW([
        {"params": [lora_a.weight], "lr": 1e-2, "weight_decay": 0.01},
        {"params": [lora_b.weight], "lr": 5e-2, "weight_decay": 0.0},
    ], betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        l = (forward() ** 2).mean()
        losses.append(float(l))
        l.backward()
        opt.step()
    out.update({
        "adamw": {"lr_a": 1e-2, "lr_b": 5e-2, "weight_decay_a": 0.01, "weight_decay_b": 0.0,
                  "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "steps": 3},
        "adamw_losses": losses,
        "adamw_final_a": flat(lora_a.weight), "adamw_final_b": flat(lora_b.weight),
    })
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
