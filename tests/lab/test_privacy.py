"""Membership inference against brute-force oracles, constructed cases, and real overfit and non-overfit models."""

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from lab.privacy import (
    MembershipInference,
    MembershipReport,
    calibrated_attack,
    loss_attack,
    membership_inference,
    risk_level,
    risk_sentence,
)

ROOT = Path(__file__).resolve().parents[2]


def brute_force_auc(members, non_members):
    """Share of (member, non-member) pairs where the member has the lower loss, ties counting one half."""
    pairs = [(m < n) + 0.5 * (m == n) for m, n in itertools.product(members, non_members)]
    return sum(pairs) / len(pairs)


def brute_force_advantage(members, non_members):
    """Max over every loss threshold t ("member if loss <= t") of TPR - FPR."""
    members, non_members = np.asarray(members), np.asarray(non_members)
    thresholds = [-np.inf, *np.unique(np.r_[members, non_members])]
    return max(np.mean(members <= t) - np.mean(non_members <= t) for t in thresholds)


def test_same_distribution_is_at_chance():
    rng = np.random.default_rng(0)
    result = loss_attack(rng.exponential(size=5000), rng.exponential(size=5000))
    assert result.auc == pytest.approx(0.5, abs=0.03)
    assert result.advantage < 0.05 and result.accuracy < 0.525
    assert result.tpr_at_1pct_fpr == pytest.approx(0.01, abs=0.01)
    assert (result.attack, result.n_members, result.n_non_members) == ("loss", 5000, 5000)


def test_members_with_much_lower_losses_are_found():
    rng = np.random.default_rng(1)
    members = rng.exponential(0.01, size=2000)  # memorised: near-zero loss
    non_members = rng.exponential(1.0, size=2000)
    result = loss_attack(members, non_members)
    assert result.auc > 0.95 and result.advantage > 0.8 and result.tpr_at_1pct_fpr > 0.3


def test_auc_and_advantage_equal_brute_force_on_a_small_case_with_ties():
    rng = np.random.default_rng(2)
    members = rng.integers(0, 6, size=23).astype(float)  # few distinct values: many ties
    non_members = rng.integers(1, 8, size=31).astype(float)
    result = loss_attack(members, non_members)
    assert result.auc == pytest.approx(brute_force_auc(members, non_members))
    assert result.advantage == pytest.approx(brute_force_advantage(members, non_members))
    assert result.accuracy == pytest.approx(0.5 + result.advantage / 2)


def test_tpr_at_1pct_fpr_by_hand():
    non_members = np.arange(1.0, 101.0)  # 100 distinct losses: flagging the lowest one is FPR 1 %
    # 30 members below every non-member, 20 between the first and second, 50 far above
    members = np.r_[np.full(30, 0.5), np.full(20, 1.5), np.full(50, 1000.0)]
    assert loss_attack(members, non_members).tpr_at_1pct_fpr == pytest.approx(0.5)
    # 50 non-members: one step of FPR is 2 %. 40 members sit below all, 20 tie with the lowest non-member, so the
    # ROC goes from (0, 0.4) straight to (0.02, 0.6); at FPR 1 % it reads 0.5, halfway along.
    non_members = np.arange(1.0, 51.0)
    members = np.r_[np.full(40, 0.5), np.full(20, 1.0), np.full(40, 1000.0)]
    assert loss_attack(members, non_members).tpr_at_1pct_fpr == pytest.approx(0.5)


def classes_of_different_difficulty(rng, n):
    """Class 0 is hard (losses near 2), class 1 easy (near 0.3); membership lowers each slightly."""
    labels = rng.integers(0, 2, size=n)
    typical = np.where(labels == 0, 2.0, 0.3)
    return labels, typical + rng.normal(0, 0.05, size=n)


def test_calibration_removes_class_difficulty():
    rng = np.random.default_rng(3)
    member_labels, member_losses = classes_of_different_difficulty(rng, 1000)
    member_losses -= 0.1
    non_member_labels, non_member_losses = classes_of_different_difficulty(rng, 1000)
    reference_labels, reference_losses = classes_of_different_difficulty(rng, 1000)
    plain = loss_attack(member_losses, non_member_losses)
    calibrated = calibrated_attack(
        member_losses,
        member_labels,
        non_member_losses,
        non_member_labels,
        reference_losses=reference_losses,
        reference_labels=reference_labels,
    )
    assert plain.auc < 0.75 and calibrated.auc > 0.9 and calibrated.attack == "calibrated"


def test_calibrated_scores_are_class_z_scores_of_the_logit_confidence():
    def phi(loss):  # log(p / (1 - p)) of the confidence p = exp(-loss), written out naively
        p = np.exp(-np.asarray(loss))
        return np.log(p / (1 - p))

    reference_losses, reference_labels = np.array([0.5, 1.0, 2.0, 0.01, 0.03, 0.02]), np.array([0, 0, 0, 1, 1, 1])
    members, member_labels = np.array([0.6, 0.015, 0.4]), np.array([0, 1, 7])  # class 7 is not in the reference
    non_members, non_member_labels = np.array([0.9, 0.025, 0.05]), np.array([0, 1, 1])

    def z_scores(losses, labels):  # against the record's class, or against all reference records for class 7
        reference = phi(reference_losses)
        pools = [reference[reference_labels == c] if c in reference_labels else reference for c in labels]
        return np.array([(phi(loss) - pool.mean()) / pool.std() for loss, pool in zip(losses, pools, strict=True)])

    result = calibrated_attack(
        members,
        member_labels,
        non_members,
        non_member_labels,
        reference_losses=reference_losses,
        reference_labels=reference_labels,
    )
    # brute_force_auc ranks lower first, so hand it minus the scores
    expected = brute_force_auc(-z_scores(members, member_labels), -z_scores(non_members, non_member_labels))
    assert result.auc == pytest.approx(expected) and expected not in (0.0, 1.0)
    with pytest.raises(ValueError):
        calibrated_attack([1.0], [0], [1.0], [0], reference_losses=[], reference_labels=[])


def test_a_loss_of_exactly_zero_and_a_lone_reference_record_are_calibrated_without_overflow():
    result = calibrated_attack([0.0, 0.0], [0, 1], [0.0, 0.3], [0, 1], reference_losses=[0.1], reference_labels=[0])
    assert 0 <= result.auc <= 1 and np.isfinite(result.advantage)


def test_empty_sets_are_refused():
    with pytest.raises(ValueError, match="at least one member"):
        loss_attack([], [1.0])


def overlapping_sets(seed):
    rng = np.random.default_rng(seed)
    return (
        rng.exponential(0.8, size=5000),
        rng.integers(0, 3, size=5000),
        rng.exponential(1.0, size=300),
        rng.integers(0, 3, size=300),
    )


def test_balancing_is_reproducible_and_capped():
    data = overlapping_sets(4)
    reference = {"reference_losses": np.ones(10), "reference_labels": np.arange(10) % 3}
    report = membership_inference(*data, **reference, seed=7)
    assert report == membership_inference(*data, **reference, seed=7)
    assert report.loss.auc != membership_inference(*data, **reference, seed=8).loss.auc
    assert (report.loss.n_members, report.loss.n_non_members) == (300, 300)
    capped = membership_inference(*data, **reference, cap=100)
    assert (capped.calibrated.n_members, capped.calibrated.n_non_members) == (100, 100)


def inference(auc, accuracy=0.5):
    return MembershipInference("loss", auc, 2 * accuracy - 1, 0.01, accuracy, 100, 100)


@pytest.mark.parametrize(
    ("auc", "level"), [(0.3, "low"), (0.5499, "low"), (0.55, "medium"), (0.6499, "medium"), (0.65, "high")]
)
def test_risk_level_boundaries(auc, level):
    assert risk_level(inference(auc)) == level


def test_risk_sentences_in_plain_words():
    chance = risk_sentence(inference(0.505, accuracy=0.51))
    assert "cannot tell" in chance and "right 51% of the time" in chance and chance.endswith("Risk: low.")
    leak = risk_sentence(inference(0.6, accuracy=0.62))
    assert leak == (
        "An attacker who holds a person's record can tell whether they were in the training data right "
        "62% of the time, where guessing gives 50%. Risk: medium."
    )


def test_report_round_trips_through_plain_dicts():
    report = MembershipReport(inference(0.6, 0.6), MembershipInference("calibrated", 0.7, 0.3, 0.1, 0.65, 50, 50))
    assert MembershipReport.from_dict(report.to_dict()) == report
    assert report.to_dict()["calibrated"]["attack"] == "calibrated"


def test_the_module_does_not_import_torch():
    code = "import sys, lab.privacy; assert 'torch' not in sys.modules, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# Real models: a bare MLP on the scikit-learn digits.

TRAINED = 50  # the first TRAINED shuffled images are the model's training data


def losses(model, x, y):
    """Per-sample cross-entropy, in float64 so that near-certain answers keep a loss above 0."""
    with torch.no_grad():
        return torch.nn.functional.cross_entropy(model(x).double(), y, reduction="none").numpy()


@pytest.fixture(scope="module")
def overfit():
    """Shuffled digits (1797 images of 8x8 pixels, 10 classes) and an MLP that memorised the first TRAINED.

    Full-batch Adam, no regularisation, 100 steps: the training loss ends below 1e-3. 50 images rather than 100:
    on digits a model fit to 100 already generalises well enough that the loss attack's AUC sits near 0.7.
    """
    x, y = load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(y))
    x, y = torch.tensor(x[order] / 16, dtype=torch.float32), torch.tensor(y[order])
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(100):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x[:TRAINED]), y[:TRAINED]).backward()
        optimizer.step()
    return model, x, y


def test_a_model_cannot_be_attacked_on_two_sets_it_never_saw(overfit):
    model, x, y = overfit
    # both sets are non-members: the "members" are just another held-out set
    first, second = slice(TRAINED, 900), slice(900, None)
    result = loss_attack(losses(model, x[first], y[first]), losses(model, x[second], y[second]))
    print(f"never seen: loss-attack AUC {result.auc:.3f}, advantage {result.advantage:.3f}")
    assert result.auc == pytest.approx(0.5, abs=0.07)


def test_an_overfit_model_gives_its_training_samples_away(overfit):
    model, x, y = overfit
    members, reference, non_members = slice(None, TRAINED), slice(TRAINED, 700), slice(700, None)
    member_losses = losses(model, x[members], y[members])
    non_member_losses = losses(model, x[non_members], y[non_members])
    plain = loss_attack(member_losses, non_member_losses)
    report = membership_inference(
        member_losses,
        y[members].numpy(),
        non_member_losses,
        y[non_members].numpy(),
        reference_losses=losses(model, x[reference], y[reference]),  # disjoint from the scored non-members
        reference_labels=y[reference].numpy(),
    )
    print(
        f"overfit: loss AUC {plain.auc:.3f} on all {plain.n_non_members} non-members (advantage {plain.advantage:.3f}, "
        f"TPR@1%FPR {plain.tpr_at_1pct_fpr:.3f}); balanced: loss {report.loss.auc:.3f}, "
        f"calibrated {report.calibrated.auc:.3f}"
    )
    assert plain.auc > 0.7 and risk_level(plain) == "high"
    assert report.loss.n_members == report.loss.n_non_members == TRAINED
    assert report.calibrated.auc > 0.7
