#!/usr/bin/env bash
# GPU check for Rnn.Cuda: the backend conformance suite on a real CUDA device, then LSTM/GRU
# timings printed as "BENCH <case> ours_ms=<median> peer=<name> peer_ms=<median> ratio=<peer/ours>"
# with PyTorch's cuDNN LSTM/GRU as the peer where python3 can import torch, else "peer=none".
#
# The GPU machine has no .NET SDK, so the check is published self-contained for linux-x64 first:
#   scripts/gpu-check.sh publish [DIR]          on a machine with the .NET 10 SDK (default DIR out/gpu-check)
#   scripts/gpu-check.sh run [DIR] [--simulated] on the GPU machine: runs DIR/Rnn.Cuda.Check
#   scripts/gpu-check.sh all [--simulated]      both, one after the other
# With the device tool: publish here, carry out/gpu-check (about 40 MB) and run
# 'bash scripts/gpu-check.sh run' there.
# --simulated runs on ILGPU's CPU accelerator with tiny bench sizes and no peer: it tests this
# script and the published program on a machine without a GPU; its figures mean nothing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

mode="${1:-all}"
shift || true
dir="out/gpu-check"
if [ "$#" -gt 0 ] && [ "${1#--}" = "$1" ]; then
    dir="$1"
    shift
fi
simulated=0
for a in "$@"; do
    case "$a" in
        --simulated) simulated=1 ;;
        *) echo "gpu-check: unknown argument '$a'" >&2; exit 2 ;;
    esac
done

publish() {
    dotnet publish Rnn.Cuda.Check/Rnn.Cuda.Check.csproj -c Release -r linux-x64 --self-contained true \
        -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
        -o "$dir" --nologo -v quiet
    echo "gpu-check: published to $dir"
}

# PyTorch peer: same sizes, same work per case (whole sequence; train = forward + backward of a
# mean-square loss), median of 10 after 3 warm-ups, device synchronised around each run.
peer_times() {
    local script
    script="$(cat <<'PY'
import statistics, sys, time
import torch
torch.backends.cudnn.enabled = True
dev = torch.device("cuda")
for line in sys.stdin:
    name, kind, train, inp, hid, batch, steps = line.split()
    inp, hid, batch, steps, train = int(inp), int(hid), int(batch), int(steps), train == "1"
    torch.manual_seed(3)
    cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
    net = cls(inp, hid, batch_first=True).to(dev)
    x = torch.rand(batch, steps, inp, device=dev) * 2 - 1
    times = []
    for r in range(13):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        if train:
            net.zero_grad()
            out, _ = net(x)
            (out * out).mean().backward()
        else:
            with torch.no_grad():
                out, _ = net(x)
        torch.cuda.synchronize()
        if r >= 3:
            times.append((time.perf_counter() - t0) * 1000)
    print(f"PEER {name} {statistics.median(times):.3f}", flush=True)
PY
)"
    python3 -c "$script"   # the cases come on stdin
}

run() {
    local exe="$dir/Rnn.Cuda.Check"
    if [ ! -x "$exe" ]; then
        echo "gpu-check: $exe not found; run 'scripts/gpu-check.sh publish' first" >&2
        exit 2
    fi

    # cuBLAS comes with the CUDA toolkit, not the driver; a pip-installed torch carries one.
    if [ "$simulated" -eq 0 ] && python3 -c "import nvidia.cublas" >/dev/null 2>&1; then
        local cublas_dir
        cublas_dir="$(python3 -c 'import nvidia.cublas, os; print(os.path.join(nvidia.cublas.__path__[0], "lib"))')"
        export LD_LIBRARY_PATH="${cublas_dir}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    fi

    local flags=()
    [ "$simulated" -eq 1 ] && flags+=(--simulated)
    local ours
    set +e
    # Progress goes to stderr as it comes (through the inherited descriptor, so a log file that
    # holds both streams keeps every line), the lines are kept for the BENCH summary.
    ours="$("$exe" "${flags[@]}" | tee >(cat >&2))"
    local status=$?   # pipefail: the check's own status unless tee failed
    set -e

    local have_peer=0
    if [ "$simulated" -eq 0 ] && python3 -c "import torch; assert torch.cuda.is_available()" >/dev/null 2>&1; then
        have_peer=1
    fi

    local peers=""
    if [ "$have_peer" -eq 1 ]; then
        # OURS <case> <ms> input=I hidden=H batch=B steps=S  ->  <case> <kind> <train> I H B S
        peers="$(echo "$ours" | awk '/^OURS /{
            split($4,i,"="); split($5,h,"="); split($6,b,"="); split($7,s,"=");
            kind = ($2 ~ /^gru/) ? "gru" : "lstm"; train = ($2 ~ /train/) ? 1 : 0;
            print $2, kind, train, i[2], h[2], b[2], s[2] }' | peer_times)"
    fi

    echo "$ours" | awk -v peers="$peers" '
        BEGIN {
            n = split(peers, lines, "\n")
            for (k = 1; k <= n; k++) { split(lines[k], f, " "); if (f[1] == "PEER") p[f[2]] = f[3] }
        }
        /^OURS / {
            if ($2 in p)
                printf "BENCH %s ours_ms=%s peer=pytorch-cudnn peer_ms=%s ratio=%.3f\n", $2, $3, p[$2], p[$2] / $3
            else printf "BENCH %s ours_ms=%s peer=none\n", $2, $3
        }'
    return "$status"
}

case "$mode" in
    publish) publish ;;
    run) run ;;
    all) publish; run ;;
    *) echo "usage: scripts/gpu-check.sh publish|run|all [DIR] [--simulated]" >&2; exit 2 ;;
esac
