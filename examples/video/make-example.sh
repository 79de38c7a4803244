#!/usr/bin/env bash
# Rebuilds examples/video/moving-digits.mp4: 40 frames of two MNIST test digits bouncing
# (Moving-MNIST protocol, held-out digits 9000-9999, seed 7), 10 fps, enlarged from 64x64 to
# 128x128 and encoded as H.264 (yuv420p) in MP4 by Debian's ffmpeg (apt-get install ffmpeg;
# only needed to remake the example, never at run time). Run from the repository root.
set -euo pipefail
mnist="${1:?usage: make-example.sh PATH/TO/t10k-images-idx3-ubyte.gz (e.g. ../shared/data/mnist/...)}"
dotnet run examples/video/make-moving-digits.cs -- "$mnist" 40 7 \
    | ffmpeg -v error -y -f rawvideo -pix_fmt gray -s 64x64 -r 10 -i - \
        -vf "scale=128:128:flags=bicubic,format=yuv420p" -c:v libx264 -preset veryslow -crf 20 \
        -movflags +faststart examples/video/moving-digits.mp4
ls -l examples/video/moving-digits.mp4
