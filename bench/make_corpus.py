"""Build a large corpus from the five samples, for the listing benchmark.

    python bench/make_corpus.py [N] [OUTDIR] [--size-mb MB] [--seed S]

Each document takes one sample's shape (YAML frontmatter, Hugo frontmatter,
transcript, scraped page) and a shuffled, resized selection of its
paragraphs, so titles, dates, scripts and sizes vary the way a real
collection's do. Documents sit in nested folders; a few are in GB18030,
Big5 or UTF-16, some have CRLF line endings, and a handful are broken
(binary, empty, broken or absurdly nested frontmatter) as a real
collection's are.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from kbtui.locations import bundled_corpus

FRONTMATTER = re.compile(r"\A(---\n.*?\n---\n)", re.DOTALL)


@dataclass(frozen=True)
class Shape:
    """One sample cut into a header and paragraphs."""

    name: str
    header: str
    paragraphs: list[str]
    extension: str


def load_shapes() -> list[Shape]:
    """Cut each sample into its header and its paragraphs."""
    shapes = []
    for path in sorted(bundled_corpus().glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        match = FRONTMATTER.match(text)
        header = match.group(1) if match else ""
        body = text[len(header) :]
        if not header and body.startswith("繁體"):  # the scraped page: keep its top
            top, _, body = body.partition("\n\n2025-07-30 17:34\n\n")
            header = top + "\n\n{date} 17:34\n\n"
        shapes.append(Shape(path.stem[:3], header, paragraphs(body), ".md" if header else ".txt"))
    return shapes


def paragraphs(body: str) -> list[str]:
    """Blank-line paragraphs; a transcript's lines are grouped ten at a time."""
    parts = [p.strip("\n") for p in body.split("\n\n") if p.strip()]
    if len(parts) > 3:
        return parts
    lines = body.split("\n")
    return ["\n".join(lines[i : i + 10]) for i in range(0, len(lines), 10)]


def make_document(shape: Shape, index: int, target_bytes: int, rng: random.Random) -> str:
    """A document of about ``target_bytes`` UTF-8 bytes in ``shape``'s form."""
    date = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
    header = shape.header.replace("{date}", date)
    header = re.sub(
        r'^title: ("?)(.*?)\1$', rf"title: \g<1>\2 {index}\g<1>", header, count=1, flags=re.M
    )
    header = re.sub(r"^date: .*$", f"date: {date}", header, count=1, flags=re.M)
    if shape.name == "004":
        first, sep, rest = header.partition("\n\n熱門資訊> 正文\n\n")
        title, _, tail = rest.partition("\n")
        header = f"{first}{sep}{title} 第{index}篇\n{tail}"
    parts: list[str] = []
    size = len(header.encode())
    while size < target_bytes:
        paragraph = rng.choice(shape.paragraphs)
        parts.append(paragraph)
        size += len(paragraph.encode()) + 2
    if shape.name == "001":
        parts.insert(0, f"第{index}期节目")
    return header + "\n\n".join(parts) + "\n"


def encode(text: str, rng: random.Random) -> bytes:
    """Mostly UTF-8; some CRLF, GB18030, Big5 and UTF-16 files."""
    roll = rng.random()
    if roll < 0.03:
        text = text.replace("\n", "\r\n")
    if roll < 0.01:
        try:
            return text.encode("big5")
        except UnicodeEncodeError:
            return text.encode("gb18030")
    if roll < 0.015:
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode("utf-8")


BROKEN = {
    "broken/binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40,
    "broken/empty.txt": b"",
    "broken/yaml.md": "---\ntitle: [unclosed\ndate: 2025-01-01\n---\n正文\n".encode(),
    "broken/list.md": "---\n- a\n- b\n---\n正文\n".encode(),
    "broken/deep.md": ("---\na: " + "[" * 60_000 + "\n---\n正文\n").encode(),
    "broken/latin1.txt": "café crème brûlée ".encode("latin-1") * 50,
}


def build(count: int, out: Path, size_mb: float, seed: int) -> tuple[int, int]:
    """Write the corpus; returns (files, bytes)."""
    if out.exists():
        shutil.rmtree(out)
    shapes = load_shapes()
    rng = random.Random(seed)
    average = size_mb * 1024 * 1024 / count
    total = 0
    for index in range(count - len(BROKEN)):
        shape = shapes[index % len(shapes)]
        target = int(rng.uniform(0.3, 1.7) * average)
        data = encode(make_document(shape, index, target, rng), rng)
        path = (
            out / f"{index // 1000:02}" / f"{index // 100 % 10}" / f"doc{index:05}{shape.extension}"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        total += len(data)
    for name, data in BROKEN.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
        total += len(data)
    return count, total


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and build the corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("out", nargs="?", type=Path, default=Path("bench/out/corpus"))
    parser.add_argument("--size-mb", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    files, size = build(args.count, args.out, args.size_mb, args.seed)
    elapsed = time.perf_counter() - started
    print(f"{files} files, {size / 1024 / 1024:.1f} MB in {args.out} ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
