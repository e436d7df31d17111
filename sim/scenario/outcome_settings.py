"""The outcomes the article raises, declared: their names and meanings, and the thresholds that
define them, with literature defaults (scenario key `outcomes:`). sim/results/outcomes.py
computes each from the recorded series."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from sim.actors import ACTORS

ActorId = Literal[ACTORS]  # type: ignore[valid-type]

OUTCOMES = {
    "regional_arms_race": "an arms race in any of the rival pairs: both rivals' real spending "
    "up arms_race_growth a year for arms_race_years years (Diehl 1983)",
    "one_sided_buildup": "in a rival pair, one side's real spending up arms_race_growth a year "
    "for arms_race_years years while the other's is not (Diehl & Kingston 1987)",
    "armed_clash": "an armed clash (fatal militarised incident) between a pact member and a "
    "rival occurred",
    "war": "a clash between a pact member and a rival escalated to war",
    "reciprocity_fired": "the partner joined a war under the reciprocity clause (L4)",
    "isolation_holds": "the bloc was isolated and evasion has not restored its lifeline by the end",
    "isolation_fails": "the bloc was isolated, but evasion restored its lifeline by the end",
    "never_isolated": "the bloc's isolation index never fell to isolation_threshold: "
    "sanctions never isolated it (with isolation_holds and isolation_fails, every future "
    "is in one of the three)",
    "de_escalation": "peninsula tension fell by de_escalation_drop and no war broke out",
    "leadership_change": "a leadership change in Pyongyang occurred (L26)",
}
"""Boolean outcomes reported as shares of replicates, with their definitions."""


class OutcomeSettings(BaseModel):
    """Outcome thresholds. Each field's description is its documentation."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    arms_race_growth: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.08,
        description="Annual real spending growth (constant 2024 US$) both rivals must reach "
        "(Diehl 1983; Gibler, Rider & Hutchison 2005 use 8 %). Reporting only: no rule reads "
        "it (the escalation rule has its own parameter, world.escalation_race_growth).",
    )
    arms_race_years: Annotated[int, Field(ge=1, le=20)] = Field(
        3,
        description="Consecutive years both rivals must grow that fast (Diehl 1983; Gibler et "
        "al. 2005: three).",
    )
    rival_pairs: list[Annotated[tuple[ActorId, ActorId], Strict(False)]] = Field(  # YAML: lists
        default_factory=lambda: [
            ("rok", "dprk"),
            ("japan", "dprk"),
            ("usa", "dprk"),
            ("usa", "china"),
            ("japan", "china"),
        ],
        description="Dyads checked for an arms race; the regional arms race is any of them "
        "(L15: South Korea and Japan against the DPRK; L13, L17: the US against the DPRK and "
        "China; Japan against China, 'the greatest strategic challenge' of Japan's 2022 "
        "National Security Strategy).",
    )
    isolation_threshold: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        0.85,
        description="Isolation index (the bloc's trade and diplomatic ties with the sanctioning "
        "coalition: the US, the EU, Japan, South Korea; 2024 = 1) at or below which the bloc "
        "counts as isolated.",
    )
    lifeline_restored: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        0.90,
        description="Lifeline index (the bloc's total trade including evasion routes and each "
        "other, 2024 = 1) at or above which evasion has restored the bloc's lifeline. Russia's "
        "total trade was about 90 % of its 2021 level in 2023, after the 2022 sanctions "
        "(Federal Customs Service: US$ 710 bn against US$ 789 bn).",
    )
    window: Literal["whole_run", "after_present"] = Field(
        "whole_run",
        description="The months outcomes are judged over: the whole run from June 2024 "
        "(whole_run, the default), or only the future after the scenario's present, the "
        "last observed month (after_present: events are counted from the month after it, "
        "growth years start there, de-escalation is measured against the present), so a "
        "what-if from the present is judged on what it changes.",
    )
    final_window_months: Annotated[int, Field(ge=1, le=120)] = Field(
        12, description="Months at the end of the run averaged to judge end states."
    )
    de_escalation_drop: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.25,
        description="Fall of peninsula tension (final window against June 2024) that counts "
        "as de-escalation, provided no war broke out.",
    )
