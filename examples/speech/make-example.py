#!/usr/bin/env python3
"""Rebuilds four-one-seven.wav: espeak-ng speaks the digits at 22050 Hz, this script
low-passes and resamples them to 8 kHz 16-bit mono (the rate of the speech-digits model).

Usage: python3 make-example.py   (needs espeak-ng on PATH; standard library only)
"""
import math
import struct
import subprocess
import tempfile
import wave

TEXT = "four, one, seven"
OUT_RATE = 8000
TAPS = 32  # half-width of the windowed-sinc kernel, in input samples


def speak(text):
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-w", tmp.name, text], check=True)
        with wave.open(tmp.name) as w:
            rate, n = w.getframerate(), w.getnframes()
            samples = struct.unpack(f"<{n}h", w.readframes(n))
    return rate, [s / 32768 for s in samples]


def resample(x, rate_in, rate_out):
    # Band-limited interpolation: a Hann-windowed sinc cut off at 0.45 x the output rate.
    cutoff = 0.45 * rate_out / rate_in
    out = []
    for k in range(int(len(x) * rate_out / rate_in)):
        centre = k * rate_in / rate_out
        first = int(math.floor(centre)) - TAPS
        acc = 0.0
        for i in range(max(0, first), min(len(x), first + 2 * TAPS + 1)):
            d = i - centre
            window = 0.5 + 0.5 * math.cos(math.pi * d / (TAPS + 1))
            sinc = 2 * cutoff if d == 0 else math.sin(2 * math.pi * cutoff * d) / (math.pi * d)
            acc += x[i] * sinc * window
        out.append(acc)
    return out


def main():
    rate, x = speak(TEXT)
    pad = [0.0] * (OUT_RATE // 2)  # half a second of silence either side
    y = pad + resample(x, rate, OUT_RATE) + pad
    with wave.open("four-one-seven.wav", "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(OUT_RATE)
        w.writeframes(b"".join(struct.pack("<h", max(-32768, min(32767, round(s * 32767)))) for s in y))


if __name__ == "__main__":
    main()
