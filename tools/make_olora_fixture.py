#!/usr/bin/python3
"""Reference values for LoraLab's OLoRA init test, computed with PyTorch (an independent implementation).

Run with Debian's PyTorch:
    /usr/bin/python3 tools/make_olora_fixture.py > tests/LoraLab.Tests/Fixtures/olora_init.json

It replays PEFT's LoraLayer.olora_init (peft/tuners/lora/layer.py) in plain torch:
    Q, R = torch.linalg.qr(W.float());  A = R[:r];  B = Q[:, :r];  W_frozen = W - scaling * B @ A
on deterministic weights (no RNG, so nothing depends on torch's generator), one tall and one wide layer.
"""
import json
import math

import torch


def weight(out_f, in_f, phase):
    # entries of mixed sign and size, full rank
    return torch.tensor([[math.sin(phase + 1.3 * i + 0.7 * j) + 0.1 * (i - j) for j in range(in_f)]
                         for i in range(out_f)], dtype=torch.float32)


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def case(out_f, in_f, r, alpha, phase):
    w = weight(out_f, in_f, phase)
    scaling = alpha / r
    q, rmat = torch.linalg.qr(w)
    a, b = rmat[:r].contiguous(), q[:, :r].contiguous()
    frozen = w - scaling * b @ a
    return {"out": out_f, "in": in_f, "r": r, "alpha": alpha, "weight": flat(w), "lora_A": flat(a),
            "lora_B": flat(b), "frozen_weight": flat(frozen)}


def main():
    cases = [case(6, 5, 2, 4.0, 0.0), case(4, 7, 3, 6.0, 0.5)]
    print(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
