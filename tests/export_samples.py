"""A fixed set of documents and annotations for the export tests and golden files.

The documents are the bundled sample corpus, with metadata written out here
(what :meth:`kbtui.documents.corpus.Corpus.load` finds, checked in test_export) so
the golden files change only when the export does. Annotations have fixed
ids and times and cover every case the export must handle: notes with
hostile Markdown and Rich markup, tags with spaces and punctuation, a
bookmark, an underline, a multi-line quote, a quote of a source block quote,
and an orphan.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kbtui.annotations.model import AnchorState, Annotation, Colour, Kind
from kbtui.documents.model import Document, Metadata
from kbtui.exchange.markdown import ExportItem

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

CREATED = "2026-01-10T08:00:00+00:00"
UPDATED = "2026-01-11T09:30:00+00:00"
EXPORTED = "2026-02-01T12:00:00+00:00"

METADATA = {
    "000_7aa956d427ec0c4c.txt": Metadata(
        title="Anthropic的诞生与安全愿景：AGI概念的重新审视",
        date="2026-01-08",
        source_url="https://www.youtube.com/watch?v=1nqrRGO5KYE",
        tags=["ai-safety", "large-language-models", "enterprise-ai"],
    ),
    "001_a7702332fec17ca5.txt": Metadata(
        title="Anthropic的联合创始人丹妮拉·阿莫代伊",
        title_inferred=True,
        full_title="Anthropic的联合创始人丹妮拉·阿莫代伊",
    ),
    "002_be2c72276a634b9f.txt": Metadata(
        title="一群AI科學家不想創業，卻為了信任創立了巨頭Anthropic？",
        date="2025-05-13",
    ),
    "003_0b861dc1db151f35.txt": Metadata(
        title="Dario Amodei 访谈整理", date="2025-08-04", tags=["AI", "访谈"]
    ),
    "004_6b75a25af0571ee2.txt": Metadata(
        title="炮轟黃仁勛,決裂奧特曼!1700億美元估值背后,硅谷最不好惹的AI狂人",
        date="2025-07-30",
        title_inferred=True,
    ),
}

ENTITIES = {
    "000_7aa956d427ec0c4c.txt": [
        "丹妮拉·阿莫代伊",
        "Anthropic",
        "OpenAI",
        "Google Brain",
        "Claude",
    ],
    "001_a7702332fec17ca5.txt": ["丹妮拉·阿莫代伊", "Anthropic", "OpenAI"],
    "002_be2c72276a634b9f.txt": ["Dario Amodei", "Daniela Amodei", "Anthropic"],
    "003_0b861dc1db151f35.txt": ["Dario Amodei", "Anthropic", "Claude"],
    "004_6b75a25af0571ee2.txt": ["Dario Amodei", "Anthropic"],
}

USER_TAGS = {"002_be2c72276a634b9f.txt": ["to read", "trust"]}

HOSTILE_NOTE = (
    "# heading in a note\n---\n> not a quote\n```\nunclosed fence\n"
    "[@click=app.quit] {{ 7*7 }} \x1b[31mred\x1b[0m\n===\n<div>\n%% comment\n[x]: http://e.x"
)
"""A note that tries every way to break the Markdown around it."""


def body_start(source: str) -> int:
    """Where the body begins after YAML frontmatter (as the loader finds it)."""
    if not source.startswith("---\n"):
        return 0
    end = source.index("\n---\n", 3)
    return end + len("\n---\n")


def document(doc_id: str) -> Document:
    """A sample document with its fixed metadata."""
    path = CORPUS / doc_id
    source = path.read_text(encoding="utf-8")
    return Document(doc_id, path, source, METADATA[doc_id], body_start=body_start(source))


def documents() -> list[Document]:
    """All five sample documents, in id order."""
    return [document(doc_id) for doc_id in sorted(METADATA)]


def _at(doc: Document, quote: str, n: int, **kw: object) -> Annotation:
    """An annotation of the first occurrence of ``quote`` with a fixed id and times."""
    start = doc.source.index(quote)
    return Annotation.from_source(
        doc.id,
        doc.source,
        start,
        start + len(quote),
        id=f"00000000-0000-4000-8000-{n:012d}",
        created=CREATED,
        updated=UPDATED,
        text_hash=doc.text_hash,
        **kw,
    )


def annotations(docs: dict[str, Document]) -> list[Annotation]:
    """The fixed annotations over the sample documents."""
    d0 = docs["000_7aa956d427ec0c4c.txt"]
    d1 = docs["001_a7702332fec17ca5.txt"]
    d2 = docs["002_be2c72276a634b9f.txt"]
    d3 = docs["003_0b861dc1db151f35.txt"]
    bookmark = _at(d0, "### B端市场聚焦", 3, kind=Kind.BOOKMARK, colour=Colour.BLUE)
    orphan = _at(d0, "七位联合创始人", 4, colour=Colour.RED, note=HOSTILE_NOTE)
    return [
        _at(
            d0,
            "七位联合创始人，包括丹妮拉·阿莫代伊和她的兄长达里奥·阿莫代伊",
            1,
            note="Seven co-founders; **siblings** at the top.",
            tags=["founders", "ai safety"],
        ),
        _at(
            d0,
            "在资源远逊于OpenAI、谷歌和Meta等竞争对手的情况下",
            2,
            colour=Colour.GREEN,
            note=HOSTILE_NOTE,
            tags=["1984", "a:b|c"],
        ),
        replace(bookmark, end=bookmark.start, quote=""),
        replace(orphan, quote="这句话已经不在文中了", anchor=AnchorState.ORPHAN, score=0.31),
        _at(
            d1,
            "首先\n我们得从 Anthropic 的出身说起\n很多人都知道",
            5,
            kind=Kind.UNDERLINE,
            colour=Colour.BLUE,
        ),
        _at(
            d2,
            "「這是一個非常困難的決定，」Chris Olah談到離開OpenAI時說道",
            6,
            colour=Colour.RED,
            note="多行\n\n第二段",
            tags=["信任"],
        ),
        _at(d3, "> Dario Amodei 以及它背后的 Anthropic 公司", 7, colour=Colour.PURPLE),
        _at(d3, "**Dario Amodei** 最近参加的一次采访", 8, tags=["founders"], note="  "),
    ]


def items() -> list[ExportItem]:
    """Every sample document with its annotations, user tags and entities."""
    docs = {doc.id: doc for doc in documents()}
    annos = annotations(docs)
    return [
        ExportItem(
            doc,
            [a for a in annos if a.doc_id == doc.id],
            USER_TAGS.get(doc.id, []),
            ENTITIES[doc.id],
        )
        for doc in docs.values()
    ]
