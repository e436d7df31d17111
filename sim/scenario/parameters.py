"""Every parameter of the model, declared once: unit, range, meaning, basis and defaults.

The scenario schema (sim/scenario/schema.py) and the parameter reference (docs/reference.md) are
generated from these tables, and values are validated against them at the edge, when a scenario is
loaded; the model itself never re-checks them.

Defaults are judgements unless the basis names a figure: no study estimates, say, how fast
Beijing's alignment moves. They are meant to be swept (issue: "Explore at scale").
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from sim.actors import ACTORS, BLOC, SANCTIONERS

Value = float | Mapping[str, float] | None


@dataclass(frozen=True)
class Param:
    """One parameter: what it means, its unit and allowed range, where it comes from.

    `defaults` maps each actor that has the parameter to its default (world and theatre
    parameters use the single key "world" / "ukraine"). A parameter with `keys` is a
    mapping from those actor ids to numbers (e.g. reactivity to each rival); a key left
    out of a scenario's mapping is 0. A `nullable` parameter may be null, meaning
    "calibrated from the data".
    """

    name: str
    unit: str
    low: float
    high: float
    meaning: str
    basis: str
    defaults: Mapping[str, Value]
    keys: tuple[str, ...] | None = None
    nullable: bool = False
    owners: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "owners", tuple(self.defaults))

    @property
    def range_text(self) -> str:
        return f"{self.low:g} to {self.high:g} ({self.unit})"


def _all(value: Value) -> dict[str, Value]:
    return dict.fromkeys(ACTORS, value)


ACTOR_PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        # --- Arms build-up: Richardson (1960) action-reaction, L15 -----------------------
        Param(
            "fatigue",
            "1/yr",
            0.0,
            50.0,
            "Richardson's fatigue a: how fast spending falls back under its own economic burden "
            "(above about 24/yr the monthly step itself is unstable: dt < 2/(a + sqrt(k*l))).",
            "Richardson (1960) dx/dt = k*y - a*x + g; L15.",
            {**_all(0.20), "russia": 0.25, "dprk": 0.25},
        ),
        Param(
            "reactivity",
            "1/yr",
            0.0,
            5.0,
            "Richardson's defence coefficient k toward each rival: spending added per year per "
            "US$ of the rival's capability; rivals not listed get 0.",
            "Richardson (1960); threat to ROK and Japan from DPRK capability, L15; "
            "Dunne, Perlo-Freeman & Smith (2008) on threat = hostility x capability; Japan's "
            "to China sized from its 2022 Strategy's build-up "
            "(docs/research/reactions_to_china.md).",
            {
                "dprk": {"rok": 0.02, "usa": 0.001, "japan": 0.01},
                "russia": {"eu": 0.03, "usa": 0.01},
                "usa": {"china": 0.02, "russia": 0.03, "dprk": 0.5},
                "china": {"usa": 0.01, "japan": 0.05},
                "rok": {"dprk": 1.2, "china": 0.005},
                "japan": {"dprk": 1.0, "china": 0.02, "russia": 0.01},
                "eu": {"russia": 0.15},
            },
            keys=ACTORS,
        ),
        Param(
            "grievance",
            "US$ bn/yr per yr",
            -1000.0,
            1000.0,
            "Richardson's grievance g: a standing push on spending beyond the budget plan and the "
            "reaction to rivals (0: spending follows its plan while threats stay at 2024 levels). "
            "With the budget_plans mechanism off, spending follows Richardson's equation alone "
            "and g is its constant term.",
            "Richardson (1960) dx/dt = k*y - a*x + g; plans as the exogenous part of budgets: "
            "Dunne, Perlo-Freeman & Smith (2008) model budgets as inertia plus reaction to "
            "threat.",
            _all(0.0),
        ),
        Param(
            "plan_growth",
            "1/yr (real)",
            -0.5,
            1.0,
            "Planned real growth of the budget (constant 2024 US$) during plan_years; null: the "
            "budget keeps its 2024 share of GDP (grows with trend GDP). After plan_years its "
            "growth fades to trend GDP growth (plan_taper). Richardson reactions are departures "
            "from this path.",
            "China: official budget +7.2 % a year in 2024 and 2025 (NPC), SIPRI real change 2024 "
            "+7.0 %; Russia: SIPRI, 2025 plan RUB 15.5 tn, +3.4 % real, 7.2 % of GDP; Japan: "
            "FY2023-27 JPY 43 tn programme, budget JPY 7.95 tn (FY2024) to 8.7 tn (FY2025), +9.4 "
            "% nominal less about 2.8 % inflation (deflators in the data file); South Korea: KRW "
            "59.42 tn (2024), 61.25 tn (2025, +3.1 %), 65.86 tn (2026, +7.5 %), about +4.5 % a "
            "year real; EU: NATO Hague summit (June 2025) 3.5 % of GDP core defence by 2035 from "
            "EDA's 1.9 % (2024), about +7 % a year real; US and DPRK: no multi-year plan, 2024 "
            "burden kept (modelling assumption).",
            {
                "dprk": None,
                "russia": 0.034,
                "usa": None,
                "china": 0.07,
                "rok": 0.045,
                "japan": 0.065,
                "eu": 0.07,
            },
            nullable=True,
        ),
        Param(
            "plan_years",
            "yr",
            0.0,
            50.0,
            "Years from June 2024 during which the budget follows plan_growth.",
            "China: growth announced each year, taken for 10 years (judgement); Russia: the 2025 "
            "budget, to end-2025; Japan: the programme runs to FY2027; South Korea: the 2025-29 "
            "mid-term plan; EU: NATO's target year 2035.",
            {
                "dprk": 0.0,
                "russia": 1.5,
                "usa": 0.0,
                "china": 10.0,
                "rok": 5.0,
                "japan": 3.0,
                "eu": 11.0,
            },
        ),
        Param(
            "plan_taper",
            "yr",
            0.0,
            20.0,
            "After plan_years, the budget's growth moves from plan_growth to trend GDP growth "
            "exponentially with this time constant (0: at once, a cliff in growth).",
            "Budgets are incremental (Davis, Dempster & Wildavsky 1966): a plan's growth fades "
            "into the next budgets rather than stopping; 2 years a modelling assumption, an "
            "`uncertain:` prior in scenarios/history_uncertain.yaml.",
            _all(2.0),
        ),
        Param(
            "max_burden",
            "share of GDP",
            0.0,
            1.0,
            "Budget ceiling: spending cannot exceed this share of GDP (both in constant 2024 US$).",
            "SIPRI 2024 burdens (data file); NATO 2025: 3.5 % core plus 1.5 % defence-related for "
            "the EU's members; WMEAT: DPRK 15 % of GDP or more.",
            {
                "dprk": 0.30,
                "russia": 0.09,
                "usa": 0.06,
                "china": 0.04,
                "rok": 0.05,
                "japan": 0.03,
                "eu": 0.05,
            },
        ),
        Param(
            "spending_noise",
            "1/sqrt(yr)",
            0.0,
            1.0,
            "Relative volatility of military spending (budget shocks).",
            "Modelling assumption: year-to-year SIPRI changes beyond trend are a few per cent.",
            {**_all(0.03), "dprk": 0.06, "russia": 0.05},
        ),
        Param(
            "gdp_noise",
            "1/sqrt(yr)",
            0.0,
            1.0,
            "Volatility of potential output growth.",
            "Modelling assumption: IMF WEO forecast errors are about 1-2 points a year.",
            {**_all(0.015), "dprk": 0.03, "russia": 0.02},
        ),
        # --- Sanctions and isolation: L5, L8, L25 ------------------------------------------
        Param(
            "sanction_tightening",
            "index 0-1",
            -1.0,
            1.0,
            "Change of desired sanction intensity on each bloc member relative to the 2024 "
            "level (negative = relax).",
            "L25 'new sanctions ... aimed at further isolating Pyongyang and Moscow'.",
            {a: {"dprk": 0.0, "russia": 0.0} for a in SANCTIONERS},
            keys=BLOC,
        ),
        Param(
            "sanction_response",
            "index per unit tension",
            0.0,
            5.0,
            "How much desired sanctions rise per unit of tension with the target above its "
            "2024 level.",
            "L17, L25: condemnation followed by 'possible consequences'; "
            "Hufbauer, Schott & Elliott (2007) on sanctions as crisis responses.",
            {"usa": 0.8, "eu": 0.6, "japan": 0.6, "rok": 0.5},
        ),
        Param(
            "war_response",
            "index per unit intensity",
            0.0,
            2.0,
            "Change of the desired sanctions on Russia per unit change of the war's intensity "
            "from 2024.",
            "L18, L25; EU packages followed the war's course (14th-19th, June 2024-October 2025).",
            {"usa": 0.1, "eu": 0.15, "japan": 0.1, "rok": 0.05},
        ),
        Param(
            "sanction_speed",
            "1/yr",
            0.0,
            12.0,
            "Rate at which imposed sanctions move toward the desired level.",
            "Modelling assumption: EU packages came every 3-4 months in 2022-24.",
            dict.fromkeys(SANCTIONERS, 1.5),
        ),
        Param(
            "relax_with_dialogue",
            "index",
            0.0,
            1.0,
            "Drop in desired sanctions on the DPRK at full dialogue progress.",
            "L19, L29 dialogue track; 2018-19 summitry paused new US sanctions.",
            {"usa": 0.3, "eu": 0.3, "japan": 0.2, "rok": 0.5},
        ),
        Param(
            "isolation_effort",
            "index 0-1",
            0.0,
            1.0,
            "Diplomatic isolation campaign beyond the 2024 level: share of its own ties with "
            "the bloc an actor sets out to cut.",
            "L25 'diplomatic initiatives aimed at further isolating Pyongyang and Moscow'.",
            dict.fromkeys(SANCTIONERS, 0.0),
        ),
        # --- United States: L14, L17, L25 ---------------------------------------------------
        Param(
            "buildup",
            "index 0-1",
            0.0,
            1.0,
            "US regional force build-up (posture, deployments) decided before any response.",
            "L25 'a build-up of military forces in the area'; L17.",
            {"usa": 0.2},
        ),
        Param(
            "buildup_response",
            "index per unit tension",
            0.0,
            5.0,
            "Rise of the US build-up per unit rise of peninsula tension over 2024.",
            "L17 'it will come to the defense of its regional allies'.",
            {"usa": 1.0},
        ),
        Param(
            "buildup_cost",
            "US$ bn/yr per unit build-up",
            0.0,
            500.0,
            "Extra US spending per unit of the build-up index above its 2024 level: a level the "
            "budget moves to at budget_adjustment, not a push on its growth.",
            "Pacific Deterrence Initiative, US$ 9-15 bn a year in FY2023-25 requests (as cited in "
            "the project's issue; not re-verified here): the full build-up (index 1, 0.8 above "
            "2024) adds about US$ 12 bn a year (modelling assumption).",
            {"usa": 15.0},
        ),
        Param(
            "trade_pressure",
            "index 0-1",
            0.0,
            1.0,
            "US tariff and technology pressure on China (2024: 0.3; the April 2025 tariffs about "
            "0.8; truces lower it).",
            "L13 'already in a sort of trade war'; US tariffs of April 2025, Geneva truce (12 May "
            "2025), Busan agreement (30 October 2025).",
            {"usa": 0.3},
        ),
        Param(
            "reassurance",
            "index 0-1",
            0.0,
            1.0,
            "Share of the ally's reaction to the DPRK that a full US build-up replaces "
            "(extended deterrence substitutes for own arms).",
            "L17; alliance burden-sharing: Sandler & Hartley (1995); Lanoszka (2018).",
            {"rok": 0.3, "japan": 0.3},
        ),
        # --- China: L13, L19, L29 -----------------------------------------------------------
        Param(
            "dialogue",
            "index 0-1",
            0.0,
            1.0,
            "China's push for dialogue and 'stability' on the peninsula.",
            "L19 'called for dialogue'; L29.",
            {"china": 0.5},
        ),
        Param(
            "coalition_bias",
            "index 0-1",
            0.0,
            1.0,
            "China's resting alignment with the bloc (0 = keeps its grip on Pyongyang and "
            "distances itself, 1 = a wider coalition against US influence). Also its 2024 "
            "starting alignment.",
            "L13.",
            {"china": 0.35},
        ),
        Param(
            "engagement",
            "index 0-1",
            0.0,
            1.0,
            "China's engagement with Pyongyang (trade, visits, aid), separate from its alignment "
            "with the bloc against the US: its target level.",
            "L13 'its grip on Pyongyang'; 2025: Xi-Kim summit in Beijing (4 September), Li Qiang "
            "in Pyongyang (October), while China kept its distance on the war (modelling "
            "assumption for the level).",
            {"china": 0.5},
        ),
        Param(
            "rivalry_pull",
            "index per unit tension",
            0.0,
            5.0,
            "Pull toward the coalition per unit rise of US-China tension (the trade war).",
            "L13 'already in a sort of trade war'; 'countering U.S. influence'.",
            {"china": 1.0},
        ),
        Param(
            "instability_aversion",
            "index per event",
            0.0,
            5.0,
            "Push away from the bloc per recent DPRK provocation above the usual rate, and "
            "per armed clash.",
            "L13 'loosening of its grip on Pyongyang'; L19 'stability preaching'.",
            {"china": 0.3},
        ),
        Param(
            "sanction_fear",
            "index per unit effort",
            0.0,
            5.0,
            "Push away from the bloc per unit of Western isolation effort (secondary-sanction "
            "exposure).",
            "L25; US secondary sanctions on Chinese banks (EO 14114, December 2023). A judgement, "
            "not tuned to a base rate: the Hufbauer, Schott & Elliott (2007) 34 % is the share of "
            "sanctions episodes that reach their policy goal, not a rate of alignment shifts.",
            {"china": 0.1},
        ),
        Param(
            "alignment_speed",
            "1/yr",
            0.0,
            12.0,
            "Rate at which China's alignment moves toward its target.",
            "Modelling assumption.",
            {"china": 0.5},
        ),
        Param(
            "alignment_noise",
            "1/sqrt(yr)",
            0.0,
            1.0,
            "Volatility of China's alignment (leadership judgement, events outside the model).",
            "Modelling assumption.",
            {"china": 0.10},
        ),
        Param(
            "evasion_tolerance",
            "index 0-1",
            0.0,
            1.0,
            "Share of the bloc's sanction-lost trade China lets through at its 2024 alignment "
            "(in proportion to its alignment, at most all).",
            "L8 evasion; Russia-China trade rose to US$ 240 bn in 2023 (data file).",
            {"china": 0.8},
        ),
        # --- The pact: L1, L4, L5, L8-L10, L21-L26 -----------------------------------------
        Param(
            "commitment",
            "probability",
            0.0,
            1.0,
            "Probability of joining when the partner is in armed conflict (reciprocity "
            "clause); also scales cooperation.",
            "L4 'reciprocity if there is an armed conflict'; treaty article 4.",
            {"dprk": 0.9, "russia": 0.6},
        ),
        Param(
            "evasion",
            "index 0-1",
            0.0,
            1.0,
            "Efficiency with which the member reroutes sanction-lost trade through China.",
            "L8 'a potential ally in its bid to evade the embargo'; UN Panel of Experts ended "
            "30 April 2024 (data file); Russia rerouted most of its lost EU trade in 2022-23 "
            "(total trade US$ 710 bn in 2023, about 90 % of 2021's).",
            {"dprk": 0.7, "russia": 0.8},
        ),
        Param(
            "china_trade_noise",
            "1/sqrt(yr)",
            0.0,
            2.0,
            "Year-on-year randomness of the member's trade with China beyond what the model "
            "moves it by (sanctions, evasion, China's alignment and engagement): the standard "
            "deviation of its log change in a year, a random walk with mean factor 1.",
            "China's customs figures, 2011-2025 (docs/research/transfers_and_trade.md): the "
            "standard deviation of the log yearly change of DPRK-China trade is 0.30 without "
            "the border closure (2020-23 left out; 0.65 with it), of Russia-China trade 0.18 "
            "(2011-2025). The model moves DPRK trade with China's engagement and sanctions "
            "itself, so 0.20 of the DPRK's 0.30 is taken as noise (0.17-0.30); all of Russia's, "
            "as oil prices, which drive it, are not in the model.",
            {"dprk": 0.20, "russia": 0.18},
        ),
        Param(
            "exercises",
            "index 0-1",
            0.0,
            1.0,
            "Joint exercises, intelligence sharing and common defence strategies.",
            "L4.",
            {"dprk": 0.5, "russia": 0.5},
        ),
        Param(
            "criticality",
            "multiplier",
            0.0,
            10.0,
            "How much output a unit of lost trade costs, relative to its share of GDP "
            "(fuel, food and inputs make the DPRK's imports vital).",
            "L5, L9; Hufbauer, Schott & Elliott (2007) on costs to targets.",
            {"dprk": 3.0, "russia": 1.0},
        ),
        Param(
            "hardship_sensitivity",
            "per unit hardship per yr",
            0.0,
            10.0,
            "Erosion of domestic support per unit of economic hardship.",
            "L22 'hard-hit by Western sanctions and economic problems'; L26.",
            {"dprk": 1.0, "russia": 1.5},
        ),
        Param(
            "rally",
            "1/yr per unit tension",
            0.0,
            5.0,
            "Support gained a year per unit rise of mean tension with rivals over 2024 (rally "
            "effect), at 2024 support; it shrinks as support nears its ceiling.",
            "L21-L22; Mueller (1970) rally-round-the-flag.",
            {"dprk": 0.5, "russia": 0.3},
        ),
        Param(
            "support_ceiling",
            "share",
            0.0,
            1.0,
            "Highest support the member reaches: pushes saturate toward it (and toward 0 below).",
            "Russia: Levada Center's highest approval of Putin, 89 % (June 2015 and 2018, as "
            "recalled; not re-verified here); DPRK: modelling assumption.",
            {"dprk": 0.95, "russia": 0.89},
        ),
        Param(
            "support_recovery",
            "1/yr",
            0.0,
            12.0,
            "Rate at which support returns to its 2024 level.",
            "Modelling assumption.",
            {"dprk": 0.3, "russia": 0.3},
        ),
        Param(
            "opposition_threshold",
            "share",
            0.0,
            1.0,
            "Support below which the leadership's commitment to the pact erodes in proportion.",
            "L26 'domestic economic difficulties and political opposition'.",
            {"dprk": 0.5, "russia": 0.65},
        ),
        # --- DPRK: L9, L10, L15, L26 -----------------------------------------------------------
        Param(
            "provocation_rate",
            "events/month",
            0.0,
            10.0,
            "Expected military provocations (missile launches, incursions) a month at 2024 threat.",
            "L15; modelling assumption of the order of DPRK launch events 2022-24.",
            {"dprk": 1.0},
        ),
        Param(
            "provocation_size",
            "tension per event",
            0.0,
            0.5,
            "Mean tension spike a provocation causes with ROK, Japan and the US.",
            "L15 'military provocations leading grave repercussions'.",
            {"dprk": 0.015},
        ),
        Param(
            "threat_response",
            "per unit threat ratio",
            0.0,
            10.0,
            "Rise of the provocation rate per unit rise of the DPRK's perceived threat over 2024.",
            "L15; L21 'threats against Kim Jong Un and Pyongyang'.",
            {"dprk": 0.5},
        ),
        Param(
            "munitions",
            "million rounds/yr",
            0.0,
            50.0,
            "Munitions Russia draws from the DPRK at 2024 war intensity and pact cooperation, "
            "within the DPRK's production and stock (munitions_capacity, munitions_stock).",
            "MSMT first report (2025): about 9 million rounds in 2024 (data file).",
            {"dprk": 9.0},
        ),
        Param(
            "munitions_capacity",
            "million rounds/yr",
            0.0,
            50.0,
            "DPRK munitions production available for export once stocks run out.",
            "Modelling assumption: deliveries of about 9 million rounds in 2024 and 12 million or "
            "more by mid-2025 (ROK Defense Intelligence Agency, July 2025) far exceed what "
            "reports credit to current production, so most came from stock; no sourced production "
            "figure was found.",
            {"dprk": 3.0},
        ),
        Param(
            "munitions_stock",
            "million rounds",
            0.0,
            500.0,
            "DPRK munitions stock available for export in June 2024.",
            "Modelling assumption (no sourced figure): enough for about three years at the 2024 "
            "rate net of production.",
            {"dprk": 20.0},
        ),
        Param(
            "munitions_price",
            "US$ bn per million rounds",
            0.0,
            10.0,
            "What Russia pays the DPRK per million rounds (money, oil, food and technology).",
            "Modelling assumption sized to an Asia Economy analysis (2025) of up to KRW 28 tn "
            "(about US$ 20 bn) earned for all transfers through 2025, of which munitions about a "
            "quarter a year.",
            {"dprk": 0.5},
        ),
        Param(
            "cyber_revenue",
            "US$ bn/yr",
            0.0,
            20.0,
            "DPRK revenue from cyber theft at its 2024 cyber capability (it scales with "
            "capability).",
            "MSMT second report (22 October 2025): US$ 1.19 bn stolen in 2024 and 1.65 bn in "
            "January-September 2025; Chainalysis: US$ 1.34 bn in 2024.",
            {"dprk": 1.2},
        ),
        Param(
            "revenue_to_military",
            "share",
            0.0,
            1.0,
            "Share of a change in the DPRK's munitions and cyber revenue (from 2024) that goes to "
            "its military budget; the rest adds to its output.",
            "Modelling assumption: the revenue is the regime's, much of it for weapons programmes "
            "(MSMT 2025 on cyber theft financing WMD).",
            {"dprk": 0.3},
        ),
        Param(
            "troops",
            "troops deployed",
            0.0,
            200000.0,
            "Troops the DPRK keeps deployed with Russia at 2024 war intensity and pact "
            "cooperation (a stock; rotations replace losses).",
            "MSMT first report (2025): over 11,000 deployed from October 2024 (data file).",
            {"dprk": 11000.0},
        ),
        Param(
            "deployment_speed",
            "1/yr",
            0.0,
            24.0,
            "Rate at which the deployed stock moves toward its target.",
            "Modelling assumption: about 11,000 deployed within some two months (MSMT 2025).",
            {"dprk": 4.0},
        ),
        Param(
            "troop_losses",
            "1/yr",
            0.0,
            2.0,
            "Share of deployed troops killed a year.",
            "ROK National Intelligence Service (September 2025): about 2,000 killed, of some "
            "11,000-13,000 deployed over about eleven months.",
            {"dprk": 0.17},
        ),
        Param(
            "munitions_noise",
            "1/sqrt(yr)",
            0.0,
            2.0,
            "Month-to-month randomness of the munitions the DPRK ships beyond what the model "
            "moves them by (war, demand, capacity, stock): a random walk of mean 1 whose log "
            "changes by this standard deviation in a year.",
            "ROK Defense Intelligence Agency container counts (docs/research/"
            "transfers_and_trade.md): about 1,100 containers a month from September 2023 to "
            "August 2024 and 1,400 a month to July 2025, a log change of 0.24 in a year while "
            "the war's demand held; Ukraine's intelligence saw no shipment in September 2025 "
            "and some in October. 0.25 (0.1-0.4 in history_uncertain): a judgement on two "
            "yearly rates.",
            {"dprk": 0.25},
        ),
        Param(
            "loss_noise",
            "1/sqrt(yr)",
            0.0,
            2.0,
            "Month-to-month randomness of the deployed troops' loss rate (combat flares and "
            "pauses): a random walk of mean 1 whose log changes by this standard deviation in "
            "a year.",
            "ROK National Intelligence Service (docs/research/transfers_and_trade.md): about "
            "300 killed by 13 January 2025 (about 230 per 1,000 a year over the 43 days of "
            "combat on some 11,000), 600 by 30 April (about 80 per 1,000 a year over the next "
            "107 days on some 12,500, with no combat from mid-January to early February): a "
            "log change of 1.0 within four months, most of it the estimates' own error and the "
            "end of combat (which the history dates: history.yaml). 0.3 (0.1-0.5 in "
            "history_uncertain): a judgement.",
            {"dprk": 0.3},
        ),
        Param(
            "combat_learning",
            "tech per 10,000 troop-years",
            0.0,
            1.0,
            "Military-technology gain a year per 10,000 troops deployed (combat experience).",
            "Modelling assumption; L5 'know-how'.",
            {"dprk": 0.01},
        ),
        Param(
            "cyber_sharing",
            "1/yr",
            0.0,
            5.0,
            "Rate at which Russia absorbs the DPRK's cyber capabilities.",
            "L10 'Russia ... would be interested in acquiring specific cyber warfare "
            "capabilities'.",
            {"dprk": 0.1},
        ),
        Param(
            "leadership_hazard",
            "1/yr",
            0.0,
            1.0,
            "Yearly hazard of a leadership change or instability in Pyongyang at 2024 support.",
            "L26 'any change in leadership or any political instability'.",
            {"dprk": 0.02},
        ),
        Param(
            "post_change_commitment",
            "probability",
            0.0,
            1.0,
            "The DPRK's commitment to the pact after a leadership change.",
            "L26 'could potentially impact on the country's commitment to the alliance'.",
            {"dprk": 0.3},
        ),
        # --- Russia: L5, L8, L9, L10, L26 ------------------------------------------------------
        Param(
            "tech_transfer",
            "1/yr",
            0.0,
            5.0,
            "Rate at which the DPRK's military technology closes the gap to Russia's.",
            "L5 'access to Russian sophisticated military equipment, know-how'; L10.",
            {"russia": 0.08},
        ),
        Param(
            "energy_aid",
            "million barrels/yr",
            0.0,
            20.0,
            "Oil and refined products sent to the DPRK at 2024 cooperation.",
            "L8, L9; MSMT (2025): over 1 million barrels March-October 2024 (data file).",
            {"russia": 1.5},
        ),
        Param(
            "infrastructure",
            "growth points/yr",
            0.0,
            0.1,
            "Extra potential growth of the DPRK economy at 2024 cooperation from power-plant, "
            "transport and infrastructure projects.",
            "L9 'jointly building energy and transport projects'.",
            {"russia": 0.01},
        ),
        Param(
            "trade_expansion",
            "1/yr",
            0.0,
            2.0,
            "Growth rate of recorded Russia-DPRK trade at 2024 cooperation.",
            "L8 'The two states are to expand their trade ties'. Russian statistics: US$ 34.4 m "
            "in 2023, about flat in 2024; no source supports fast growth, so a modest judgement.",
            {"russia": 0.05},
        ),
        Param(
            "war_drag",
            "growth points",
            0.0,
            0.2,
            "Potential growth Russia regains per unit the war's intensity falls below 2024.",
            "L22, L26 economic problems; modelling assumption.",
            {"russia": 0.01},
        ),
        Param(
            "war_share",
            "share of spending",
            0.0,
            1.0,
            "Share of Russia's planned spending owed to the war at 2024 intensity: spending moves "
            "by war_share x plan x (intensity - 1), a level reached at budget_adjustment.",
            "SIPRI: Russia's burden rose from about 4 % of GDP before the full-scale war (2021, "
            "as recalled) to 7.1 % in 2024 (data file), so about 40 % of 2024 spending is the "
            "war's.",
            {"russia": 0.4},
        ),
        Param(
            "war_strain",
            "hardship per unit intensity",
            0.0,
            1.0,
            "Hardship (for domestic support) the war causes at 2024 intensity.",
            "L26; casualties and mobilisation; modelling assumption.",
            {"russia": 0.05},
        ),
        # --- Responses to the pact (issue 12): L2, L6, L14, L18, L29 -------------------------
        Param(
            "talks_engagement",
            "index 0-1",
            0.0,
            1.0,
            "The US resting choice between pressure (0) and engagement (1) with Pyongyang, "
            "before its responses to provocations, its allies' alarm and the pact. Also its 2024 "
            "level.",
            "L14 'the U.S. will have to rethink its gameplan on both North Korea and Russia'; L29. "
            "2024: offers of talks 'without preconditions' and no meeting since Stockholm (2019); "
            "0.1 is a judgement (modelling assumption).",
            {"usa": 0.1},
        ),
        Param(
            "engagement_speed",
            "1/yr",
            0.0,
            12.0,
            "Rate at which the US engagement with Pyongyang moves toward its target.",
            "Modelling assumption: US policy reviews take about a year (2017 'maximum pressure', "
            "2021 'calibrated, practical approach').",
            {"usa": 1.0},
        ),
        Param(
            "provocation_aversion",
            "index per event/month",
            0.0,
            2.0,
            "Fall of the US target engagement per DPRK provocation a month above the 2024 rate.",
            "L15, L17; Cha & Kang (2003): tests end US openings (modelling assumption for the "
            "size).",
            {"usa": 0.1},
        ),
        Param(
            "ally_alarm",
            "index per unit tension",
            0.0,
            10.0,
            "Fall of the US target engagement per unit rise of South Korea's and Japan's tension "
            "with the DPRK over 2024 (allies who feel threatened press for pressure).",
            "L14 'the US and its friends'; L15 (modelling assumption for the size).",
            {"usa": 1.0},
        ),
        Param(
            "pact_hardening",
            "index per unit capacity",
            0.0,
            2.0,
            "Fall of the US target engagement per unit rise of the pact's capacity over 2024 (the "
            "bloc doubling down).",
            "L14 'With both countries doubling down on their cooperation' (modelling assumption "
            "for the size).",
            {"usa": 0.2},
        ),
        Param(
            "pacific_presence",
            "index, 2024 = 1",
            0.0,
            5.0,
            "Russia's target military presence in East Asia (deployments, exercises, port calls, "
            "bomber patrols), 2024 = 1.",
            "L6 'Russia intends to amplify its presence on the Korean Peninsula'; L2 'a strategic "
            "nodal point'. 2024: Pacific Fleet 'Ocean-2024' exercise, joint Russia-China bomber "
            "patrols near Alaska (July 2024) and naval patrols.",
            {"russia": 1.0},
        ),
        Param(
            "presence_pull",
            "build-up per unit presence",
            0.0,
            2.0,
            "Rise of the US regional build-up per unit rise of Russia's presence over 2024 (the US "
            "answers presence with presence).",
            "L6 versus L17, L25; balance of threat (Walt 1987); modelling assumption for the size.",
            {"usa": 0.2},
        ),
        Param(
            "ukraine_support",
            "US$ bn/yr",
            0.0,
            500.0,
            "The EU's (and its members') military support to Ukraine, constant 2024 US$: its 2024 "
            "level and the level it plans at 2024 tension with Russia.",
            "L18 'calling for more solutions to deal with security issues'. Kiel Institute, "
            "Ukraine Support Tracker: European military aid allocated in 2024 of the order of "
            "EUR 20-25 bn (as recalled; not re-verified here); European Peace Facility; SAFE "
            "loans of EUR 150 bn (2025) for readiness.",
            {"eu": 25.0},
        ),
        Param(
            "security_response",
            "share per unit tension",
            0.0,
            10.0,
            "Relative rise of the EU's support to Ukraine per unit rise of EU-Russia tension over "
            "2024.",
            "L18; ReArm Europe / Readiness 2030 (March 2025: up to EUR 800 bn over four years) "
            "answered a more hostile Russia (modelling assumption for the size).",
            {"eu": 1.0},
        ),
        Param(
            "presence_threat",
            "share of planned spending per unit presence",
            0.0,
            1.0,
            "Rise of South Korea's and Japan's spending (a level, as a share of the planned "
            "budget) per unit rise of Russia's regional presence over 2024: the threat they "
            "perceive from it.",
            "L6, L15; Japan's National Security Strategy (2022) and Defense of Japan white papers "
            "name Russia's activity near Japan, with China's, a reason for its build-up; South "
            "Korea's 2024 protests at Russian aircraft in its air defence zone (modelling "
            "assumption for the size).",
            {"rok": 0.01, "japan": 0.02},
        ),
    ]
}

WORLD_PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        Param(
            "tension_decay",
            "1/yr",
            0.0,
            12.0,
            "Rate at which tension relaxes toward its resting level.",
            "Modelling assumption; Hensel (1999) on rivalry memory.",
            {"world": 0.6},
        ),
        Param(
            "tension_noise",
            "1/sqrt(yr)",
            0.0,
            1.0,
            "Volatility of every dyad's tension (events outside the model).",
            "Modelling assumption: a few hundredths a year.",
            {"world": 0.05},
        ),
        Param(
            "trade_tension",
            "tension/yr per unit pressure",
            0.0,
            2.0,
            "US-China tension added a year per unit of US trade pressure (calibrated so 2024 "
            "holds).",
            "L13 'already in a sort of trade war'.",
            {"world": 0.1},
        ),
        Param(
            "tension_sensitivity",
            "per unit tension",
            0.0,
            10.0,
            "How much Richardson reactivity rises per unit rise of tension over 2024 "
            "(k_ij(t) = k_ij * (1 + s * (tension - tension_2024))).",
            "Threat = hostility x capability: Dunne, Perlo-Freeman & Smith (2008).",
            {"world": 1.0},
        ),
        Param(
            "clash_hazard",
            "multiplier",
            0.0,
            20.0,
            "Multiplier on the data file's armed-clash rates (fatal militarised incidents a year "
            "per dyad at 2024 tension).",
            "Calibrated to the record of the same quantity (data file clash_rates, Correlates "
            "of War MID 5.0): at 0.70 a steady 2024 world has the record's 0.153 fatal clashes "
            "a year; at 1 tension noise, clash_floor and each clash's own tension give 1.5x "
            "that (python -m sim.execution.clash_record).",
            {"world": 0.70},
        ),
        Param(
            "clash_floor",
            "1/yr",
            0.0,
            1.0,
            "Clash rate added to every dyad, so that dyads with no recorded clash can clash.",
            "Modelling assumption: one clash in two centuries at 2024 tension.",
            {"world": 0.005},
        ),
        Param(
            "clash_slope",
            "per unit tension",
            0.0,
            50.0,
            "Log-rise of a dyad's clash rate per unit of tension above its 2024 level.",
            "Modelling assumption: the rate rises e-fold per 0.125 of tension; Hensel (1999), "
            "Goertz & Diehl on disputes clustering in tense rivalries.",
            {"world": 8.0},
        ),
        Param(
            "clash_tension",
            "tension per clash",
            0.0,
            1.0,
            "Tension a clash adds to its dyad.",
            "Modelling assumption; L15 'grave repercussions'.",
            {"world": 0.1},
        ),
        Param(
            "escalation_base",
            "probability",
            0.0,
            1.0,
            "Chance that a clash escalates to war when the two rivals are not both arming fast "
            "(either's real spending growth below escalation_race_growth).",
            "Wallace (1979, J. of Conflict Resolution 23(1), 3-16, abstract): 3 of 71 serious "
            "major-power disputes 1816-1965 not preceded by an arms race escalated to war (the "
            "same study and table as escalation_race); uncertainty Beta(4, 69).",
            {"world": 0.042},
        ),
        Param(
            "escalation_race",
            "probability",
            0.0,
            1.0,
            "Chance that a clash escalates to war when both rivals are arming fast (both real "
            "spending trends at least escalation_race_growth a year).",
            "Wallace (1979, J. of Conflict Resolution 23(1), 3-16, abstract): 23 of 28 serious "
            "disputes preceded by an arms race escalated to war. Contested (Diehl 1983 found no "
            "link; Sample 1997 confirmed a positive one on Diehl's and Horn's measures), so wide: "
            "uncertainty Beta(24, 6).",
            {"world": 0.82},
        ),
        Param(
            "escalation_race_growth",
            "real growth a year",
            0.0,
            1.0,
            "Real spending growth a year (the spending trend, about the past year) both rivals "
            "must reach for a clash between them to count as one under an arms race.",
            "Modelling assumption reading Wallace (1979), whose index multiplies the two rivals' "
            "smoothed growth rates ('rapid and simultaneous military expansion'): both at least "
            "10 % a year; uncertainty uniform 5-15 %. A model parameter, not the outcome "
            "threshold outcomes.arms_race_growth: reporting never steers the run.",
            {"world": 0.10},
        ),
        Param(
            "exercise_boost",
            "share",
            0.0,
            2.0,
            "Capability gain of the DPRK at full joint-exercise intensity (Russia's force, "
            "mostly committed in Ukraine, is not scaled by it).",
            "L4 'joint exercises, intelligence sharing, and common defense strategies'.",
            {"world": 0.3},
        ),
        Param(
            "exercise_tension",
            "tension/yr",
            0.0,
            1.0,
            "Tension with ROK, Japan and the US added per year at full exercise intensity.",
            "L4, L15.",
            {"world": 0.08},
        ),
        Param(
            "buildup_tension",
            "tension/yr",
            0.0,
            1.0,
            "Tension of the US with the bloc and China added per year at full build-up.",
            "L25 'an escalation of tensions'.",
            {"world": 0.08},
        ),
        Param(
            "sanction_tension",
            "tension per unit sanctions",
            0.0,
            2.0,
            "Tension between imposer and target per unit of sanctions tightened.",
            "L25 'an escalation of tensions'.",
            {"world": 0.2},
        ),
        Param(
            "cyber_weight",
            "capability share per unit cyber",
            0.0,
            5.0,
            "Capability gain per unit of cyber capability gained since 2024.",
            "L10.",
            {"world": 1.0},
        ),
        Param(
            "sanction_bite",
            "per unit intensity",
            0.0,
            20.0,
            "Direct trade falls as exp(-bite * rise of sanction intensity over 2024).",
            "L5, L8; Hufbauer, Schott & Elliott (2007): sanctions cut trade but rarely decide.",
            {"world": 3.0},
        ),
        Param(
            "secondary_bite",
            "per unit intensity",
            0.0,
            20.0,
            "Trade of a member with countries outside the model falls as exp(-secondary_bite x "
            "rise of US sanctions on it over 2024) (secondary sanctions).",
            "US secondary sanctions (EO 14114, December 2023) slowed Russian payments with "
            "Turkey, the UAE and China in 2024 (modelling assumption for the size).",
            {"world": 0.5},
        ),
        Param(
            "trade_adjustment",
            "1/yr",
            0.0,
            12.0,
            "Rate at which trade moves to its new level.",
            "Modelling assumption: EU-Russia trade halved within about a year of 2022 sanctions.",
            {"world": 1.0},
        ),
        Param(
            "ties_adjustment",
            "1/yr",
            0.0,
            12.0,
            "Rate at which diplomatic ties move to their new level.",
            "Modelling assumption.",
            {"world": 0.5},
        ),
        Param(
            "coalition_ties",
            "ties per unit alignment",
            0.0,
            2.0,
            "Rise of China's ties with the bloc per unit rise of its alignment over 2024.",
            "L13 'a wider coalition with Russia and North Korea'.",
            {"world": 0.5},
        ),
        Param(
            "third_country_channel",
            "share",
            0.0,
            1.0,
            "Share of the bloc's sanction-lost trade that evasion can reroute through countries "
            "outside the model (India, Turkey, the UAE, Central Asia).",
            "L8 evasion; Russian customs 2023: trade with India up 1.8-fold to US$ 64.9 bn, "
            "with Turkey US$ 56.5 bn (Federal Customs Service, via RIA Novosti, 2024).",
            {"world": 0.3},
        ),
        Param(
            "coalition_trade",
            "trade share per unit alignment",
            0.0,
            5.0,
            "Change of China's trade with each member per unit change of its alignment over "
            "2024 (keeping its grip means enforcing UN sanctions more strictly).",
            "L13 'a loosening of its grip on Pyongyang'; 98.3 % of DPRK trade is with China "
            "(data file).",
            {"world": 1.0},
        ),
        Param(
            "dialogue_speed",
            "1/yr",
            0.0,
            12.0,
            "Rate at which dialogue progress builds at full Chinese dialogue effort.",
            "L19, L29; modelling assumption.",
            {"world": 1.0},
        ),
        Param(
            "dialogue_setback",
            "share per event",
            0.0,
            1.0,
            "Share of dialogue progress a provocation undoes.",
            "L15, L19.",
            {"world": 0.05},
        ),
        Param(
            "dialogue_effect",
            "share",
            0.0,
            1.0,
            "Fall of resting peninsula tension at full dialogue progress.",
            "L19, L29 'Diplomatic engagement and dialogue take on a new urgency'.",
            {"world": 0.5},
        ),
        Param(
            "strain_limit",
            "per unit hardship",
            0.0,
            10.0,
            "Fall of pact cooperation per unit of the members' economic hardship.",
            "L24 'harsh economic sanctions ... likely to constrain the extent of their "
            "cooperation'.",
            {"world": 2.0},
        ),
        Param(
            "budget_adjustment",
            "1/yr",
            0.0,
            12.0,
            "Rate at which level changes of a budget (the US build-up, the war's demand, the "
            "DPRK's revenue) reach their target.",
            "Modelling assumption: budgets adjust over about a year.",
            {"world": 1.0},
        ),
        Param(
            "transfer_uncertainty",
            "sd of log",
            0.0,
            2.0,
            "Spread across replicates of the technology transfer rate and the munitions flow: "
            "each replicate draws a lognormal multiplier (median 1) once.",
            "Modelling assumption: MSMT's figures are 'at least' counts and technology transfer "
            "is not observed.",
            {"world": 0.3},
        ),
        Param(
            "troop_uncertainty",
            "sd of log",
            0.0,
            2.0,
            "Spread across replicates of the DPRK deployment's size: each replicate draws a "
            "lognormal multiplier (median 1) of its target once.",
            "Sized to the published range of the deployment: about 11,000 in the first wave "
            "(MSMT, 2025), 10,000-12,000 in other estimates, 15,000 sent in two waves (NIS, "
            "April 2025); +-9 % read as an 80 % range gives an sd of log of about 0.1.",
            {"world": 0.1},
        ),
        Param(
            "loss_uncertainty",
            "sd of log",
            0.0,
            2.0,
            "Spread across replicates of the deployment's loss rate: each replicate draws a "
            "lognormal multiplier (median 1) of troop_losses once.",
            "Sized to the range of the estimate the loss rate is calibrated on: about 2,000 "
            "killed, 1,500-2,500 (NIS, September 2025; observations/history.yaml); +-25 % read "
            "as an 80 % range gives an sd of log of about 0.2.",
            {"world": 0.2},
        ),
        Param(
            "energy_elasticity",
            "output share per unit shortfall",
            0.0,
            1.0,
            "DPRK output lost per unit of energy shortfall.",
            "L9 'plagued by energy shortages and a crumbling infrastructure'.",
            {"world": 0.3},
        ),
        Param(
            "talks_speed",
            "1/yr",
            0.0,
            12.0,
            "Rate at which US-DPRK talks progress at full US engagement and full DPRK readiness.",
            "L2 'its talks with the United States'; L29; 2018: from the first announcement to the "
            "Singapore summit in three months (modelling assumption).",
            {"world": 1.0},
        ),
        Param(
            "talks_decay",
            "1/yr",
            0.0,
            12.0,
            "Rate at which talks progress fades without effort.",
            "Modelling assumption: the 2018-19 process had stalled within about two years of "
            "Hanoi.",
            {"world": 0.5},
        ),
        Param(
            "pact_leverage",
            "share",
            0.0,
            1.0,
            "Fall of the DPRK's readiness to deal with the US at the pact's 2024 capacity and the "
            "war's 2024 intensity (what Russia gives and needs is its outside option).",
            "L2 'bolstering its hand in its talks with the United States'; MSMT (2025) on Russian "
            "payment, oil and technology (modelling assumption for the size).",
            {"world": 0.5},
        ),
        Param(
            "talks_moratorium",
            "share per unit progress",
            0.0,
            5.0,
            "Fall of the DPRK's provocation rate per unit of talks progress above 2024.",
            "2018-19: the DPRK's moratorium on nuclear and ICBM tests during the summits.",
            {"world": 1.5},
        ),
        Param(
            "talks_relief",
            "sanction intensity per unit progress",
            0.0,
            2.0,
            "Fall of the US desired sanctions on the DPRK per unit of talks progress above 2024.",
            "Hanoi (2019): sanctions relief was what the DPRK asked for (modelling assumption "
            "for the size).",
            {"world": 0.5},
        ),
        Param(
            "talks_restraint",
            "build-up per unit progress",
            0.0,
            2.0,
            "Fall of the US regional build-up per unit of talks progress above 2024.",
            "2018: large US-ROK exercises suspended after Singapore (modelling assumption for "
            "the size).",
            {"world": 0.3},
        ),
        Param(
            "presence_speed",
            "1/yr",
            0.0,
            12.0,
            "Rate at which Russia's regional presence moves toward its target.",
            "Modelling assumption: redeploying ships and aircraft takes a year or two.",
            {"world": 0.5},
        ),
        Param(
            "presence_war",
            "presence per unit intensity",
            0.0,
            5.0,
            "Rise of Russia's target presence in East Asia per unit the war's intensity falls "
            "below 2024 (forces the war no longer absorbs).",
            "L6 'a strategic repose from NATO in Eastern Europe' (modelling assumption for the "
            "size).",
            {"world": 0.2},
        ),
        Param(
            "presence_tension",
            "tension/yr per unit presence",
            0.0,
            1.0,
            "Tension of Russia with the US, South Korea and Japan added a year per unit rise of "
            "its presence over 2024.",
            "L6, L15; balance of threat (Walt 1987); Japan's 2022 National Security Strategy "
            "names Russia's activity near Japan a 'strong security concern'.",
            {"world": 0.05},
        ),
        Param(
            "support_demand",
            "demand per unit relative support",
            0.0,
            5.0,
            "Rise of Russia's war demand (munitions, troops, war spending) per unit relative rise "
            "of the EU's support to Ukraine over 2024.",
            "L6, L18 (modelling assumption: a better-armed Ukraine costs Russia more to fight).",
            {"world": 0.3},
        ),
        Param(
            "support_tension",
            "tension/yr per unit relative support",
            0.0,
            1.0,
            "EU-Russia tension added a year per unit relative rise of the EU's support to Ukraine "
            "over 2024.",
            "L18 'already tense over forces in Ukraine' (modelling assumption).",
            {"world": 0.05},
        ),
        Param(
            "implementation_lag",
            "yr",
            0.1,
            20.0,
            "Time constant of building the treaty's new channels (technology transfer, "
            "infrastructure projects, trade expansion).",
            "L24 'a great deal of logistical and technical work to implement'; the treaty entered "
            "into force on 4 December 2024; the Tumen road bridge agreed in June 2024 began "
            "construction in April 2025 for 2026: about 1.5 years.",
            {"world": 1.5},
        ),
        Param(
            "implementation_start",
            "share",
            0.0,
            1.0,
            "Share of the treaty's new channels in place in June 2024.",
            "L24; the treaty was signed on 19 June 2024 and not yet in force.",
            {"world": 0.0},
        ),
        Param(
            "logistics_drag",
            "per unit intensity",
            0.0,
            10.0,
            "Fall of the implementation pace per unit rise of the West's mean sanctions on the "
            "members over 2024.",
            "L24 'harsh economic sanctions ... likely to constrain the extent of their "
            "cooperation' (modelling assumption).",
            {"world": 2.0},
        ),
    ]
}

THEATRE_PARAMS: dict[str, Param] = {
    "intensity": Param(
        "intensity",
        "index, 2024 = 1",
        0.0,
        3.0,
        "Intensity of the war in Ukraine (0 = ceasefire). Drives Russia's spending push, its "
        "demand for DPRK munitions and troops, and its war strain.",
        "L6, L8, L18; MSMT (2025) transfers (data file).",
        {"ukraine": 1.0},
    ),
}

MECHANISMS: dict[str, str] = {
    "arms_buildup": "Richardson action-reaction spending (L15)",
    "budget_plans": "budgets follow their published plans; reactions are departures from them",
    "budget_ceiling": "spending between 0 and max_burden x GDP",
    "joint_exercises": "pact exercises and intelligence sharing (L4)",
    "technology_transfer": "Russian military technology to the DPRK (L5, L10)",
    "cyber_sharing": "DPRK cyber capability to Russia (L10)",
    "munitions_for_war": "DPRK munitions and troops for Russia's war, and payment (L8; MSMT 2025)",
    "cyber_revenue": "DPRK revenue from cyber theft (L10; MSMT 2025)",
    "us_china_rivalry": "US trade pressure on China and its tension (L13)",
    "provocations": "DPRK military provocations (L15)",
    "us_force_buildup": "US regional force build-up (L25)",
    "china_dialogue": "China's dialogue track (L19, L29)",
    "china_alignment": "China's choice between its grip and a coalition (L13)",
    "armed_clashes": "armed clashes, escalation to war and the reciprocity clause (L4, L15)",
    "sanctions": "imposing, tightening and relaxing sanctions (L5, L8, L25)",
    "evasion": "rerouting sanction-lost trade through China and the partner (L8)",
    "trade_expansion": "Russia-DPRK trade expansion (L8)",
    "diplomatic_isolation": "isolation campaigns and China's ties (L13, L25)",
    "energy_aid": "Russian energy and infrastructure aid to the DPRK (L8, L9)",
    "economy": "output growth, sanction and energy losses (L5, L9, L24)",
    "domestic_politics": "domestic support, rally and hardship (L21, L22, L26)",
    "leadership_change": "leadership change in Pyongyang (L26)",
    "tension_dynamics": "tension relaxation toward its resting level",
    "us_dprk_talks": "US choice between pressure and engagement, and US-DPRK talks (L2, L14, L29)",
    "russia_presence": "Russia's regional military presence and its pull on the US (L6)",
    "eu_security": "the EU's military support to Ukraine beyond sanctions (L18)",
    "pact_implementation": "the treaty's new channels ramp up with a lag (L24)",
}
"""Mechanisms a scenario can switch off by name (all on by default)."""
