#!/usr/bin/env bash
# Every benchmark of docs/performance.md in one go (about 5 minutes on 2 idle cores). Not part of CI.
#   bash scripts/bench-all.sh > bench.log
# The PyTorch peer needs Debian's python3-torch and libopenblas0-pthread (tools/bench_pytorch.py).
set -uo pipefail
cd "$(dirname "$0")/.."
dotnet build benchmarks/LoraLab.Benchmarks -c Release -v q -nologo >/dev/null || exit 1
B=benchmarks/LoraLab.Benchmarks/bin/Release/net10.0/LoraLab.Benchmarks.dll
echo "# $(date -u '+%F %T') UTC, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$B" gemm
dotnet "$B" lora-linear
dotnet "$B" lora-linear --no-malloc-tuning          # glibc malloc defaults
OMP_WAIT_POLICY=PASSIVE dotnet "$B" lora-linear     # what to use on a shared machine
dotnet "$B" lora-linear --threads 1
dotnet "$B" stories-step
dotnet "$B" stories-step --threads 1
OMP_WAIT_POLICY=PASSIVE dotnet "$B" stories-step
dotnet "$B" minilm-step
dotnet "$B" minilm-pack
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 tools/bench_pytorch.py all | grep -v '^# torch'
fi
echo "# done $(date -u '+%T') UTC, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
