"""Scoring events on a cooperation–conflict scale from their PLOVER type.

Two scales are offered; both run from −10 (most conflictual) to +10 (most cooperative), the range of
Goldstein's scale (Goldstein 1992).

``"goldstein"`` (the default) — **our derivation**, not a published table. Each PLOVER category gets
the unweighted mean of the Goldstein weights of the CAMEO codes that the PLOVER project's conversion
table assigns to it:

1. CAMEO → PLOVER: ``CAMEO2PLOVER-2021.txt`` (PLOVER manual draft 0.8, 17 September 2021, edited by
   Philip Schrodt; github.com/openeventdata/PLOVER, commit e834df5). Every 3- and 4-digit code it lists
   is used once; its category ``DEMAND`` (CAMEO 10) is the category the current PLOVER manual calls
   ``REQUEST`` (manual draft 2.0, table "PLOVER equivalents to CAMEO cue categories").
2. CAMEO → Goldstein weight: the GDELT project's lookup ``CAMEO.goldsteinscale.txt`` (the CAMEO
   adaptation of Goldstein's WEIS weights). Two codes of the conversion table (1213, 1214) have no
   weight there and are left out of the means.

The codes, their category and their weight are the table :data:`CAMEO_PLOVER_GOLDSTEIN` below, so the
derivation is re-run (and tested) from this file.

``"plover"`` — the category scores **published** in the PLOVER manual (draft 2.0, section "Numeric
conflict/cooperation scores", openeventdata/PLOVER commit 5e0c24f, 2024-02-04), built there from expert
judgement anchored on the Goldstein scores. One entry is used with a correction: the manual gives the
category ACCUSE a score of +3, which contradicts every one of its modes (Disapprove −2, Investigate −3.5,
Allege −3.5) and the earlier draft (−2.0); we use −2 (its default mode, Disapprove) and keep the published
value in the ``errata`` column.

Direction. A score belongs to the act of an event's source actors toward its target actors. A stance
series (:mod:`dialoguelab.stance.series`) reads an event for an ordered pair of blocs (A, B):

* ``directed`` — an actor of A is a source and an actor of B a target: the type's score;
* ``joint`` — actors of A and of B are both sources (they act together, e.g. a resolution Russia
  backs in the Security Council, a joint exercise): the act's own score when it is cooperative; when
  the joint act is conflictual toward a third party (a joint show of force), acting together is read as
  agreeing with each other and scored as :data:`JOINT_TYPE` (AGREE) on the same scale.

References
----------
.. [1] Goldstein, J. S. (1992). A Conflict-Cooperation Scale for WEIS Events Data. *Journal of Conflict
   Resolution*, 36(2), 369–385. https://doi.org/10.1177/0022002792036002007
.. [2] Halterman, A., Bagozzi, B. E., Beger, A., Schrodt, P. A., & Scarborough, G. I. (2023). PLOVER and
   POLECAT: A New Political Event Ontology and Dataset. International Studies Association, Montreal.
   https://github.com/openeventdata/PLOVER
.. [3] Gerner, D. J., Schrodt, P. A., & Yilmaz, O. (2009). Conflict and Mediation Event Observations
   (CAMEO) Codebook. http://eventdata.parusanalytics.com/data.dir/cameo.html
.. [4] The GDELT Project, ``CAMEO.goldsteinscale.txt`` (lookup of CAMEO codes to Goldstein weights),
   https://www.gdeltproject.org/data/lookups/CAMEO.goldsteinscale.txt
"""

from __future__ import annotations

__all__ = [
    "SCALES",
    "DEFAULT_SCALE",
    "JOINT_TYPE",
    "CAMEO_PLOVER_GOLDSTEIN",
    "PLOVER_PUBLISHED",
    "cameo_table",
    "scoring_table",
    "type_score",
    "type_scores",
    "check_scale",
]

from functools import lru_cache

import pandas as pd

from dialoguelab.case.schema import EventType
from dialoguelab.errors import InvalidParameterError

SCALES = ("goldstein", "plover")
DEFAULT_SCALE = "goldstein"
#: How a joint action of two blocs (both among an event's sources) is scored.
JOINT_TYPE = EventType.AGREE

#: ``code:PLOVER:weight`` for every 3- and 4-digit CAMEO code of CAMEO2PLOVER-2021 (``DEMAND`` written
#: ``REQUEST``), with the code's Goldstein weight from GDELT's CAMEO.goldsteinscale.txt (``-``: none there).
CAMEO_PLOVER_GOLDSTEIN = """
030:AGREE:4.0 031:AGREE:5.2 0311:AGREE:5.2 0312:AGREE:5.2 0313:AGREE:5.2 0314:AGREE:5.2 032:AGREE:4.5
033:AGREE:5.2 0331:AGREE:5.2 0332:AGREE:5.2 0333:AGREE:5.2 0334:AGREE:6.0 034:AGREE:7.0 0341:AGREE:7.0
0342:AGREE:7.0 0343:AGREE:7.0 0344:AGREE:7.0 035:AGREE:7.0 0351:AGREE:7.0 0352:AGREE:7.0 0353:AGREE:7.0
0354:AGREE:7.0 0355:AGREE:7.0 0356:AGREE:7.0 036:AGREE:4.0 037:AGREE:5.0 038:AGREE:7.0 039:AGREE:5.0
040:CONSULT:1.0 041:CONSULT:1.0 042:CONSULT:1.9 043:CONSULT:2.8 044:CONSULT:2.5 045:CONSULT:5.0
046:CONSULT:7.0 050:SUPPORT:3.5 051:SUPPORT:3.4 052:SUPPORT:3.5 053:SUPPORT:3.8 054:SUPPORT:6.0
055:SUPPORT:7.0 056:SUPPORT:7.0 057:SUPPORT:8.0 060:COOPERATE:6.0 061:COOPERATE:6.4 062:COOPERATE:7.4
063:COOPERATE:7.4 064:COOPERATE:7.0 070:AID:7.0 071:AID:7.4 072:AID:8.3 073:AID:7.4 074:AID:8.5
075:AID:7.0 080:CONCEDE:5.0 081:CONCEDE:5.0 0811:CONCEDE:5.0 0812:CONCEDE:5.0 082:CONCEDE:5.0
083:CONCEDE:5.0 0831:CONCEDE:5.0 0832:CONCEDE:5.0 0833:CONCEDE:5.0 0834:CONCEDE:5.0 084:RETREAT:7.0
0841:RETREAT:7.0 0842:RETREAT:7.0 085:RETREAT:7.0 086:RETREAT:9.0 0861:RETREAT:9.0 0862:RETREAT:9.0
0863:RETREAT:9.0 087:RETREAT:9.0 0871:RETREAT:9.0 0872:RETREAT:9.0 0873:RETREAT:9.0 0874:RETREAT:10.0
0813:RETREAT:5.0 0814:RETREAT:5.0 090:ACCUSE:-2.0 091:ACCUSE:-2.0 092:ACCUSE:-2.0 093:ACCUSE:-2.0
094:ACCUSE:-2.0 100:REQUEST:-5.0 101:REQUEST:-5.0 1011:REQUEST:-5.0 1012:REQUEST:-5.0 1013:REQUEST:-5.0
1014:REQUEST:-5.0 102:REQUEST:-5.0 103:REQUEST:-5.0 1031:REQUEST:-5.0 1032:REQUEST:-5.0
1033:REQUEST:-5.0 1034:REQUEST:-5.0 104:REQUEST:-5.0 1041:REQUEST:-5.0 1042:REQUEST:-5.0
1043:REQUEST:-5.0 1044:REQUEST:-5.0 105:REQUEST:-5.0 1051:REQUEST:-5.0 1052:REQUEST:-5.0
1053:REQUEST:-5.0 1054:REQUEST:-5.0 1055:REQUEST:-5.0 1056:REQUEST:-5.0 106:REQUEST:-5.0
107:REQUEST:-5.0 108:REQUEST:-5.0 110:ACCUSE:-2.0 111:ACCUSE:-2.0 112:ACCUSE:-2.0 1121:ACCUSE:-2.0
1122:ACCUSE:-2.0 1123:ACCUSE:-2.0 1124:ACCUSE:-2.0 1125:ACCUSE:-2.0 113:ACCUSE:-2.0 114:ACCUSE:-2.0
115:ACCUSE:-2.0 116:ACCUSE:-2.0 120:REJECT:-4.0 121:REJECT:-4.0 1211:REJECT:-4.0 1212:REJECT:-4.0
1213:REJECT:- 1214:REJECT:- 122:REJECT:-4.0 1221:REJECT:-4.0 1222:REJECT:-4.0 1223:REJECT:-4.0
1224:REJECT:-4.0 123:REJECT:-4.0 1231:REJECT:-4.0 1232:REJECT:-4.0 1233:REJECT:-4.0 1234:REJECT:-4.0
124:REJECT:-4.0 1241:REJECT:-4.0 1242:REJECT:-4.0 1243:REJECT:-4.0 1244:REJECT:-4.0 1245:REJECT:-4.0
1246:REJECT:-4.0 125:REJECT:-5.0 126:REJECT:-5.0 127:REJECT:-5.0 128:REJECT:-5.0 129:REJECT:-5.0
130:THREATEN:-4.4 131:THREATEN:-5.8 1311:THREATEN:-5.8 1312:THREATEN:-5.8 1313:THREATEN:-5.8
132:THREATEN:-5.8 1321:THREATEN:-5.8 1322:THREATEN:-5.8 1323:THREATEN:-5.8 1324:THREATEN:-5.8
133:THREATEN:-5.8 134:THREATEN:-5.8 135:THREATEN:-5.8 136:THREATEN:-7.0 137:THREATEN:-7.0
138:THREATEN:-7.0 1381:THREATEN:-7.0 1382:THREATEN:-7.0 1383:THREATEN:-7.0 1384:THREATEN:-7.0
1385:THREATEN:-7.0 139:THREATEN:-7.0 140:PROTEST:-6.5 141:PROTEST:-6.5 1411:PROTEST:-6.5
1412:PROTEST:-6.5 1413:PROTEST:-6.5 1414:PROTEST:-6.5 142:PROTEST:-6.5 1421:PROTEST:-6.5
1422:PROTEST:-6.5 1423:PROTEST:-6.5 1424:PROTEST:-6.5 143:PROTEST:-6.5 1431:PROTEST:-6.5
1432:PROTEST:-6.5 1433:PROTEST:-6.5 1434:PROTEST:-6.5 144:PROTEST:-7.5 1441:PROTEST:-7.5
1442:PROTEST:-7.5 1443:PROTEST:-7.5 1444:PROTEST:-7.5 145:PROTEST:-7.5 1451:PROTEST:-7.5
1452:PROTEST:-7.5 1453:PROTEST:-7.5 1454:PROTEST:-7.5 150:MOBILIZE:-7.2 151:MOBILIZE:-7.2
152:MOBILIZE:-7.2 153:MOBILIZE:-7.2 154:MOBILIZE:-7.2 160:SANCTION:-4.0 161:SANCTION:-4.0
162:SANCTION:-5.6 1621:SANCTION:-5.6 1622:SANCTION:-5.6 1623:SANCTION:-5.6 163:COERCE:-8.0
164:SANCTION:-7.0 165:SANCTION:-6.5 166:SANCTION:-7.0 1661:SANCTION:-7.0 1662:SANCTION:-7.0
1663:SANCTION:-7.0 170:COERCE:-7.0 171:COERCE:-9.2 1711:COERCE:-9.2 1712:ASSAULT:-9.2 172:COERCE:-5.0
1721:COERCE:-5.0 1722:COERCE:-5.0 1723:COERCE:-5.0 1724:COERCE:-5.0 173:COERCE:-5.0 174:COERCE:-5.0
191:COERCE:-9.5 192:COERCE:-9.5 180:ASSAULT:-9.0 181:ASSAULT:-9.0 182:ASSAULT:-9.5 1821:ASSAULT:-9.0
1822:ASSAULT:-9.0 1823:ASSAULT:-10.0 183:ASSAULT:-10.0 1831:ASSAULT:-10.0 1832:ASSAULT:-10.0
1833:ASSAULT:-10.0 184:ASSAULT:-8.0 185:ASSAULT:-8.0 186:ASSAULT:-10.0 175:ASSAULT:-9.0 201:ASSAULT:-9.5
190:ASSAULT:-10.0 193:ASSAULT:-10.0 194:ASSAULT:-10.0 195:ASSAULT:-10.0 196:ASSAULT:-9.5
200:ASSAULT:-10.0 202:ASSAULT:-10.0 203:ASSAULT:-10.0 204:ASSAULT:-10.0 2041:ASSAULT:-10.0
2042:ASSAULT:-10.0
"""

#: PLOVER manual draft 2.0, table "PLOVER conflict--cooperation scores": category (not mode) scores.
PLOVER_PUBLISHED: dict[str, float] = {
    "AGREE": 2.5,
    "CONSULT": 2.5,
    "SUPPORT": 5.0,
    "CONCEDE": 4.5,
    "COOPERATE": 9.5,
    "AID": 10.0,
    "RETREAT": 6.5,
    "REQUEST": 0.0,
    "ACCUSE": 3.0,
    "REJECT": -2.0,
    "THREATEN": -3.5,
    "PROTEST": -5.0,
    "SANCTION": -6.0,
    "MOBILIZE": -5.5,
    "COERCE": -7.0,
    "ASSAULT": -9.0,
}
_PLOVER_USED = dict(PLOVER_PUBLISHED, ACCUSE=-2.0)
_PLOVER_ERRATA = {
    "ACCUSE": "published +3 contradicts its modes (Disapprove -2, Investigate -3.5, Allege -3.5) and the "
    "earlier draft (-2.0); we use -2, the score of its default mode Disapprove",
}


def check_scale(scale: str) -> str:
    """Validate a scale name (one of :data:`SCALES`)."""
    if not isinstance(scale, str) or scale not in SCALES:
        raise InvalidParameterError(
            f"The 'scale' parameter must be one of {', '.join(SCALES)}. Got {scale!r}."
        )
    return scale


def cameo_table() -> pd.DataFrame:
    """The CAMEO codes behind the ``"goldstein"`` scale: ``code``, ``plover``, ``goldstein`` (NaN if none).

    Examples
    --------
    >>> t = cameo_table()
    >>> t.loc[t.code == "057", ["plover", "goldstein"]].values.tolist()
    [['SUPPORT', 8.0]]
    """
    rows = []
    for tok in CAMEO_PLOVER_GOLDSTEIN.split():
        code, plover, weight = tok.split(":")
        rows.append(
            {"code": code, "plover": plover, "goldstein": float(weight) if weight != "-" else float("nan")}
        )
    return pd.DataFrame(rows)


@lru_cache(maxsize=4)
def _scores(scale: str) -> dict[str, float]:
    if scale == "plover":
        return dict(_PLOVER_USED)
    t = cameo_table().dropna(subset=["goldstein"])
    means = t.groupby("plover")["goldstein"].mean()
    return {str(k): round(float(v), 2) for k, v in means.items()}


def scoring_table(scale: str = DEFAULT_SCALE) -> pd.DataFrame:
    """The documented table: each PLOVER type with its score and how the score was obtained.

    Parameters
    ----------
    scale : {"goldstein", "plover"}, default="goldstein"
        ``"goldstein"``: our derivation (mean Goldstein weight of the CAMEO codes a PLOVER type covers);
        ``"plover"``: the PLOVER manual's published category scores (ACCUSE corrected, see ``errata``).

    Returns
    -------
    pandas.DataFrame
        One row per PLOVER type, in PLOVER order (cooperation to conflict), with columns ``type``,
        ``score``, ``n_codes``, ``cameo_codes``, ``published`` (bool), ``derivation`` and ``errata``.

    Examples
    --------
    >>> t = scoring_table().set_index("type")
    >>> bool(t.loc["ASSAULT", "score"] < t.loc["THREATEN", "score"] < 0)
    True
    """
    check_scale(scale)
    scores = _scores(scale)
    cameo = cameo_table()
    rows = []
    for et in EventType:
        codes = cameo[cameo.plover == et.value]
        weighted = codes.dropna(subset=["goldstein"])
        if scale == "goldstein":
            derivation = (
                f"mean Goldstein weight of {len(weighted)} CAMEO codes mapped to {et.value} "
                f"by CAMEO2PLOVER-2021 "
                f"(range {weighted.goldstein.min():+.1f} to {weighted.goldstein.max():+.1f}); our derivation"
            )
            published, errata = False, None
        else:
            derivation = (
                "PLOVER manual draft 2.0, category score (expert-derived, anchored on Goldstein scores)"
            )
            published, errata = et.value not in _PLOVER_ERRATA, _PLOVER_ERRATA.get(et.value)
        rows.append(
            {
                "type": et.value,
                "score": scores[et.value],
                "n_codes": int(len(weighted)),
                "cameo_codes": list(codes.code),
                "published": published,
                "derivation": derivation,
                "errata": errata,
            }
        )
    return pd.DataFrame(rows)


def type_scores(scale: str = DEFAULT_SCALE) -> dict[str, float]:
    """``{PLOVER type: score}`` on a scale (plain floats)."""
    return dict(_scores(check_scale(scale)))


def type_score(event_type: str | EventType, scale: str = DEFAULT_SCALE) -> float:
    """The score of one PLOVER type.

    Examples
    --------
    >>> type_score("COOPERATE") > type_score("CONSULT") > 0 > type_score("REJECT")
    True
    """
    key = event_type.value if isinstance(event_type, EventType) else str(event_type).upper()
    scores = _scores(check_scale(scale))
    if key not in scores:
        raise InvalidParameterError(
            f"The 'event_type' parameter must be a PLOVER type ({', '.join(EventType.__members__)}). "
            f"Got {event_type!r}."
        )
    return scores[key]
