"""The demo street's places: its communities, grids and buildings, and the flats in them.

Communities stand on a lattice around the city centre, grids around their community's centre,
buildings in compounds along roads around their grid's centre, all drawn from the seed.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import NamedTuple

from qiaomen.demo.vocabulary import COMMUNITY_NAMES, ROADS, weighted_choice
from qiaomen.places.addresses import address_key
from qiaomen.places.models import Building, Community, Grid, Street

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
BATCH_SIZE = 1000
# (floors, units, flats per floor) ranges of a 多层 walk-up, a 小高层 and a 高层, and how common each is.
_BUILDING_PROFILES = {((6, 7), (2, 4), (2, 2)): 55, ((11, 18), (2, 3), (2, 4)): 28, ((24, 33), (2, 2), (2, 4)): 17}


class Flat(NamedTuple):
    building: Building
    unit: str
    room: str


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


class PlaceDrawer:
    """Draws and writes the street's places; `counts` says how many of each it wrote."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.road_numbers: dict[str, int] = {}
        self.counts: Counter[str] = Counter()

    def street_create(self, households: int) -> tuple[Street, list[Grid], list[int]]:
        """The street, its communities and grids, and how many households each grid gets."""
        street = Street.objects.create(name=STREET_NAME, code=STREET_CODE, city=CITY)
        sizes = grid_sizes(self.rng, households)
        communities = self._communities_create(street, min(community_count(households), len(sizes)))
        # Communities on a lattice about 700 m apart, centred on the city centre.
        columns = math.ceil(math.sqrt(len(communities)))
        grids: list[Grid] = []
        for index, community in enumerate(communities):
            row, column = divmod(index, columns)
            centre = _offset(CITY_CENTRE, (row - columns / 2) * 700, (column - columns / 2) * 700)
            first, last = index * len(sizes) // len(communities), (index + 1) * len(sizes) // len(communities)
            grids += self._grids(community, centre, last - first)
        Grid.objects.bulk_create(grids, batch_size=BATCH_SIZE)
        self.counts.update(communities=len(communities), grids=len(grids))
        return street, grids, sizes

    @staticmethod
    def _communities_create(street: Street, count: int) -> list[Community]:
        communities = []
        for index in range(count):
            base = COMMUNITY_NAMES[index % len(COMMUNITY_NAMES)]
            name = base if index < len(COMMUNITY_NAMES) else base + _cn_number(index // len(COMMUNITY_NAMES) + 1)
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

    def grid_buildings_create(self, grid: Grid, size: int) -> list[Flat]:
        """The grid's buildings, in compounds along roads, written; and `size` flats in them."""
        buildings: list[Building] = []
        flats: list[Flat] = []
        road, number, compound_left, building_no = "", 0, 0, 0
        centre = (grid.center_lat or CITY_CENTRE[0], grid.center_lng or CITY_CENTRE[1])
        while len(flats) < size:
            if compound_left == 0:
                road = self.rng.choice(ROADS)
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
                self.rng.randint(*span) for span in weighted_choice(self.rng, _BUILDING_PROFILES)
            )
            for unit in range(1, units + 1):
                for floor in range(1, floors + 1):
                    for flat in range(1, per_floor + 1):
                        if len(flats) < size:  # the grid's last building is only partly in the registry
                            flats.append(Flat(building, str(unit), f"{floor}{flat:02d}"))
        Building.objects.bulk_create(buildings, batch_size=BATCH_SIZE)
        self.counts["buildings"] += len(buildings)
        return flats
