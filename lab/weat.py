"""Word association tests on the pretrained encoder (WEAT).

Caliskan, Bryson & Narayanan, "Semantics derived automatically from language corpora contain human-like biases",
Science 356(6334):183-186, 2017. Two sets of target words X and Y (jobs, school subjects) are compared with two sets of
attribute words A and B (male, female words): does the encoder put X nearer to A, and Y nearer to B, than chance would?
"""

import itertools
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

TESTS_PATH = Path(__file__).resolve().parent.parent / "assets" / "weat.toml"
EncodeWords = Callable[[list[str]], np.ndarray]  # words -> one vector per word (N, D), in the order given
_TIE = 1e-9  # the same split summed in another order can differ in the last bits; it must still count as a tie


@dataclass(frozen=True)
class AssociationTest:
    name: str  # key in assets/weat.toml
    title: str
    x_name: str  # "male-stereotyped jobs"
    x_words: tuple[str, ...]
    y_name: str
    y_words: tuple[str, ...]
    a_name: str  # "male words"
    a_words: tuple[str, ...]
    b_name: str
    b_words: tuple[str, ...]
    reading: str  # one plain sentence on what the test asks


def load_tests(path: Path = TESTS_PATH) -> dict[str, AssociationTest]:
    """Read the association tests from the TOML file, keyed by test name."""
    with path.open("rb") as f:
        tables = tomllib.load(f)
    return {
        name: AssociationTest(name=name, **{k: tuple(v) if isinstance(v, list) else v for k, v in table.items()})
        for name, table in tables.items()
    }


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)


def association(w: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """s(w, A, B): mean cosine of w with the A vectors minus its mean cosine with the B vectors.

    `w` is one vector (D,) or many (N, D); `a` (n_a, D) and `b` (n_b, D). Returns () or (N,).
    """
    w = _unit(w)
    return (w @ _unit(a).T).mean(axis=-1) - (w @ _unit(b).T).mean(axis=-1)


def _effect(s_x: np.ndarray, s_y: np.ndarray) -> float:
    spread = np.concatenate([s_x, s_y]).std(ddof=1)  # sample std over X and Y together, as in the paper
    return float((s_x.mean() - s_y.mean()) / spread) if spread > 0 else 0.0  # all words alike: no difference


def effect_size(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """How far apart X and Y sit on the A-versus-B direction, in standard deviations (Cohen's d, within -2..2)."""
    return _effect(association(x, a, b), association(y, a, b))


def _p_value(s_x: np.ndarray, s_y: np.ndarray, n_permutations: int, seed: int) -> tuple[float, int | Literal["exact"]]:
    s = np.concatenate([s_x, s_y])
    # The statistic sum_X s - sum_Y s equals 2 * sum_X s - sum(s): on the same words it grows with the X half's
    # sum alone, so comparing those sums is enough, and s is computed once per word rather than once per split.
    observed = s_x.sum()
    if math.comb(len(s), len(s_x)) <= n_permutations:
        halves = np.array(list(itertools.combinations(range(len(s)), len(s_x))))  # (n_splits, n_x), observed included
        return float(np.mean(s[halves].sum(axis=1) >= observed - _TIE)), "exact"
    rng = np.random.default_rng(seed)
    halves = rng.permuted(np.tile(np.arange(len(s)), (n_permutations, 1)), axis=1)[:, : len(s_x)]  # (n_perm, n_x)
    at_least = np.sum(s[halves].sum(axis=1) >= observed - _TIE)
    # the observed split is one of the possible ones, so it counts too and p is never 0 (Phipson & Smyth 2010)
    return float((at_least + 1) / (n_permutations + 1)), n_permutations


def permutation_p_value(
    x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray, *, n_permutations: int = 10_000, seed: int = 0
) -> float:
    """One-sided p-value: the share of splits of X+Y into two groups of the same sizes as X and Y whose statistic
    sum_X s - sum_Y s is at least the observed one. Random splits count the observed one too: p >= 1/(n + 1).

    Parameters
    ----------
    n_permutations : every split is enumerated when there are at most this many, else this many random splits.
    seed : seeds the random splits, so a p-value can be reproduced.
    """
    return _p_value(association(x, a, b), association(y, a, b), n_permutations, seed)[0]


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


@dataclass(frozen=True)
class AssociationResult:
    test: AssociationTest
    effect_size: float  # -2..2; > 0: X leans to A and Y to B
    p_value: float  # one-sided: chance of a gap at least this large in the X-to-A direction
    n_permutations: int | Literal["exact"]  # "exact": every split of the words was counted
    x_associations: tuple[tuple[str, float], ...]  # (word, s(word, A, B)) for each X word
    y_associations: tuple[tuple[str, float], ...]

    def _chance(self) -> str:
        """How often chance gives a gap this large, rounded no finer than the test can tell."""
        if self.n_permutations == "exact":
            total = math.comb(len(self.x_associations) + len(self.y_associations), len(self.x_associations))
            count = round(self.p_value * total)
            return f"{_thousands(count)} of the {_thousands(total)} possible splits of the same words"
        if self.p_value * (self.n_permutations + 1) < 1.5:  # no random split matched the observed one
            return f"fewer than 1 in {_thousands(self.n_permutations)} random splits of the same words"
        if self.p_value >= 0.01:
            return f"about {round(self.p_value * 100)} % of random splits of the same words"
        return f"about 1 in {_thousands(round(1 / self.p_value))} random splits of the same words"

    def summary(self) -> str:
        """One plain sentence: which way the encoder leans, how strongly, and how likely that is by chance."""
        t, size = self.test, f"effect size {self.effect_size:.2f} on a scale from -2 to 2"
        if self.effect_size < 0:  # the one-sided p-value says nothing about a lean the other way
            return (
                f"Against the pattern tested, the encoder places {t.y_name} closer to {t.a_name} than "
                f"{t.x_name} ({size}), so it shows no sign of linking {t.x_name} with {t.a_name}."
            )
        return (
            f"The encoder places {t.x_name} closer to {t.a_name} than {t.y_name} ({size}; "
            f"a gap this large would arise by chance in {self._chance()})."
        )


def _minilm(words: list[str]) -> np.ndarray:
    from models.minilm import encode_texts  # loads torch and transformers: only when the real encoder is used

    return encode_texts(words).numpy()


def run_test(
    test: AssociationTest, *, encode: EncodeWords | None = None, n_permutations: int = 10_000, seed: int = 0
) -> AssociationResult:
    """Run one association test on an encoder.

    Parameters
    ----------
    encode : by default the frozen MiniLM encoder; called once, on all the test's words.
    n_permutations, seed : as in `permutation_p_value`.
    """
    words = [*test.x_words, *test.y_words, *test.a_words, *test.b_words]
    vectors = np.asarray((encode or _minilm)(words))
    x, y, a, b = np.split(vectors, np.cumsum([len(test.x_words), len(test.y_words), len(test.a_words)]))
    s_x, s_y = association(x, a, b), association(y, a, b)
    p, n_used = _p_value(s_x, s_y, n_permutations, seed)
    return AssociationResult(
        test=test,
        effect_size=_effect(s_x, s_y),
        p_value=p,
        n_permutations=n_used,
        x_associations=tuple(zip(test.x_words, map(float, s_x), strict=True)),
        y_associations=tuple(zip(test.y_words, map(float, s_y), strict=True)),
    )
