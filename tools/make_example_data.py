#!/usr/bin/env python3
"""Writes the small example files in data/examples/ from data sets already committed under data/.

    /usr/bin/python3 tools/make_example_data.py      # deterministic: same bytes on every run

- sst2-sample.csv: the first 400 rows of data/sst2/train.tsv with at least 8 words, as RFC 4180 CSV (Python's csv
  module quotes fields holding commas or quotes) with columns text,label and string labels negative/positive.
- instruct.jsonl: 60 Alpaca-style records cut from data/tinystories/tinystories_val_sample.txt: "Continue the
  story." with the first sentence of a paragraph as input and the next two sentences as output; every third record
  has no input where that sentence names someone ("Write the first sentence of a story about NAME." -> it).
- chat.jsonl: 40 conversations cut from the same paragraphs: user asks for a story starting with the first sentence,
  the assistant gives the next two; every other conversation has a system message and a second exchange
  ("What happens next?" -> the following two sentences).
The instructions, user turns and system message are written here; every response is TinyStories text.
"""
import csv
import io
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "examples"


def sst2_sample():
    rows = []
    with open(ROOT / "data/sst2/train.tsv", encoding="utf-8") as f:
        next(f)                                           # header: sentence\tlabel
        for line in f:
            sentence, label = line.rstrip("\n").split("\t")
            sentence = sentence.strip()
            if len(sentence.split()) >= 8:
                rows.append((sentence, "positive" if label == "1" else "negative"))
            if len(rows) == 400:
                break
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["text", "label"])
    writer.writerows(rows)
    (OUT / "sst2-sample.csv").write_text(buf.getvalue(), encoding="utf-8")


def paragraphs():
    text = (ROOT / "data/tinystories/tinystories_val_sample.txt").read_text(encoding="utf-8")
    for para in text.split("\n\n"):
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(para.split()))
        if len(sentences) >= 5 and all(len(s) < 160 for s in sentences[:5]) and '"' not in " ".join(sentences[:5]):
            yield sentences


def name_in(sentence):
    m = re.search(r"named (\w+)", sentence)
    return m.group(1) if m else None


def instruct():
    records = []
    for i, s in enumerate(paragraphs()):
        if i % 3 == 2 and name_in(s[0]):
            records.append({"instruction": f"Write the first sentence of a story about {name_in(s[0])}.",
                            "input": "", "output": s[0]})
        else:
            records.append({"instruction": "Continue the story.", "input": s[0], "output": " ".join(s[1:3])})
        if len(records) == 60:
            break
    write_jsonl(OUT / "instruct.jsonl", records)


def chat():
    records = []
    for i, s in enumerate(list(paragraphs())[60:]):
        messages = []
        if i % 2 == 1:
            messages.append({"role": "system", "content": "You tell short, kind stories for children."})
        messages.append({"role": "user", "content": f"Tell me a story that starts like this: {s[0]}"})
        messages.append({"role": "assistant", "content": " ".join(s[1:3])})
        if i % 2 == 1:
            messages.append({"role": "user", "content": "What happens next?"})
            messages.append({"role": "assistant", "content": " ".join(s[3:5])})
        records.append({"messages": messages})
        if len(records) == 40:
            break
    write_jsonl(OUT / "chat.jsonl", records)


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    sst2_sample()
    instruct()
    chat()
