"""Feed routing: default feeds, -O, the rejects feed, gzip, and the stats."""

from __future__ import annotations

import json

from tests.support import read_jsonl, run_scrapy, shared_path


def test_default_feeds_without_o_and_gzip(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    seed = shared_path("seeds", "wechat_style_article.md")
    (pages / "a.md").write_bytes(seed.read_bytes())
    (pages / "empty.txt").write_bytes(b"")
    run_scrapy("crawl", "files", "-a", f"path={pages}", "-s", f"RUN_STATS_FILE={tmp_path / 'stats.json'}", cwd=tmp_path)
    [articles_file] = (tmp_path / "exports" / "files").glob("files-*.jsonl")
    [rejects_file] = (tmp_path / "exports" / "rejects").glob("files-*.jsonl")
    assert [a["fetched_from"].rsplit("/", 1)[-1] for a in read_jsonl(articles_file)] == ["a.md"]
    assert [r["reason"] for r in read_jsonl(rejects_file)] == ["empty"]
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["articles"] == 1 and stats["rejects"] == 1 and stats["rejects/empty"] == 1
    assert stats["finish_reason"] == "finished"

    run_scrapy("crawl", "files", "-a", f"path={pages}", "-s", "EXPORT_GZIP=1", cwd=tmp_path / "exports")
    [gz_articles] = (tmp_path / "exports" / "exports" / "files").glob("files-*.jsonl.gz")
    [gz_rejects] = (tmp_path / "exports" / "exports" / "rejects").glob("files-*.jsonl.gz")
    assert len(read_jsonl(gz_articles)) == 1 and len(read_jsonl(gz_rejects)) == 1


def test_o_replaces_default_feeds_and_rejects_still_written(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("第一段。\n", encoding="utf-8")
    (pages / "b.bin").write_bytes(b"\x00\x01\x02" * 10)
    run_scrapy("crawl", "files", "-a", f"path={pages}", "-O", "out.jsonl", cwd=tmp_path)
    assert [a["text"] for a in read_jsonl(tmp_path / "out.jsonl")] == ["第一段。"]
    assert not (tmp_path / "exports" / "files").exists()
    [rejects_file] = (tmp_path / "exports" / "rejects").glob("files-*.jsonl")
    assert [r["reason"] for r in read_jsonl(rejects_file)] == ["unsupported"]


def test_missing_path_is_a_clear_error(tmp_path):
    proc = run_scrapy("crawl", "files", "-a", f"path={tmp_path / 'nope'}", cwd=tmp_path, check=False)
    assert "no such file or directory" in proc.stderr


def test_the_fast_jsonlines_exporter_writes_scrapys_bytes():
    from io import BytesIO

    from scrapy.exporters import JsonLinesItemExporter

    from crawler import settings as project_settings
    from crawler.output.feeds import JsonLinesExporter
    from crawler.items import Article, Rejected

    from scrapy.settings import default_settings

    # every name Scrapy gives its JSON-lines exporter (-O out.jsonl picks "jsonl")
    ours = {name: path for name, path in project_settings.FEED_EXPORTERS.items() if name not in ("parquet", "csv")}
    assert {name for name, path in default_settings.FEED_EXPORTERS_BASE.items() if path.endswith(".JsonLinesItemExporter")} \
        == set(ours)
    assert set(ours.values()) == {"crawler.output.feeds.JsonLinesExporter"}
    assert set(JsonLinesExporter.FIELDS) == {Article, Rejected}, "both take the fast path"
    article = Article(url="https://www.sohu.com/a/1_2", fetched_from="http://h/a/1_2", source="sohu",
                      title="标题 \"quoted\"\n", blocks=[{"type": "paragraph", "text": "第一段。\u2028", "lang": "zh"}],
                      text="第一段。\u2028", langs={"zh": 1.0}, removed=[{"reason": "spam", "text": "x.cn"}])
    items = [article, Rejected(fetched_from="f", url=None, reason="empty", status=404), {"free": "form", "n": 1}]

    def export(cls, **options) -> bytes:
        out = BytesIO()
        exporter = cls(out, **options)
        exporter.start_exporting()
        for item in items:
            exporter.export_item(item)
        exporter.finish_exporting()
        return out.getvalue()

    for options in ({"encoding": "utf-8"}, {}, {"encoding": "utf-8", "fields_to_export": ["url", "reason"]},
                    {"encoding": "utf-8", "indent": 2}):
        assert export(JsonLinesExporter, **options) == export(JsonLinesItemExporter, **options), options
    assert "标题".encode() in export(JsonLinesExporter, encoding="utf-8")


def test_csv_holds_nested_fields_as_json_text():
    import csv
    from io import BytesIO, StringIO

    from crawler import settings as project_settings
    from crawler.items import Article
    from crawler.output.feeds import CsvExporter

    assert project_settings.FEED_EXPORTERS["csv"] == "crawler.output.feeds.CsvExporter"
    article = Article(url="https://www.sohu.com/a/1_2", fetched_from="http://h/a/1_2", source="sohu", title="标题, \"引号\"",
                      blocks=[{"type": "paragraph", "text": "第一段。", "lang": "zh"}], text="第一段。",
                      langs={"zh": 1.0}, images=[{"url": "https://i/1.jpg", "alt": None}], removed=[])
    out = BytesIO()
    exporter = CsvExporter(out, encoding="utf-8")
    exporter.start_exporting()
    exporter.export_item(article)
    exporter.finish_exporting()
    [row] = list(csv.DictReader(StringIO(out.getvalue().decode("utf-8"))))
    assert row["title"] == article.title and row["text"] == "第一段。"
    for name in ("blocks", "langs", "images", "removed"):
        assert json.loads(row[name]) == getattr(article, name), name
