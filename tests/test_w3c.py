"""W3C Web Annotation JSON: the W3C's own MUST assertions, round trips, and hostile imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rfc3987
from export_samples import CORPUS, annotations, documents
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtui.annotations.model import AnchorState, Annotation, Colour, Kind
from kbtui.exchange import w3c
from kbtui.lookup.vocab import VocabEntry

W3C_TESTS = Path(
    os.environ.get("KBTUI_W3C_TESTS", Path(__file__).resolve().parent / "w3c-annotation-tests")
)
"""The W3C test suite's assertions and ``check.py``, copied with their licence from
``../shared`` (see DESIGN.md) so a fresh clone runs them; ``KBTUI_W3C_TESTS`` overrides."""


SAMPLE_WORD = VocabEntry(
    simplified="安全",
    traditional="安全",
    pinyin="ān quán",
    numbered="an1 quan2",
    zhuyin="ㄢ ㄑㄩㄢˊ",
    definitions=("safe; secure", "safety; security"),
    sentence="对于外界批评他“想要控制整个行业，只有他能构建安全 AI”的言论，",
    doc_id="003_0b861dc1db151f35.txt",
    title="Dario Amodei 访谈整理",
    start=3350,
    end=3352,
    id="0f6b3c3e9d5e4a3e8b1c2d3e4f5a6b7c",
    added="2026-01-12T10:00:00+00:00",
)
"""A word of the word list, exported beside the annotations as a ``describing`` one."""


def samples() -> list[Annotation]:
    return annotations({d.id: d for d in documents()})


def one(**kw: object) -> dict[str, object]:
    """A minimal valid Web Annotation, with ``kw`` replacing or adding keys."""
    anno: dict[str, object] = {
        "@context": w3c.CONTEXT,
        "id": "urn:uuid:11111111-2222-4333-8444-555555555555",
        "type": "Annotation",
        "target": {
            "source": "urn:kbtui:doc:a.txt",
            "selector": [
                {"type": "TextQuoteSelector", "exact": "bc", "prefix": "a", "suffix": "d"},
                {"type": "TextPositionSelector", "start": 1, "end": 3},
            ],
        },
    }
    anno.update(kw)
    return anno


# --- the W3C test suite ---------------------------------------------------------------------


def test_export_passes_every_w3c_must_assertion(tmp_path: Path) -> None:
    annos = samples()
    assert {a.kind for a in annos} == {Kind.HIGHLIGHT, Kind.UNDERLINE, Kind.BOOKMARK}
    assert any(a.note for a in annos) and any(not a.note for a in annos)
    assert any(a.tags for a in annos)
    path = tmp_path / "export.json"
    tags = {"002_be2c72276a634b9f.txt": ["to read"]}
    words = [w3c.word_to_w3c(SAMPLE_WORD, (CORPUS / SAMPLE_WORD.doc_id).read_text("utf-8"))]
    path.write_text(w3c.dumps(annos, tags, words), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(W3C_TESTS / "check.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(annos) + 2} annotations" in run.stdout
    assert ", 0 MUST failures" in run.stdout


# --- export shape ---------------------------------------------------------------------------


def test_export_shape() -> None:
    anno = w3c.to_w3c(samples()[0])
    assert anno["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert anno["type"] == "Annotation"
    assert anno["id"] == "urn:uuid:00000000-0000-4000-8000-000000000001"
    assert anno["motivation"] == "highlighting"
    assert anno["target"]["source"] == "urn:kbtui:doc:000_7aa956d427ec0c4c.txt"
    assert [s["type"] for s in anno["target"]["selector"]] == [
        "TextQuoteSelector",
        "TextPositionSelector",
    ]
    purposes = [(b["purpose"], b["value"]) for b in anno["body"]]
    assert purposes == [
        ("commenting", "Seven co-founders; **siblings** at the top."),
        ("tagging", "founders"),
        ("tagging", "ai safety"),
    ]
    assert anno["kbtui"]["colour"] == "yellow"


def test_bookmark_without_note_or_tags_has_no_body() -> None:
    bookmark = next(a for a in samples() if a.kind == Kind.BOOKMARK)
    anno = w3c.to_w3c(bookmark)
    assert "body" not in anno
    assert anno["motivation"] == "bookmarking"


def test_document_iri_is_percent_encoded() -> None:
    assert w3c.doc_iri("dir/一 a#b?.txt") == "urn:kbtui:doc:dir/%E4%B8%80%20a%23b%3F.txt"


def test_samples_export_is_stable() -> None:
    """The JSON of the sample annotations, as a golden file a reviewer can read."""
    text = w3c.dumps(samples())
    golden = Path(__file__).parent / "golden" / "annotations.json"
    if os.environ.get("KBTUI_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


# --- round trips ----------------------------------------------------------------------------

times = st.datetimes(timezones=st.timezones()).map(lambda d: d.replace(microsecond=0).isoformat())
ids = (
    st.uuids().map(str)
    | st.text(min_size=1)
    | st.sampled_from(
        [
            *[
                "https://hypothes.is/a/Xy_z",
                "urn:x:y",
                "urn:uuid:00000000-0000-4000-8000-000000000001",
            ],
            *["urn:kbtui:annotation:a%20b", "urn:uuid:not-a-uuid", "http://a:b", "a:b#c#d", "%zz"],
        ]
    )
)


@st.composite
def any_annotation(draw: st.DrawFn) -> Annotation:
    """Annotations with hostile text everywhere text goes."""
    start = draw(st.integers(0, 10**9))
    return Annotation(
        doc_id=draw(st.text(min_size=1)),
        start=start,
        end=start + draw(st.integers(0, 10**6)),
        quote=draw(st.text()),
        prefix=draw(st.text()),
        suffix=draw(st.text()),
        colour=draw(st.sampled_from(Colour)),
        kind=draw(st.sampled_from(Kind)),
        note=draw(st.text()),
        tags=draw(st.lists(st.text().filter(str.strip))),
        text_hash=draw(st.text()),
        id=draw(ids),
        created=draw(times),
        updated=draw(times),
        anchor=draw(st.sampled_from(AnchorState)),
        score=draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(any_annotation(), max_size=5, unique_by=lambda a: a.id))
def test_round_trip_through_json_is_exact(annos: list[Annotation]) -> None:
    result = w3c.loads(w3c.dumps(annos))
    assert result.rejections == []
    assert result.annotations == annos


@settings(max_examples=300, deadline=None)
@given(any_annotation())
def test_every_id_and_source_is_a_valid_uri(a: Annotation) -> None:
    """What check.py's ``format: uri`` asks: an RFC 3986 URI, whatever the id or file name."""
    anno = w3c.to_w3c(a)
    assert rfc3987.match(anno["id"], rule="URI")
    assert rfc3987.match(anno["target"]["source"], rule="URI")


def test_document_tags_round_trip_and_merge() -> None:
    text = w3c.dumps([], {"a b.txt": ["to read", "trust"], "c.txt": [], "d.txt": ["x"]})
    item = json.loads(text)[0]
    assert item["motivation"] == "tagging"
    assert item["target"] == "urn:kbtui:doc:a%20b.txt"
    assert item["id"] == w3c.document_tags_to_w3c("a b.txt", [])["id"]
    result = w3c.loads(text)
    assert result.document_tags == {"a b.txt": ["to read", "trust"], "d.txt": ["x"]}
    assert result.annotations == [] and result.rejections == []
    twice = w3c.from_w3c(json.loads(text) * 2)
    assert twice.document_tags == result.document_tags


def test_document_tags_from_another_tool() -> None:
    item = {
        "type": "Annotation",
        "motivation": ["tagging"],
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "t"},
        "target": {"source": "a.txt"},
    }
    result = w3c.from_w3c([item], known_docs={"a.txt"})
    assert result.document_tags == {"a.txt": ["t"]}
    elsewhere = w3c.from_w3c([item], known_docs={"b.txt"})
    assert (elsewhere.document_tags, elsewhere.missing) == ({"a.txt": ["t"]}, {"a.txt"})
    assert elsewhere.rejections == []


def test_samples_round_trip() -> None:
    annos = samples()
    assert w3c.loads(w3c.dumps(annos)).annotations == annos


# --- import ---------------------------------------------------------------------------------


def test_reads_a_collection_a_page_a_single_annotation_and_bytes() -> None:
    collection = {"type": "AnnotationCollection", "items": [one()]}
    paged = {"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": [one()]}}
    for data in (collection, paged, one(), [one()]):
        result = w3c.loads(json.dumps(data).encode("utf-8"))
        assert [a.id for a in result.annotations] == ["11111111-2222-4333-8444-555555555555"]
    a = w3c.from_w3c(one()).annotations[0]
    assert (a.doc_id, a.start, a.end, a.quote, a.prefix, a.suffix) == (
        "a.txt",
        1,
        3,
        "bc",
        "a",
        "d",
    )


def test_bare_document_id_and_single_selector_object() -> None:
    target = {
        "source": "dir/b.txt",
        "selector": {"type": "TextPositionSelector", "start": 0, "end": 2},
    }
    a = w3c.from_w3c([one(target=target)]).annotations[0]
    assert (a.doc_id, a.start, a.end, a.quote) == ("dir/b.txt", 0, 2, "")


def test_quote_without_position_is_left_for_the_store_to_place() -> None:
    target = {"source": "a.txt", "selector": {"type": "TextQuoteSelector", "exact": "bc"}}
    a = w3c.from_w3c([one(target=target)]).annotations[0]
    assert (a.start, a.end, a.anchor, a.text_hash, a.quote) == (0, 0, AnchorState.ORPHAN, "", "bc")


def test_foreign_bodies_notes_and_tags() -> None:
    body = [
        {"type": "TextualBody", "value": "first"},
        {"type": "TextualBody", "purpose": "commenting", "value": "second"},
        {"type": "TextualBody", "purpose": "tagging", "value": "t1"},
        {"type": "TextualBody", "purpose": "tagging", "value": "  "},
        "https://example.com/linked-resource",
    ]
    a = w3c.from_w3c([one(body=body, motivation="bookmarking")]).annotations[0]
    assert (a.note, a.tags, a.kind) == ("first\n\nsecond", ["t1"], Kind.BOOKMARK)
    assert w3c.from_w3c([one(bodyValue="plain")]).annotations[0].note == "plain"


def test_an_item_without_id_gets_the_same_id_every_time() -> None:
    item = one()
    del item["id"]
    first = w3c.from_w3c([item]).annotations[0]
    again = w3c.from_w3c(json.loads(json.dumps([item]))).annotations[0]
    assert first.id == again.id


BAD_ITEMS = [
    ("not a JSON object", 42),
    ("not Annotation", one(type="AnnotationPage")),
    ("target is missing", one(target=None)),
    ("whole resource", one(target="urn:kbtui:doc:a.txt")),
    (
        "target.source is missing",
        one(target={"selector": {"type": "TextQuoteSelector", "exact": "x"}}),
    ),
    ("no TextQuoteSelector", one(target={"source": "a.txt", "selector": {"type": "CssSelector"}})),
    (
        "TextQuoteSelector.exact",
        one(target={"source": "a", "selector": {"type": "TextQuoteSelector"}}),
    ),
    (
        "start is not a whole number",
        one(
            target={
                "source": "a",
                "selector": {"type": "TextPositionSelector", "start": -1, "end": 2},
            }
        ),
    ),
    (
        "end is not a whole number",
        one(
            target={
                "source": "a",
                "selector": {"type": "TextPositionSelector", "start": 0, "end": True},
            }
        ),
    ),
    (
        "start is after its end",
        one(
            target={
                "source": "a",
                "selector": {"type": "TextPositionSelector", "start": 5, "end": 2},
            }
        ),
    ),
    (
        "names no document",
        one(
            target={
                "source": "urn:kbtui:doc:",
                "selector": {"type": "TextQuoteSelector", "exact": ""},
            }
        ),
    ),
    (
        "percent-encoded UTF-8",
        one(
            target={
                "source": "urn:kbtui:doc:%ff",
                "selector": {"type": "TextQuoteSelector", "exact": ""},
            }
        ),
    ),
    ("id is missing or not text", one(id=7)),
    ("id is empty", one(id="")),
    ("colour 'pink'", one(kbtui={"colour": "pink"})),
    ("kind", one(kbtui={"kind": ["x"]})),
    ("kbtui is not an object", one(kbtui=[])),
    ("score is not a finite number", one(kbtui={"score": 10**400})),
    ("created 'yesterday'", one(created="yesterday")),
    ("modified", one(modified="2024-01-01")),
    ("a body's value", one(body={"type": "TextualBody", "value": {"x": 1}})),
    ("not valid Unicode", one(body={"type": "TextualBody", "value": "\ud800"})),
]


@pytest.mark.parametrize(("reason", "item"), BAD_ITEMS, ids=[r for r, _ in BAD_ITEMS])
def test_a_malformed_item_is_rejected_with_a_reason(reason: str, item: object) -> None:
    good = one(id="urn:uuid:99999999-2222-4333-8444-555555555555")
    result = w3c.from_w3c([good, item])
    assert [a.id for a in result.annotations] == ["99999999-2222-4333-8444-555555555555"]
    [rejection] = result.rejections
    assert rejection.index == 2
    assert reason in rejection.reason
    assert str(rejection).startswith("item 2")


def test_duplicates_are_rejected_and_unknown_documents_kept() -> None:
    other = one(
        target={"source": "elsewhere.txt", "selector": {"type": "TextQuoteSelector", "exact": "x"}}
    )
    other["id"] = "urn:uuid:99999999-2222-4333-8444-555555555555"
    result = w3c.from_w3c([one(), one(), other], known_docs={"a.txt"})
    assert [a.doc_id for a in result.annotations] == ["a.txt", "elsewhere.txt"]
    assert [str(r) for r in result.rejections] == [
        "item 2 (urn:uuid:11111111-2222-4333-8444-555555555555): the same id as item 1",
    ]
    assert result.missing == {"elsewhere.txt"} and result.missing_annotations() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a JSON file"),
        ("# Markdown, not JSON\n", "not a JSON file"),
        ("[1, 2", "not a JSON file"),
        (b'["\xff\xff"]', "not a readable JSON file"),
        ("[" * 100_000 + "]" * 100_000, "not a readable JSON file"),
        ('"just a string"', "expected an array"),
        ('{"type": "Thing"}', "expected an array"),
        ('{"items": {"not": "a list"}}', "no list of items"),
    ],
)
def test_a_file_that_is_not_annotations_is_one_clear_error(text: str | bytes, message: str) -> None:
    with pytest.raises(w3c.W3CError, match=message):
        w3c.loads(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _child(node: object, key: str | int) -> object:
    """``node[key]`` when that is a list or object to descend into, else ``node``."""
    if isinstance(node, dict) and isinstance(key, str):
        child = node.get(key)
    elif isinstance(node, list) and isinstance(key, int) and key < len(node):
        child = node[key]
    else:
        return node
    return child if isinstance(child, dict | list) else node


@st.composite
def mangled_annotation(draw: st.DrawFn) -> object:
    """A valid annotation with random parts replaced by random JSON values."""
    anno = json.loads(json.dumps(w3c.to_w3c(draw(st.sampled_from(samples())))))
    for _ in range(draw(st.integers(1, 4))):
        node = anno
        path = draw(
            st.lists(st.sampled_from(["target", "selector", "body", "kbtui", 0, 1]), max_size=3)
        )
        for key in path:
            node = _child(node, key)
        if isinstance(node, dict) and node:
            node[draw(st.sampled_from(sorted(node)))] = draw(json_values)
    return anno


@settings(max_examples=500, deadline=None)
@given(st.lists(mangled_annotation() | json_values, max_size=4))
def test_import_never_raises_on_any_item(items: list[object]) -> None:
    result = w3c.from_w3c(items)
    assert len(result.annotations) + len(result.rejections) == len(items)
    for rejection in result.rejections:
        assert rejection.reason


# --- the word list ----------------------------------------------------------------------------


def test_a_word_is_a_describing_annotation_and_comes_back_as_a_word() -> None:
    source = (CORPUS / SAMPLE_WORD.doc_id).read_text(encoding="utf-8")
    anno = w3c.word_to_w3c(SAMPLE_WORD, source)
    assert anno["motivation"] == "describing"
    assert anno["id"] == "urn:kbtui:word:" + SAMPLE_WORD.id
    assert anno["body"]["purpose"] == "describing"
    assert "ān quán" in anno["body"]["value"] and "safety" in anno["body"]["value"]
    quote, position = anno["target"]["selector"]
    assert (quote["exact"], quote["prefix"][-4:], quote["suffix"][:3]) == (
        "安全",
        "他能构建",
        " AI",
    )
    assert (position["start"], position["end"]) == (3350, 3352)
    result = w3c.loads(w3c.dumps(samples(), None, [anno]))
    assert result.words == [SAMPLE_WORD] and result.rejections == []
    assert len(result.annotations) == len(samples())


def test_a_malformed_word_is_rejected_with_its_reason() -> None:
    anno = w3c.word_to_w3c(SAMPLE_WORD)
    assert anno["target"]["selector"][0] == {"type": "TextQuoteSelector", "exact": "安全"}
    no_position = {**anno, "target": {**anno["target"], "selector": anno["target"]["selector"][:1]}}
    no_senses = {**anno, "kbtui": {"word": {**anno["kbtui"]["word"], "definitions": "safe"}}}
    result = w3c.from_w3c([no_position, no_senses])
    assert result.words == []
    assert [r.reason for r in result.rejections] == [
        "a word needs a TextPositionSelector",
        "vocabulary entry: 'definitions' must be a list of text",
    ]


def test_another_tools_describing_annotation_stays_an_annotation() -> None:
    result = w3c.from_w3c([one(motivation="describing")])
    assert result.words == [] and len(result.annotations) == 1
