"""The article line by line: which mechanisms, actors, parameters and outcomes implement each
line, or why it is not modelled.

Every line L1-L29 of docs/article.txt has an entry. A line is *modelled* when it names at
least one mechanism (a function in sim/model/mechanisms/, as "module.function"), *partly*
when some of it is modelled and the rest is excused, *not modelled* when it is only excused
(headings, rhetoric with no step, the machine-written noise). tests/test_coverage.py checks
that every line is covered or excused, that every line a mechanism's docstring cites lists
that mechanism here, and that every mechanism, actor, parameter and outcome named exists;
the coverage table of docs/article-coverage.md is generated from it (sim/reference.py).
"""

from dataclasses import dataclass

ARTICLE_LINES = 29


@dataclass(frozen=True)
class Line:
    """One line of the article and what implements it."""

    line: int
    says: str  # what the line says, in a few words
    mechanisms: tuple[str, ...] = ()  # "module.function" in sim/model/mechanisms/
    actors: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    not_modelled: str = ""  # what is left out, and why

    @property
    def status(self) -> str:
        if self.mechanisms:
            return "partly" if self.not_modelled else "modelled"
        return "not modelled"


HEADING = "A heading: no step."

COVERAGE: tuple[Line, ...] = (
    Line(
        1,
        "the mutual defence pact signed; 'military and strategic cooperation'",
        ("cooperation.pact_cooperation",),
        ("dprk", "russia"),
        ("commitment",),
        not_modelled="The signing is the start of every run (June 2024), not a step.",
    ),
    Line(
        2,
        "both face isolation and sanctions; the pact bolsters the DPRK's hand in talks with "
        "the US; Russia gains a strategic nodal point",
        (
            "responses.dprk_willingness",
            "responses.us_dprk_talks",
            "responses.talks_effects",
            "responses.russia_presence",
            "sanctions.impose_sanctions",
        ),
        ("dprk", "russia", "usa"),
        ("pact_leverage", "talks_speed", "pacific_presence", "sanction_tightening"),
        ("isolation_holds",),
        not_modelled="The brand name 'latoto' is machine-written noise; the 'three key friendly "
        "nations' are not named, so there is no talks track beyond the US-DPRK one and China's "
        "dialogue; the ceremonies have no step.",
    ),
    Line(3, "heading: a historic alliance", not_modelled=HEADING),
    Line(
        4,
        "joint exercises, intelligence sharing, common defence strategies; reciprocity in an "
        "armed conflict",
        (
            "escalation.joint_exercises",
            "budgets.update_capability",
            "escalation.armed_clashes",
            "escalation.partners_join",
            "decisions.pact_member_decide",
        ),
        ("dprk", "russia"),
        ("exercises", "exercise_boost", "exercise_tension", "commitment"),
        ("reciprocity_fired", "armed_clash", "war"),
    ),
    Line(
        5,
        "a lifeline for the sanctioned DPRK: economic and military reinforcement, Russian "
        "equipment and know-how",
        (
            "cooperation.technology_transfer",
            "cooperation.munitions_for_war",
            "cooperation.dprk_revenue",
            "domestic.grow_economies",
            "budgets.update_capability",
            "budgets.budget_levels",
            "responses.pact_implementation",
            "sanctions.impose_sanctions",
            "decisions.sanctioner_decide",
        ),
        ("dprk", "russia", "usa", "eu", "japan", "rok"),
        ("tech_transfer", "munitions_price", "sanction_bite", "criticality"),
        ("isolation_holds", "isolation_fails"),
        not_modelled="Why the sanctions were imposed (the nuclear programme, human rights) is "
        "history: sanctions start at their 2024 levels.",
    ),
    Line(
        6,
        "for Russia: repose from NATO, a smaller US presence in East Asia, more Russian "
        "presence and power projection there",
        (
            "responses.russia_presence",
            "cooperation.munitions_for_war",
            "budgets.budget_levels",
        ),
        ("russia", "usa", "rok", "japan"),
        (
            "pacific_presence",
            "presence_war",
            "presence_pull",
            "presence_tension",
            "presence_threat",
            "war_share",
            "intensity",
        ),
        not_modelled="NATO is not an actor: the 'repose' is the war's intensity (a scenario "
        "parameter) and the forces it frees for the east (presence_war).",
    ),
    Line(7, "heading: economic and technical cooperation", not_modelled=HEADING),
    Line(
        8,
        "economic and technological ties; Russia evades the embargo through the DPRK; trade, "
        "energy, infrastructure, technology",
        (
            "sanctions.move_trade",
            "sanctions.impose_sanctions",
            "cooperation.trade_expansion",
            "cooperation.energy_aid",
            "cooperation.munitions_for_war",
            "cooperation.dprk_revenue",
            "budgets.budget_levels",
            "responses.pact_implementation",
            "decisions.sanctioner_decide",
            "record.isolation_index",
        ),
        ("russia", "dprk", "china", "usa", "eu", "japan", "rok"),
        ("evasion", "evasion_tolerance", "third_country_channel", "trade_expansion", "energy_aid"),
        ("isolation_holds", "isolation_fails"),
    ),
    Line(
        9,
        "energy shortages and crumbling infrastructure; Russian power plants, energy and "
        "transport projects",
        (
            "cooperation.energy_aid",
            "domestic.grow_economies",
            "responses.pact_implementation",
            "sanctions.move_trade",
        ),
        ("dprk", "russia"),
        ("energy_aid", "infrastructure", "energy_elasticity", "implementation_lag"),
    ),
    Line(
        10,
        "technological cooperation: Russian technology to the DPRK, DPRK cyber capabilities "
        "to Russia",
        (
            "cooperation.technology_transfer",
            "cooperation.cyber_sharing",
            "cooperation.dprk_revenue",
            "budgets.update_capability",
            "budgets.budget_levels",
            "responses.pact_implementation",
        ),
        ("dprk", "russia"),
        ("tech_transfer", "cyber_sharing", "cyber_weight", "cyber_revenue"),
    ),
    Line(11, "heading: geopolitical implications", not_modelled=HEADING),
    Line(
        12,
        "great geopolitical significance; a power axis threatening the US-led order",
        not_modelled="A judgement on the international order with no step of its own: the "
        "'power axis' is the pact's members, whose steps are modelled elsewhere.",
    ),
    Line(
        13,
        "US-China trade war; China's grip on Pyongyang or a wider coalition against US influence",
        (
            "escalation.us_china_rivalry",
            "sanctions.move_trade",
            "sanctions.china_trade_factor",
            "sanctions.diplomatic_isolation",
            "decisions.china_decide",
        ),
        ("china", "usa"),
        (
            "coalition_bias",
            "rivalry_pull",
            "engagement",
            "trade_pressure",
            "coalition_trade",
            "coalition_ties",
            "china_trade_noise",
        ),
        ("isolation_fails", "regional_arms_race"),
    ),
    Line(
        14,
        "a headache for the US and its friends; the US will have to rethink its gameplan on "
        "North Korea and Russia",
        (
            "responses.us_engagement_target",
            "responses.choose_engagement",
            "responses.us_dprk_talks",
            "decisions.us_decide",
        ),
        ("usa",),
        (
            "talks_engagement",
            "engagement_speed",
            "provocation_aversion",
            "ally_alarm",
            "pact_hardening",
        ),
        ("de_escalation",),
        not_modelled="'Escalates ongoing power grabs' is rhetoric; the US rethink on Russia is "
        "its sanctions and build-up (L25).",
    ),
    Line(
        15,
        "South Korea and Japan fear the DPRK's improved capabilities; provocations; a regional "
        "arms race",
        (
            "budgets.arms_buildup",
            "budgets.budget_plan",
            "escalation.joint_exercises",
            "escalation.provocations",
            "escalation.provoke",
            "escalation.armed_clashes",
            "decisions.dprk_decide",
        ),
        ("rok", "japan", "dprk"),
        ("reactivity", "provocation_rate", "provocation_size", "clash_hazard"),
        ("regional_arms_race", "armed_clash", "war"),
    ),
    Line(16, "heading: international reactions", not_modelled=HEADING),
    Line(
        17,
        "the US condemns the deal and will come to the defence of its regional allies",
        (
            "budgets.richardson_drive",
            "budgets.budget_levels",
            "escalation.joint_exercises",
            "escalation.us_force_buildup",
            "decisions.sanctioner_decide",
            "decisions.us_buildup_decide",
        ),
        ("usa", "rok", "japan"),
        ("buildup", "buildup_response", "reassurance", "buildup_cost"),
        not_modelled="The condemnation and the warnings, words without a step, are not modelled.",
    ),
    Line(
        18,
        "outrage in Europe, tense over Ukraine; the EU calls for more solutions to security issues",
        (
            "responses.eu_security_response",
            "cooperation.munitions_for_war",
            "budgets.budget_levels",
            "decisions.sanctioner_decide",
        ),
        ("eu",),
        (
            "ukraine_support",
            "security_response",
            "support_demand",
            "support_tension",
            "war_response",
            "intensity",
        ),
        not_modelled="'Fading international norms and greater belligerence' is rhetoric; NATO "
        "is not an actor (the EU stands for Europe).",
    ),
    Line(
        19,
        "China's considered response: stability and dialogue",
        (
            "cooperation.china_dialogue",
            "escalation.provocations",
            "escalation.provoke",
            "escalation.tension_dynamics",
            "decisions.sanctioner_decide",
            "decisions.china_decide",
        ),
        ("china", "usa", "eu", "japan", "rok"),
        ("dialogue", "dialogue_speed", "dialogue_effect", "relax_with_dialogue"),
        ("de_escalation",),
        not_modelled="The closing sentence (where China stood 'in the eyes of the west') states "
        "no step.",
    ),
    Line(20, "heading: domestic reactions", not_modelled=HEADING),
    Line(
        21,
        "approval at home; DPRK state media: an end to threats against Kim Jong Un",
        ("domestic.domestic_support", "escalation.provocations"),
        ("dprk", "russia"),
        ("rally", "support_ceiling", "threat_response"),
    ),
    Line(
        22,
        "Putin presents a strategic coup; a banner to rally Russians hard hit by sanctions",
        ("domestic.domestic_support", "domestic.grow_economies"),
        ("russia",),
        ("rally", "hardship_sensitivity", "war_strain"),
        not_modelled="The sentence on Venezuelan state media, Alibaba and a blockchain "
        "liquidity network is machine-written noise; Venezuela is not an actor.",
    ),
    Line(23, "heading: challenges ahead", not_modelled=HEADING),
    Line(
        24,
        "harsh sanctions constrain the cooperation; a great deal of logistical and technical "
        "work to implement it",
        (
            "cooperation.pact_cooperation",
            "responses.pact_implementation",
            "cooperation.technology_transfer",
            "cooperation.trade_expansion",
            "domestic.grow_economies",
            "sanctions.move_trade",
            "record.isolation_index",
        ),
        ("dprk", "russia"),
        ("strain_limit", "implementation_lag", "implementation_start", "logistics_drag"),
    ),
    Line(
        25,
        "the US and its allies retaliate: force build-up, new sanctions, isolation; an "
        "escalation of tensions",
        (
            "escalation.us_force_buildup",
            "budgets.budget_levels",
            "sanctions.impose_sanctions",
            "sanctions.diplomatic_isolation",
            "decisions.sanctioner_decide",
            "decisions.us_buildup_decide",
            "record.isolation_index",
        ),
        ("usa", "rok", "japan", "eu"),
        ("buildup", "sanction_tightening", "isolation_effort", "sanction_tension"),
        ("isolation_holds", "isolation_fails", "regional_arms_race"),
    ),
    Line(
        26,
        "domestic politics: a leadership change in Pyongyang; Putin's economic difficulties "
        "and opposition",
        (
            "domestic.leadership_change",
            "domestic.domestic_support",
            "domestic.grow_economies",
            "cooperation.pact_cooperation",
            "decisions.pact_member_decide",
        ),
        ("dprk", "russia"),
        ("leadership_hazard", "post_change_commitment", "opposition_threshold", "war_strain"),
        ("leadership_change",),
        not_modelled="'Chernyavsky says' cites a source the article does not identify; 'a U.S. "
        "president Sanders portrays as an enemy' is noise (no such president): the opposition "
        "is modelled through hardship and support, not through US politics.",
    ),
    Line(27, "heading: conclusion", not_modelled=HEADING),
    Line(
        28,
        "a breakthrough with major implications; the status quo unsettled",
        not_modelled="A summary of L1 and L12 with no step of its own.",
    ),
    Line(
        29,
        "diplomatic engagement and dialogue take on a new urgency; the tightrope of alliances",
        (
            "cooperation.china_dialogue",
            "escalation.tension_dynamics",
            "responses.us_engagement_target",
            "responses.us_dprk_talks",
            "responses.talks_effects",
        ),
        ("china", "usa"),
        ("dialogue", "talks_engagement", "talks_speed", "talks_moratorium", "talks_relief"),
        ("de_escalation",),
        not_modelled="'The country must learn to walk the tightrope' names no country "
        "(rhetoric); the closing advert ('If you like reading this article ...') is noise.",
    ),
)
"""Every line of the article, in order."""
