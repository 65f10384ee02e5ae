"""A realistic, deterministic demo street: for trying Qiaomen out, for the benchmarks, and for
the test that searches the raw database file for plaintext ID numbers.

`demo_street_create` draws everything from one `random.Random(seed)`: the same seed on the same
day gives the same places, names and ID numbers (birth dates count back from `today`). It writes
in bulk, one grid at a time, inside one transaction, so 70,000 households (about 200,000 people)
take well under two minutes on SQLite and a failure leaves nothing behind.

Faker is only a dev dependency, so the names and addresses come from the small vocabularies
below: `make run` seeds without it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import assignment_field
from qiaomen.core.audit import audit_record
from qiaomen.core.bulk import BulkInsert
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.idnumber import IdNumber, age_on, make_id_number
from qiaomen.places.addresses import address_key, room_label
from qiaomen.places.models import Building, Community, Grid, Street
from qiaomen.registry.doorcodes import door_codes_insert
from qiaomen.registry.identity import ID_NUMBER_COLUMNS, PHONE_COLUMNS, id_number_columns, phone_columns
from qiaomen.registry.models import (
    DataSource,
    Gender,
    Household,
    HouseholdStatus,
    Person,
    PersonTag,
    Relationship,
    ResidentType,
    Tag,
)

MIN_HOUSEHOLDS = 30
LOGINS_FILENAME = "demo-logins.txt"

STREET_NAME = "幸福街道"
STREET_CODE = "XF"
CITY = "浙江省杭州市拱墅区"
CITY_CENTRE = (30.3190, 120.1560)
METRES_PER_DEGREE_LAT = 111_000.0
METRES_PER_DEGREE_LNG = METRES_PER_DEGREE_LAT * math.cos(math.radians(CITY_CENTRE[0]))

# The plan: one grid worker per 300–500 households. Streets under 900 households cannot have
# three communities of such grids, so their grids are smaller.
GRID_MIN, GRID_TARGET, GRID_MAX = 300, 400, 500
HOUSEHOLDS_PER_COMMUNITY = 2500
MIN_COMMUNITIES = 3
SPECIAL_SHARE = 0.15
VACANT_SHARE = 0.035
AWAY_SHARE = 0.045  # registered here, living elsewhere: 人户分离 households
VERIFIED_WITHIN_DAYS = 60
BATCH_SIZE = 1000
_HOUSEHOLD_COLUMNS = (
    "building_id",
    "unit",
    "room",
    "address_key",
    "status",
    "last_verified_at",
    "last_verified_source_id",
)
_PERSON_COLUMNS = (
    *_HOUSEHOLD_COLUMNS[-2:],
    "household_id",
    "relationship",
    "name",
    "registered_address",
    "resident_type",
    "separated",
    "care_notes",
    "remarks",
    "provenance",
    *ID_NUMBER_COLUMNS,
    *PHONE_COLUMNS,
)
# The fields whose values the demo says came from the police population data.
_POLICE_FIELDS = ("name", "id_number", "registered_address")

T = TypeVar("T")


def _words(text: str) -> list[str]:
    return text.split()


_SURNAMES = [
    *"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
    *_words("欧阳 上官 司马 诸葛"),
]
# Roughly how common Chinese surnames are: a few very common ones, then a long tail.
_SURNAME_WEIGHTS = [1 / (rank + 4) for rank in range(len(_SURNAMES))]
_GIVEN_CHARS = {
    "M": "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳建峰亮成东文博志海国晨轩睿泽豪铭然",
    "F": "芳娜敏静丽艳娟霞燕玲婷雪琳倩颖慧莉萍红梅兰琴云洁欣怡佳晶月悦涵萱诗雨思婉",
}
# Given names typical of people born before the mid-1960s, and after 2008.
_OLDER_NAMES = {
    "M": _words("建国 建华 国强 国庆 德明 福生 志刚 文华 永福 卫东 振华 金生 跃进 红军"),
    "F": _words("秀英 桂英 玉兰 桂兰 秀兰 凤英 淑珍 玉珍 桂芳 秀珍 金花 素珍 彩凤 月娥"),
}
_YOUNGER_NAMES = {
    "M": _words("子轩 浩然 宇轩 俊熙 沐阳 皓轩 锦程 思远 一鸣 梓豪"),
    "F": _words("梓涵 一诺 欣怡 诗涵 梓萱 雨桐 可馨 若汐 依依 语桐"),
}
_MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 177 180 181 182 186 187 188 189 198 199"
)

_COMMUNITY_NAMES = _words(
    "和平 光明 幸福里 阳光 翠苑 春晖 锦绣 东园 文晖 朝晖 景华 新华 康乐 长青 友谊 红旗 "
    "德胜 荷花池 桂花 梅园 兰苑 竹园 松林 湖滨 运河 古桥 青年 金都 华丰 左家 大运 瓜山"
)
_ROADS = _words(
    "和平路 建设路 解放路 人民路 中山北路 文晖路 朝晖路 潮王路 德胜路 湖墅南路 大关路 上塘路 莫干山路 东新路 "
    "长乐路 新华路 体育场路 环城北路 香积寺路 登云路 台州路 沈塘桥路 密渡桥路 幸福路 光明路 胜利路 红星路 育才路 "
    "桂花路 梅园路 运河东路 丽水路 湖州街 金华路 小河路 半山路 石祥路 永华街 霞湾巷 米市巷"
)

# Region codes (the first six digits of an ID number) of people born in and around the city;
# 330103 is the former 下城区, merged into 拱墅区 in 2021, still in older people's numbers.
_LOCAL_REGIONS = ("330105", "330103", "330106", "330102", "330381", "330522")
_LOCAL_REGION_WEIGHTS = (70, 15, 5, 4, 3, 3)
# Registered elsewhere in the city: 人户分离 inside Hangzhou.
_CITY_DISTRICTS = (
    ("330102", "上城区", _words("清泰街 望江路 凤起东路")),
    ("330106", "西湖区", _words("文三路 古墩路 天目山路")),
    ("330108", "滨江区", _words("江南大道 滨盛路 长河路")),
    ("330109", "萧山区", _words("金城路 市心中路 人民路")),
    ("330110", "余杭区", _words("临平大道 文一西路 迎宾路")),
)
# Where the street's migrants (流动人口) are registered.
_HOME_COUNTIES = (
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
_VILLAGES = _words("李庄 王营 张湾 刘岗 陈楼 新集 大王庄 马店 周寨 后湖 杨柳 石桥")

_CHRONIC_NOTES = (
    "糖尿病，需低糖饮食",
    "高血压，每日按时服药",
    "糖尿病合并高血压，需低盐低糖饮食",
    "冠心病，随身携带速效救心丸",
    "慢阻肺，冬季注意保暖、防感冒",
    "脑梗后遗症，左侧肢体无力，需定期复查",
)
_DISABILITY_NOTES = (
    "肢体残疾二级，出行需轮椅",
    "视力残疾一级，独自外出需陪同",
    "听力残疾三级，交流请放慢语速或写字",
    "智力残疾二级，由家属监护",
    "精神残疾三级，按时服药，情绪稳定",
)
_ELDER_ALONE_NOTES = (
    "子女在外地，每周电话联系",
    "行动不便，需老年助餐",
    "独居，走访时请查看燃气和用电安全",
    "耳背，敲门请大声并多等一会儿",
)
_OLDEST_NOTES = ("腿脚不便，上下楼需搀扶", "记忆力减退，外出容易迷路")
_MATERNAL_NOTES = ("孕中期，按时产检", "产后42天内，需上门随访")
_LEFT_BEHIND_NOTE = "父母在外地务工，由祖父母照看"
_AWAY_REMARKS = ("户籍在此，本人长期在外地工作", "房屋已出售，户口尚未迁出")
_AWAY_ELDER_REMARK = "户籍在此，现随子女居住在外区"

# Which department a special-group tag usually comes from, for the tag's provenance.
_TAG_SOURCES = {
    "elder_alone": "civil_affairs",
    "elder_80": "civil_affairs",
    "disabled": "disabled_fed",
    "child_distress": "civil_affairs",
    "child_left": "civil_affairs",
    "min_living": "civil_affairs",
    "chronic": "health",
    "veteran": "civil_affairs",
    "maternal": "health",
}
_VERIFYING_SOURCES = ("visit", "community", "police")
_VERIFYING_WEIGHTS = (50, 30, 20)
# (floors, units, flats per floor) ranges of a 多层 walk-up, a 小高层 and a 高层, and how common each is.
_BUILDING_PROFILES = (((6, 7), (2, 4), (2, 2)), ((11, 18), (2, 3), (2, 4)), ((24, 33), (2, 2), (2, 4)))
_BUILDING_WEIGHTS = (55, 28, 17)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    duty: str
    place: str  # "street", "community" (the first), "grid1", "grid2" or "" (none)
    department_code: str = ""


DEMO_USERS = (
    DemoUser("admin", Role.STREET_ADMIN, "陈志刚", "街道管理员（指挥中心）", "street"),
    DemoUser("community1", Role.COMMUNITY_STAFF, "林晓燕", "社区工作者", "community"),
    DemoUser("worker1", Role.GRID_WORKER, "王建华", "专职网格员", "grid1"),
    DemoUser("worker2", Role.GRID_WORKER, "刘海涛", "专职网格员", "grid2"),
    DemoUser("dept_minzheng", Role.DEPARTMENT_HANDLER, "赵丽娟", "民政部门经办人", "", department_code="minzheng"),
    DemoUser("supervisor", Role.SUPERVISOR, "孙国栋", "督导考核组", "street"),
    DemoUser("auditor", Role.AUDITOR, "何静", "审计员（只看日志）", ""),
)
DEMO_USERNAMES = tuple(user.username for user in DEMO_USERS)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    display_name: str
    duty: str
    acts_in: str


@dataclass(frozen=True)
class DemoStreet:
    street: Street
    counts: dict[str, int]
    logins: list[DemoLogin]
    password: str


def demo_password_generate() -> str:
    """A strong random password for all demo users (120 bits)."""
    return secrets.token_urlsafe(15)


def demo_street_create(*, households: int, seed: int, password: str, today: dt.date | None = None) -> DemoStreet:
    """Build the demo street, its people and the demo users, all or nothing, with one audit row."""
    if households < MIN_HOUSEHOLDS:
        raise InvalidInput("demo_households_too_few", f"演示街道至少需要 {MIN_HOUSEHOLDS} 户")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput("demo_password_weak", "演示账号密码不够强：" + "；".join(exc.messages)) from exc
    with transaction.atomic():
        if Household.objects.exists():
            raise Conflict("registry_not_empty", "登记库里已有住户，演示数据只能写入空库")
        if (
            Street.objects.filter(code=STREET_CODE).exists()
            or User.objects.filter(username__in=DEMO_USERNAMES).exists()
        ):
            raise Conflict("demo_names_taken", f"街道编码 {STREET_CODE} 或演示用户名已被占用")
        builder = _StreetBuilder(seed=seed, today=today or timezone.localdate(), now=timezone.now())
        street, grids = builder.build(households)
        logins = _demo_users_create(street=street, grids=grids, password=password)
        counts = dict(builder.counts)
        # A QR door code for every household still living here, so the stickers and /q/ pages work.
        present = Household.objects.exclude(status=HouseholdStatus.MOVED_OUT).values_list("pk", flat=True)
        counts["door_codes"] = door_codes_insert(households=list(present), user=None)
        audit_record(action="registry.seed_demo", actor_name="seed_demo", obj=street, detail={"seed": seed, **counts})
    return DemoStreet(street=street, counts=counts, logins=logins, password=password)


def community_count(households: int) -> int:
    return max(MIN_COMMUNITIES, round(households / HOUSEHOLDS_PER_COMMUNITY))


def grid_sizes(rng: random.Random, households: int) -> list[int]:
    """Households per grid: 300–500 each (from 900 households on), uneven like real grids."""
    count = max(round(households / GRID_TARGET), community_count(households))
    if households / count > GRID_MAX:
        count = math.ceil(households / GRID_MAX)
    sizes = [households // count + (1 if index < households % count else 0) for index in range(count)]
    low, high = min(GRID_MIN, *sizes), max(GRID_MAX, *sizes)
    for _ in range(count * 3):
        giver, taker, moved = rng.randrange(count), rng.randrange(count), rng.randint(0, 60)
        if giver != taker and sizes[giver] - moved >= low and sizes[taker] + moved <= high:
            sizes[giver] -= moved
            sizes[taker] += moved
    return sizes


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _cn_number(number: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (up to 99), for names such as 和平二网格."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _offset(origin: tuple[float, float], north_m: float, east_m: float) -> tuple[float, float]:
    lat = origin[0] + north_m / METRES_PER_DEGREE_LAT
    lng = origin[1] + east_m / METRES_PER_DEGREE_LNG
    return round(lat, 6), round(lng, 6)


@dataclass(frozen=True)
class _Origin:
    """Where a person is registered (户籍), compared with where they live."""

    region: str  # ID region code; "" draws one of the city's own per person
    address: str
    resident_type: str
    separated: bool


@dataclass
class _Member:
    relationship: str
    gender: str
    birth: dt.date
    age: int
    surname: str
    tags: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    origin: _Origin | None = None  # None: the household's


class _StreetBuilder:
    """Draws the street from one seeded random generator and writes it a grid at a time."""

    def __init__(self, *, seed: int, today: dt.date, now: dt.datetime) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = now
        self.tag_ids = dict(Tag.objects.values_list("code", "pk"))
        self.source_ids = dict(DataSource.objects.values_list("code", "pk"))
        if not set(_TAG_SOURCES) <= set(self.tag_ids) or not {*_TAG_SOURCES.values(), *_VERIFYING_SOURCES} <= set(
            self.source_ids
        ):
            raise Conflict("demo_reference_data_missing", "缺少默认的人群标签或数据来源，请先运行 migrate")
        # bulk_create would cost about half a millisecond a person: two minutes for a large street.
        self.households = BulkInsert(Household, varying=_HOUSEHOLD_COLUMNS, with_ids=True)
        self.people = BulkInsert(Person, varying=_PERSON_COLUMNS, with_ids=True)
        self.person_tags = BulkInsert(PersonTag, varying=("person_id", "tag_id", "source_id"))
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.road_numbers: dict[str, int] = {}
        self.counts: Counter[str] = Counter()
        # How common each kind of household is, in percent of its group.
        self.ordinary_kinds: dict[Callable[[], tuple[list[_Member], _Origin | None]], int] = {
            self._single: 8,
            self._young_couple: 10,
            self._couple_with_child: 22,
            self._couple_with_children: 10,
            self._three_generations: 12,
            self._elderly_couple: 12,
            self._renting_family: 14,
            self._shared_rental: 6,
            self._family_with_lodger: 6,
        }
        self.special_kinds: dict[Callable[[], list[_Member]], int] = {
            self._elder_alone: 30,
            self._oldest_old: 14,
            self._with_disabled: 12,
            self._left_behind: 8,
            self._in_distress: 5,
            self._min_living: 9,
            self._with_chronic: 14,
            self._veteran: 5,
            self._maternal: 3,
        }

    # --- places ---------------------------------------------------------------------------------

    def build(self, households: int) -> tuple[Street, list[Grid]]:
        street = Street.objects.create(name=STREET_NAME, code=STREET_CODE, city=CITY)
        sizes = grid_sizes(self.rng, households)
        communities = self._communities(street, min(community_count(households), len(sizes)))
        # Communities on a lattice about 700 m apart, centred on the city centre.
        columns = math.ceil(math.sqrt(len(communities)))
        grids: list[Grid] = []
        for index, community in enumerate(communities):
            row, column = divmod(index, columns)
            centre = _offset(CITY_CENTRE, (row - columns / 2) * 700, (column - columns / 2) * 700)
            first, last = index * len(sizes) // len(communities), (index + 1) * len(sizes) // len(communities)
            grids += self._grids(community, centre, last - first)
        Grid.objects.bulk_create(grids, batch_size=BATCH_SIZE)
        for grid, size in zip(grids, sizes, strict=True):
            self._write_grid(grid, size)
        self.counts.update(
            communities=len(communities),
            grids=len(grids),
            households=self.households.written,
            people=self.people.written,
        )
        return street, grids

    @staticmethod
    def _communities(street: Street, count: int) -> list[Community]:
        communities = []
        for index in range(count):
            base = _COMMUNITY_NAMES[index % len(_COMMUNITY_NAMES)]
            name = base if index < len(_COMMUNITY_NAMES) else base + _cn_number(index // len(_COMMUNITY_NAMES) + 1)
            communities.append(Community(street=street, name=f"{name}社区", code=f"{STREET_CODE}{index + 1:02d}"))
        return Community.objects.bulk_create(communities, batch_size=BATCH_SIZE)

    def _grids(self, community: Community, centre: tuple[float, float], count: int) -> list[Grid]:
        """Grids about 240 m apart around their community's centre."""
        short_name = community.name.removesuffix("社区")
        columns = math.ceil(math.sqrt(count))
        grids = []
        for index in range(count):
            row, column = divmod(index, columns)
            lat, lng = _offset(
                centre,
                (row - (columns - 1) / 2) * 240 + self.rng.gauss(0, 30),
                (column - (columns - 1) / 2) * 240 + self.rng.gauss(0, 30),
            )
            grids.append(
                Grid(
                    community=community,
                    name=f"{short_name}{_cn_number(index + 1)}网格",
                    code=f"{community.code}-{index + 1:02d}",
                    center_lat=lat,
                    center_lng=lng,
                )
            )
        return grids

    def _grid_flats(self, grid: Grid, size: int) -> tuple[list[Building], list[tuple[Building, str, str]]]:
        """The grid's buildings, in compounds along roads, and `size` flats as (building, unit, room)."""
        buildings: list[Building] = []
        flats: list[tuple[Building, str, str]] = []
        road, number, compound_left, building_no = "", 0, 0, 0
        centre = (grid.center_lat or CITY_CENTRE[0], grid.center_lng or CITY_CENTRE[1])
        while len(flats) < size:
            if compound_left == 0:
                road = self.rng.choice(_ROADS)
                number = self.road_numbers.get(road, 0) + self.rng.randint(2, 40)
                self.road_numbers[road] = number
                compound_left, building_no = self.rng.randint(2, 8), 0
            compound_left -= 1
            building_no += 1
            address = f"{road}{number}号{building_no}栋"
            lat, lng = _offset(centre, self.rng.gauss(0, 70), self.rng.gauss(0, 70))
            building = Building(
                grid=grid, name=f"{building_no}栋", address=address, address_key=address_key(address), lat=lat, lng=lng
            )
            buildings.append(building)
            floors, units, per_floor = (
                self.rng.randint(*span) for span in self.rng.choices(_BUILDING_PROFILES, _BUILDING_WEIGHTS)[0]
            )
            for unit in range(1, units + 1):
                for floor in range(1, floors + 1):
                    for flat in range(1, per_floor + 1):
                        if len(flats) < size:  # the grid's last building is only partly in the registry
                            flats.append((building, str(unit), f"{floor}{flat:02d}"))
        return buildings, flats

    # --- households -----------------------------------------------------------------------------

    def _write_grid(self, grid: Grid, size: int) -> None:
        buildings, flats = self._grid_flats(grid, size)
        Building.objects.bulk_create(buildings, batch_size=BATCH_SIZE)
        for building, unit, room in flats:
            self._add_household(building, unit, room)
        for writer in (self.households, self.people, self.person_tags):
            writer.flush()
        self.counts["buildings"] += len(buildings)

    def _add_household(self, building: Building, unit: str, room: str) -> None:
        flat_address = building.address + room_label(unit, room)
        verified_at = self.now - dt.timedelta(seconds=self.rng.randrange(VERIFIED_WITHIN_DAYS * 86400))
        source = self.rng.choices(_VERIFYING_SOURCES, _VERIFYING_WEIGHTS)[0]
        here = _Origin("", f"{CITY}{STREET_NAME}{flat_address}", ResidentType.REGISTERED, separated=False)
        status = HouseholdStatus.OCCUPIED
        members: list[_Member] = []
        draw = self.rng.random()
        if draw < SPECIAL_SHARE:
            members = self._weighted(self.special_kinds)()
            # One in ten special families lives here while registered elsewhere in the city.
            origin = self._city_origin(renting=False) if self.rng.random() < 0.1 else here
            self.counts["special_households"] += 1
        elif draw < SPECIAL_SHARE + VACANT_SHARE:
            status, origin = HouseholdStatus.VACANT, here
            self.counts["vacant_households"] += 1
        elif draw < SPECIAL_SHARE + VACANT_SHARE + AWAY_SHARE:
            status = HouseholdStatus.SEPARATED
            members = self.rng.choice(
                (self._single, self._young_couple, self._couple_with_child, self._elderly_couple)
            )()[0]
            members[0].notes.append(_AWAY_ELDER_REMARK if members[0].age >= 60 else self.rng.choice(_AWAY_REMARKS))
            origin = _Origin("", here.address, ResidentType.REGISTERED, separated=True)
            self.counts["separated_households"] += 1
        else:
            members, renting_origin = self._weighted(self.ordinary_kinds)()
            # Some owners live here while their 户口 is elsewhere in the city.
            origin = renting_origin or (self._city_origin(renting=False) if self.rng.random() < 0.08 else here)
        household_id = self.households.add(
            {
                "building_id": building.pk,
                "unit": unit,
                "room": room,
                "address_key": address_key(flat_address),
                "status": status,
                "last_verified_at": verified_at,
                "last_verified_source_id": self.source_ids[source],
            }
        )
        # In a 人户分离 household the note says where the person lives (a remark); elsewhere it is about care.
        away = status == HouseholdStatus.SEPARATED
        provenance_at = verified_at.isoformat()
        for member in members:
            member_origin = member.origin or origin
            if member.age >= 80:
                member.tags.add("elder_80")
            phone = self._phone(member.age)
            provenance = {name: {"source": "police", "at": provenance_at} for name in _POLICE_FIELDS}
            if phone:
                provenance["phone"] = {"source": "community", "at": provenance_at}
            person_id = self.people.add(
                {
                    "household_id": household_id,
                    "relationship": member.relationship,
                    "name": member.surname + self._given_name(member),
                    "registered_address": member_origin.address,
                    "resident_type": member_origin.resident_type,
                    "separated": member_origin.separated,
                    "care_notes": "" if away else "；".join(member.notes),
                    "remarks": "；".join(member.notes) if away else "",
                    "last_verified_at": verified_at,
                    "last_verified_source_id": self.source_ids[source],
                    "provenance": provenance,
                    **id_number_columns(self._id_number(member_origin.region, member)),
                    **phone_columns(phone),
                }
            )
            for code in sorted(member.tags):
                self.person_tags.add(
                    {
                        "person_id": person_id,
                        "tag_id": self.tag_ids[code],
                        "source_id": self.source_ids[_TAG_SOURCES[code]],
                    }
                )
            self.counts["separated_people"] += member_origin.separated
            self.counts[f"resident_{member_origin.resident_type}"] += 1

    # --- people ---------------------------------------------------------------------------------

    def _weighted(self, kinds: dict[T, int]) -> T:
        return self.rng.choices(list(kinds), list(kinds.values()))[0]

    def _birth(self, youngest: int, oldest: int) -> dt.date:
        """A birth date on which the person is `youngest` to `oldest` years old today (never today)."""
        latest = _years_before(self.today, youngest) - dt.timedelta(days=1)
        earliest = _years_before(self.today, oldest + 1) + dt.timedelta(days=1)
        return earliest + dt.timedelta(days=self.rng.randrange(max(1, (latest - earliest).days + 1)))

    def _member(self, relationship: str, gender: str, youngest: int, oldest: int, surname: str = "") -> _Member:
        birth = self._birth(youngest, oldest)
        return _Member(relationship, gender, birth, age_on(birth, self.today), surname or self._surname())

    def _surname(self) -> str:
        return self.rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]

    def _gender(self, female_share: float = 0.5) -> str:
        return Gender.FEMALE if self.rng.random() < female_share else Gender.MALE

    def _given_name(self, member: _Member) -> str:
        if member.birth.year < 1965 and self.rng.random() < 0.55:
            return self.rng.choice(_OLDER_NAMES[member.gender])
        if member.birth.year >= 2008 and self.rng.random() < 0.5:
            return self.rng.choice(_YOUNGER_NAMES[member.gender])
        chars = _GIVEN_CHARS[member.gender]
        return "".join(self.rng.choice(chars) for _ in range(1 if self.rng.random() < 0.25 else 2))

    def _id_number(self, region: str, member: _Member) -> IdNumber:
        """A valid ID number nobody else in the street has; "" region: one of the city's own."""
        region = region or self.rng.choices(_LOCAL_REGIONS, _LOCAL_REGION_WEIGHTS)[0]
        while True:
            value = make_id_number(region, member.birth, self.rng.randrange(100), member.gender)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return IdNumber(value=value, birth_date=member.birth, gender=member.gender)

    def _phone(self, age: int) -> str:
        draw = self.rng.random()
        if age < 14 or (age < 16 and draw < 0.7) or (age >= 75 and draw < 0.15):
            return ""
        while True:
            if age >= 75 and draw < 0.4:  # many old people only have the flat's fixed line
                phone = f"0571{self.rng.randint(8000_0000, 8999_9999)}"
            else:
                phone = f"{self.rng.choice(_MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def _city_origin(self, *, renting: bool) -> _Origin:
        code, district, roads = self.rng.choice(_CITY_DISTRICTS)
        rng = self.rng
        flat = f"{rng.randint(1, 12)}幢{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
        address = f"浙江省杭州市{district}{rng.choice(roads)}{rng.randint(1, 300)}号{flat}"
        return _Origin(code, address, ResidentType.TENANT if renting else ResidentType.REGISTERED, separated=True)

    def _migrant_origin(self) -> _Origin:
        code, county, towns = self.rng.choice(_HOME_COUNTIES)
        address = f"{county}{self.rng.choice(towns)}{self.rng.choice(_VILLAGES)}村{self.rng.randint(1, 120)}号"
        return _Origin(code, address, ResidentType.MIGRANT, separated=True)

    def _couple(self, youngest: int, oldest: int, *, male_head: bool = False) -> list[_Member]:
        husband = self._member(Relationship.HEAD, Gender.MALE, youngest, oldest)
        wife_age = max(youngest, husband.age - self.rng.randint(-2, 5))
        wife = self._member(Relationship.SPOUSE, Gender.FEMALE, wife_age, wife_age)
        if not male_head and self.rng.random() < 0.25:  # the wife is the registered head
            husband.relationship, wife.relationship = Relationship.SPOUSE, Relationship.HEAD
            return [wife, husband]
        return [husband, wife]

    def _children(self, mother: _Member, count: int, youngest: int, oldest: int, surname: str) -> list[_Member]:
        """Children aged `youngest` to `oldest`, born when their mother was 21 or older."""
        oldest = min(oldest, mother.age - 21)
        if oldest < youngest:
            return []
        return [self._member(Relationship.CHILD, self._gender(), youngest, oldest, surname) for _ in range(count)]

    @staticmethod
    def _man_of(members: list[_Member]) -> _Member:
        return next((member for member in members if member.gender == Gender.MALE), members[0])

    @staticmethod
    def _woman_of(members: list[_Member]) -> _Member:
        return next((member for member in members if member.gender == Gender.FEMALE), members[0])

    def _family(
        self, youngest: int, oldest: int, children: int, child_ages: tuple[int, int] = (0, 25)
    ) -> list[_Member]:
        couple = self._couple(youngest, oldest)
        return couple + self._children(self._woman_of(couple), children, *child_ages, self._man_of(couple).surname)

    # Ordinary households: nobody in them is 80 or older, so none has a special-group tag.
    # Each returns its members and, for renters, their origin (None: registered here).

    def _single(self) -> tuple[list[_Member], _Origin | None]:
        return [self._member(Relationship.HEAD, self._gender(), 22, 64)], None

    def _young_couple(self) -> tuple[list[_Member], _Origin | None]:
        return self._couple(24, 38), None

    def _couple_with_child(self) -> tuple[list[_Member], _Origin | None]:
        return self._family(28, 55, 1), None

    def _couple_with_children(self) -> tuple[list[_Member], _Origin | None]:
        return self._family(32, 50, 2, (0, 20)), None

    def _three_generations(self) -> tuple[list[_Member], _Origin | None]:
        family = self._family(30, 48, self.rng.randint(1, 2), (0, 17))
        head = family[0]
        father_age = min(head.age + self.rng.randint(24, 32), 79)
        mother_age = max(father_age - self.rng.randint(0, 4), head.age + 21)
        parents = [
            self._member(Relationship.PARENT, Gender.MALE, father_age, father_age, head.surname),
            self._member(Relationship.PARENT, Gender.FEMALE, mother_age, mother_age),
        ]
        # At most five in all: with two grandchildren only one grandparent lives here.
        return family + self.rng.sample(parents, self.rng.randint(1, min(2, 5 - len(family)))), None

    def _elderly_couple(self) -> tuple[list[_Member], _Origin | None]:
        return self._couple(62, 77), None

    def _renting_family(self) -> tuple[list[_Member], _Origin | None]:
        origin = self._migrant_origin() if self.rng.random() < 0.7 else self._city_origin(renting=True)
        return self._family(24, 45, self.rng.randint(0, 2), (0, 14)), origin

    def _shared_rental(self) -> tuple[list[_Member], _Origin | None]:
        sharers = [self._member(Relationship.TENANT, self._gender(0.4), 20, 35) for _ in range(self.rng.randint(2, 4))]
        sharers[0].relationship = Relationship.HEAD
        for sharer in sharers:
            sharer.origin = self._migrant_origin() if self.rng.random() < 0.75 else self._city_origin(renting=True)
        return sharers, None

    def _family_with_lodger(self) -> tuple[list[_Member], _Origin | None]:
        lodger = self._member(Relationship.TENANT, self._gender(), 20, 40)
        lodger.origin = self._migrant_origin()
        return [*self._family(45, 65, 1, (10, 30)), lodger], None

    # Special households: each has a member with a special-group tag that fits their age and
    # sex; `_add_person` adds elder_80 to everyone 80 or older.

    def _elder_alone(self) -> list[_Member]:
        elder = self._member(Relationship.HEAD, self._gender(0.65), 68, 93)
        elder.tags.add("elder_alone")
        elder.notes.append(self.rng.choice(_ELDER_ALONE_NOTES))
        if self.rng.random() < 0.4:
            elder.tags.add("chronic")
            elder.notes.append(self.rng.choice(_CHRONIC_NOTES))
        return [elder]

    def _oldest_old(self) -> list[_Member]:
        couple = self._couple(80, 93)
        couple[0].notes.append(self.rng.choice(_OLDEST_NOTES))
        if self.rng.random() < 0.4:  # a grown-up child has moved back in to look after them
            couple += self._children(self._woman_of(couple), 1, 45, 65, self._man_of(couple).surname)
        return couple

    def _with_disabled(self) -> list[_Member]:
        members = self.rng.choice((self._single, self._couple_with_child, self._three_generations))()[0]
        disabled = self.rng.choice([member for member in members if member.age >= 6])
        disabled.tags.add("disabled")
        disabled.notes.append(self.rng.choice(_DISABILITY_NOTES))
        return members

    def _left_behind(self) -> list[_Member]:
        if self.rng.random() < 0.7:
            grandparents = self._couple(56, 72)
        else:
            grandparents = [self._member(Relationship.HEAD, Gender.FEMALE, 56, 72)]
        surname = self._man_of(grandparents).surname
        children = [
            self._member(Relationship.GRANDCHILD, self._gender(), 3, 13, surname) for _ in range(self.rng.randint(1, 2))
        ]
        for child in children:
            child.tags.add("child_left")
            child.notes.append(_LEFT_BEHIND_NOTE)
        return grandparents + children

    def _in_distress(self) -> list[_Member]:
        parent = self._member(Relationship.HEAD, self._gender(0.7), 28, 45)
        parent.tags.add("min_living")
        if self.rng.random() < 0.3:
            parent.tags.add("disabled")
            parent.notes.append(self.rng.choice(_DISABILITY_NOTES))
        # A single father's children: `_children` only needs someone 21 or more years older.
        children = self._children(parent, self.rng.randint(1, 2), 0, 15, parent.surname)
        for child in children:
            child.tags.add("child_distress")
        return [parent, *children]

    def _min_living(self) -> list[_Member]:
        if self.rng.random() < 0.5:
            members = self._couple(50, 70)
        else:
            members = [self._member(Relationship.HEAD, self._gender(), 45, 70)]
        members[0].tags.add("min_living")
        return members

    def _with_chronic(self) -> list[_Member]:
        members = self.rng.choice((self._elderly_couple, self._three_generations))()[0]
        patient = self.rng.choice([member for member in members if member.age >= 50])
        patient.tags.add("chronic")
        patient.notes.append(self.rng.choice(_CHRONIC_NOTES))
        return members

    def _veteran(self) -> list[_Member]:
        members = self._couple(35, 75, male_head=True)
        members[0].tags.add("veteran")
        return members

    def _maternal(self) -> list[_Member]:
        members = self._couple(24, 36)
        mother = self._woman_of(members)
        mother.tags.add("maternal")
        mother.notes.append(self.rng.choice(_MATERNAL_NOTES))
        if self.rng.random() < 0.5:
            members += self._children(mother, 1, 1, 5, self._man_of(members).surname)
        return members


def _demo_users_create(*, street: Street, grids: list[Grid], password: str) -> list[DemoLogin]:
    places: dict[str, Street | Community | Grid] = {
        "street": street,
        "community": grids[0].community,
        "grid1": grids[0],
        "grid2": grids[1],
    }
    now = timezone.now()
    # One hash for all: they share the password anyway, and each Argon2 hash costs half a second.
    password_hash = make_password(password)
    logins = []
    for spec in DEMO_USERS:
        department = Department.objects.get(code=spec.department_code) if spec.department_code else None
        user = User.objects.create(
            username=spec.username,
            password=password_hash,
            role=spec.role,
            display_name=spec.display_name,
            department=department,
            password_changed_at=now,
        )
        place = places.get(spec.place)
        if place is not None:
            PlaceAssignment.objects.create(user=user, **{assignment_field(place): place})
        if isinstance(place, Grid):
            acts_in = f"{place.community.name}{place.name}"
        else:
            acts_in = str(place or department or "审计日志")
        logins.append(DemoLogin(spec.username, spec.role, spec.display_name, spec.duty, acts_in))
    return logins


_PASSWORD_LABEL = "所有演示账号的密码 (password): "  # noqa: S105 (a label, not a password)


def demo_logins_text(demo: DemoStreet) -> str:
    lines = [
        f"敲门演示街道：{demo.street.name}（{demo.street.city}），{demo.counts['households']} 户，"
        f"{demo.counts['people']} 人",
        _PASSWORD_LABEL + demo.password,
        "",
        f"{'用户名 (username)':<20}{'角色 (role)':<22}说明",
    ]
    lines += [
        f"{login.username:<20}{login.role:<22}{login.display_name}，{login.duty}，{login.acts_in}"
        for login in demo.logins
    ]
    return "\n".join(lines) + "\n"


def demo_logins_write(*, demo: DemoStreet, path: Path) -> None:
    """Write the logins readable by the owner only (0600), replacing any earlier file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(demo_logins_text(demo))
    os.replace(partial, path)


def demo_logins_read(path: Path) -> tuple[str, str] | None:
    """The text of the logins file and the password in it, or None without a readable file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    match = re.search("^" + re.escape(_PASSWORD_LABEL) + r"(\S+)$", text, re.MULTILINE)
    return (text, match.group(1)) if match else None
