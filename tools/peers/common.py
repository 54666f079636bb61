"""Shared by the PyTorch peers of LoraLab's workloads (scripts/bench-peers.sh): the machine header every output starts
with, the timing harness (LoraLab's Harness: median of trials after warm-up), the safetensors reader for the state
LoraLab exports, and the RESULT / LOSS lines the script parses.

Threads: torch.set_num_threads(--threads, default 2). Debian's torch 1.13 has no MKL (BLAS_INFO=generic): its GEMMs
go to the system libblas.so.3, which is OpenBLAS when libopenblas0-* is installed (reference BLAS otherwise: far
slower). The header says which library and OpenBLAS core type are in use.
"""
import ctypes
import json
import math
import os
import statistics
import struct
import sys
import time

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32}


def arg(name, default=None):
    """--name VALUE from sys.argv."""
    argv = sys.argv
    return argv[argv.index(name) + 1] if name in argv else default


def flag(name):
    return name in sys.argv


def set_blas_threads(n):
    """OpenBLAS runs its own pthreads beside torch's OpenMP pool: give it the same count."""
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "openblas" in line.split()[-1].lower()})
    for lib in libs:
        try:
            ctypes.CDLL(lib).openblas_set_num_threads(n)
        except (OSError, AttributeError):
            continue


def blas_library():
    """The BLAS that torch's GEMMs reach, from this process's memory map, and OpenBLAS's core type if it is OpenBLAS."""
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1].lower()})
    core, threads = "", ""
    for lib in libs:
        try:
            blas = ctypes.CDLL(lib)
            blas.openblas_get_corename.restype = ctypes.c_char_p
            core = blas.openblas_get_corename().decode()
            threads = blas.openblas_get_num_threads()
            break
        except (OSError, AttributeError):
            continue
    name = ", ".join(os.path.realpath(lib) for lib in libs) or "none mapped"
    return name + (f" (OpenBLAS core {core}, {threads} OpenBLAS threads)" if core else "")


def cpu_description():
    fields = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if not line.strip():
                break
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    return (f"{fields.get('model name', '?')} (vendor {fields.get('vendor_id', '?')}, "
            f"family {fields.get('cpu family', '?')}, model {fields.get('model', '?')})")


def measure(step, trials=7, min_trial=0.0, warmup=3):
    """LoraLab's Harness.Measure: warm-up, then trials of ceil(min_trial / one step) steps; (median, min, max) ms of
    wall time and the median process CPU time (user + system) per step."""
    for _ in range(warmup):
        step()
    t0 = time.perf_counter(); step(); once = max(time.perf_counter() - t0, 1e-6)
    iters = max(1, math.ceil(min_trial / once))
    ms, cpu = [], []
    for _ in range(trials):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(iters):
            step()
        ms.append((time.perf_counter() - t0) * 1000 / iters)
        cpu.append((time.process_time() - c0) * 1000 / iters)
    return statistics.median(ms), min(ms), max(ms), statistics.median(cpu)


GEMM_PEAK = float("nan")


def header():
    """Threads, then the machine: CPU, BLAS, the 1024³ sgemm rate measured now (the peak rates are set against)."""
    global GEMM_PEAK
    torch.set_num_threads(int(arg("--threads", "2")))
    set_blas_threads(torch.get_num_threads())
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    med = measure(lambda: torch.matmul(a, b), trials=5, min_trial=0.2, warmup=3)[0]
    GEMM_PEAK = 2 * 1024 ** 3 / (med * 1e6)
    print(f"# torch {torch.__version__} (PyTorch peer), threads {torch.get_num_threads()}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(default)')}")
    print(f"# cpu: {cpu_description()}")
    print(f"# blas: {blas_library()}")
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    print(f"# threads {torch.get_num_threads()}; gemm peak (1024^3 sgemm, this run) {GEMM_PEAK:.1f} GFLOP/s; "
          f"load average {load}")
    sys.stdout.flush()


def peak_share(gflop_per_step, ms):
    rate = gflop_per_step / (ms / 1e3)
    return f"{rate:.0f} GFLOP/s = {100 * rate / GEMM_PEAK:.0f}% of gemm peak"


def result(workload, timing, extra=""):
    med, lo, hi, cpu = timing
    print(f"{workload:<44} median {med:9.3f} ms  (min {lo:.3f}, max {hi:.3f}; CPU {cpu:.3f} ms) {extra}")
    print(f"RESULT {workload} {med:.3f} {lo:.3f} {hi:.3f} cpu={cpu:.3f} {extra}")
    sys.stdout.flush()


def loss(workload, step, value):
    print(f"LOSS {workload} {step} {value!r}")


def read_safetensors(path):
    """{name: tensor}, metadata: the file LoraLab's PeerOutput.Export wrote (little-endian, C order)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header_json = json.loads(raw[8:8 + n])
    data = memoryview(raw)[8 + n:]
    metadata = header_json.pop("__metadata__", {})
    tensors = {}
    for name, info in header_json.items():
        lo, hi = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[lo:hi]), dtype=DTYPES[info["dtype"]]) if hi > lo else \
            torch.empty(0, dtype=DTYPES[info["dtype"]])
        tensors[name] = t.reshape(info["shape"])
    return tensors, metadata
