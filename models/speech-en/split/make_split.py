#!/usr/bin/env python3
"""Writes the speaker split of models/speech-en from ../shared/data/speech-en/manifest.tsv.

    python3 models/speech-en/split/make_split.py      # from the repository root

The order is seeded but does not depend on Python's random module: speakers (and Kathleen's
prompt ids) are ranked by SHA-256 of "speech-en-split-1:" + name, so any Python 3 gives the
same three files.

  test.tsv   48 of the 95 Common Voice speakers, every clip of theirs. Never trained on and
             never used to choose anything.
  valid.tsv  10 further Common Voice speakers, plus every take of 5% of Kathleen's ARCTIC
             prompt ids (takes of one prompt stay together, so no sentence leaks).
  train.tsv  the other 37 Common Voice speakers and the rest of Kathleen.
  valid-cv.tsv, valid-kathleen.tsv   valid.tsv's two parts, to score new and known voices apart.

Transcripts are written normalised for a character model: lower case, curly apostrophes made
straight, every character other than a-z, the apostrophe and space dropped (hyphens and dashes
become spaces), spaces squeezed. Audio paths are relative to this folder, which is how
`multimodal` reads manifests.
"""
import hashlib
import os
import re
import sys

SEED = "speech-en-split-1:"
TEST_CV_SPEAKERS = 48
VALID_CV_SPEAKERS = 10
VALID_KATHLEEN_SHARE = 0.05

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "speech-en"))


def rank(name):
    return hashlib.sha256((SEED + name).encode("utf-8")).hexdigest()


def normalise(text):
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[-\u2013\u2014]", " ", text)
    text = re.sub(r"[^a-z' ]", "", text)
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


def main():
    rows = []
    with open(os.path.join(DATA, "manifest.tsv"), encoding="utf-8") as f:
        next(f)   # header: path speaker duration_s transcript corpus
        for line in f:
            path, speaker, duration, transcript, corpus = line.rstrip("\n").split("\t")
            rows.append((path, speaker, float(duration), normalise(transcript), corpus))

    cv = sorted({r[1] for r in rows if r[4] == "commonvoice_6_1"}, key=rank)
    test_speakers = set(cv[:TEST_CV_SPEAKERS])
    valid_speakers = set(cv[TEST_CV_SPEAKERS:TEST_CV_SPEAKERS + VALID_CV_SPEAKERS])

    # arctic_a0001_1592748574.mp3 -> prompt id arctic_a0001
    def prompt(path):
        return "_".join(os.path.basename(path).split("_")[:2])

    prompts = sorted({prompt(r[0]) for r in rows if r[4] == "rhasspy_kathleen"}, key=rank)
    valid_prompts = set(prompts[:round(len(prompts) * VALID_KATHLEEN_SHARE)])

    parts = {"train": [], "valid": [], "test": []}
    for r in rows:
        if r[1] in test_speakers:
            parts["test"].append(r)
        elif r[1] in valid_speakers or (r[4] == "rhasspy_kathleen" and prompt(r[0]) in valid_prompts):
            parts["valid"].append(r)
        else:
            parts["train"].append(r)

    parts["valid-cv"] = [r for r in parts["valid"] if r[4] == "commonvoice_6_1"]
    parts["valid-kathleen"] = [r for r in parts["valid"] if r[4] == "rhasspy_kathleen"]

    relative = os.path.relpath(DATA, HERE)
    for name, part in parts.items():
        with open(os.path.join(HERE, name + ".tsv"), "w", encoding="utf-8", newline="\n") as f:
            for path, _, _, transcript, _ in part:
                f.write(f"{relative}/{path}\t{transcript}\n")
        speakers = len({r[1] for r in part})
        seconds = sum(r[2] for r in part)
        print(f"{name}: {len(part)} utterances, {speakers} speakers, {seconds / 60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()
