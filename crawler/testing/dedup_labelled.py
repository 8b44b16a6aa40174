"""A labelled set for near-duplicate detection, generated deterministically.

Articles are synthesised from topic lexicons and sentence templates written
for this project (Chinese, English, and bilingual articles that alternate
Chinese and English paragraphs). Every base article starts a cluster; its
variants (graded edits, reordered paragraphs, added boilerplate,
truncations, a changed intro, a repost, an exact copy under another URL)
join the cluster. Negatives are the other bases (distinct articles on the
same topic, built from the same lexicon and templates) and distinct articles
that share a publisher's boilerplate header and footer.

``evaluate`` feeds the set through a real ``LSHIndex`` in crawl order (bases
and negatives first, then the variants in a fixed shuffled order) and
reports precision and recall per category. ``bench/dedup_quality.py``
sweeps parameters over it; ``tests/test_dedup_quality.py`` holds the
defaults to the targets.

An edit of f% changes f% of an article's characters: three quarters of the
budget rewrites, deletes or inserts whole sentences, one quarter substitutes
short phrases (a 2-4 character span in Chinese, a word in English) scattered
over the text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ZH_TOPICS = {
    "科技": (
        "华为 小米 一家初创公司 科研团队 工信部 阿里云 腾讯研究院 某芯片企业 中科院团队 百度 字节跳动 清华大学实验室",
        "人工智能 大模型 芯片设计 自动驾驶 云计算 量子通信 智能手机 数据中心 开源社区 5G网络 工业机器人 操作系统 算力网络 边缘计算 网络安全",
    ),
    "体育": (
        "中国女排 国家队 一名年轻球员 主教练 奥组委 体育总局 中超俱乐部 马拉松组委会 乒乓球队 游泳队 冬奥会组委会 省体育局",
        "联赛 训练营 青训体系 预选赛 半决赛 冠军奖杯 赛程安排 转会市场 全民健身 主场比赛 体能训练 战术体系 场馆建设 裁判制度 运动康复",
    ),
    "财经": (
        "央行 证监会 一家券商 上市公司 外资机构 国有银行 基金经理 首席经济学家 保险公司 私募基金 交易所 地方金融局",
        "利率 股市 人民币汇率 债券市场 消费信贷 营业收入 净利润 资本市场 首发上市 理财产品 房贷利率 外汇储备 信用评级 分红方案 货币政策",
    ),
    "教育": (
        "教育部 重点高校 一所中学 一位班主任 不少家长 招生办 培训机构 研究生导师 师范大学 乡村小学 省教育厅 职业学院",
        "高考改革 课程改革 课后服务 职业教育 在线课堂 研究生招生 新版教材 校园安全 师资培训 奖学金 劳动教育 学前教育 招生计划 阅读推广 实验课程",
    ),
    "健康": (
        "国家卫健委 三甲医院 一位心内科医生 疾控中心 研究人员 社区医院 制药企业 营养学会 医学院 中医院 急救中心 体检机构",
        "慢性病管理 疫苗接种 睡眠质量 医保目录 心血管疾病 健康体检 饮食结构 心理健康 创新药 远程医疗 家庭医生 康复治疗 过敏性疾病 儿童近视 老年护理",
    ),
    "旅游": (
        "文旅局 热门景区 大批游客 航空公司 民宿老板 旅行社 博物馆馆长 铁路部门 酒店集团 导游协会 古镇管委会 在线旅游平台",
        "假期出行 古镇旅游 自驾游 门票预约 夜间经济 研学旅行 露营地 入境游 酒店预订 文创产品 冰雪旅游 红色旅游 乡村民宿 邮轮航线 非遗展演",
    ),
    "美食": (
        "餐饮企业 一位主厨 外卖平台 美食博主 老字号 连锁品牌 食品监管部门 烘焙工作室 茶饮品牌 农贸市场 烹饪学校 食品工厂",
        "火锅 预制菜 地方小吃 新式茶饮 食品安全 手工烘焙 生鲜农产品 时令菜单 社区餐厅 传统调味料 早餐工程 中央厨房 地理标志产品 素食 夜市摊位",
    ),
    "汽车": (
        "比亚迪 多家车企 经销商 交通运输部 不少车主 电池厂商 造车新势力 汽车协会 整车工厂 充电运营商 零部件企业 汽车金融公司",
        "新能源汽车 充电桩 智能座舱 续航里程 月度销量 固态电池 二手车市场 整车出口 辅助驾驶 价格战 换电模式 车联网 轻量化车身 氢燃料汽车 汽车芯片",
    ),
    "电影": (
        "知名导演 一位青年演员 影视公司 流媒体平台 电影节评委会 普通观众 资深编剧 院线经理 动画工作室 制片人 电影频道 影评人",
        "春节档票房 原创剧本 视觉特效 暑期档 网络剧 纪录片 国产动画 影评口碑 院线排片 影视版权 短剧市场 配音艺术 电影修复 海外发行 拍摄基地",
    ),
    "环境": (
        "生态环境部 环保组织 一群志愿者 地方政府 气象学家 排污企业 林业部门 海洋研究所 新能源企业 环境监测站 自然保护区 高校课题组",
        "碳排放 垃圾分类 空气质量 湿地保护 光伏发电 水污染治理 植树造林 生物多样性 节能减排 海上风电 塑料回收 土壤修复 候鸟迁徙 绿色建筑 碳交易市场",
    ),
    "农业": (
        "农业农村部 种粮大户 农民合作社 农技人员 电商平台 驻村干部 种业公司 农机企业 家庭农场 供销社 农科院专家 茶农",
        "粮食产量 高标准农田 种业振兴 智慧农业 农产品销售 乡村振兴 冷链物流 化肥减量 无人机植保 茶叶采摘 秸秆利用 水稻育种 设施大棚 农村电商 耕地保护",
    ),
    "房产": (
        "住建部 房地产开发商 首次购房者 房产中介 城市规划局 物业公司 住房租赁企业 公积金中心 建筑设计院 业主委员会 城投公司 银行信贷部",
        "新房成交 楼市调控 保障性住房 租赁市场 公积金贷款 二手房交易 土地出让 旧城改造 物业服务 首付比例 城中村改造 装配式建筑 社区养老 学区政策 商业地产",
    ),
}

ZH_TIMES = (
    "今年上半年 近日 去年以来 本月初 第三季度 过去五年 春节前后 十月中旬 今年以来 日前 上周 最近两年 国庆期间 年初 近期 三月底"
).split()
ZH_CONNECTORS = "此外 与此同时 值得注意的是 据了解 另一方面 不过 事实上 总体来看 相比之下 更重要的是 具体来说 对此".split()
ZH_ADVERBS = "持续 逐步 大幅 明显 稳步 率先 全面 加快 悄然 积极 集中 进一步".split()
ZH_VERBS = "推进 发布 升级 布局 调整 优化 探索 扩大 完善 试点 投入 改造 评估 推广".split()
ZH_EVALS = (
    "这一变化引发了广泛关注|市场反应相当积极|但效果仍有待观察|不少业内人士对此表示乐观|相关数据仍在持续更新|"
    "这也为后续发展打下了基础|短期内压力依然不小|长期趋势已经比较清晰|各方对此看法不一|这种做法正在被更多地方借鉴|"
    "成本问题仍是最大障碍|公众的参与度明显提高"
).split("|")
ZH_PLACES = "北京 上海 广州 深圳 成都 杭州 武汉 西安 重庆 南京 长沙 郑州 青岛 昆明 厦门 合肥 沈阳 贵阳".split()
ZH_PROBLEMS = "资金短缺 人才不足 标准不统一 需求下滑 成本上升 监管滞后 同质化竞争 技术瓶颈 数据孤岛 区域发展不平衡".split()
ZH_PEOPLE = "一位业内人士 该负责人 一位受访者 相关专家 项目负责人 一位从业二十年的老员工 当地居民 分析人士".split()
ZH_QUOTES = (
    "我们希望把事情做得更扎实一些|真正的难点在细节里|这不是一朝一夕能完成的|用户的反馈是最好的老师|"
    "只有坚持下去才会看到变化|我们还要补很多课|关键是把钱花在刀刃上|现在是最好的窗口期"
).split("|")

ZH_TEMPLATES = (
    "{time}，{subj}{adv}{verb}{obj}，{eval}。",
    "据{subj2}统计，{year}年{obj}相关规模达到{num}亿元，同比增长{pct}%。",
    "{conn}，{subj}负责人表示，{obj}将是未来{small}年的重点方向。",
    "{subj}在{place}{verb}{obj}项目，吸引了{num}余家单位参与。",
    "业内人士认为，{obj}正在{adv}{verb}，但{obj2}仍面临{problem}等问题。",
    "{conn}，{place}已有{num}个{obj}试点落地，覆盖人口约{small}万。",
    "{subj}提出，要把{obj}和{obj2}结合起来，{eval}。",
    "“{quote}。”{person}在接受采访时说。",
    "面对{problem}，{subj}选择{adv}{verb}{obj}，{eval}。",
    "从{place}到{place2}，{obj}正在改变许多人的日常生活。",
    "{person}告诉记者，{place}的{obj}需求在{time}明显增加，{eval}。",
    "数据显示，{time}{place}{obj}的参与人数约为{num}万人次，比去年多出{pct}%。",
    "{conn}，{obj2}与{obj}之间的联系越来越紧密，{subj}已经开始{verb}相关工作。",
    "{subj}计划在{year}年前完成{obj}的第{small}阶段建设，预计投入{num}亿元。",
    "对于{obj}，{person}的看法是：{quote}。",
    "{time}，围绕{obj}的讨论再次升温，{subj}和{subj2}先后发声。",
)

EN_TOPICS = {
    "technology": (
        "a Shenzhen startup|the research team|the ministry|a cloud provider|the chip maker|a university lab|the platform|"
        "an open-source foundation|the operator|the robotics firm",
        "large language models|chip design|self-driving software|cloud computing|quantum links|smartphones|data centres|"
        "edge computing|network security|industrial robots|operating systems|satellite internet",
    ),
    "sports": (
        "the national team|a young striker|the head coach|the organising committee|the league|the club|the swimming squad|"
        "the marathon organisers|the federation|the academy",
        "the league season|the training camp|youth development|the qualifiers|the semi-final|the trophy|the fixture list|"
        "the transfer window|grassroots fitness|home games|conditioning work|the tactical system",
    ),
    "finance": (
        "the central bank|the regulator|a brokerage|listed companies|foreign investors|state lenders|the fund manager|"
        "the chief economist|insurers|the exchange",
        "interest rates|the stock market|the exchange rate|the bond market|consumer credit|quarterly revenue|net profit|"
        "capital markets|initial public offerings|wealth products|mortgage rates|dividend plans",
    ),
    "education": (
        "the education ministry|leading universities|a secondary school|a class teacher|many parents|the admissions office|"
        "tutoring companies|graduate supervisors|a teachers college|village schools",
        "the exam reform|the curriculum|after-school services|vocational training|online classes|graduate admissions|"
        "new textbooks|campus safety|teacher training|scholarships|reading programmes|lab courses",
    ),
    "health": (
        "the health commission|a top hospital|a cardiologist|disease control officials|researchers|community clinics|"
        "drug makers|the nutrition society|a medical school|emergency services",
        "chronic disease care|vaccination|sleep quality|the insurance drug list|heart disease|health checks|diet habits|"
        "mental health|new medicines|telemedicine|family doctors|elderly care",
    ),
    "travel": (
        "the tourism bureau|popular scenic spots|holiday makers|airlines|guesthouse owners|travel agencies|museum curators|"
        "the railway operator|hotel groups|booking platforms",
        "holiday travel|old town tourism|road trips|ticket reservations|the night economy|study tours|campsites|"
        "inbound tourism|hotel bookings|cultural souvenirs|ski resorts|cruise routes",
    ),
    "food": (
        "restaurant chains|a head chef|delivery platforms|food bloggers|heritage brands|tea shops|food inspectors|"
        "bakeries|market traders|a cooking school",
        "hotpot|ready meals|street snacks|new-style tea|food safety|hand-made bread|fresh produce|seasonal menus|"
        "neighbourhood diners|traditional sauces|breakfast stalls|night markets",
    ),
    "cars": (
        "carmakers|dealers|the transport ministry|many drivers|battery suppliers|new entrants|the industry association|"
        "assembly plants|charging operators|parts suppliers",
        "electric cars|charging posts|smart cockpits|driving range|monthly sales|solid-state batteries|used cars|"
        "vehicle exports|driver assistance|the price war|battery swapping|connected cars",
    ),
    "film": (
        "the director|a young actor|the studio|streaming platforms|the festival jury|ordinary viewers|a veteran screenwriter|"
        "cinema managers|an animation studio|the producer",
        "the box office|original scripts|visual effects|the summer slate|web series|documentaries|animated features|"
        "word of mouth|screen scheduling|film rights|short dramas|film restoration",
    ),
    "environment": (
        "the environment ministry|green groups|volunteers|local governments|climate scientists|factories|forestry officials|"
        "the ocean institute|solar companies|monitoring stations",
        "carbon emissions|waste sorting|air quality|wetland protection|solar power|water pollution|tree planting|"
        "biodiversity|energy saving|offshore wind|plastic recycling|soil remediation",
    ),
    "farming": (
        "the agriculture ministry|large grain growers|farm cooperatives|extension workers|e-commerce platforms|village officials|"
        "seed companies|machinery makers|family farms|tea growers",
        "grain output|high-standard farmland|seed breeding|smart farming|produce sales|rural revival|cold-chain logistics|"
        "fertiliser use|drone spraying|tea picking|rice breeding|greenhouse farming",
    ),
    "housing": (
        "the housing ministry|developers|first-time buyers|estate agents|city planners|property managers|rental firms|"
        "the housing fund|architects|residents committees",
        "new home sales|market controls|affordable housing|the rental market|housing fund loans|second-hand homes|land sales|"
        "urban renewal|property services|down payments|village redevelopment|prefabricated buildings",
    ),
}

EN_TIMES = (
    "In the first half of the year|Earlier this month|Since last spring|In the third quarter|Over the past five years|"
    "Ahead of the holiday|In mid-October|So far this year|Last week|In recent months|At the start of the year|By late March"
).split("|")
EN_CONNECTORS = "Meanwhile|Notably|In addition|On the other hand|Even so|In fact|Overall|By contrast|More importantly|Specifically".split("|")
EN_VERBS = "expanded|launched|upgraded|reshaped|tested|rolled out|reviewed|scaled back|funded|promoted|overhauled|piloted".split("|")
EN_EVALS = (
    "a change that has drawn wide attention|and the early response has been positive|though the results remain to be seen|"
    "which many insiders view with optimism|while the figures are still being revised|laying groundwork for the next stage|"
    "although short-term pressure remains|and the long-term trend looks clear|a move that divides opinion|"
    "an approach other cities are now copying|with cost still the biggest obstacle|and public interest has clearly grown"
).split("|")
EN_PLACES = "Beijing|Shanghai|Guangzhou|Shenzhen|Chengdu|Hangzhou|Wuhan|Xi'an|Chongqing|Nanjing|Changsha|Qingdao|Kunming|Xiamen".split("|")
EN_PROBLEMS = (
    "funding gaps|a shortage of skilled staff|patchy standards|weaker demand|rising costs|slow regulation|copycat competition|"
    "technical bottlenecks|data silos|uneven regional growth"
).split("|")
EN_PEOPLE = "an industry insider|the official|one interviewee|an analyst|the project lead|a long-time employee|a local resident".split("|")
EN_QUOTES = (
    "We want to do this properly rather than quickly|The hard part is always in the details|This will take years, not months|"
    "Users tell us what works better than any report|Change only shows if you keep going|We still have a lot to learn|"
    "The money has to go where it matters|This is the right window to act"
).split("|")

EN_TEMPLATES = (
    "{time}, {subj} {verb} work on {obj}, {eval}.",
    "According to {subj2}, spending linked to {obj} reached {num} billion yuan in {year}, up {pct} percent.",
    "{conn}, a spokesperson for {subj} said {obj} would be a priority for the next {small} years.",
    "In {place}, {subj} {verb} a {obj} programme that drew more than {num} participants.",
    "Analysts say {obj} is changing fast, but {obj2} still faces {problem}.",
    "{conn}, {place} has already started {num} pilot projects on {obj}, reaching about {small} million people.",
    "{subj} wants to bring {obj} and {obj2} together, {eval}.",
    "\"{quote},\" {person} told reporters.",
    "Faced with {problem}, {subj} {verb} its plans for {obj}, {eval}.",
    "From {place} to {place2}, {obj} is changing how people go about their day.",
    "{person} said demand for {obj} in {place} rose sharply {time_lower}, {eval}.",
    "Figures show about {num} thousand visits tied to {obj} in {place}, {pct} percent more than a year earlier.",
    "{conn}, the link between {obj2} and {obj} keeps getting closer, and {subj} has {verb} related work.",
    "{subj} plans to finish phase {small} of its {obj} effort before {year}, at a cost of {num} million yuan.",
    "Asked about {obj}, {person} put it simply: {quote_lower}.",
    "{time}, the debate over {obj} heated up again as {subj} and {subj2} weighed in.",
)

BOILERPLATE_HEADERS = (
    "本文转载自微信公众号“城市观察笔记”，作者：林木，原标题有改动，转载请联系原作者授权。",
    "来源：新华视点综合整理｜编辑：王晓｜校对：陈晨｜本文仅代表作者观点，不代表本平台立场。",
    "This article first appeared on the Weekly Insight newsletter and is republished with permission; minor edits for style.",
)
BOILERPLATE_FOOTERS = (
    "声明：本文内容来源于网络公开资料，仅供参考，不构成任何投资建议。如涉及版权问题，请联系我们删除。"
    "点击关注，获取更多精彩内容；欢迎转发、点赞、在看，让更多人看到。返回搜狐，查看更多。责任编辑：张一凡",
    "—— END ——\n往期推荐：点击上方蓝字关注我们，每天为你带来最新行业资讯。商务合作请联系后台，投稿邮箱见菜单栏。"
    "本公众号所发布内容仅供学习交流，图片来源于网络，如有侵权请联系删除。",
    "Disclaimer: the views expressed are the author's own and do not reflect those of this platform. "
    "Subscribe for weekly updates, share with friends, and contact the editors for reprint permission. Editor: J. Harper.",
)

_NUMBER_SLOTS = {
    "num": lambda r: str(r.randint(12, 980)),
    "pct": lambda r: f"{r.randint(2, 48)}.{r.randint(0, 9)}",
    "small": lambda r: str(r.randint(2, 9)),
    "year": lambda r: str(r.randint(2019, 2027)),
}


@dataclass
class Labelled:
    url: str
    paragraphs: list[str]
    cluster: int  # articles of one cluster are near-duplicates of each other
    category: str  # "base", "negative_boilerplate", or the kind of variant
    edit: float = 0.0  # realised fraction of changed characters (edit variants)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


class _Writer:
    """Sentences and articles for one language."""

    def __init__(self, lang: str, rng: random.Random):
        self.lang = lang
        self.rng = rng
        if lang == "zh":
            self.topics = {t: (s.split(), o.split()) for t, (s, o) in ZH_TOPICS.items()}
            self.templates = ZH_TEMPLATES
        else:
            self.topics = {t: (s.split("|"), o.split("|")) for t, (s, o) in EN_TOPICS.items()}
            self.templates = EN_TEMPLATES

    def sentence(self, topic: str) -> str:
        r = self.rng
        subjects, objects = self.topics[topic]
        zh = self.lang == "zh"
        slots = {
            "subj": r.choice(subjects),
            "subj2": r.choice(subjects),
            "obj": r.choice(objects),
            "obj2": r.choice(objects),
            "time": r.choice(ZH_TIMES if zh else EN_TIMES),
            "conn": r.choice(ZH_CONNECTORS if zh else EN_CONNECTORS),
            "verb": r.choice(ZH_VERBS if zh else EN_VERBS),
            "eval": r.choice(ZH_EVALS if zh else EN_EVALS),
            "place": r.choice(ZH_PLACES if zh else EN_PLACES),
            "place2": r.choice(ZH_PLACES if zh else EN_PLACES),
            "problem": r.choice(ZH_PROBLEMS if zh else EN_PROBLEMS),
            "person": r.choice(ZH_PEOPLE if zh else EN_PEOPLE),
            "quote": r.choice(ZH_QUOTES if zh else EN_QUOTES),
            "adv": r.choice(ZH_ADVERBS) if zh else "",
        }
        slots.update({k: f(r) for k, f in _NUMBER_SLOTS.items()})
        slots["time_lower"] = slots["time"][0].lower() + slots["time"][1:]
        slots["quote_lower"] = slots["quote"][0].lower() + slots["quote"][1:]
        text = r.choice(self.templates).format(**slots)
        return text[0].upper() + text[1:] if not zh else text

    def paragraph(self, topic: str) -> list[str]:
        return [self.sentence(topic) for _ in range(self.rng.randint(2, 4))]

    def join(self, sentences: list[str]) -> str:
        return ("" if self.lang == "zh" else " ").join(sentences)


def _render(paragraphs: list[list[str]], langs: list[str], writers) -> list[str]:
    return [writers[lang].join(p) for p, lang in zip(paragraphs, langs)]


def _edit(paragraphs, langs, writers, pick, fraction, rng) -> tuple[list[list[str]], float]:
    """Change ``fraction`` of the characters: 3/4 of the budget on whole
    sentences (rewrite, delete, insert), 1/4 on scattered phrase swaps."""
    paragraphs = [list(p) for p in paragraphs]
    total = sum(len(s) for p in paragraphs for s in p)
    sentence_budget = fraction * total * 0.75
    phrase_budget = fraction * total * 0.25
    changed = 0.0
    while changed < sentence_budget:
        pi = rng.randrange(len(paragraphs))
        para, lang = paragraphs[pi], langs[pi]
        op = rng.choice(("rewrite", "rewrite", "delete", "insert"))
        si = rng.randrange(len(para))
        if op == "rewrite":
            new = writers[lang].sentence(pick[lang])
            changed += max(len(para[si]), len(new))
            para[si] = new
        elif op == "delete" and len(para) > 1:
            changed += len(para.pop(si))
        else:
            new = writers[lang].sentence(pick[lang])
            para.insert(si, new)
            changed += len(new)
    while changed < sentence_budget + phrase_budget:
        pi = rng.randrange(len(paragraphs))
        para, lang = paragraphs[pi], langs[pi]
        si = rng.randrange(len(para))
        sentence = para[si]
        if lang == "zh":
            width = rng.randint(2, 4)
            if len(sentence) <= width + 2:
                continue
            at = rng.randrange(1, len(sentence) - width)
            donor = writers["zh"].sentence(pick["zh"])
            start = rng.randrange(0, max(1, len(donor) - width))
            para[si] = sentence[:at] + donor[start : start + width] + sentence[at + width :]
            changed += width
        else:
            words = sentence.split(" ")
            wi = rng.randrange(len(words))
            donor = rng.choice(writers["en"].sentence(pick["en"]).split(" "))
            changed += max(len(words[wi]), len(donor))
            words[wi] = donor
            para[si] = " ".join(words)
    return paragraphs, changed / total


EDIT_GRADES = (0.05, 0.10, 0.15, 0.20, 0.30, 0.40)


def build(seed: int = 20240607, bases: int = 150, boilerplate_negatives: int = 36) -> list[Labelled]:
    """The labelled set, in crawl order."""
    rng = random.Random(seed)
    writers = {"zh": _Writer("zh", rng), "en": _Writer("en", rng)}
    topics = list(ZH_TOPICS)
    en_names = list(EN_TOPICS)
    first: list[Labelled] = []
    later: list[Labelled] = []
    for number in range(bases):
        kind = ("zh", "zh", "en", "bilingual")[number % 4]
        topic_index = number % len(topics)
        count = rng.randint(5, 10)
        if kind == "bilingual":
            langs = ["zh" if i % 2 == 0 else "en" for i in range(count + count % 2)]
        else:
            langs = [kind] * count
        # English writers use the English topic of the same index.
        topic = topics[topic_index]
        en_topic = en_names[topic_index]
        pick = {"zh": topic, "en": en_topic}
        paragraphs = [writers[lang].paragraph(pick[lang]) for lang in langs]
        url = f"https://example.org/{kind}/{number}"
        first.append(Labelled(url, _render(paragraphs, langs, writers), number, "base"))
        later.extend(_variants(number, url, paragraphs, langs, pick, writers, rng))
    for number in range(boilerplate_negatives):
        # Distinct short articles from one publisher: same header and footer.
        template = number % len(BOILERPLATE_HEADERS)
        lang = "en" if template == 2 else "zh"
        topic = (en_names if lang == "en" else topics)[number % len(topics)]
        paragraphs = [writers[lang].join(writers[lang].paragraph(topic)) for _ in range(rng.randint(3, 5))]
        text = [BOILERPLATE_HEADERS[template], *paragraphs, BOILERPLATE_FOOTERS[template]]
        first.append(Labelled(f"https://example.org/publisher/{number}", text, bases + number, "negative_boilerplate"))
    rng.shuffle(later)
    return first + later


def _variants(number, url, paragraphs, langs, pick, writers, rng) -> list[Labelled]:
    out = []

    def add(category: str, paras: list[str], edit: float = 0.0) -> None:
        out.append(Labelled(f"{url}/{category}", paras, number, category, edit))

    # Graded edits: each base gets two of the six grades, so every grade has ~50 pairs.
    for grade in rng.sample(EDIT_GRADES, 2):
        edited, realised = _edit(paragraphs, langs, writers, pick, grade, rng)
        add(f"edit_{round(grade * 100):02d}", _render(edited, langs, writers), realised)
    extra = number % 6
    if extra == 0:
        order = list(range(len(paragraphs)))
        rng.shuffle(order)
        add("reorder", _render([paragraphs[i] for i in order], [langs[i] for i in order], writers))
    elif extra == 1:
        header, footer = rng.choice(BOILERPLATE_HEADERS), rng.choice(BOILERPLATE_FOOTERS)
        add("boilerplate", [header, *_render(paragraphs, langs, writers), footer])
    elif extra == 2:
        keep = max(2, round(len(paragraphs) * rng.uniform(0.65, 0.9)))
        add("truncation", _render(paragraphs[:keep], langs[:keep], writers))
    elif extra == 3:
        intro = writers[langs[0]].paragraph(pick[langs[0]])
        add("new_intro", _render([intro, *paragraphs[1:]], langs, writers))
    elif extra == 4:
        edited, _ = _edit(paragraphs, langs, writers, pick, 0.05, rng)
        footer = BOILERPLATE_FOOTERS[0] if langs[0] == "zh" else BOILERPLATE_FOOTERS[2]
        add("repost", [*_render(edited, langs, writers), footer])
    else:
        add("exact_copy", _render(paragraphs, langs, writers))
    return out



@dataclass
class Scores:
    flagged: int  # articles reported as near-duplicates
    correct: int  # ... of an article of their own cluster
    per_category: dict[str, tuple[int, int]]  # category -> (detected, total) over variants
    false_positives: list[tuple[str, str]]  # (article, wrongly named original)

    @property
    def precision(self) -> float:
        return self.correct / self.flagged if self.flagged else 1.0

    def recall(self, categories) -> float:
        detected = sum(self.per_category[c][0] for c in categories if c in self.per_category)
        total = sum(self.per_category[c][1] for c in categories if c in self.per_category)
        return detected / total if total else 1.0


VARIANT_CATEGORIES = (
    *(f"edit_{round(g * 100):02d}" for g in EDIT_GRADES),
    "reorder", "boilerplate", "truncation", "new_intro", "repost", "exact_copy",
)
TARGET_CATEGORIES = tuple(c for c in VARIANT_CATEGORIES if c not in ("edit_30", "edit_40"))


def evaluate(articles: list[Labelled], index, hasher) -> Scores:
    """Run the set through ``index`` (an empty ``LSHIndex``) in order."""
    cluster_of = {a.url: a.cluster for a in articles}
    flagged = correct = 0
    per_category: dict[str, list[int]] = {}
    false_positives = []
    for article in articles:
        signature = hasher.text_signature(article.text)
        match = index.check_and_add(article.url, signature)
        if article.category in VARIANT_CATEGORIES:
            counts = per_category.setdefault(article.category, [0, 0])
            counts[1] += 1
            if match is not None and cluster_of[match.url] == article.cluster:
                counts[0] += 1
        if match is not None:
            flagged += 1
            if cluster_of[match.url] == article.cluster:
                correct += 1
            else:
                false_positives.append((article.url, match.url))
    return Scores(flagged, correct, {k: tuple(v) for k, v in per_category.items()}, false_positives)
