"""Every replicate's random stream, seeded and drawn in one compiled call: numpy's own
algorithms, so replicate r of seed s gives numpy's numbers, bit for bit.

numpy would seed replicate r with `Generator(PCG64(SeedSequence(s, spawn_key=(r,))))`: about
30 us of Python a replicate, and handing each Generator to compiled code about 25 us more,
against about 60 us for the replicate's 7,000-odd draws. Here the same three steps run
compiled for all replicates at once: SeedSequence's entropy pool and state words
(numpy/random/bit_generator.pyx), PCG64's seeding and its XSL-RR output (128-bit arithmetic in
two 64-bit halves), and Generator's `random` (53-bit doubles) and `standard_normal` (the
ziggurat, with numpy's tables as numba ships them; its rare tail uses the C library's log1p
and exp, as numpy's does). tests/test_compiled.py checks the numbers against numpy's.
"""

import numba
import numpy as np
from numba.np.random._constants import (
    fi_double,
    ki_double,
    wi_double,
    ziggurat_nor_inv_r,
    ziggurat_nor_r,
)

from sim.model.mechanisms.maths import exp, log1p

compiled = numba.njit(cache=True, nogil=True, error_model="numpy")

_U = np.uint64
_MASK32 = _U(0xFFFFFFFF)
_SHIFT = _U(16)  # SeedSequence's XSHIFT
_INIT_A, _MULT_A = _U(0x43B0D7E5), _U(0x931E8875)
_INIT_B, _MULT_B = _U(0x8B51F9DD), _U(0x58F38DED)
_MIX_L, _MIX_R = _U(0xCA01F9DD), _U(0x4973F715)
_POOL = 4  # SeedSequence's default pool size, in 32-bit words
_MULT_HI, _MULT_LO = _U(0x2360ED051FC65DA4), _U(0x4385DF649FCCF645)  # PCG64's multiplier
_DOUBLE = 1.0 / 9007199254740992.0  # 2**-53


def words(value: int) -> np.ndarray:
    """A whole number's 32-bit words, least significant first ([0] for 0), as SeedSequence
    takes a seed or a spawn key."""
    out = [value & 0xFFFFFFFF]
    value >>= 32
    while value:
        out.append(value & 0xFFFFFFFF)
        value >>= 32
    return np.array(out, dtype=np.uint64)


@compiled
def _hashmix(value, constant):
    value = (value ^ constant) & _MASK32
    constant = (constant * _MULT_A) & _MASK32
    value = (value * constant) & _MASK32
    return value ^ (value >> _SHIFT), constant


@compiled
def _mix(x, y):
    result = (_MIX_L * x - _MIX_R * y) & _MASK32
    return result ^ (result >> _SHIFT)


@compiled
def _seed_words(seed_words, replicate, out):
    """SeedSequence(seed, spawn_key=(replicate,)).generate_state(8, np.uint32) into `out`:
    the seed's words padded with zeros to the pool's size, then the replicate's words."""
    entropy = np.zeros(max(len(seed_words), _POOL) + 2, dtype=np.uint64)
    entropy[: len(seed_words)] = seed_words
    n = max(len(seed_words), _POOL)
    value = _U(replicate)
    entropy[n] = value & _MASK32
    n += 1
    value >>= _U(32)
    while value:
        entropy[n] = value & _MASK32
        n += 1
        value >>= _U(32)
    pool = np.empty(_POOL, dtype=np.uint64)
    constant = _INIT_A
    for i in range(_POOL):
        pool[i], constant = _hashmix(entropy[i], constant)
    for source in range(_POOL):
        for target in range(_POOL):
            if source != target:
                mixed, constant = _hashmix(pool[source], constant)
                pool[target] = _mix(pool[target], mixed)
    for source in range(_POOL, n):
        for target in range(_POOL):
            mixed, constant = _hashmix(entropy[source], constant)
            pool[target] = _mix(pool[target], mixed)
    constant = _INIT_B
    for i in range(len(out)):
        value = (pool[i % _POOL] ^ constant) & _MASK32
        constant = (constant * _MULT_B) & _MASK32
        value = (value * constant) & _MASK32
        out[i] = value ^ (value >> _SHIFT)


@compiled
def _high_product(a, b):
    """The high 64 bits of the 128-bit product of two 64-bit numbers."""
    a_low, a_high = a & _MASK32, a >> _U(32)
    b_low, b_high = b & _MASK32, b >> _U(32)
    low = a_low * b_low
    middle = a_high * b_low + (low >> _U(32))
    other = a_low * b_high + (middle & _MASK32)
    return a_high * b_high + (middle >> _U(32)) + (other >> _U(32))


@compiled
def _step(high, low, inc_high, inc_low):
    """PCG64's state advanced once: state * multiplier + increment, modulo 2**128."""
    new_high = _high_product(low, _MULT_LO) + low * _MULT_HI + high * _MULT_LO
    new_low = low * _MULT_LO
    summed = new_low + inc_low
    carry = _U(1) if summed < new_low else _U(0)
    return new_high + inc_high + carry, summed


@compiled
def _next64(state):
    """PCG64's next 64-bit output (XSL-RR of the advanced state); `state` is [high, low,
    increment high, increment low], advanced in place."""
    high, low = _step(state[0], state[1], state[2], state[3])
    state[0], state[1] = high, low
    mixed = high ^ low
    turn = high >> _U(58)
    return (mixed >> turn) | (mixed << ((_U(64) - turn) & _U(63)))


@compiled
def _next_double(state):
    return float(_next64(state) >> _U(11)) * _DOUBLE


@compiled
def _standard_normal(state):
    """numpy's random_standard_normal (the ziggurat), drawing from `state`."""
    while True:
        r = _next64(state)
        idx = r & _U(0xFF)
        r >>= _U(8)
        sign = r & _U(1)
        rabs = (r >> _U(1)) & _U(0x000FFFFFFFFFFFFF)
        x = float(rabs) * wi_double[idx]
        if sign & _U(1):
            x = -x
        if rabs < ki_double[idx]:
            return x
        if idx == 0:
            while True:
                xx = -ziggurat_nor_inv_r * log1p(-_next_double(state))
                yy = -log1p(-_next_double(state))
                if yy + yy > xx * xx:
                    if (rabs >> _U(8)) & _U(1):
                        return -(ziggurat_nor_r + xx)
                    return ziggurat_nor_r + xx
        elif (fi_double[idx - _U(1)] - fi_double[idx]) * _next_double(state) + fi_double[idx] < exp(
            -0.5 * x * x
        ):
            return x


@compiled
def _seeded(seed_words, replicate, state):
    """PCG64(SeedSequence(seed, spawn_key=(replicate,))): its state into `state`."""
    seeded = np.empty(8, dtype=np.uint64)
    _seed_words(seed_words, replicate, seeded)
    start_high, start_low = seeded[0] | (seeded[1] << _U(32)), seeded[2] | (seeded[3] << _U(32))
    seq_high, seq_low = seeded[4] | (seeded[5] << _U(32)), seeded[6] | (seeded[7] << _U(32))
    state[2] = (seq_high << _U(1)) | (seq_low >> _U(63))
    state[3] = (seq_low << _U(1)) | _U(1)
    state[0], state[1] = state[2], state[3]  # zero times the multiplier, plus the increment
    low = state[1] + start_low
    state[0] = state[0] + start_high + (_U(1) if low < state[1] else _U(0))
    state[1] = low
    state[0], state[1] = _step(state[0], state[1], state[2], state[3])


@compiled
def draw_streams(seed_words, replicates, uniforms, normals, static):
    """Each replicate's draws into its row: its uniforms, then its normals, month after
    month (uniforms (months, R, k) and normals (months, R, k)), then its static normals
    (static (R, k))."""
    state = np.empty(4, dtype=np.uint64)
    for row in range(len(replicates)):
        _seeded(seed_words, replicates[row], state)
        for month in range(uniforms.shape[0]):
            for k in range(uniforms.shape[2]):
                uniforms[month, row, k] = _next_double(state)
        for month in range(normals.shape[0]):
            for k in range(normals.shape[2]):
                normals[month, row, k] = _standard_normal(state)
        for k in range(static.shape[1]):
            static[row, k] = _standard_normal(state)
