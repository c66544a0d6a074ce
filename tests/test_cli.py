"""The command line: output shapes, option placement, errors as one line, no Textual for CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbtui.annotations.model import Annotation
from kbtui.annotations.store import Store
from kbtui.cli import main
from kbtui.scripts.locales import Locale
from kbtui.scripts.views import Variant, convert_text

DOC_000 = "000_7aa956d427ec0c4c.txt"
DOC_002 = "002_be2c72276a634b9f.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def annotate(db: Path, corpus: Path, doc_id: str, needle: str, **fields: object) -> Annotation:
    source = (corpus / doc_id).read_text(encoding="utf-8")
    start = source.index(needle)
    annotation = Annotation.from_source(doc_id, source, start, start + len(needle), **fields)
    store = Store.open(db)
    store.add(annotation)
    store.close()
    return annotation


def test_list_json_has_the_fields(capsys: pytest.CaptureFixture[str], sample_corpus: Path) -> None:
    code, out, _ = run(capsys, "list", "--json", "--corpus", str(sample_corpus))
    assert code == 0
    records = {r["id"]: r for r in json.loads(out)}
    assert set(records) == {p.name for p in sample_corpus.glob("*.txt")}
    for key in ("id", "title", "date", "source", "script", "tags", "chars", "problems"):
        assert key in records[DOC_000]
    assert records["004_6b75a25af0571ee2.txt"]["date"] == "2025-07-30"
    assert records[DOC_002]["script"] == "traditional"


def test_options_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path
) -> None:
    before = run(capsys, "--corpus", str(sample_corpus), "list", "--json")
    after = run(capsys, "list", "--json", "--corpus", str(sample_corpus))
    assert before == after and before[0] == 0


def test_show_in_every_script(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", DOC_002, "--script", "simplified")
    assert code == 0 and "偶然聚集的天才团队" in out
    _, out, _ = run(capsys, "show", DOC_000, "--script", "traditional")
    assert "誕生" in out and "title:" not in out
    _, out, _ = run(capsys, "show", "004_6b75a25af0571ee2.txt", "--script", "taiwan")
    assert "戴著一副" in out and "軟件公司" in out  # zh-Hant → t2tw: characters, not words


def _reading_text(corpus: Path, doc_id: str) -> str:
    from kbtui.documents.metadata import describe
    from kbtui.view.markdown import render

    source = (corpus / doc_id).read_text(encoding="utf-8")
    return render(source, describe(source, doc_id).body_start).text


def test_show_from_a_source_locale(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    text = _reading_text(sample_corpus, DOC_002)
    tw2sp = convert_text(text, Variant.SIMPLIFIED, Locale.TW)[0]
    assert tw2sp != convert_text(text, Variant.SIMPLIFIED, Locale.HANT)[0]  # 硅谷, not 矽谷
    argv = ["show", DOC_002, "--script", "simplified", "--corpus", str(sample_corpus)]
    db = ["--db", str(tmp_path / "kb.json")]
    code, out, err = run(capsys, *argv, "--source", "zh-TW", *db)
    assert (code, out.rstrip("\n"), err) == (0, tw2sp.rstrip("\n"), "")
    with Store.open(tmp_path / "kb.json") as store:  # the locale set in the app is the default
        store.set_locale(DOC_002, "zh-TW")
    assert run(capsys, *argv, *db)[1] == out


@pytest.mark.parametrize("tag", ["klingon", "ja", "zh"])
def test_a_bad_source_is_a_one_line_usage_error(
    capsys: pytest.CaptureFixture[str], tag: str
) -> None:
    code, out, err = run(capsys, "show", DOC_002, "--script", "simplified", "--source", tag)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "--source" in err and "zh-TW" in err


def test_a_japanese_document_has_no_chinese_views(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "ja.md").write_text("日本語の文章です。東京で会議を行いました。", encoding="utf-8")
    argv = ["show", "ja.md", "--script", "simplified", "--corpus", str(tmp_path)]
    code, out, err = run(capsys, *argv, "--db", str(tmp_path / "kb.json"))
    assert (code, out) == (1, "") and "Japanese" in err and err.count("\n") == 1


def test_search_json_is_script_insensitive(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "創立", "--json")
    assert code == 0
    result = json.loads(out)
    docs = {group["doc"] for group in result["documents"]}
    assert {DOC_000, DOC_002} <= docs  # 创立 (Simplified) and 創立 (Traditional)
    hit = result["documents"][0]["hits"][0]
    assert {"doc", "start", "context"} <= set(hit)


def test_search_finds_regional_words_and_says_which(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "tw.md").write_text("這套軟體很好用，软件也是。", encoding="utf-8")
    code, out, _ = run(capsys, "search", "软件", "--json", "--corpus", str(tmp_path))
    [group] = json.loads(out)["documents"]
    assert code == 0 and [h.get("variant") for h in group["hits"]] == ["軟體 (Taiwan)", None]
    _, out, _ = run(capsys, "search", "软件", "--corpus", str(tmp_path))
    assert "軟體 (Taiwan)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["list", "--corpus", "/no/such/folder"], "/no/such/folder"),
        (["show", "nope.md"], "nope.md"),
        (["import", "/no/such/file.json"], "/no/such/file.json"),
        (["export", "--doc", "nope.md"], "nope.md"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code != 0
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_corrupt_database_is_reported_and_kept(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    db.write_bytes(b'{"annotations": [1, 2')
    code, _, err = run(capsys, "list", "--db", str(db))
    assert code != 0 and str(db) in err and err.count("\n") == 1
    assert db.read_bytes() == b'{"annotations": [1, 2'


@pytest.mark.parametrize("command", [["export"], ["export", "--format", "json"]])
def test_a_malformed_annotation_in_the_database_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "db.json"
    record = {"id": "x", "doc_id": DOC_000, "start": "5", "end": 9, "quote": "安全护栏"}
    db.write_text(
        json.dumps({"meta": {"schema": {"version": 1}}, f"annotations:{DOC_000}": {"x": record}}),
        encoding="utf-8",
    )
    before = db.read_bytes()
    code, _, err = run(capsys, *command, "--db", str(db))
    assert code != 0 and "malformed annotation 'x'" in err and err.count("\n") == 1
    assert db.read_bytes() == before


def test_export_markdown_and_json_round_trip(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "安全护栏", note="a *note*", tags=["safety"])
    annotate(db, sample_corpus, DOC_002, "偶然聚集", tags=["team"])
    code, markdown, _ = run(capsys, "export", "--db", str(db))
    assert code == 0
    assert "> 安全护栏" in markdown and "#safety" in markdown and f"{DOC_000}#" in markdown
    _, traditional, _ = run(capsys, "export", "--db", str(db), "--script", "traditional")
    assert "> 安全護欄" in traditional

    exported = tmp_path / "notes.json"
    assert (
        run(capsys, "export", "--db", str(db), "--format", "json", "--out", str(exported))[0] == 0
    )
    fresh = tmp_path / "fresh.json"
    code, out, _ = run(capsys, "import", str(exported), "--db", str(fresh))
    assert code == 0 and "added 2" in out
    code, out, _ = run(capsys, "import", str(exported), "--db", str(fresh))
    assert "added 0" in out and "unchanged 2" in out
    _, again, _ = run(capsys, "export", "--db", str(fresh))
    strip = [line for line in markdown.splitlines() if not line.startswith("exported:")]
    assert strip == [line for line in again.splitlines() if not line.startswith("exported:")]


def test_export_to_folder_never_overwrites_unasked(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "安全护栏")
    out = tmp_path / "notes"
    assert run(capsys, "export", "--db", str(db), "--out", f"{out}/")[0] == 0
    [written] = list(out.iterdir())
    written.write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "export", "--db", str(db), "--out", f"{out}/")
    assert code != 0 and "--force" in err
    assert written.read_text(encoding="utf-8") == "mine"
    assert run(capsys, "export", "--db", str(db), "--out", f"{out}/", "--force")[0] == 0
    assert "安全护栏" in written.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "command", ["list", "show 000_7aa956d427ec0c4c.txt", "search AI", "mentions Claude"]
)
def test_cli_commands_do_not_import_textual(command: str) -> None:
    code = (
        "import sys\nfrom kbtui.cli import main\n"
        f"try:\n    main({command.split()!r})\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('textual' in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stderr.strip().endswith("False"), done.stderr


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("kbtui ")


def test_json_export_keeps_to_the_tag(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "安全护栏", tags=["safety"])
    annotate(db, sample_corpus, DOC_002, "偶然聚集", tags=["team"])
    code, out, _ = run(capsys, "export", "--db", str(db), "--format", "json", "--tag", "team")
    assert code == 0
    quotes = [
        selector["exact"]
        for item in json.loads(out)
        for selector in item["target"].get("selector", [])
        if selector["type"] == "TextQuoteSelector"
    ]
    assert quotes == ["偶然聚集"]


def test_export_of_one_document(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_000, "安全护栏")
    annotate(db, sample_corpus, DOC_002, "偶然聚集")
    code, out, err = run(capsys, "export", "--db", str(db), "--doc", DOC_002)
    assert code == 0, err
    assert "> 偶然聚集" in out and "安全护栏" not in out
    code, _, err = run(capsys, "export", "--db", str(db), "--doc", "nope.md")
    assert code != 0 and "no document 'nope.md'" in err


def test_export_in_a_script_converts_from_the_documents_locale(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    annotate(db, sample_corpus, DOC_002, "與矽谷常見")
    argv = ["export", "--db", str(db), "--doc", DOC_002, "--script", "simplified"]
    assert "> 与矽谷常见" in run(capsys, *argv)[1]  # zh-Hant: t2s keeps 矽谷
    with Store.open(db) as store:
        store.set_locale(DOC_002, "zh-TW")
    assert "> 与硅谷常见" in run(capsys, *argv)[1]  # zh-TW: tw2sp says 硅谷


def test_file_names_are_printed_without_control_characters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a\x1b[31m\u202ename.md").write_text("# title\nneedle\n", encoding="utf-8")
    for argv in (["list"], ["search", "needle"]):
        code, out, _ = run(capsys, *argv, "--corpus", str(corpus))
        assert code == 0 and "name.md" in out
        assert "\x1b" not in out and "\u202e" not in out


def test_list_reports_names_it_cannot_use(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("正文", encoding="utf-8")
    with open(os.fsencode(corpus) + b"/\xd6\xd0.md", "wb") as file:
        file.write("正文".encode())
    code, out, err = run(capsys, "list", "--corpus", str(corpus))
    assert code == 0 and out.splitlines()[1].startswith("a.md  ")
    assert "kbtui: \\xd6\\xd0.md: name is not valid UTF-8" in err


def test_mentions_of_one_entity_in_any_spelling(
    capsys: pytest.CaptureFixture[str], sample_corpus: Path
) -> None:
    code, out, _ = run(capsys, "mentions", "達里奧")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Dario Amodei  (person; also 达里奥·阿莫代伊")
    assert "111 mentions in 5 documents" in lines[0]  # 004's bare Amodei resolved to Dario
    documents = [line.split()[0] for line in lines if line[:3] == "  0"]
    assert documents == sorted(p.name for p in sample_corpus.glob("*.txt"))
    assert "  001_a7702332fec17ca5.txt  (10)" in lines
    assert any("她的兄长达里奥·阿莫代伊" in line for line in lines)


def test_mentions_json_and_every_entity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "mentions", "Amodei", "--json")
    assert code == 0
    [shared] = json.loads(out)
    assert shared["kind"] == "ambiguous"
    assert set(shared["candidates"]) == {"dario amodei", "daniela amodei", "riccardo amodei"}
    assert shared["documents"] == []  # 004's bare Amodei are resolved in context, to Dario
    code, out, _ = run(capsys, "mentions", "Dario Amodei", "--json")
    doc = json.loads(out)[0]["documents"][-1]
    assert doc["doc"] == "004_6b75a25af0571ee2.txt" and doc["count"] == len(doc["contexts"])
    assert doc["count"] >= 45 and doc["inferred"] == 53 and doc["contexts"][1]["inferred"]
    assert {"start", "end", "context"} <= set(doc["contexts"][0])
    code, out, _ = run(capsys, "mentions")
    assert code == 0
    assert out.splitlines()[0].startswith("Anthropic  (organisation)")
    assert "… 43 more" in out  # three contexts a document when every entity is listed


def test_mentions_see_the_users_entities(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "db.json"
    store = Store.open(db)
    store.save_user_entity("Hertz Fellow", "organisation", [])
    store.close()
    code, out, _ = run(capsys, "mentions", "hertz fellow", "--db", str(db))
    assert code == 0 and out.startswith("Hertz Fellow  (organisation)  1 mentions")


def test_mentions_of_an_unknown_entity_fail_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "mentions", "Nobody Known")
    assert code == 1 and out == ""
    assert err == "kbtui: no entity is called 'Nobody Known'\n"
