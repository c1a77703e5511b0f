"""The statistics of the reports, from additive moments (n, Σx, Σx², counts per level) the database sums.

Intervals: the mean's is Student's t (n − 1 degrees of freedom); a share's is Wilson's score interval;
both at 95 %. Sample size: Yamane, n = N / (1 + N·e²) with e = 0.05.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)
Interval = tuple[float, float]
# Two-sided 95 % critical values of Student's t for 1–30 degrees of freedom (standard tables).
_T975 = (
    12.7062,
    4.3027,
    3.1824,
    2.7764,
    2.5706,
    2.4469,
    2.3646,
    2.3060,
    2.2622,
    2.2281,
    2.2010,
    2.1788,
    2.1604,
    2.1448,
    2.1314,
    2.1199,
    2.1098,
    2.1009,
    2.0930,
    2.0860,
    2.0796,
    2.0739,
    2.0687,
    2.0639,
    2.0595,
    2.0555,
    2.0518,
    2.0484,
    2.0452,
    2.0423,
)
# Thai report convention for a 5-level mean (shown to two decimals): lower bound of each band.
BANDS = ((4.21, "มากที่สุด"), (3.41, "มาก"), (2.61, "ปานกลาง"), (1.81, "น้อย"), (1.00, "น้อยที่สุด"))


@dataclass(frozen=True)
class Moments:
    """What the database sums for a set of scores; moments of disjoint sets add up."""

    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0
    levels: tuple[int, ...] = field(default=(0, 0, 0, 0, 0))  # how many scored 1, 2, 3, 4, 5

    def __add__(self, other: Moments) -> Moments:
        return Moments(
            self.n + other.n,
            self.total + other.total,
            self.total_sq + other.total_sq,
            tuple(a + b for a, b in zip(self.levels, other.levels, strict=True)),
        )

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def sd(self) -> float | None:
        """Sample standard deviation (n − 1)."""
        if self.n < 2:
            return None
        variance = (self.total_sq - self.total * self.total / self.n) / (self.n - 1)
        return math.sqrt(max(variance, 0.0))  # rounding can make a zero variance slightly negative

    def share(self, *levels: int) -> float | None:
        """Share (0–1) of scores at the given levels."""
        return sum(self.levels[level - 1] for level in levels) / self.n if self.n else None


def t_critical(df: int) -> float:
    """Two-sided 95 % critical value of Student's t (table to 30 df, Cornish–Fisher expansion above)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z = Z95
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def mean_interval(mean: float | None, sd: float | None, n: int, bounds: Interval) -> Interval | None:
    """95 % t interval for a mean from `n` independent observations, clipped to the scale's bounds."""
    if mean is None or sd is None or n < 2:
        return None
    half = t_critical(n - 1) * sd / math.sqrt(n)
    return max(bounds[0], mean - half), min(bounds[1], mean + half)


def wilson(share: float | None, n: int) -> Interval | None:
    """95 % Wilson score interval for a share (0–1) observed among `n`."""
    if share is None or n < 1:
        return None
    z2 = Z95 * Z95
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def band(mean: float | None) -> str | None:
    """มากที่สุด … น้อยที่สุด for a mean on the 1–5 scale, judged on the two decimals reports show."""
    if mean is None:
        return None
    shown = round(mean + 1e-9, 2)
    return next((label for lower, label in BANDS if shown >= lower), BANDS[-1][1])


def target_status(interval: Interval | None, target: float) -> str:
    """met (the whole interval reaches the target), not_met (all of it below), or not_yet_provable."""
    if interval is None:
        return "not_yet_provable"
    if interval[0] >= target:
        return "met"
    if interval[1] < target:
        return "not_met"
    return "not_yet_provable"


def _smallest(n: int, decided: Callable[[int], bool], limit: int = 10_000_000) -> int | None:
    """The smallest m ≥ n for which `decided(m)` holds (it stays true for larger m), or None."""
    if not decided(limit):
        return None
    low, high = n, limit
    while low < high:
        middle = (low + high) // 2
        if decided(middle):
            high = middle
        else:
            low = middle + 1
    return low


def more_for_mean(mean: float | None, sd: float | None, n: int, target: float, bounds: Interval) -> int | None:
    """How many more responses would settle the target, if the mean and SD stayed as they are."""
    if mean is None or sd is None or n < 2:
        return None

    def decided(m: int) -> bool:
        return target_status(mean_interval(mean, sd, m, bounds), target) != "not_yet_provable"

    needed = _smallest(max(n, 2), decided)
    return None if needed is None else needed - n


def more_for_share(share: float | None, n: int, target: float) -> int | None:
    """The same for a share (0–1) judged with Wilson's interval."""
    if share is None or n < 1:
        return None
    needed = _smallest(n, lambda m: target_status(wilson(share, m), target) != "not_yet_provable")
    return None if needed is None else needed - n


def yamane(population: int, e: float = 0.05) -> int:
    """Yamane's sample size for a population of `population` at precision `e`."""
    if population <= 0:
        return 0
    return math.ceil(population / (1 + population * e * e))
