"""The region of England or Wales a postcode is in, from its postcode area (the letters it starts with).

A few areas straddle a border (SY: Shropshire and mid Wales; HP: Buckinghamshire and Hertfordshire);
each is given the region most of its addresses are in, and the payback manager can see the postcode.
Scotland and Northern Ireland run their own community sentences, so their areas are not listed.
"""

from __future__ import annotations

import re

_AREAS_BY_REGION: dict[str, str] = {
    "North East": "DH DL NE SR TS",
    "North West": "BB BL CA CH CW FY L LA M OL PR SK WA WN",
    "Yorkshire and the Humber": "BD DN HD HG HU HX LS S WF YO",
    "East Midlands": "DE LE LN NG NN",
    "West Midlands": "B CV DY HR ST TF WR WS WV",
    "East of England": "AL CB CM CO EN HP IP LU NR PE SG SS WD",
    "London": "BR CR E EC HA IG KT N NW RM SE SM SW TW UB W WC",
    "South East": "BN CT DA GU ME MK OX PO RG RH SL SO TN",
    "South West": "BA BH BS DT EX GL PL SN SP TA TQ TR",
    "Wales": "CF LD LL NP SA SY",
}
REGION_BY_AREA: dict[str, str] = {
    area: region for region, areas in _AREAS_BY_REGION.items() for area in areas.split()
}
_AREA = re.compile(r"^([A-Z]{1,2})[0-9]")


def region_for_postcode(postcode: str) -> str | None:
    """The region of a (normalised) postcode, or None outside England and Wales."""
    match = _AREA.match(postcode or "")
    return REGION_BY_AREA.get(match.group(1)) if match else None
