"""Templates learned from the crawl (crawler/cleaning/templates.py, template_stores.py,
crawler/pipelines/templates.py): the library on every backend, the labelled sets
with templates on, and real crawls of the mock site (farm pages, quoting pages)."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.cleaning.template_stores import SCHEME, TemplateStoreMismatch, open_template_store
from crawler.cleaning.templates import _CONTACT_ID, REASON, SIGNAL, Former, Templates, _standalone, load_vocabulary
from crawler.items import Article
from crawler.pipelines.templates import TemplatePipeline
from crawler.testing import mocksite as M
from crawler.testing import template_families, template_labelled
from crawler.testing.livecrawl import FAST, MockSite, crawl, endpoint_settings

FORMER = Former(load_vocabulary())
_prefixes = itertools.count()


def farm_line(n: int) -> str:
    brand = ["金牛", "银狐", "铜象", "铁马", "锡龙", "玉兔"][n % 6]
    return f"本期由【{brand}】财经研究院整理，投资咨询热线 400-820-{1000 + n}，更多资讯请访问 www.pz{n}k{n * 7}.com"


def body(n: int) -> str:
    """A paragraph of its own for article ``n`` (no two alike)."""
    return M.article_text(f"templates-{n}")[0][0]


def article(n: int, texts: list[str], account: str | None = None) -> Article:
    item = Article(url=f"https://example.org/a/{n}", fetched_from=f"https://example.org/a/{n}", source="web",
                   account=account if account is not None else f"账号{n}",
                   blocks=[{"type": "paragraph", "text": t} for t in texts])
    item.join_text()
    return item


def removed_by_templates(item: Article) -> list[dict]:
    return [r for r in item.removed if r.get("signal") == SIGNAL]


def store_factory(backend: str, request, tmp_path):
    def make(prefix: str | None = None):
        options = {"directory": str(tmp_path / "templates")}
        if backend == "redis":
            options.update(redis_url=request.getfixturevalue("redis_url"), redis_prefix=prefix or f"t{next(_prefixes)}")
        return open_template_store(backend, **options)

    make.backend = backend
    return make


@pytest.fixture(params=["memory", "disk", "redis"])
def make_store(request, tmp_path):
    return store_factory(request.param, request, tmp_path)


@pytest.fixture(params=["disk", "redis"])
def make_lasting_store(request, tmp_path):
    return store_factory(request.param, request, tmp_path)


# --- forms ---------------------------------------------------------------------

def test_one_template_whatever_fills_its_slots():
    first, second = FORMER.form(farm_line(1)), FORMER.form(farm_line(2))
    assert first.key == second.key and first.variant != second.variant
    assert "host" in first.cues
    # an id after a platform is a contact; a number after a phone line is a phone number, as notices give
    assert "contact" in FORMER.form("详情请加微信 abc123 咨询").cues
    assert "contact" not in FORMER.form("如有疑问请拨打政务服务热线 12345 咨询").cues
    # another platform and id, another number: the same template
    assert FORMER.form("加微信 abc123 领取3份资料").key == FORMER.form("加QQ 98765432 领取12份资料").key
    # prose: no slot cue, and boilerplate words in passing are no notice
    assert FORMER.form("他在社交平台上分享了详细步骤，没想到收获了不少网友的点赞和关注。").cues == ()
    assert "vocabulary" in FORMER.form("本文来源于网络，如有侵权请联系删除").cues
    assert FORMER.form("短句一个") is None  # too short to learn


# --- learning and removing -------------------------------------------------------

def test_a_farm_template_goes_from_the_third_article_on(make_store):
    templates = Templates(make_store())
    for n in range(6):
        after = body(n + 200).split("。")[0] + "。"  # a sentence of this article's own
        item = article(n, [body(n), farm_line(n) + "。" + after, body(n + 100)])
        templates.clean(item)
        mine = removed_by_templates(item)
        if n < 2:
            assert mine == [] and farm_line(n) in item.text
            continue
        # the farm sentence goes, the sentence glued after it stays
        assert [r["text"] for r in mine] == [farm_line(n) + "。"]
        assert mine[0]["reason"] == REASON and mine[0]["articles"] == n + 1
        assert {"host", "varying_slots"} <= set(mine[0]["evidence"])
        assert after in item.text and farm_line(n) not in item.text
    assert templates.store.count() == 6
    templates.store.close()


def test_recurrence_alone_removes_nothing(make_store):
    """A passage quoted by every article of one account, at their head, and a
    sentence citing an official site inside them: recurrence, edges, even a
    host, but no template filled in anew and no notice: all kept."""
    templates = Templates(make_store())
    for n in range(8):
        item = article(n, [M.QUOTE, body(n), body(n + 50) + M.QUOTE_CITING, body(n + 100)], account="读书会")
        before = item.text
        templates.clean(item)
        assert item.text == before and item.removed == []
    templates.store.close()


def test_an_account_footer_goes_where_the_same_words_in_passing_stay(make_store):
    footer = "本号文章均为原创，未经授权禁止转载，转载请联系后台"
    templates = Templates(make_store())
    for n in range(3):  # mid-article, one article each of three accounts: no evidence in how it recurs
        item = article(n, [body(n), footer, body(n + 10), body(n + 20), body(n + 30)])
        templates.clean(item)
        assert item.removed == []
    kept = []
    for n in range(3, 7):  # at the tail of one account's articles
        item = article(n, [body(n), body(n + 10), footer], account="原创号")
        templates.clean(item)
        kept.append(footer in item.text)
        assert footer in item.text or removed_by_templates(item)[0]["evidence"] == ["vocabulary", "account_edge"]
    assert kept == [True, True, False, False]
    # a short notice in the articles of a fifth source: boilerplate by its spread
    item = article(7, [body(7), footer, body(17), body(27), body(37)])
    templates.clean(item)
    assert removed_by_templates(item)[0]["evidence"] == ["vocabulary", "many_sources"]
    templates.store.close()


def test_an_article_counts_once(make_store):
    templates = Templates(make_store())
    item = article(0, [body(0), farm_line(0)])
    for _ in range(4):
        again = article(0, [body(0), farm_line(0)])
        templates.clean(again)
        assert removed_by_templates(again) == []
    assert templates.store.count() == 1
    templates.store.close()
    del item


def test_two_passes_clean_the_first_articles_too(make_store):
    templates = Templates(make_store())
    corpus = [article(n, [body(n), body(n + 10), farm_line(n)]) for n in range(4)]
    for item in corpus:
        templates.learn(item)
    for item in corpus:
        templates.clean(item)  # learning again counts nothing
        assert [r["text"] for r in removed_by_templates(item)] == [farm_line(corpus.index(item))]
        assert all(r["articles"] == 4 for r in removed_by_templates(item))
    templates.store.close()


VOCABULARY = load_vocabulary()
_WORDS = sorted({*VOCABULARY.platforms, *VOCABULARY.cues})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(st.sampled_from("ab.@1234５٣x 中文，\n"), max_size=6), max_size=8))
def test_the_cue_screen_finds_what_its_pattern_finds(pieces):
    text = "".join(pieces).lower()
    screen = Former(VOCABULARY).screen(text)
    assert screen.search(text) == (re.search(screen.body, text) is not None), (text, screen.body)
    for line in text.split("\n"):
        assert screen.search(line) == (re.search(screen.body, line) is not None), (line, screen.body)


def test_an_article_made_of_templates_only_is_left_whole():
    templates = Templates(open_template_store("memory"))
    for n in range(4):
        item = article(n, [farm_line(n)])
        result = templates.clean(item)
        assert item.removed == [] and result.whole == (n >= 2)


def test_cuts_account_for_the_text_and_keep_the_spans():
    templates = Templates(open_template_store("memory"))
    for n in range(3):
        text = body(n) + farm_line(n) + "。"
        item = article(n, [text, body(n + 10)])
        item.blocks[0]["spans"] = [[0, 4, "link", "https://example.org/"]]
        templates.clean(item)
    assert item.blocks[0]["text"] + "".join(r["text"] for r in item.removed) == text
    assert item.blocks[0]["spans"] == [[0, 4, "link", "https://example.org/"]]


# --- stores --------------------------------------------------------------------

def test_store_persists_and_refuses_forms_of_another_scheme(make_lasting_store):
    make_store = make_lasting_store
    store = make_store("persist")
    store.observe(1, 7, [(42, 3, True)], learn=True)
    store.close()
    store = make_store("persist")
    (stats,) = store.observe(2, 7, [(42, 5, True)], learn=True)
    assert (stats.articles, stats.variants, stats.source_edge) == (2, (1 << 3) | (1 << 5), 2)
    (stats,) = store.observe(3, 8, [(42, 5, False)], learn=False)  # only read
    assert (stats.articles, stats.source_edge) == (2, 0) and store.count() == 2
    store.clear()
    assert store.count() == 0 and store.observe(4, 7, [(42, 1, False)], learn=False)[0].articles == 0
    if make_store.backend == "disk":
        store.db.execute("UPDATE meta SET value = 'templates-v0'")
    else:
        store.client.hset("persist:meta", "scheme", "templates-v0")
    store.close()
    with pytest.raises(TemplateStoreMismatch, match=SCHEME):
        make_store("persist")


# --- the stage -----------------------------------------------------------------

def test_stage_settings():
    assert project_settings.CLEAN_TEMPLATES_ENABLED and project_settings.CLEAN_TEMPLATES_MIN_ARTICLES == 3
    assert project_settings.ITEM_PIPELINES["crawler.pipelines.templates.TemplatePipeline"] < \
        project_settings.ITEM_PIPELINES["crawler.pipelines.clean.CleanPipeline"]
    shim = type("Crawler", (), {})()
    shim.stats = None
    shim.settings = Settings({**vars_of(project_settings), "CLEAN_TEMPLATES_ENABLED": False})
    with pytest.raises(NotConfigured):
        TemplatePipeline.from_crawler(shim)
    shim.settings = Settings({**vars_of(project_settings), "CLEAN_TEMPLATES_BACKEND": "tape"})
    with pytest.raises(ValueError, match="CLEAN_TEMPLATES_BACKEND"):
        TemplatePipeline.from_crawler(shim)


def vars_of(module) -> dict:
    return {name: value for name, value in vars(module).items() if name.isupper()}


# --- the labelled sets -------------------------------------------------------------

@pytest.mark.parametrize("name", ["main", "holdout", "unseen", "fresh"])
def test_labelled_sets_lose_nothing_to_templates_learned_over_them_whole(name):
    """Their carriers recur in dozens of pages (at the head or tail of one
    account's too), each look-alike in three: all of it legitimate."""
    outcome = template_labelled.run(name, "two_pass")
    assert outcome.broken == []
    assert outcome.template_legit == []
    assert outcome.total.kept >= 0.999


# --- real crawls -------------------------------------------------------------------

@pytest.fixture(scope="module")
def site():
    with MockSite() as mock:
        yield mock


def crawl_codes(site, tmp_path, codes: list[str], **settings):
    tmp_path.mkdir(parents=True, exist_ok=True)
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(site.url(f"/s/{code}") + "\n" for code in codes), encoding="utf-8")
    run = crawl("wechat", {"urls": str(urls)},
                {**FAST, **endpoint_settings(site), "SEEN_DIR": str(tmp_path / "seen"),
                 "DEDUP_DIR": str(tmp_path / "dedup"), "CLEAN_TEMPLATES_DIR": str(tmp_path / "templates"),
                 **settings}, tmp_path)
    assert run.returncode == 0 and run.close_reason == "finished", run.log[-3000:]
    assert len(run.articles) == len(codes) and run.rejects == []
    return run


def farm_removed(articles: list[dict]) -> list[bool]:
    """Per article (feed order): whether the learned templates took both farm lines."""
    out = []
    for item in articles:
        n = int(item["fetched_from"].rsplit("farm", 1)[1])
        mine = [r for r in item["removed"] if r.get("signal") == SIGNAL]
        assert all(r["reason"] == REASON and r["articles"] >= 3 for r in mine)
        assert not any(line in item["text"] for line in M.farm_lines(n)) or not mine
        out.append(sorted(r["text"].strip() for r in mine) == sorted(M.farm_lines(n)))
    return out


def test_crawl_removes_a_farm_template_from_the_third_article_on(site, tmp_path):
    run = crawl_codes(site, tmp_path, [f"farm{n}" for n in range(8)], PIPELINE_WORKERS="1")
    # one pipeline worker: articles are learned in the order they are exported
    assert farm_removed(run.articles) == [False, False] + [True] * 6
    assert run.stats["clean/removed/template"] == str(12)
    assert run.stats["templates/articles_changed"] == "6"


def test_crawl_keeps_a_passage_quoted_in_every_article(site, tmp_path):
    run = crawl_codes(site, tmp_path, [f"quote{n}" for n in range(8)])
    for item in run.articles:
        assert not [r for r in item["removed"] if r.get("signal") == SIGNAL]
        assert item["text"].count(M.QUOTE) == 1 and "www.stats.gov.cn" in item["text"]
    assert "templates/articles_changed" not in run.stats
    assert run.stats["templates/articles"] == "8"


def test_crawl_with_workers_sharing_a_redis_store(site, tmp_path, redis_url):
    """Two pipeline workers learn into one Redis store: every article counts
    once, so exactly the first two learned keep the template."""
    settings = {"CLEAN_TEMPLATES_BACKEND": "redis", "CLEAN_TEMPLATES_REDIS_URL": redis_url,
                "CLEAN_TEMPLATES_REDIS_PREFIX": f"crawl{next(_prefixes)}", "PIPELINE_WORKERS": "2"}
    run = crawl_codes(site, tmp_path, [f"farm{n}" for n in range(8)], **settings)
    assert sorted(farm_removed(run.articles)) == [False, False] + [True] * 6
    # the store persists: a second crawl of other farm pages removes the template from each
    again = crawl_codes(site, tmp_path / "again", [f"farm{n}" for n in range(8, 11)], **settings)
    assert farm_removed(again.articles) == [True] * 3


def test_crawl_with_workers_and_a_store_in_memory_learns_in_the_crawl_process(site, tmp_path):
    """The workers' stores would each see half the pages: the crawl process's store learns them all."""
    run = crawl_codes(site, tmp_path, [f"farm{n}" for n in range(6)],
                      CLEAN_TEMPLATES_BACKEND="memory", PIPELINE_WORKERS="2")
    # after the workers' stages: the rules took the tail line already, the template takes the head
    heads = [any(r.get("signal") == SIGNAL and r["text"].strip() == M.farm_lines(int(a["fetched_from"][-1]))[0]
                 for r in a["removed"]) for a in run.articles]
    assert sorted(heads) == [False, False] + [True] * 4
    assert "Pipeline worker" in run.log  # the chain ran in the workers


def test_files_spider_learns_the_whole_corpus_first_when_told(tmp_path, crawl_files):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(4):
        head, tail = M.farm_lines(n)
        page = M.wechat_page(f"files-{n}", f"财经早知道{n}", f"财经号{n}", None, M.ts("2024-03-03"),
                             f"https://mp.weixin.qq.com/s/files{n}", head=(head,), tail=(tail,))
        (corpus / f"{n}.html").write_bytes(page)
    # one worker: the feed's order is the order the pages were learned in (two workers
    # may export the second page seen before the first: a CI run saw [F, T, F, T])
    common = ("-s", f"CLEAN_TEMPLATES_DIR={tmp_path / 'templates'}", "-s", "DEDUP_BACKEND=memory",
              "-s", "PIPELINE_WORKERS=1")
    streamed, rejects, _ = crawl_files(corpus, *common, "-s", "CLEAN_TEMPLATES_RESET=1")
    assert rejects == [] and [bool(removed_by_templates_dict(a)) for a in streamed] == [False, False, True, True]
    both, _, _ = crawl_files(corpus, *common, "-s", "CLEAN_TEMPLATES_RESET=1", "-s", "CLEAN_TEMPLATES_LEARN_FIRST=1")
    assert [len(removed_by_templates_dict(a)) for a in both] == [2, 2, 2, 2]


def removed_by_templates_dict(item: dict) -> list[dict]:
    return [r for r in item["removed"] if r.get("signal") == SIGNAL]


# --- template families ----------------------------------------------------------------

@pytest.fixture(scope="module", params=["stream", "two_pass"])
def families(request):
    return request.param, template_families.run(request.param)


def test_families_of_recurring_content_are_kept(families):
    mode, found = families
    legit = [f for f in found if f.kind == "legit"]
    assert len(legit) >= 8
    assert {f.name: f.removed for f in legit if any(f.removed)} == {}


def test_families_of_spam_lines_go(families):
    """Spam lines go from the third article on (all of them with two passes);
    a family whose varying part is a word (a brand written out) or whose line
    shows no cue is missed (docs/cleaning.md, Limits), so a floor, not all."""
    mode, found = families
    spam = [f for f in found if f.kind == "spam"]
    assert len(spam) >= 10
    if mode == "stream":
        assert not any(any(f.removed[:2]) for f in spam)  # seen once or twice: no template yet
        removed = sum(sum(f.removed[2:]) for f in spam) / sum(len(f.removed[2:]) for f in spam)
    else:
        removed = sum(sum(f.removed) for f in spam) / sum(len(f.removed) for f in spam)
    assert removed >= 0.6
    assert sum(all(f.removed[2:]) for f in spam) >= 6


def test_a_template_removal_keeps_its_evidence_in_a_parquet_feed(tmp_path):
    import pyarrow.parquet as pq

    from crawler.output.parquet import ParquetExporter

    templates = Templates(open_template_store("memory"))
    for n in range(3):
        item = article(n, [body(n), farm_line(n)])
        templates.clean(item)
    path = tmp_path / "articles.parquet"
    with path.open("wb") as file:
        exporter = ParquetExporter(file)
        exporter.start_exporting()
        exporter.export_item(item)
        exporter.finish_exporting()
    (removed,) = pq.read_table(path).column("removed").to_pylist()
    assert removed == [{**removed_by_templates(item)[0], "count": None}]
    assert removed[0]["evidence"] and removed[0]["articles"] == 3


# the words of the default vocabulary and some that are prefixes of each other or of Latin words
_WORDS = (*load_vocabulary().platforms, *load_vocabulary().cues, "ab", "abc", "abcd", "b", "号码", "号", "a-b", "]x")


def _longest_first(words, after: str = "") -> re.Pattern:
    """The words' alternation, longest first (what ``_standalone`` must match as)."""
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)"
    return re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z]){after}")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=8, unique=True),
       st.lists(st.one_of(st.sampled_from(_WORDS), st.text("abcxyz 号码：:+1_-]微信", max_size=4)), max_size=12))
def test_standalone_words_match_as_their_alternation_longest_first(words, parts):
    text = "".join(parts)
    for after in ("", _CONTACT_ID):
        fast, plain = _standalone(words, after), _longest_first(words, after)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
        assert fast.sub("#", text) == plain.sub("#", text)
