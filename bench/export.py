"""Time Markdown and JSON export, and JSON import, of many annotations.

    python bench/export.py [--annotations N] [--documents D] [--repeat R]

Builds D documents (default 100) from the sample corpus's lines, each with
headings, and N annotations (default 10,000) spread over them: quotes of
the text, every third with a multi-line note, tags on half, a few bookmarks
and orphans. Prints the best of R runs (default 3) for:

- Markdown, one file, original script (DESIGN.md target: under 1 s);
- Markdown, one file, Traditional through kbtui.scripts.views (OpenCC);
- Markdown, one file per document (names and a header each);
- W3C JSON export, and import of that JSON (parse + validate every item).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

from kbtui.annotations.model import AnchorState, Annotation, Colour, Kind
from kbtui.documents.model import Document, Metadata
from kbtui.exchange import w3c
from kbtui.exchange.markdown import (
    ExportItem,
    MarkdownOptions,
    render_markdown,
    render_per_document,
)
from kbtui.scripts.hanzi import Script
from kbtui.scripts.views import Variant, text_converter

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def sample_lines() -> list[str]:
    """Every non-blank line of the sample corpus."""
    lines = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def make_document(n: int, lines: list[str], rng: random.Random) -> Document:
    """A ~20,000-character document: sample lines with a heading every ten."""
    start = rng.randrange(len(lines))
    body = []
    for i in range(120):
        if i % 10 == 0:
            body.append(f"## 第{i // 10 + 1}节 {lines[(start + i) % len(lines)][:12]}")
        body.append(lines[(start + i) % len(lines)])
    source = "\n\n".join(body) + "\n"
    meta = Metadata(title=f"文档 {n}：{lines[start][:20]}", date="2025-01-01", tags=["bench"])
    return Document(f"bench/{n:04d}.txt", Path("."), source, meta, script=Script.SIMPLIFIED)


def make_annotation(doc: Document, i: int, rng: random.Random) -> Annotation:
    """One annotation of ``doc`` with a mix of notes, tags, kinds and states."""
    start = rng.randrange(len(doc.source) - 60)
    end = start + rng.randrange(5, 60)
    kw: dict[str, object] = {"colour": list(Colour)[i % 5], "created": "2026-01-01T00:00:00+00:00"}
    if i % 3 == 0:
        kw["note"] = f"笔记 {i}：**要点**\n\n- 第一\n- 第二 #idea"
    if i % 2 == 0:
        kw["tags"] = ["reading list", f"topic-{i % 17}"]
    if i % 50 == 0:
        kw["kind"], end = Kind.BOOKMARK, start
    if i % 97 == 0:
        kw["anchor"] = AnchorState.ORPHAN
    return Annotation.from_source(doc.id, doc.source, start, end, **kw)  # type: ignore[arg-type]


def make_items(documents: int, annotations: int) -> list[ExportItem]:
    rng = random.Random(6)
    lines = sample_lines()
    docs = [make_document(n, lines, rng) for n in range(documents)]
    by_doc: dict[str, list[Annotation]] = {doc.id: [] for doc in docs}
    for i in range(annotations):
        doc = docs[i % documents]
        by_doc[doc.id].append(make_annotation(doc, i, rng))
    return [
        ExportItem(doc, by_doc[doc.id], ["to read"], ["Anthropic", "Dario Amodei"]) for doc in docs
    ]


def best(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeat`` runs of ``work`` (seconds) and its last result."""
    times = []
    result: object = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items = make_items(args.documents, args.annotations)
    annos = [a for item in items for a in item.annotations]
    plain = MarkdownOptions(exported="2026-01-01T00:00:00+00:00")
    converted = MarkdownOptions(
        exported=plain.exported,
        script="traditional",
        converter=lambda doc: text_converter(Variant.TRADITIONAL, doc.script),
    )
    print(f"{len(annos):,} annotations over {len(items)} documents")
    seconds, text = best(args.repeat, lambda: render_markdown(items, plain))
    print(f"Markdown, original script:    {seconds * 1000:7.0f} ms  ({len(str(text)):,} chars)")
    seconds, _ = best(args.repeat, lambda: render_markdown(items, converted))
    print(f"Markdown, Traditional (s2t):  {seconds * 1000:7.0f} ms")
    seconds, files = best(args.repeat, lambda: render_per_document(items, plain))
    print(f"Markdown, one file per doc:   {seconds * 1000:7.0f} ms  ({len(files):,} files)")  # type: ignore[arg-type]
    seconds, data = best(args.repeat, lambda: w3c.dumps(annos))
    print(f"W3C JSON export:              {seconds * 1000:7.0f} ms  ({len(str(data)):,} chars)")
    seconds, result = best(args.repeat, lambda: w3c.loads(str(data).encode("utf-8")))
    imported = len(result.annotations)  # type: ignore[attr-defined]
    print(f"W3C JSON import:              {seconds * 1000:7.0f} ms  ({imported:,} annotations)")


if __name__ == "__main__":
    main()
