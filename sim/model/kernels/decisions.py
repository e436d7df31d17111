"""Kernels of the actors' monthly decisions (sim.model.agents): one call per agent."""

import numpy as np


def _sanctioner_decide(
    actor: int,
    row: int,  # its row on the sanctioner axis
    bloc: np.ndarray,  # (2,) actor indices, BLOC order
    tension: np.ndarray,  # (R, N, N)
    tension_2024: np.ndarray,  # (N, N)
    sanctions_2024: np.ndarray,  # (4, 2)
    tightening: np.ndarray,  # (R, N, N)
    response: np.ndarray,  # (R, N)
    dialogue_progress: np.ndarray,  # (R,)
    progress_2024: float,
    relax: np.ndarray,  # (R, N)
    war_response: np.ndarray,  # (R, N)
    war_intensity: np.ndarray,  # (R,)
    isolation: np.ndarray,  # (R, N) the parameter
    sanction_target: np.ndarray,  # (R, 4, 2), its row written
    isolation_effort: np.ndarray,  # (R, N), its column written
) -> None:
    """Sanctioner.decide: the desired sanctions on each member (the DPRK's relaxed with
    dialogue progress, Russia's moved with the war), clipped to [0, 1] (NaN kept), and the
    isolation effort."""
    for r in range(tension.shape[0]):
        progress = dialogue_progress[r] - progress_2024
        for m in range(bloc.shape[0]):
            rise = tension[r, actor, bloc[m]] - tension_2024[actor, bloc[m]]
            target = sanctions_2024[row, m] + tightening[r, actor, bloc[m]]
            target = target + response[r, actor] * rise
            if m == 0:  # BLOC_DPRK
                target = target - relax[r, actor] * progress
            else:  # BLOC_RUSSIA
                target = target + war_response[r, actor] * (war_intensity[r] - 1.0)
            target = 0.0 if target < 0.0 else target
            sanction_target[r, row, m] = 1.0 if target > 1.0 else target
        isolation_effort[r, actor] = isolation[r, actor]


def _us_decide(
    actor: int,
    row: int,
    bloc: np.ndarray,
    tension: np.ndarray,
    tension_2024: np.ndarray,
    sanctions_2024: np.ndarray,
    tightening: np.ndarray,
    response: np.ndarray,
    dialogue_progress: np.ndarray,
    progress_2024: float,
    relax: np.ndarray,
    war_response: np.ndarray,
    war_intensity: np.ndarray,
    isolation: np.ndarray,
    sanction_target: np.ndarray,
    isolation_effort: np.ndarray,
    dprk: int,
    peninsula: np.ndarray,  # (3,) actor indices
    peninsula_2024: float,  # 2024 peninsula tension (its mean, from numpy)
    presence_pull: np.ndarray,  # (R, N)
    russia_presence: np.ndarray,  # (R,)
    buildup: np.ndarray,  # (R, N)
    buildup_response: np.ndarray,  # (R, N)
    us_buildup: np.ndarray,  # (R,) written
) -> None:
    """UnitedStates.decide before its engagement choice: the sanctioner's decision, then the
    build-up from the rise of peninsula tension (a mean of 3, left to right) and Russia's
    presence, clipped to [0, 1]."""
    _sanctioner_decide(
        actor,
        row,
        bloc,
        tension,
        tension_2024,
        sanctions_2024,
        tightening,
        response,
        dialogue_progress,
        progress_2024,
        relax,
        war_response,
        war_intensity,
        isolation,
        sanction_target,
        isolation_effort,
    )
    n_peninsula = peninsula.shape[0]
    for r in range(tension.shape[0]):
        total = 0.0
        for k in range(n_peninsula):
            total = total + tension[r, dprk, peninsula[k]]
        rise = total / n_peninsula - peninsula_2024
        rise = 0.0 if rise < 0.0 else rise
        presence = presence_pull[r, actor] * (russia_presence[r] - 1.0)
        level = buildup[r, actor] + buildup_response[r, actor] * rise
        level = level + presence
        level = 0.0 if level < 0.0 else level
        us_buildup[r] = 1.0 if level > 1.0 else level


def _china_decide(
    aligning: bool,  # the china_alignment mechanism is on
    china: int,
    usa: int,
    tension: np.ndarray,  # (R, N, N)
    rivalry_2024: float,
    provocation_rate: np.ndarray,  # (R,)
    provocation_2024: float,
    wars: np.ndarray,  # (R,)
    isolation_effort: np.ndarray,  # (R, N)
    sanctioners: np.ndarray,  # (4,) actor indices
    coalition_bias: np.ndarray,  # (R, N)
    rivalry_pull: np.ndarray,
    instability_aversion: np.ndarray,
    sanction_fear: np.ndarray,
    alignment_noise: np.ndarray,
    sqrt_dt: float,
    normal: np.ndarray,  # (R,)
    dt: float,
    alignment_speed: np.ndarray,
    engagement: np.ndarray,
    dialogue: np.ndarray,
    alignment: np.ndarray,  # (R,) last month's
    china_engagement: np.ndarray,  # (R,) updated in place
    new_alignment: np.ndarray,  # (R,) written
    dialogue_effort: np.ndarray,  # (R,) written
) -> None:
    """China.decide: alignment toward its target (the West's mean isolation effort a mean
    of 4 left to right), with noise, clipped to [0, 1]; engagement toward `engagement`;
    then the dialogue effort. With `aligning` off, only the dialogue effort."""
    n_sanctioners = sanctioners.shape[0]
    for r in range(alignment.shape[0]):
        a = alignment[r]
        if aligning:
            rivalry = tension[r, china, usa] - rivalry_2024
            crisis = (provocation_rate[r] - provocation_2024) + (1.0 if wars[r] > 0 else 0.0)
            fear = 0.0
            for k in range(n_sanctioners):
                fear = fear + isolation_effort[r, sanctioners[k]]
            fear = fear / n_sanctioners
            target = coalition_bias[r, china] + rivalry_pull[r, china] * rivalry
            target = target - instability_aversion[r, china] * crisis
            target = target - sanction_fear[r, china] * fear
            target = 0.0 if target < 0.0 else target
            target = 1.0 if target > 1.0 else target
            noise = alignment_noise[r, china] * sqrt_dt * normal[r]
            speed = dt * alignment_speed[r, china]
            a = a + speed * (target - a) + noise
            a = 0.0 if a < 0.0 else a
            a = 1.0 if a > 1.0 else a
            new_alignment[r] = a
            e = china_engagement[r]
            china_engagement[r] = e + speed * (engagement[r, china] - e)
        dialogue_effort[r] = dialogue[r, china] * (1.0 - a)


def _pact_member_decide(
    actor: int,
    member: int,  # its index on the bloc axis
    after_change: bool,  # the DPRK: post_change_commitment once its leader changed
    commitment: np.ndarray,  # (R, N) the parameter
    post_change: np.ndarray,  # (R, N)
    leader_changed: np.ndarray,  # (R,) bool
    support: np.ndarray,  # (R, 2)
    threshold: np.ndarray,  # (R, N)
    effective: np.ndarray,  # (R, 2) w.commitment, column written
) -> None:
    """PactMember.decide: commitment x min(1, support / opposition_threshold), NaN kept."""
    for r in range(support.shape[0]):
        base = commitment[r, actor]
        if after_change and leader_changed[r]:
            base = post_change[r, actor]
        backing = support[r, member] / threshold[r, actor]
        backing = 1.0 if backing > 1.0 else backing
        effective[r, member] = base * backing


HELPERS = ("_sanctioner_decide",)

PYTHON_KERNELS = {
    "sanctioner_decide": _sanctioner_decide,
    "us_decide": _us_decide,
    "china_decide": _china_decide,
    "pact_member_decide": _pact_member_decide,
}
