"""What a month records, compiled: each replicate's series written while its state is in
cache (month.month_step calls `record_replicate` after the replicate's month; the model
calls `record_month` for June 2024 and after a month's forced steps).

A replicate's recorded values are one contiguous row of the month's (R, width) block
(sim.model.recording.Recorder); `at[k]` is where series k (in RECORDED's order, which
recording.SERIES follows: names, labels and units) starts in that row, -1 when the run does
not record it. Derived measures add in numpy's order (from +0.0; a block of 8 or more
pairwise, in eight accumulators, as numpy's pairwise_sum), so they are the numbers numpy's
reductions give.
"""

from sim.actors import BLOC_IDX, CHINA, RIVAL_IDX, SANCTIONER_IDX, USA
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.cooperation import peninsula_tension

RECORDED = (
    "spending",
    "capability",
    "gdp",
    "spending_plan",
    "burden",
    "sanctions_on",
    "trade_access",
    "trade_china",
    "support",
    "commitment",
    "hardship",
    "tech",
    "cyber",
    "war_intensity",
    "cooperation",
    "exercises",
    "munitions",
    "troops",
    "troop_deaths",
    "munitions_stock",
    "dprk_revenue",
    "energy_supply",
    "energy_shortfall",
    "china_alignment",
    "china_engagement",
    "dialogue_effort",
    "dialogue_progress",
    "us_buildup",
    "peninsula_tension",
    "bloc_tension",
    "us_china_tension",
    "isolation_index",
    "lifeline_index",
    "provocations",
    "clashes",
    "wars",
    "reciprocity",
    "leader_changed",
    "us_engagement",
    "talks_progress",
    "russia_presence",
    "eu_support",
    "implementation",
)
"""The recorded series, in the order `at` gives their places."""

_BLOC, _RIVALS = tuple(BLOC_IDX), tuple(RIVAL_IDX)  # tuples: numba freezes them as constants
_MEMBERS, _SANCTIONERS = tuple(range(len(BLOC_IDX))), tuple(SANCTIONER_IDX)


@rule
def element(values, r, rows, columns, k) -> float:
    """The k-th element of replicate r's block values[r][rows][:, columns], row by row."""
    return values[r, rows[k // len(columns)], columns[k % len(columns)]]


@rule
def block_sum(values, r, rows, columns) -> float:
    """values[r][rows][:, columns].sum() of an (R, A, B) array, as numpy sums the gathered
    (contiguous) block: from +0.0; below 8 elements one after another, else pairwise in
    eight accumulators (numpy's pairwise_sum within one block)."""
    n = len(rows) * len(columns)
    if n < 8:
        total = -0.0
        for k in range(n):
            total += element(values, r, rows, columns, k)
        return 0.0 + total
    a0, a1 = element(values, r, rows, columns, 0), element(values, r, rows, columns, 1)
    a2, a3 = element(values, r, rows, columns, 2), element(values, r, rows, columns, 3)
    a4, a5 = element(values, r, rows, columns, 4), element(values, r, rows, columns, 5)
    a6, a7 = element(values, r, rows, columns, 6), element(values, r, rows, columns, 7)
    whole = n - n % 8
    for k in range(8, whole, 8):
        a0 += element(values, r, rows, columns, k)
        a1 += element(values, r, rows, columns, k + 1)
        a2 += element(values, r, rows, columns, k + 2)
        a3 += element(values, r, rows, columns, k + 3)
        a4 += element(values, r, rows, columns, k + 4)
        a5 += element(values, r, rows, columns, k + 5)
        a6 += element(values, r, rows, columns, k + 6)
        a7 += element(values, r, rows, columns, k + 7)
    total = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
    for k in range(whole, n):
        total += element(values, r, rows, columns, k)
    return 0.0 + total


@rule
def isolation_index(r, w, ref) -> float:
    """The bloc's trade and diplomatic ties with the sanctioning coalition (the US, the EU,
    Japan, South Korea: L25's "the United States and its allies"), 2024 = 1.

    The mean of a trade index and a ties index, each summed over both members (the DPRK
    trades next to nothing with the coalition, so Russia's trade carries the trade index).
    Trade rerouted through China or countries outside the model does not count: the lifeline
    index judges whether evasion restores the bloc's economy (L8, L24).
    """
    trade = block_sum(w.trade, r, _MEMBERS, _SANCTIONERS)
    ties = block_sum(w.ties, r, _MEMBERS, _SANCTIONERS)
    return 0.5 * (trade / ref.coalition_trade + ties / ref.coalition_ties)


@rule
def lifeline_index(r, w, ref) -> float:
    """The bloc's total trade, evasion routes and each other included, 2024 = 1: the
    members' mean."""
    total = 0.0
    for m in range(w.access.shape[1]):
        total += w.access[r, m] / ref.access[m]
    return total / w.access.shape[1]


@rule
def put(out, r, at, value) -> None:
    """Write one value of replicate r at column `at` (nothing when `at` is -1)."""
    if at >= 0:
        out[r, at] = value


@rule
def put_row(out, r, at, values) -> None:
    """Write replicate r's row of an (R, k) World array from column `at`."""
    if at >= 0:
        for i in range(values.shape[1]):
            out[r, at + i] = values[r, i]


@rule
def record_replicate(r, w, ref, out, at) -> None:
    """Replicate r's recorded series (RECORDED's order) into row r of `out`."""
    put_row(out, r, at[0], w.spending)
    put_row(out, r, at[1], w.capability)
    put_row(out, r, at[2], w.gdp)
    put_row(out, r, at[3], w.plan)
    if at[4] >= 0:  # the burden: spending over GDP
        for i in range(w.spending.shape[1]):
            out[r, at[4] + i] = w.spending[r, i] / w.gdp[r, i]
    if at[5] >= 0:  # sanctions on each member: the mean over the sanctioners
        sanctioners = w.sanctions.shape[1]
        for m in range(w.sanctions.shape[2]):
            total = 0.0
            for k in range(sanctioners):
                total += w.sanctions[r, k, m]
            out[r, at[5] + m] = total / sanctioners
    if at[6] >= 0:  # each member's total trade, 2024 = 1
        for m in range(w.access.shape[1]):
            out[r, at[6] + m] = w.access[r, m] / ref.access[m]
    if at[7] >= 0:
        for m in range(w.trade.shape[1]):
            out[r, at[7] + m] = w.trade[r, m, CHINA]
    put_row(out, r, at[8], w.support)
    put_row(out, r, at[9], w.commitment)
    put_row(out, r, at[10], w.hardship)
    put_row(out, r, at[11], w.tech)
    put_row(out, r, at[12], w.cyber)
    put(out, r, at[13], w.war_intensity[r])
    put(out, r, at[14], w.cooperation[r])
    put(out, r, at[15], w.exercise_intensity[r])
    put(out, r, at[16], w.munitions[r])
    put(out, r, at[17], w.troops[r])
    put(out, r, at[18], w.troop_deaths[r])
    put(out, r, at[19], w.munitions_stock[r])
    put(out, r, at[20], w.dprk_revenue[r])
    put(out, r, at[21], w.energy_supply[r])
    # the DPRK's energy shortfall: the share of its pre-2017 oil supply it lacks
    put(out, r, at[22], max(0.0, 1.0 - w.energy_supply[r] / ref.energy_need))
    put(out, r, at[23], w.china_alignment[r])
    put(out, r, at[24], w.china_engagement[r])
    put(out, r, at[25], w.dialogue_effort[r])
    put(out, r, at[26], w.dialogue_progress[r])
    put(out, r, at[27], w.us_buildup[r])
    if at[28] >= 0:
        out[r, at[28]] = peninsula_tension(r, w)
    if at[29] >= 0:  # the members' mean tension with their rivals
        out[r, at[29]] = block_sum(w.tension, r, _BLOC, _RIVALS) / (len(_BLOC) * len(_RIVALS))
    put(out, r, at[30], w.tension[r, USA, CHINA])
    if at[31] >= 0:
        out[r, at[31]] = isolation_index(r, w, ref)
    if at[32] >= 0:
        out[r, at[32]] = lifeline_index(r, w, ref)
    put(out, r, at[33], w.provocations[r])
    put(out, r, at[34], w.clashes[r])
    put(out, r, at[35], w.wars[r])
    put(out, r, at[36], w.reciprocity[r])
    put(out, r, at[37], 1.0 if w.leader_changed[r] else 0.0)
    put(out, r, at[38], w.us_engagement[r])
    put(out, r, at[39], w.talks_progress[r])
    put(out, r, at[40], w.russia_presence[r])
    put(out, r, at[41], w.eu_support[r])
    put(out, r, at[42], w.implementation[r])


@rule
def record_month(w, ref, out, at) -> None:
    """Every replicate's recorded series into the month's block `out` (R, width)."""
    for r in range(w.spending.shape[0]):
        record_replicate(r, w, ref, out, at)
