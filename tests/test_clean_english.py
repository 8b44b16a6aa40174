"""English sales talk of rules/62-english.toml (crawler/cleaning/english.py):
keyword runs pasted into English or Chinese sentences and sales sentences of
any trade, found by the marks of an offer and how they are said; and what
must stay (news with prices and bookings, guides in the imperative, reported
speech, quotes, an article's own noun phrases)."""

import pytest

from crawler.cleaning import load_rules, register
from crawler.cleaning.rules import RuleError
from crawler.testing import extraction_sets, register_train
from tests.support.cleaning import ZH, among, full, kept, paragraphs

CLEANER = full()
EN = "Persimmons ripen in the hills as the nights grow colder, and villagers string them under the eaves."


def clean(*texts):
    """The texts kept, and each removal's signal and text without the spaces at its edges."""
    out, removed = among(CLEANER, texts, (EN,), (ZH, EN))
    return out, [(signal, text.strip()) for signal, text in removed]


@pytest.mark.parametrize("host, run", [
    # after a content word of the host, three marks (an act, a price, a channel)
    ("The new metro line cut the trip {} across the city to forty minutes.", "buy cheap watches online"),
    # after a determiner: no closed-class word for six words in a row
    ("Since the river was cleaned up, reeds have returned to the {} banks on summer evenings.",
     "discount designer handbags free shipping"),
])
def test_a_keyword_run_pasted_into_an_english_sentence_goes(host, run):
    kept, removed = clean(host.format(run))
    assert kept == [host.format("").replace("  ", " ")]
    assert removed == [("en_run", run)]


def test_a_run_flush_in_a_chinese_sentence_goes_whole_capitalised_or_not():
    kept, removed = clean("村里的柿子Best Dating Site 2025 Free Signup陆续成熟了，村民们忙着削皮。")
    assert kept == ["村里的柿子陆续成熟了，村民们忙着削皮。"]
    assert removed == [("en_seam", "Best Dating Site 2025 Free Signup")]  # (the sentence rule comes first)


def test_english_prose_touching_ideographs_is_no_run_pasted_into_chinese():
    # its marks touch ideographs on one side only, English prose on the other (and, the comma)
    text = "In the old town the stallholders sell postcards, and buy cheap watches online here已经很少见了。"
    kept, removed = clean(text)
    assert kept == [text] and removed == []


@pytest.mark.parametrize("ad", [
    "Book your deep-clean today and get the second room free.",  # the reader addressed, an act, speed, a price
    "We ship worldwide in discreet packaging, no questions asked.",  # the seller speaking, guarantees
    "Tired of debt? Our advisors can cut your payments in half, call 0800 555 0199.",  # its hook goes too
    "Hurry, prices go up at midnight!",  # an order alone needs one mark more
])
def test_an_english_sales_sentence_appended_to_a_paragraph_goes(ad):
    kept, removed = clean(f"{EN} {ad}")
    assert kept == [EN]
    # (the verb-led pitch of 35-shapes.toml may find it first)
    assert len(removed) == 1 and removed[0][0] in ("en_offer", "sales_pitch") and removed[0][1] == ad


def test_a_sales_sentence_pasted_mid_sentence_goes_from_its_capitalised_opening():
    host = "The village school has just sixty pupils but a {}proper brass band."
    kept, removed = clean(host.format("Claim your free iPhone today at prizeclub.win! "))
    assert kept == [host.format("")]
    assert removed == [("en_seam", "Claim your free iPhone today at prizeclub.win!")]


def test_a_hook_pasted_after_ideographs_leaves_them():
    text = "河边的芦苇又长出来了，这Need a plumber tonight? FlowFix arrives in 30 minutes, call now. 白鹭也回来了。"
    kept, removed = clean(text)
    assert kept == ["河边的芦苇又长出来了，这白鹭也回来了。"]
    assert removed == [("en_offer", "Need a plumber tonight? FlowFix arrives in 30 minutes, call now.")]


@pytest.mark.parametrize("text", [
    "Tickets for the festival cost $45 and went on sale online this morning; about 60% were sold within an hour.",
    "Bring cash: the ferry sells tickets on board for $3, and children under five travel free.",  # a guide's order
    "Our volunteers deliver free meals to elderly residents every Sunday.",  # two marks by chance
    "Shoppers hunted for the best online deals on the first day of the sale.",  # the host's noun phrase
    "“Book early,” the guide told us, “because the last boat back leaves at six.”",  # quoted
    "The company said you would get a full refund within 30 days, according to a statement.",  # reported
    "Searches for cheap flights to bali doubled in March, the travel site reported.",  # a search phrase reported
    "Download the timetable from the council website or pick up a printed copy at the station.",
    "The shop, which sells handmade soap for $6 a bar, ships orders across the country.",
    "Insurers plan to finish phase 4 of its interest rates effort before 2020, at a cost of 689 million yuan.",
    # the marks of an offer, but not said as ads are (the English register, en_register)
    "Fast international shipping has become a selling point for small shops, and tracking is now included by most.",
    "Our volunteers deliver free meals to elderly residents every Sunday.",
    "Buy tickets at the box office; students pay $8 and children get in free.",
    # a third party's verb of trade conjugated: the host's clause, not a run (shop delivers free) nor an
    # order opened at the capitalised day before it (Saturday the pet shop delivers free...)
    "Every Saturday the pet shop delivers free food to the animal shelter on Elm Street, and volunteers walk the dogs.",
    "Since the flood, the corner shop delivers free bread to the animal shelter twice a week.",
    # brands in camel case open no glued seam
    "Fans queued outside the McDonald store on launch day, and the new iPhone sold out in an hour at $999.",
    # English named in a Chinese sentence, not pasted: a title (capitalised), a phrase too short to be
    # a clause of prose, a clause whose marks are too weak (one word of speed)
    "他最近在读The Best Deals of the Decade: Fast Money and Free Markets这本书，觉得很有启发。",
    "这家店的招牌上写着best coffee in town几个字。",
    "老师在黑板上写下we are reading the story together today这句话，让学生跟读。",
])
def test_english_prose_with_prices_bookings_and_guarantees_stays(text):
    kept, removed = clean(text)
    assert kept == [text] and removed == []


def test_a_sales_sentence_about_the_paragraphs_own_subject_is_no_english_offer():
    # it shares two content words with the rest of its block (ferry, island)
    text = "The ferry to the island leaves every hour. Book your ferry tickets to the island today, children go free."
    _kept, removed = clean(text)
    assert not [r for r in removed if r[0].startswith("en_")]


def test_en_offer_rules_are_validated():
    with pytest.raises(RuleError, match="classes"):
        load_rules([_rule_file('classes = ["en_act"]\nweights = [1, 2]\nplace = "run"')], defaults=True)
    with pytest.raises(RuleError, match="voice"):
        load_rules([_rule_file('classes = ["en_act"]\nweights = [1]\nplace = "sentence"')], defaults=True)
    with pytest.raises(RuleError, match="place"):
        load_rules([_rule_file('classes = ["en_act"]\nweights = [1]\nplace = "line"')], defaults=True)


def _rule_file(body: str):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "x.toml"
    path.write_text(f'[[rules]]\nname = "x"\nkind = "en_offer"\nreason = "promo"\n{body}\n', encoding="utf-8")
    return path


# -- ads pasted at a seam of the host's sentence: cut between the seam and the ad's end, the host's words kept --

@pytest.mark.parametrize("host, ad", [
    # a capitalised order after a lower-case word, no punctuation of its own: it ends at its last mark
    ("The new metro line cut the trip {}across the city to forty minutes.", "Download any textbook PDF free at unibooks.site "),
    # glued to a word of the host, with its own end (and its hook)
    ("The restored theatre reopened with a programme of short plays{} Grey-haired regulars filled the front rows.",
     "Tired of snoring? Our tiny clip stops it from the first night or your money back."),
    # in the lower case after a comma: three classes of marks (an act, speed, a host)
    ("Forest rangers clear the firebreaks before winter, {}walking the ridge paths all day.",
     "get 1M gold delivered in 15 minutes at goldrush.gg "),
])
def test_an_ad_pasted_at_a_seam_goes_and_the_hosts_words_stay(host, ad):
    kept, removed = clean(host.format(ad))
    assert kept == [host.format("").replace("  ", " ").replace("plays Grey", "plays Grey")]
    assert removed == [("en_seam", ad.strip())]


def test_an_ad_among_ideographs_goes_from_its_first_digit_to_its_last_letter():
    kept, removed = clean("村里的柿子5-star Google reviews for your business, 100% safe and permanent陆续成熟了。")
    assert kept == ["村里的柿子陆续成熟了。"]
    assert removed == [("en_seam", "5-star Google reviews for your business, 100% safe and permanent")]


def test_the_seller_speaking_to_the_reader_in_the_imperative_is_an_ad_with_one_mark():
    kept, removed = clean(f"{EN} Talk to a gifted psychic now, your first 3 minutes are on us.")
    assert kept == [EN]
    assert removed == [("en_offer", "Talk to a gifted psychic now, your first 3 minutes are on us.")]


@pytest.mark.parametrize("text", [
    # imperatives of a guide or a recipe, the reader addressed, with prices and bookings
    "Preheat the oven to 200C, brush the pastry with beaten egg and bake it for 20 minutes until golden.",
    "Book your train tickets at least two weeks ahead, because fares on the coastal line double in the last days.",
    "Try the free version first: it lets you edit three documents a month, which is enough for most students.",
    "Join us at the town hall on Saturday at 10am to discuss the new bus routes; entry is free.",  # a notice
    # a company's promise, a review, names after lower-case words
    "We will deliver the first 10,000 buses by March, the carmaker's chief executive told shareholders on Monday.",
    "If you need a light tent for summer trips, this one is worth its $180 price, though the zip feels flimsy.",
    "The band played at Madison Square Garden for free, and fans in New York queued overnight.",
    # a shop's or a day's name after a lower-case word is no seam of a pasted ad
    "After work she drove over to Best Buy to find the cheapest laptop with a free case on display.",
    "Shoppers queued outside on Cyber Monday to grab the best deals before the doors opened.",
    "地铁开通以后，New Line Express每天早上六点发车，票价三元。",
])
def test_english_advice_reviews_and_names_stay(text):
    kept, removed = clean(text)
    assert kept == [text] and removed == []


# a news story about a subscription's price: its own sentences name the offer
STREAMING = ("The streaming service raised the price of its monthly subscription to $12.99 on Tuesday, "
             "its second increase in two years.",
             "Analysts said the annual subscription, now $119.99, would draw subscribers who want to avoid "
             "the monthly price.")
PITCH = "Sign up for the annual subscription today and save $36 on the monthly price."


def test_a_sales_sentence_about_the_articles_own_subject_stays():
    """Whole-sentence English offers are judged against the article: one that
    shares two content words with the rest of it speaks of its subject (a market
    report's figures, a review's prices); pasted into an article about
    something else, the same sentence goes."""
    result = CLEANER.clean_blocks(paragraphs(*STREAMING, PITCH, *STREAMING))
    assert kept(result) == [*STREAMING, PITCH, *STREAMING]
    _, removed = clean(PITCH)
    assert [signal for signal, _ in removed] == ["sales_pitch"]


def test_cohesion_is_checked_at_load():
    with pytest.raises(RuleError, match="cohesion"):
        load_rules([_rule_file('classes = ["en_act"]\nweights = [1]\nplace = "run"\ncohesion = "two"')])


# -- the English register (crawler/cleaning/register.py, register_en.txt) --

def test_the_english_register_model_is_what_its_data_gives():
    # (its article side is half the gold text of the scrapinghub benchmark)
    assert "scrapinghub" in extraction_sets.SETS
    assert register_train.main(["--check", "--lang", "en"]) == 0


def test_english_words_fold_figures_and_keep_signs():
    assert register.words("Only $9.99 a month, 50% off!") == ["only", "$", "0", "a", "month", "0", "%", "off"]


def test_a_balanced_prior_makes_no_ad_word_of_a_rare_article_word():
    ads = ["get it free now", "free now"]
    articles = ["the mayor spoke to the council"] * 50 + ["the ferry to the island"] * 2
    assert register.learn(ads, articles, unit=register.words, min_odds=0.1)["ferry"] > 0  # (the bias)
    table = register.learn(ads, articles, unit=register.words, min_odds=0.1, balanced=True)
    assert "ferry" not in table or table["ferry"] < 0
    assert table["free"] > 0 > table["the"]


def test_an_offer_said_in_the_words_of_ads_goes_without_addressing_anyone():
    """No reader addressed, no seller speaking, no order: an offer said as ads
    are (its words but the marks scored by the English register) goes."""
    ad = "Fast international shipping on every order, tracking included."
    kept, removed = clean(f"{EN} {ad}")
    assert kept == [EN] and removed == [("en_register", ad)]



# -- an article's own phrases and sites --

@pytest.mark.parametrize("text", [
    # a contraction is a closed-class word: no keyword run goes through it
    "Each week we collect the best deals we've spotted online on bikes, tents and cookware.",
    # a possessor before the run: the host's own noun phrase
    "The bakery's best deals go to regulars who come before seven, the owner told the council.",
])
def test_a_runs_words_in_the_hosts_phrase_stay(text):
    assert clean(text) == ([text], [])


REVIEW = ["Tidewater Maps has printed coastal charts for sailors since the 1970s, and this folding atlas of the "
          "Hebrides is its most ambitious yet.",
          "The charts are clear and the tide tables are easy to read, though the index could be larger."]
BOX = "Reviewed by: Sam Okafor Price: £27.99 Details: www.tidewatermaps.co.uk"


def test_a_product_box_naming_the_site_the_review_is_about_stays():
    """A review's fact box gives the maker's site, which the review names: it is
    the article's own; the same box in an article about something else goes."""
    result = CLEANER.clean_blocks(paragraphs(BOX, *REVIEW))
    assert kept(result) == [BOX, *REVIEW]
    _, removed = clean(BOX)
    assert removed


def test_an_english_clause_pasted_flush_into_a_chinese_sentence_goes_on_its_marks_alone():
    # it speaks to no one and orders nothing: pasted mid-sentence in Chinese, a clause of English prose is the evidence
    text = "老板说，味道稳定比花样多更重要，Thousands of drivers have already switched to PlateGuard cover, quotes take 60 seconds二十年来配方从没改过。"
    kept, removed = clean(text)
    assert kept == ["老板说，味道稳定比花样多更重要，二十年来配方从没改过。"]
    assert removed == [("en_pasted", "Thousands of drivers have already switched to PlateGuard cover, quotes take 60 seconds")]


@pytest.mark.parametrize("ad", [
    # not an order nor the seller's voice, but glued (teacherOrders): English prose never glues two words so
    "Orders placed before 3pm are dispatched the same day at lensdirect.shop",
    # a shop's host with its country ends it (not shiftit.co, leaving .uk)
    "Claim your free removal quote in two clicks at shiftit.co.uk",
])
def test_an_ad_glued_to_a_word_of_the_host_goes_exactly(ad):
    host = "The music teacher{}says most of the children could not read a score when they started."
    kept, removed = clean(host.format(ad + " "))
    assert kept == [host.format(" ")] and removed == [("en_seam", ad)]


@pytest.mark.parametrize("ad", [
    # no verb of trade, no reader addressed: a list of short parts with no verb or article of prose
    "Garden sheds built to order, free base included, 10-year warranty.",
    # its one mark a speed said in words, or a weekday the offer ends
    "Gutters cleared and flushed in two hours, moss removal included, 5-star rated.",
    "Pottery classes for beginners, clay and glazes supplied, early-bird pricing ends Friday.",
])
def test_an_offer_said_as_a_list_appended_to_a_paragraph_goes(ad):
    kept, removed = clean(EN + " " + ad)
    assert kept == [EN] and ("en_list", ad) in removed


@pytest.mark.parametrize("host, ad", [
    # glued to a word of the host: from the glued word to the first mark of its last part
    ("The music teacher{} says most of the children could not read a score when they started.",
     "Wooden toys handmade in Devon, free gift wrap, dispatch today"),
    # among ideographs: the whole Latin part
    ("老板说，味道稳定比花样多更重要，{}二十年来配方从没改过。", "Wooden toys handmade in Devon, free gift wrap, next-day dispatch"),
])
def test_an_offer_list_pasted_into_a_sentence_goes_and_the_hosts_words_stay(host, ad):
    kept, removed = clean(host.format(ad))
    assert kept == [host.format("")] and ("en_list", ad) in removed


@pytest.mark.parametrize("text", [
    # a list in prose ends on a conjunction
    "Bread from our mill, cheese from a dairy, free coffee for walkers, and a view over hills.",
    # a contraction of prose
    "There's no ticket, no fee and no queue, just a free wristband at the gate.",
    # German words in an English page
    "The fair drew visitors from across Europe. Mit über 200 Ausstellern, Top-Bands am Abend, freiem Eintritt für Kinder.",
    # a list of the paragraph's own subject (apricots)
    "Apricots ripen early on the south slopes this year. Fresh apricots, local honey, free samples at the stall.",
])
def test_lists_of_prose_stay(text):
    kept, removed = clean(text)
    assert kept == [text] and removed == []


@pytest.mark.parametrize("host, ad", [
    ("The harbour master rang the bell at six and the first boats slipped out past the breakwater.",
     "Find a partner who really gets you. Download SparkMatch and meet people in minutes."),
    # the reader's possessive first, one mark (free): the turn is a class of its own
    ("老师傅把刨子磨得锃亮，一下午就做好了一张小板凳。", "Your whole team's logins in one vault, free for up to five people."),
])
def test_a_paragraph_that_turns_to_the_reader_at_its_end_loses_the_turn(host, ad):
    """A paragraph narrates in one voice; an ad appended to it turns to the
    reader (an order, Your/Our first, a hook) with a mark of an offer."""
    kept, removed = clean(f"{host} {ad}")
    assert kept == [host] and removed == [("en_turn", ad)]


@pytest.mark.parametrize("text", [
    # the turn shares a content word with the article: its own advice
    "The ferry timetable changes in October, when the winter ferries start. "
    "Check the ferry timetable before you travel, because sailings are cut to two a day.",
    # a paragraph that addresses the reader from its start turns nowhere
    "If you visit in spring, the orchards are in bloom. Book a room early and bring a raincoat.",
    # the publication speaks of its staff, no seller to the reader
    "Book early, pack light and keep a paper copy of your insurance: three rules our travel editor swears by.",
])
def test_advice_in_the_articles_own_voice_or_subject_stays(text):
    kept, removed = clean(text)
    assert kept == [text] and removed == []


def test_an_ad_pasted_inside_a_narrating_sentence_leaves_the_hosts_words():
    """The whole sentence reads as an ad, but it narrates around a seam (a
    word of a closed class capitalised after a lower-case one): the ad opens
    there and ends at its last mark."""
    kept, removed = clean("The old cinema reopened with a All your receipts in one app, start a 14-day trial "
                          "at snapbooks.io season of silent films.")
    assert kept == ["The old cinema reopened with a season of silent films."]
    assert removed == [("en_offer", "All your receipts in one app, start a 14-day trial at snapbooks.io")]


def test_an_ad_cut_at_a_seam_ends_at_its_voice_not_at_the_hosts_sentence_end():
    kept, removed = clean("The choir rehearsed in the church hall, Struggling with rent? We can cut up to 60% of "
                          "what you owe and the organist joined them on Fridays.")
    assert kept == ["The choir rehearsed in the church hall, owe and the organist joined them on Fridays."]
    assert [signal for signal, _ in removed] == ["en_seam"]


# -- en_aside: an ad that speaks to no one, set in an article it has nothing to do with

ASIDE_HOST = "The canal was drained last spring, and volunteers pulled three bicycles and a safe out of the mud."


@pytest.mark.parametrize("ad", [
    # the seller named as its subject (two capitalised words opening it), an offer's mark
    "Harbour Glaziers fits triple glazing in a single morning, with free disposal of the old frames.",
    # a coined name opening it, praise given by others
    "BrightNest baby monitors, trusted by thousands of new parents.",
])
def test_an_aside_naming_its_seller_at_a_paragraphs_end_goes(ad):
    kept, removed = clean(f"{ASIDE_HOST} {ad}")
    assert kept == [ASIDE_HOST] and removed == [("en_aside", ad)]


@pytest.mark.parametrize("ad", [
    # the seller named as where to go: a name after "at", a mark of the moment
    "Fans of quiet weekends will also love the daily draws at Clover Hall Bingo.",
    # ... a site of its own, a sponsor's line of a page
    "Readers of this column get a bonus spin every week, only on wheelhouse.club.",
])
def test_an_aside_naming_where_to_go_goes(ad):
    kept, removed = clean(f"{ASIDE_HOST} {ad}")
    assert kept == [ASIDE_HOST] and removed == [("en_aside", ad)]


def test_a_commenters_praise_and_its_own_page_go():
    # comment spam: the page praised, the commenter's own site closing it (a channel): an aside
    ad = "I have bookmarked your blog and shared it with my readers at tidepoolnotes.net."
    kept, removed = clean(f"{ASIDE_HOST} {ad}")
    assert kept == [ASIDE_HOST] and [text for _signal, text in removed] == [ad]


def test_an_english_clause_pasted_into_a_chinese_sentence_goes_with_one_mark():
    # (foreign to the article and narrating nothing: an aside, and the paste as strong as the voice)
    kept, removed = clean("村口的老槐树开花了，low-maintenance lawn seed blends for shady gardens, delivered in recycled sacks"
                          "每到五月满树都是白色的花串。")
    assert kept == ["村口的老槐树开花了，每到五月满树都是白色的花串。"]
    assert [signal for signal, _text in removed] == ["en_pasted"]


@pytest.mark.parametrize("text", [
    # it narrates: news of the firm
    f"{ASIDE_HOST} Harbour Glaziers, which fitted the windows of the old school, was fined for leaving frames in a lay-by.",
    # the article's own subject: it shares its words
    "Double glazing halves the heat lost through old frames, the council's survey of the estate found. "
    "Harbour Glaziers fits triple glazing in a single morning, with free disposal of the old frames.",
    # it narrates (began): news of a shop named on its street
    f"{ASIDE_HOST} In June the bakery at Mill Lane began selling day-old loaves at half price.",
    # a site in an address is a citation (an embedded post, scrapinghub), not a seller's
    f"{ASIDE_HOST} The museum delivers over 40 free tours a year pic.twitter.com/cLT72XQfD3",
    # a brand told of further on (a deals column's line, scrapinghub)
    f"{ASIDE_HOST} Enter Lugg, Instacart, DoorDash, GrubHub, Prime Now, and Homejoy.",
    # after a question: the question may hold a paste's seam
    f"{ASIDE_HOST} Who would keep a safe in a canal? BrightNest baby monitors, trusted by thousands of new parents.",
])
def test_what_an_aside_is_not_stays(text):
    kept, removed = clean(text)
    assert kept == [text] and removed == []
