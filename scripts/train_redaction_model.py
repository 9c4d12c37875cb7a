#!/usr/bin/env python3
"""Train the small spaCy NER that `acogida.intake.redact` combines with its rules.

Trains from a blank Spanish pipeline (no pretrained vectors, nothing downloaded) on the MEDDOCAN
*train* split only: 450 training documents and 50 held out for choosing the best epoch. The dev
split is never read here; `scripts/bench_redact.py --split dev` measures on it afterwards.

    .venv/bin/python scripts/train_redaction_model.py            # ~10 min on 2 cores
    .venv/bin/python scripts/train_redaction_model.py --epochs 2 --out /tmp/m   # smoke run

Reproducible: fixed seeds, fixed document split, single-threaded BLAS is not required (CPU ops are
deterministic for a fixed seed and batch order).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import compile_infix_regex, compile_suffix_regex, filter_spans
from thinc.api import Adam, fix_random_seed

from acogida.intake.meddocan import DEFAULT_MEDDOCAN, Document, read_brat
from acogida.intake.redact import MEDDOCAN_LABELS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "acogida" / "intake" / "redaction_model"
SEED = 20190601
N_HELDOUT = 50
BATCH_SIZE = 4

# Tokenizer changes so that MEDDOCAN spans line up with tokens: "NHC:118848", "nhc-78946132",
# "Sexo: M.", "2D." and "03/03/1946"-style fields glued to their labels.
EXTRA_SUFFIXES = [r"(?<=[A-Z0-9ºª])\.$", r"(?<=/[nN])\.$"]
EXTRA_INFIXES = [
    r"(?<=\w):(?=\w)",
    r"(?<=\w)-(?=\w)",
    r"(?<=\w)/(?=\d)",
    r"(?<=\d)/(?=\w)",
    r"(?<=\d)(?=[A-Za-z])",
]

NER_MODEL = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 96,
        "depth": 4,
        "embed_size": 3000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    },
}


def make_blank() -> Language:
    nlp = spacy.blank("es")
    tokenizer: Any = nlp.tokenizer  # a spacy.tokenizer.Tokenizer (a Cython class without stubs)
    tokenizer.suffix_search = compile_suffix_regex([*(nlp.Defaults.suffixes or []), *EXTRA_SUFFIXES]).search
    tokenizer.infix_finditer = compile_infix_regex([*(nlp.Defaults.infixes or []), *EXTRA_INFIXES]).finditer
    return nlp


def to_example(nlp: Language, text: str, spans: list[tuple[int, int, str]]) -> Example:
    doc = nlp.make_doc(text)
    ents = []
    for start, end, label in spans:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            ents.append(span)
    entities = [(s.start_char, s.end_char, s.label_) for s in filter_spans(ents)]
    return Example.from_dict(doc, {"entities": entities})


def char_scores(nlp: Language, docs: list[Document]) -> dict[str, float]:
    gold_n = gold_hit = pred_n = pred_in = 0
    for _, text, spans in docs:
        gold = bytearray(len(text))
        for s, e, _ in spans:
            gold[s:e] = b"\x01" * (e - s)
        pred = bytearray(len(text))
        for ent in nlp(text).ents:
            pred[ent.start_char : ent.end_char] = b"\x01" * (ent.end_char - ent.start_char)
        gold_n += sum(gold)
        pred_n += sum(pred)
        both = sum(g & p for g, p in zip(gold, pred, strict=True))
        gold_hit += both
        pred_in += both
    recall = gold_hit / gold_n if gold_n else 1.0
    precision = pred_in / pred_n if pred_n else 1.0
    f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
    return {"char_recall": recall, "char_precision": precision, "char_f2": f2}


def split_train(docs: list[Document], rng: random.Random) -> tuple[list[Document], list[Document]]:
    order = list(range(len(docs)))
    rng.shuffle(order)
    heldout = [docs[i] for i in sorted(order[:N_HELDOUT])]
    train = [docs[i] for i in sorted(order[N_HELDOUT:])]
    return train, heldout


def train_loop(
    nlp: Language, train: list[Example], heldout: list[Document], args: argparse.Namespace, rng: random.Random
) -> tuple[int, list[dict[str, float]]]:
    """Train, keep the epoch with the best held-out character F2 in `<out>.tmp`; return it and the log."""
    started = time.monotonic()
    optimizer = Adam(learn_rate=0.001, L2=1e-6, grad_clip=1.0, use_averages=True)
    nlp.initialize(lambda: train, sgd=optimizer)
    best: tuple[float, int] = (-1.0, -1)
    tmp = args.out.with_name(args.out.name + ".tmp")
    history: list[dict[str, float]] = []
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(train)
        losses: dict[str, float] = {}
        for i in range(0, len(train), BATCH_SIZE):
            nlp.update(train[i : i + BATCH_SIZE], drop=0.15, sgd=optimizer, losses=losses)
        with nlp.use_params(optimizer.averages):
            scores = char_scores(nlp, heldout)
            if scores["char_f2"] > best[0]:
                best = (scores["char_f2"], epoch)
                if tmp.exists():
                    shutil.rmtree(tmp)
                nlp.to_disk(tmp)
        minutes = (time.monotonic() - started) / 60
        loss = float(losses.get("ner", 0.0))
        history.append({"epoch": epoch, "loss": round(loss, 1), **scores, "minutes": round(minutes, 2)})
        print(
            f"epoch {epoch:2d} loss {loss:9.1f} held-out char recall {scores['char_recall']:.4f}"
            f" precision {scores['char_precision']:.4f} F2 {scores['char_f2']:.4f}  ({minutes:.1f} min)",
            flush=True,
        )
        if epoch - best[1] >= args.patience or minutes > args.max_minutes:
            break
    return best[1], history


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_MEDDOCAN, help="MEDDOCAN folder (uses train/ only)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=6, help="stop after this many epochs without gain")
    ap.add_argument("--max-minutes", type=float, default=14.0)
    ap.add_argument(
        "--labels",
        choices=["coarse", "meddocan"],
        default="coarse",
        help="train on the redactor's own labels (default, faster model) or on the 21 MEDDOCAN ones",
    )
    args = ap.parse_args(argv)

    fix_random_seed(SEED)
    started = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 - shuffling, not security
    docs = read_brat(args.data / "train")
    if args.labels == "coarse":
        docs = [
            (name, text, [(s, e, MEDDOCAN_LABELS[label]) for s, e, label in spans])
            for name, text, spans in docs
        ]
    train_docs, heldout = split_train(docs, rng)

    nlp = make_blank()
    nlp.add_pipe("ner", config={"model": NER_MODEL})
    train = [to_example(nlp, text, spans) for _, text, spans in train_docs]
    print(f"train docs {len(train_docs)}, held-out docs {len(heldout)}, labels {args.labels}")
    best_epoch, history = train_loop(nlp, train, heldout, args, rng)

    tmp = args.out.with_name(args.out.name + ".tmp")
    final = spacy.load(tmp)
    final.meta.update(
        {
            "name": "acogida_redaction",
            "version": "1.0.0",
            "description": "Spanish PHI NER for acogida.intake.redact, trained on MEDDOCAN train (CC BY 4.0)",
            "license": "CC BY 4.0 (training data)",
            "sources": [{"name": "MEDDOCAN", "url": "PlanTL-GOB-ES/SPACCC_MEDDOCAN", "license": "CC BY 4.0"}],
        }
    )
    if args.out.exists():
        shutil.rmtree(args.out)
    final.to_disk(args.out)
    shutil.rmtree(tmp)
    total = (time.monotonic() - started) / 60
    summary = {"best_epoch": best_epoch, "seed": SEED, "labels": args.labels, "minutes": round(total, 1)}
    (args.out / "training.json").write_text(json.dumps({**summary, "history": history}, indent=1) + "\n")
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"best epoch {best_epoch}; saved {args.out} ({size / 1e6:.1f} MB) in {total:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
