"""Labelled relevance pairs and the threshold calibration.

``python -m benchmarks.relevance_pairs --build`` writes ``matching/data/relevance_pairs.tsv``
(want text, offer text, category, label 1/0; seeded): positive pairs are two ways of writing
the same kind of ``benchmarks/data/kinds_ru.txt``, negative pairs two kinds of the same
category, each text passed through ``paraphrase.write`` (inflections, transliteration, typos,
filler words), plus the hand-written pairs below. ``python -m benchmarks.relevance_pairs``
prints precision and recall of ``relevance >= t`` for several thresholds and the share of
positives per relevance level (the acceptance probabilities of ``matching/rules.py``).
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from benchmarks.paraphrase import kinds, write
from matching.relevance import relevance

PAIRS = Path(__file__).resolve().parent.parent / "matching" / "data" / "relevance_pairs.tsv"
# written by hand after the lexicon was tuned on PAIRS, never tuned on: an honest check
HOLDOUT = PAIRS.with_name("relevance_holdout.tsv")

# (want, offer, label): the examples of issue 14 and other everyday pairs, written by hand
HAND = [
    ("велик", "Велосипед горный Stels", 1),
    ("iPhone 12", "айфон 12 128гб", 1),
    ("Кормен Алгоритмы", "книга по алгоритмам", 1),
    ("velosiped", "Велосипед детский", 1),
    ("Велосепед", "велосипед Forward", 1),
    ("Ноутбук", "ноут Lenovo IdeaPad", 1),
    ("Пылесос", "Робот-пылесос Xiaomi", 1),
    ("Шуруповёрт", "Дрель-шуруповёрт Makita аккумуляторная", 1),
    ("Книга", "Учебник по Python", 1),
    ("Стиральная машина", "стиралка Indesit", 1),
    ("Кроссовки", "кроссы Nike", 1),
    ("Пазл", "Дрель", 0),
    ("Дрель", "Пазл 1000 деталей", 0),
    ("Самокат", "Велосипед", 0),
    ("Велосипед", "Самокат трюковый", 0),
    ("Роман Мастер и Маргарита", "Учебник Python", 0),
    ("Учебник Python", "Роман Война и мир", 0),
    ("Учебник по Python", "Книга", 0),
    ("Чехол для iPhone", "iPhone 11", 0),
    ("Холодильник", "Пылесос Samsung", 0),
    ("Кукла Барби", "Конструктор Lego", 0),
    ("Гитара", "Синтезатор Casio", 0),
    ("Палатка", "Лыжи беговые", 0),
    ("Фотоаппарат", "Объектив Canon", 0),
    ("Ноутбук", "Планшет Samsung", 0),
]


def build(seed: int = 7, per_kind: int = 4) -> list[tuple[str, str, str, int]]:
    """The labelled pairs: ``per_kind`` positives and as many negatives per kind, plus HAND."""
    rng = np.random.default_rng(seed)
    by_category: dict[str, list] = defaultdict(list)
    for kind in kinds():
        by_category[kind.category].append(kind)
    rows: list[tuple[str, str, str, int]] = []
    for kind in kinds():
        others = [k for k in by_category[kind.category] if k.name != kind.name]
        for _ in range(per_kind):
            a, b = rng.choice(len(kind.phrases), size=2, replace=len(kind.phrases) < 2)
            rows.append(
                (
                    write(kind.phrases[a], rng),
                    write(kind.phrases[b], rng),
                    kind.category,
                    1,
                )
            )
            if others:
                other = others[int(rng.integers(len(others)))]
                a = int(rng.integers(len(kind.phrases)))
                b = int(rng.integers(len(other.phrases)))
                rows.append(
                    (
                        write(kind.phrases[a], rng),
                        write(other.phrases[b], rng),
                        kind.category,
                        0,
                    )
                )
    rows += [(w, o, "", label) for w, o, label in HAND]
    return rows


def load(path: Path = PAIRS) -> list[tuple[str, str, str, int]]:
    with path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        return [(w, o, c, int(label)) for w, o, c, label in reader]


def report(rows: list[tuple[str, str, str, int]]) -> None:
    scores = np.array([relevance(w, o) for w, o, _, _ in rows])
    labels = np.array([label for *_, label in rows], dtype=bool)
    print(f"{len(rows)} pairs: {labels.sum()} positive, {(~labels).sum()} negative")
    print("| threshold | precision | recall | false positives | false negatives |")
    print("|---|---|---|---|---|")
    for t in (0.5, 0.56, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9):
        got = scores >= t - 1e-9
        tp = int((got & labels).sum())
        fp = int((got & ~labels).sum())
        fn = int((~got & labels).sum())
        precision = tp / max(tp + fp, 1)
        recall = tp / max(tp + fn, 1)
        print(f"| {t:.2f} | {precision:.3f} | {recall:.3f} | {fp} | {fn} |")
    print("\n| relevance | pairs | share positive |")
    print("|---|---|---|")
    for lo, hi in ((1.0, 1.01), (0.8, 1.0), (0.65, 0.8), (0.0, 0.65)):
        sel = (scores >= lo - 1e-9) & (scores < hi - 1e-9)
        share = labels[sel].mean() if sel.any() else float("nan")
        print(
            f"| [{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'} | {sel.sum()} | {share:.3f} |"
        )
    misses = [(w, o, s) for (w, o, _, lab), s in zip(rows, scores, strict=True) if lab and s < 0.65]
    wrong = [
        (w, o, s) for (w, o, _, lab), s in zip(rows, scores, strict=True) if not lab and s >= 0.65
    ]
    print("\nfalse negatives at 0.65:", *misses[:30], sep="\n  ")
    print("false positives at 0.65:", *wrong[:30], sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="rewrite the labelled pairs file")
    args = parser.parse_args()
    if args.build:
        rows = build()
        with PAIRS.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
            writer.writerow(["want", "offer", "category", "label"])
            writer.writerows(rows)
    print("## labelled pairs (calibration)")
    report(load())
    print("\n## held-out pairs")
    report(load(HOLDOUT))


if __name__ == "__main__":
    main()
