#!/usr/bin/env bash
# Quick start: build the multimodal CLI in Release and run the main job of every pipeline that
# exists on a bundled example. Run from anywhere on Debian 12 with the .NET 10 SDK.
#
# It shows the version and the bundled models, then transcribes the speech example. Each
# pipeline adds its line to run_examples below when it lands.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# Debian packages the CLI needs at run time: libgtk-3-0 for the OpenCV runtime (video verbs).
apt_packages=(libgtk-3-0)
if [ "${#apt_packages[@]}" -gt 0 ]; then
    missing=()
    for p in "${apt_packages[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" -eq 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get update
            DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
        else
            echo "example: please install: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
            exit 1
        fi
    fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
    echo "example: dotnet not found; install the .NET 10 SDK first" >&2
    exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out="$repo/out/cli"
echo "== building the CLI (Release) into $out"
# On Linux, publish for this machine's runtime only: the portable output also carries the native
# libraries of Windows, macOS, Android and iOS (484 MB against 215 MB).
rid=""
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid="linux-x64" ;;
    Linux-aarch64) rid="linux-arm64" ;;
esac
dotnet publish Multimodal.Cli/Multimodal.Cli.csproj -c Release -o "$out" -nodeReuse:false --nologo -v quiet \
    ${rid:+-r "$rid" --self-contained false}

multimodal() {
    # Run from the repository root so the default models/ lookup finds the bundled models.
    dotnet "$out/multimodal.dll" "$@"
}

run_examples() {
    echo "== multimodal --version"
    multimodal --version
    echo "== multimodal models"
    multimodal models
    # Pipelines add their example here, one line each.
    echo "== multimodal transcribe examples/speech/four-one-seven.wav"
    multimodal --quiet transcribe examples/speech/four-one-seven.wav
    multimodal transcribe examples/speech/four-one-seven.wav --out "$repo/out/examples" --format srt --force
    echo "== out/examples/four-one-seven.srt"
    cat "$repo/out/examples/four-one-seven.srt"
    echo "== multimodal caption examples/caption/*.jpg (two Flickr8k dev photos)"
    multimodal --quiet caption examples/caption/*.jpg
    echo "== multimodal video predict examples/video/moving-digits.mp4 (frames, strip, video, metrics)"
    multimodal --quiet video predict examples/video/moving-digits.mp4 --at 1 --out "$repo/out/examples/moving-digits"
    echo "== multimodal video emotion examples/emotion/four-faces.mp4 (four photos of people, slowly panned)"
    multimodal video emotion examples/emotion/four-faces.mp4 --out "$repo/out/examples" --annotate --force
}

run_examples
echo "== done; the CLI is $out/multimodal"
