"""Notes and notices about the page in any wording (issue 17), and what
makes look-alikes of them the article's own: the newsroom's reporting told as
done, a notice someone else gives, a referral to a service's account or
hotline, counts of clicks, an article about writing tasks."""

import pytest

from tests.support.cleaning import BOAT as BODY, ORCHARD as EN, kept, lenient, paragraphs, signals, without

CLEANER = lenient()
# the signals by function alone: without the fixed shapes and vocabularies of platforms and generators
ALONE = without("30-promo", "40-generator", "50-boilerplate")


def clean(*texts, cleaner=CLEANER):
    return cleaner.clean_blocks(paragraphs(*texts))


@pytest.mark.parametrize("line", [
    "本文观点仅代表受访者本人，记者对此进行了核实。",
    "编辑部在第二版中补充了一位专家的观点。",
    "编辑部收到读者来信后，当天就联系了区城管部门核实情况。",
    "本报记者对上述说法进行了多方核实，暂未得到官方回应。",
    "平台方表示，文章所涉版权纠纷已移交法务部门处理。",
    "更多信息可关注公众号“平安北京”，或拨打 010-6240 1234 查询。",
    "市民可关注“上海发布”微信公众号，或拨打12345市民服务热线了解详情。",
    "该视频发布三天，获得十万点赞和两万转发。",
    "今年的作文题要求考生自选角度。字数要求：不少于800字。",
])
@pytest.mark.parametrize("at", ["middle", "tail"])
def test_the_articles_own_reporting_stays(line, at):
    blocks = [BODY, line, EN] if at == "middle" else [BODY, EN, line]
    assert kept(clean(*blocks)) == blocks


@pytest.mark.parametrize("line, signal", [
    ("金鼎财经温馨提示：股市有风险，投资需谨慎。", "reader_caution"),
    ("某某门户温馨提醒：理性投资，切勿盲目跟风。", "reader_caution"),
    ("分享、点赞、在看，一键三连", "reader_prompt"),
    ("设为星标⭐，第一时间看到推送", "reader_prompt"),
    ("If you enjoyed this read, tap the heart and pass it to a friend.", "reader_prompt"),
    ("- END -", "end_mark"),
    ("（字数统计：2876）", "text_meta"),
    ("扩写要求：保留原意，丰富细节，总字数2500字。", "text_meta"),
    ("【提示词：写一篇关于社区生活的文章，语气温暖】", "text_meta"),
    ("当然，以下是为您改写的版本：", "assistant_frame"),
    ("如需调整语气或篇幅，请随时告诉我。", "assistant_frame"),
    ("Here is the rewritten article with a warmer tone:", "assistant_frame"),
    ("责任编辑：张涛", "credits_line"),
    ("【写作提示】第三段写完后插入用户评价截图，字数在六百上下。", "writer_memo"),
])
def test_a_note_about_the_page_goes_as_a_block_of_its_own(line, signal):
    r = clean(BODY, line, EN, BODY[:20], cleaner=ALONE)
    assert kept(r) == [BODY, EN, BODY[:20]]
    assert {s for _, s in signals(r)} == {signal}


def test_a_notice_glued_to_the_last_paragraph_takes_its_senders_name():
    # the sender's name before the label goes with the notice, not left glued to the host
    r = clean(EN, BODY + "银河财经提示：股市有风险，投资需谨慎。", cleaner=ALONE)
    assert kept(r) == [EN, BODY]
    assert signals(r) == [("boilerplate", "reader_caution")]


PERSIMMONS = "入秋以后，山里的柿子陆续成熟。村民们把柿子削皮串好，挂在屋檐下晾晒，一个月后就成了柿饼"


@pytest.mark.parametrize("host, notice", [
    # no sentence end between the host's last words and the notice: the notice starts where its register does
    (PERSIMMONS, "本文内容整理自公开资料，观点不代表本平台立场，如有出入请以权威发布为准。"),
    (PERSIMMONS, "稿件版权归原作者所有，本站转载仅为分享，若有不妥请联系我们撤稿。"),
    # or where the script changes: an English paragraph glued to a Chinese notice
    (EN[:-1], "文章系作者授权发布，未经本号同意，任何单位及个人不得转载、摘编。"),
    # an English full stop right before the ideographs ends the host's sentence
    (EN, "图片来源于网络，如有侵权请联系删除。"),
])
def test_a_notice_glued_with_no_sentence_end_leaves_the_host_sentence(host, notice):
    r = clean(BODY, host + notice)
    assert kept(r) == [BODY, host]
    assert "".join(x["text"] for x in r.removed).strip() == notice


def test_a_report_glued_before_notice_words_is_not_cut_from_them():
    # what exempts the notice (a court's finding) stands in the head the glue would leave: nothing is cut
    line = "法院审理认为，被告网站未经许可转载原告的十二篇文章，且未注明来源，构成侵权，判令其删除相关内容。"
    assert kept(clean(BODY, EN, line)) == [BODY, EN, line]


@pytest.mark.parametrize("line", [
    "提示：雨天路滑，出行需谨慎。",                      # a caution about the subject, not the text
    "以下是获奖名单：",                                  # a lead into the article's own list
    "编辑：李文",                                        # one role: a credit, not a staff line
])
def test_lines_that_only_resemble_a_note_stay(line):
    assert kept(clean(BODY, line, EN)) == [BODY, line, EN]


def test_a_frame_glued_to_a_paragraph_does_not_take_the_paragraph():
    # a block of its own must be mostly frame (half its clauses): the host's sentences stay
    r = clean(EN, BODY + "如需调整语气或篇幅，请随时告诉我。", cleaner=ALONE)
    assert kept(r)[0] == EN and kept(r)[1].startswith(BODY)
