"""Reference values of the expected-utility model, with where each comes from.

All are for the EC emission-standards example of Bueno de Mesquita (1994), as replicated by
Scholz, Calbert & Smith (2011), with Q = 1 and saliences on the 0-1 scale.

Inputs: ``ExampleActors.csv`` of github.com/dmasad/bdm-scholz-expected-utility-model at commit
d7c7bbab2b714f8bd196e71db38b0f30a3c15bfd (identical in jmckib/bdm-scholz-expected-utility-model
@55f63e9f); the same numbers as Table 1 of Scholz et al. (2011), salience 0-100 there.
"""

__all__ = [
    "NAMES",
    "CAPABILITY",
    "POSITION",
    "SALIENCE",
    "ROUND0_MEDIAN",
    "ROUND0_MEAN",
    "RISK_ROUND1_ISSUE",
    "BELGIUM_EU_ISSUE",
    "BELGIUM_ROUND1",
    "MEANS_ISSUE",
    "PORT_MEANS",
    "PORT_MEDIANS",
    "PORT_POSITIONS",
    "PORT_RISK_ROUND1",
    "PORT_BELGIUM_EU",
    "PORT_P_4_10",
    "ORIGINAL_MEANS_FIGURE",
]

NAMES = [
    "Netherlands",
    "Belgium",
    "Luxembourg",
    "Germany",
    "France",
    "Italy",
    "UK",
    "Ireland",
    "Denmark",
    "Greece",
]
CAPABILITY = [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]
POSITION = [4.0, 7.0, 4.0, 4.0, 10.0, 10.0, 10.0, 7.0, 4.0, 7.0]
SALIENCE = [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7]

# --- The acceptance values of issue 5 ("Done when"), replication mode ---------------------------
# Round 0 weighted median (hand check: c*s weight 0.248 at 4, 0.093 at 7, 0.336 at 10; half of
# 0.677 is first reached at 7) and weighted mean sum(c s x)/sum(c s) (Example.log line 2).
ROUND0_MEDIAN = 7.0
ROUND0_MEAN = 7.389955686853767
# First-round risk exponents, 4 decimals (issue 5; reference/models/bdm.md section 6B).
RISK_ROUND1_ISSUE = {"Ireland": 0.5, "Denmark": 2.0, "UK": 1.9649, "Luxembourg": 0.5089}
# Belgium's first-round EU, 3 decimals, as Belgium sees it: (challenger, target) -> E.
# Agrees with Scholz et al. (2011), Belgium EU scatter
# (dmasad/BDM_DecisionModel_Replication Figures/BelgiumEU.png).
BELGIUM_EU_ISSUE = {
    ("Belgium", "Denmark"): -0.832,
    ("Belgium", "Luxembourg"): 0.606,
    ("Denmark", "Belgium"): 0.242,
}
# Belgium's position after round 1: Example.log,
# "Belgium compromises with France ... new_pos = 8.415932315426764".
BELGIUM_ROUND1 = 8.415932315426764
# Weighted means of rounds 1..10, 6 decimals (issue 5).
MEANS_ISSUE = [
    7.461314,
    7.552501,
    7.590145,
    7.358131,
    7.349174,
    7.414878,
    7.510457,
    7.572447,
    7.324989,
    7.242131,
]

# --- Full-precision output of the public port ------------------------------------------------
# Produced by running bdm_scholz_model.py of dmasad/bdm-scholz-expected-utility-model @d7c7bba under
# CPython 3.11.7, from a copy outside this repository (the model built from csv.DictReader rows,
# since from_csv_path fails on Python >= 3.11 with mode 'rU'):
#     m = BDMScholzModel(rows, verbose=False)
#     for t in range(10): m.update_risk_aversions(); m.update_positions()
# recording m.mean_position(), m.median_position() and [a.x for a in m.actors] after every round.
# The means equal the "Median position"/"Mean position" lines of the fork's Example.log.
PORT_MEANS = [
    7.389955686853767,
    7.461314378277189,
    7.552500865855845,
    7.590144997451547,
    7.358130531334201,
    7.3491739896752115,
    7.414877545372958,
    7.510457183677219,
    7.5724470975503,
    7.324989065683666,
    7.242130958473938,
]
PORT_MEDIANS = [
    7.0,
    8.415932315426764,
    9.610859134120188,
    9.961979590401311,
    9.961979590401311,
    9.961979590401311,
    7.47204636191629,
    8.824593855262423,
    9.671129769802048,
    9.671129769802048,
    7.0,
]
PORT_POSITIONS = [
    [4.0, 7.0, 4.0, 4.0, 10.0, 10.0, 10.0, 7.0, 4.0, 7.0],
    [4.0, 8.415932315426764, 7.0, 4.0, 10.0, 10.0, 10.0, 4.0, 4.0, 7.0],
    [4.0, 9.610859134120188, 8.415932315426764, 4.0, 10.0, 10.0, 10.0, 7.0, 4.0, 7.0],
    [4.0, 9.961979590401311, 9.610859134120188, 4.0, 10.0, 10.0, 10.0, 8.415932315426764, 4.0, 7.0],
    [4.0, 4.800881140632622, 9.961979590401311, 4.0, 10.0, 10.0, 10.0, 9.610859134120188, 4.0, 7.0],
    [4.0, 5.524237694197356, 4.800881140632622, 4.0, 10.0, 10.0, 10.0, 9.961979590401311, 4.0, 7.0],
    [4.0, 7.47204636191629, 5.524237694197356, 4.0, 10.0, 10.0, 10.0, 5.524237694197356, 4.0, 7.0],
    [4.0, 8.824593855262423, 7.47204636191629, 4.0, 10.0, 10.0, 10.0, 7.47204636191629, 4.0, 7.0],
    [4.0, 9.671129769802048, 8.824593855262423, 4.0, 10.0, 10.0, 10.0, 8.824593855262423, 4.0, 7.0],
    [4.0, 4.144849062500606, 9.671129769802048, 4.0, 10.0, 10.0, 10.0, 9.671129769802048, 4.0, 7.0],
    [4.0, 4.291541224979646, 4.144849062500606, 4.0, 10.0, 10.0, 10.0, 4.144849062500606, 4.0, 7.0],
]
# Risk exponents after the first update (round 1), in NAMES order.
PORT_RISK_ROUND1 = [
    1.4056527842180304,
    0.7541959272436861,
    0.5088637910269406,
    1.4056527842180304,
    1.0465238960570615,
    1.0465238960570615,
    1.9648982295073372,
    0.5000000000000001,
    1.9999999999999998,
    1.112124970858258,
]
# Belgium's round-1 EU table: other -> (E(Belgium -> other), E(other -> Belgium)), Belgium observing.
PORT_BELGIUM_EU = {
    "Netherlands": (-0.4725144658359114, 0.24225559132893326),
    "Luxembourg": (0.6059931238549818, 0.24225559132893326),
    "Germany": (-0.4725144658359114, 0.24225559132893326),
    "France": (-0.11483050347300794, 0.2432965945234421),
    "Italy": (-0.11483050347300794, 0.2432965945234421),
    "UK": (-0.6549935820854851, 0.2432965945234421),
    "Ireland": (-5.551115123125783e-17, 0.0),
    "Denmark": (-0.8320169957328756, 0.24225559132893326),
    "Greece": (0.0, 0.0),
}
# Raw all-pairs probabilities in the offer phase of round 1: P(4 beats 10), P(10 beats 4).
PORT_P_4_10 = (0.00875290194030884, 0.01185877037074101)

# --- The published "original" series ---------------------------------------------------------
# Means of rounds 0-10 read (one decimal) from the series labelled "Original" in
# dmasad/BDM_DecisionModel_Replication Figures/MeanPositions.png (commit 74d0da4d), as recorded in
# reference/models/bdm.md section 6B. The port is within 0.07 of it and shares its turning points.
ORIGINAL_MEANS_FIGURE = [7.4, 7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6, 7.3, 7.2]
