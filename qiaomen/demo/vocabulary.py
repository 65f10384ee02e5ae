"""The small vocabularies the demo street draws its names, addresses and notes from.

Faker is only a dev dependency, so `make run` seeds without it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def weighted_choice(rng: random.Random, weights: Mapping[T, float]) -> T:
    """One of the options, each as likely as its weight says."""
    return rng.choices(list(weights), list(weights.values()))[0]


def _words(text: str) -> list[str]:
    return text.split()


_SURNAMES = [
    *"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
    *_words("欧阳 上官 司马 诸葛"),
]
# Roughly how common Chinese surnames are: a few very common ones, then a long tail.
SURNAMES = {surname: 1 / (rank + 4) for rank, surname in enumerate(_SURNAMES)}
GIVEN_CHARS = {
    "M": "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳建峰亮成东文博志海国晨轩睿泽豪铭然",
    "F": "芳娜敏静丽艳娟霞燕玲婷雪琳倩颖慧莉萍红梅兰琴云洁欣怡佳晶月悦涵萱诗雨思婉",
}
# Given names typical of people born before the mid-1960s, and after 2008.
OLDER_NAMES = {
    "M": _words("建国 建华 国强 国庆 德明 福生 志刚 文华 永福 卫东 振华 金生 跃进 红军"),
    "F": _words("秀英 桂英 玉兰 桂兰 秀兰 凤英 淑珍 玉珍 桂芳 秀珍 金花 素珍 彩凤 月娥"),
}
YOUNGER_NAMES = {
    "M": _words("子轩 浩然 宇轩 俊熙 沐阳 皓轩 锦程 思远 一鸣 梓豪"),
    "F": _words("梓涵 一诺 欣怡 诗涵 梓萱 雨桐 可馨 若汐 依依 语桐"),
}
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 177 180 181 182 186 187 188 189 198 199"
)

COMMUNITY_NAMES = _words(
    "和平 光明 幸福里 阳光 翠苑 春晖 锦绣 东园 文晖 朝晖 景华 新华 康乐 长青 友谊 红旗 "
    "德胜 荷花池 桂花 梅园 兰苑 竹园 松林 湖滨 运河 古桥 青年 金都 华丰 左家 大运 瓜山"
)
ROADS = _words(
    "和平路 建设路 解放路 人民路 中山北路 文晖路 朝晖路 潮王路 德胜路 湖墅南路 大关路 上塘路 莫干山路 东新路 "
    "长乐路 新华路 体育场路 环城北路 香积寺路 登云路 台州路 沈塘桥路 密渡桥路 幸福路 光明路 胜利路 红星路 育才路 "
    "桂花路 梅园路 运河东路 丽水路 湖州街 金华路 小河路 半山路 石祥路 永华街 霞湾巷 米市巷"
)

# Region codes (the first six digits of an ID number) of people born in and around the city;
# 330103 is the former 下城区, merged into 拱墅区 in 2021, still in older people's numbers.
LOCAL_REGIONS = {"330105": 70, "330103": 15, "330106": 5, "330102": 4, "330381": 3, "330522": 3}
# Registered elsewhere in the city: 人户分离 inside Hangzhou.
CITY_DISTRICTS = (
    ("330102", "上城区", _words("清泰街 望江路 凤起东路")),
    ("330106", "西湖区", _words("文三路 古墩路 天目山路")),
    ("330108", "滨江区", _words("江南大道 滨盛路 长河路")),
    ("330109", "萧山区", _words("金城路 市心中路 人民路")),
    ("330110", "余杭区", _words("临平大道 文一西路 迎宾路")),
)
# Where the street's migrants (流动人口) are registered.
HOME_COUNTIES = (
    ("341221", "安徽省阜阳市临泉县", _words("城关镇 杨桥镇 姜寨镇")),
    ("341222", "安徽省阜阳市太和县", _words("城关镇 旧县镇 宫集镇")),
    ("412726", "河南省周口市郸城县", _words("城郊乡 宜路镇 钱店镇")),
    ("411521", "河南省信阳市罗山县", _words("周党镇 楠杆镇")),
    ("511321", "四川省南充市南部县", _words("南隆镇 东坝镇")),
    ("511725", "四川省达州市渠县", _words("渠江镇 三汇镇")),
    ("430524", "湖南省邵阳市隆回县", _words("桃洪镇 六都寨镇")),
    ("421127", "湖北省黄冈市黄梅县", _words("黄梅镇 小池镇")),
    ("360424", "江西省九江市修水县", _words("义宁镇 渣津镇")),
    ("500235", "重庆市云阳县", _words("青龙街道 江口镇")),
    ("330381", "浙江省温州市瑞安市", _words("安阳街道 塘下镇")),
)
VILLAGES = _words("李庄 王营 张湾 刘岗 陈楼 新集 大王庄 马店 周寨 后湖 杨柳 石桥")

# The care notes that come with a special-group tag: each person so tagged gets one of them.
CARE_NOTES = {
    "elder_alone": (
        "子女在外地，每周电话联系",
        "行动不便，需老年助餐",
        "独居，走访时请查看燃气和用电安全",
        "耳背，敲门请大声并多等一会儿",
    ),
    "chronic": (
        "糖尿病，需低糖饮食",
        "高血压，每日按时服药",
        "糖尿病合并高血压，需低盐低糖饮食",
        "冠心病，随身携带速效救心丸",
        "慢阻肺，冬季注意保暖、防感冒",
        "脑梗后遗症，左侧肢体无力，需定期复查",
    ),
    "disabled": (
        "肢体残疾二级，出行需轮椅",
        "视力残疾一级，独自外出需陪同",
        "听力残疾三级，交流请放慢语速或写字",
        "智力残疾二级，由家属监护",
        "精神残疾三级，按时服药，情绪稳定",
    ),
    "maternal": ("孕中期，按时产检", "产后42天内，需上门随访"),
}
OLDEST_NOTES = ("腿脚不便，上下楼需搀扶", "记忆力减退，外出容易迷路")
LEFT_BEHIND_NOTE = "父母在外地务工，由祖父母照看"
AWAY_REMARKS = ("户籍在此，本人长期在外地工作", "房屋已出售，户口尚未迁出")
AWAY_ELDER_REMARK = "户籍在此，现随子女居住在外区"
