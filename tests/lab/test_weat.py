"""Word association tests (WEAT): the statistics against hand-computed oracles, then the real encoder."""

import math

import numpy as np
import pytest

from lab.weat import (
    AssociationTest,
    association,
    effect_size,
    load_tests,
    permutation_p_value,
    run_test,
)

R = math.sqrt(0.5)  # cos 45 degrees

# Tiny 2-D case. A = {(1, 0)}, B = {(0, 1)}, so s(w) = cos(w, e1) - cos(w, e2):
#   (1, 0) -> 1 - 0 = 1     (1, 1) -> R - R = 0     (0, 1) -> 0 - 1 = -1     (-1, 1) -> -R - R = -2R
A = np.array([[1.0, 0.0]])
B = np.array([[0.0, 1.0]])
X = np.array([[1.0, 0.0], [1.0, 1.0]])  # s = 1, 0
Y = np.array([[0.0, 1.0], [-1.0, 1.0]])  # s = -1, -2R


def test_association_is_mean_cosine_to_a_minus_mean_cosine_to_b():
    # lengths must not matter: cos((3,0), {(2,0), (0,5)}) = {1, 0}, cos((3,0), {(-1,0)}) = {-1} -> 0.5 - (-1)
    assert association(np.array([3.0, 0.0]), np.array([[2.0, 0.0], [0.0, 5.0]]), np.array([[-1.0, 0.0]])) == (
        pytest.approx(1.5)
    )
    np.testing.assert_allclose(association(np.vstack([X, Y]), A, B), [1.0, 0.0, -1.0, -2 * R], atol=1e-12)


def test_effect_size_matches_the_hand_computed_one():
    # mean_x s - mean_y s = 0.5 - (-1 - 2R) / 2 = 1 + R
    # over X and Y: mean = -R/2, sum of squares about it = (1 + 0 + 1 + 4 * 0.5) - 4 * (R/2)^2 = 3.5,
    # sample std = sqrt(3.5 / 3) = sqrt(7/6)
    assert effect_size(X, Y, A, B) == pytest.approx((1 + R) / math.sqrt(7 / 6))
    assert effect_size(Y, X, A, B) == pytest.approx(-(1 + R) / math.sqrt(7 / 6))  # swapping X and Y flips the sign


def test_exact_p_value_matches_the_six_splits_enumerated_by_hand():
    # s values 1, 0, -1, -2R; the six ways to pick two of them for X, with their sums:
    #   {1, 0} = 1   {1, -1} = 0   {1, -2R} = -0.41   {0, -1} = -1   {0, -2R} = -1.41   {-1, -2R} = -2.41
    # X = {1, 0}: only its own split reaches 1 -> 1/6
    assert permutation_p_value(X, Y, A, B) == pytest.approx(1 / 6)
    # X = {0, -1} (sum -1): 1, 0, -0.41 and -1 itself reach it -> 4/6
    x2, y2 = np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [-1.0, 1.0]])
    assert permutation_p_value(x2, y2, A, B) == pytest.approx(4 / 6)


def separated(n: int) -> tuple[np.ndarray, ...]:
    """X words on A's axis, Y words on B's axis, with a little noise: the strongest association there can be."""
    rng = np.random.default_rng(1)
    e = np.eye(8)
    noise = lambda k: 0.01 * rng.normal(size=(k, 8))  # noqa: E731
    return e[0] + noise(n), e[1] + noise(n), e[0] + noise(5), e[1] + noise(5)


def test_perfectly_separated_sets_reach_the_smallest_p_and_an_effect_size_near_two():
    x, y, a, b = separated(4)  # 4 + 4 words: C(8, 4) = 70 splits, all enumerated
    assert permutation_p_value(x, y, a, b) == pytest.approx(1 / 70)
    # s = +1 for X and -1 for Y: d = 2 / sqrt(8/7) with the sample std; noise moves it a little
    assert effect_size(x, y, a, b) == pytest.approx(2 * math.sqrt(7 / 8), abs=0.02)
    x, y, a, b = separated(8)  # C(16, 8) = 12 870 > 10 000: random splits
    assert permutation_p_value(x, y, a, b) < 1e-3


def random_sets(seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=(8, 16)) for _ in range(4))


def test_random_vectors_give_p_values_spread_over_zero_to_one():
    p = np.array([permutation_p_value(*random_sets(seed), n_permutations=2_000) for seed in range(20)])
    assert 0.3 < p.mean() < 0.7  # under no association p is uniform on 0..1
    assert np.sum(p < 0.05) <= 3


def test_random_p_value_is_reproducible_and_close_to_the_exact_one():
    sets = random_sets(7)
    p = permutation_p_value(*sets, n_permutations=5_000, seed=3)
    assert p == permutation_p_value(*sets, n_permutations=5_000, seed=3)
    assert p != permutation_p_value(*sets, n_permutations=5_000, seed=4)
    exact = permutation_p_value(*sets, n_permutations=math.comb(16, 8))
    assert p == pytest.approx(exact, abs=0.03)  # 5 000 draws: standard error at most 0.007


def toy_test(n: int = 2) -> AssociationTest:
    return AssociationTest(
        "toy", "Toy", "xs", tuple(f"x{i}" for i in range(n)), "ys", tuple(f"y{i}" for i in range(n)),
        "as", ("a0",), "bs", ("b0",), "A toy.",
    )  # fmt: skip


def test_run_test_encodes_every_word_once_and_reports_each_word():
    vectors = {"x0": [1.0, 0.0], "x1": [1.0, 1.0], "y0": [0.0, 1.0], "y1": [-1.0, 1.0], "a0": [1.0, 0.0], "b0": [0, 1]}
    calls = []

    def encode(words):
        calls.append(words)
        return np.array([vectors[w] for w in words])

    result = run_test(toy_test(), encode=encode)
    assert calls == [["x0", "x1", "y0", "y1", "a0", "b0"]]
    assert result.effect_size == pytest.approx((1 + R) / math.sqrt(7 / 6))
    assert result.p_value == pytest.approx(1 / 6)
    assert result.n_permutations == "exact"
    assert [w for w, _ in result.x_associations] == ["x0", "x1"]
    assert [s for _, s in result.y_associations] == pytest.approx([-1.0, -2 * R])
    assert result.summary() == (
        "The encoder places xs closer to as than ys (effect size 1.58 on a scale from -2 to 2; "
        "a gap this large would arise by chance in 1 of the 6 possible splits of the same words)."
    )


def test_summary_rounds_p_no_finer_than_the_permutations_allow():
    x, y, a, b = separated(8)
    encode = lambda words: np.vstack([x, y, a[:1], b[:1]])  # noqa: E731
    result = run_test(toy_test(8), encode=encode, n_permutations=1_000)
    assert result.n_permutations == 1_000
    assert result.p_value == 1 / 1_001  # no random split beat the observed one, which counts itself
    assert "fewer than 1 in 1 000 random splits" in result.summary()
    flipped = run_test(toy_test(8), encode=lambda words: np.vstack([y, x, a[:1], b[:1]]), n_permutations=1_000)
    assert flipped.effect_size < 0
    assert flipped.summary().startswith("Against the pattern tested, the encoder places ys closer to as than xs")


def test_assets_hold_well_formed_tests():
    tests = load_tests()
    assert {"occupations_gender", "science_arts_gender"} <= tests.keys()
    for test in tests.values():
        assert test.title and test.reading and test.x_name and test.y_name and test.a_name and test.b_name
        assert len(test.x_words) == len(test.y_words) >= 8
        assert len(test.a_words) == len(test.b_words) >= 8
        words = [*test.x_words, *test.y_words, *test.a_words, *test.b_words]
        assert len(set(words)) == len(words), f"{test.name} repeats a word"


def test_real_encoder_on_occupations():
    result = run_test(load_tests()["occupations_gender"])
    assert math.isfinite(result.effect_size) and -2 <= result.effect_size <= 2
    assert 0 < result.p_value <= 1
    assert result.n_permutations == 10_000  # C(16, 8) = 12 870 splits: more than 10 000, so sampled
    assert len(result.x_associations) == len(result.y_associations) == 8
    assert result.summary().endswith(".") and "male-stereotyped jobs" in result.summary()
