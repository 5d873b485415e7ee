"""Explanations: the shares add up to the change in the answer (completeness, within captum's convergence delta),
one share per pixel, word or column with the right names, a logistic regression's shares equal to its weights
times the deviations, and attention rows that are shares of 100 %."""

import numpy as np
import pytest
import torch

from lab.attention import attention_map
from lab.audit import load_trained
from lab.data import load_dataset
from lab.explain import explain_image, explain_minilm_text, explain_row, explain_text, typical_row
from lab.hiring import HiringSettings, generate
from lab.pipeline import prepare_data, run
from lab.spec import RunSpec
from lab.tables import TableEncoder
from models import build_model
from models.inputs import InputSpec

TOLERANCE = 1e-4  # float32 rounding in the sums, on top of the convergence delta
TEXT = InputSpec("text", (12,), 2, vocab_size=20)
VOCAB = ("<pad>", "<unk>", *(f"word{i}" for i in range(2, 20)))
IDS = torch.tensor([5, 9, 2, 17, 1, 11, 4, 0, 0, 0, 0, 0])  # seven real tokens, then padding
TABLE = InputSpec("table", (4,), 2, cardinalities=(0, 3, 0, 2))
COLUMNS = ("age", "job", "hours", "sex")


@pytest.fixture(scope="module")
def digits_cnn():
    spec = RunSpec("digits", "cnn", epochs=2)
    _, weights = run(spec)
    data = prepare_data(spec, torch.device("cpu"))
    return load_trained(spec, data.inputs, weights, torch.device("cpu")), data


def probability(model: torch.nn.Module, x: torch.Tensor, target: int) -> float:
    """F, the output Integrated Gradients explains here: the softmax probability of the target class."""
    with torch.no_grad():
        return float(model(x).softmax(dim=1)[0, target])


def test_image_attributions_add_up_to_the_change_in_probability_from_a_black_image(digits_cnn) -> None:
    model, data = digits_cnn
    for x in data.test.x[:5]:
        target = int(model(x[None]).argmax())
        attribution = explain_image(model, x, target=target, classes=data.card.classes)
        change = probability(model, x[None], target) - probability(model, torch.zeros(1, 1, 8, 8), target)
        assert attribution.values.shape == (8, 8)
        assert abs(attribution.values.sum() - change) <= abs(attribution.convergence_delta) + TOLERANCE
        assert abs(attribution.convergence_delta) < 0.05
        assert attribution.score == pytest.approx(probability(model, x[None], target), abs=1e-6)
        assert f"“{data.card.classes[target]}”" in attribution.reading and attribution.caveat


@pytest.mark.parametrize("arch", ["mlp", "cnn", "lstm", "transformer"])
def test_text_attributions_give_one_share_per_real_token_that_add_up(arch: str) -> None:
    torch.manual_seed(0)
    model = build_model(arch, TEXT).eval()
    attribution = explain_text(model, IDS, target=1, vocab=VOCAB)
    assert attribution.labels == ("word5", "word9", "word2", "word17", "<unk>", "word11", "word4")
    assert attribution.values.shape == (7,)
    assert attribution.score == pytest.approx(probability(model, IDS[None], 1), abs=1e-6)
    change = attribution.score - attribution.baseline_score
    assert abs(attribution.values.sum() - change) <= abs(attribution.convergence_delta) + TOLERANCE
    assert abs(attribution.convergence_delta) < 0.01


def test_the_text_baseline_is_the_text_with_every_word_blanked_out() -> None:
    # the MLP averages its real tokens' vectors, so blanked-out words (zero vectors) answer as an empty text does
    torch.manual_seed(0)
    model = build_model("mlp", TEXT).eval()
    attribution = explain_text(model, IDS, target=0, vocab=VOCAB)
    assert attribution.baseline_score == pytest.approx(probability(model, torch.zeros_like(IDS)[None], 0), abs=1e-6)


def test_minilm_pieces_share_the_answer_the_cached_sentence_vector_gives() -> None:
    from models.minilm import encode_texts

    torch.manual_seed(0)
    head = build_model("minilm", InputSpec("embedding", (384,), 2)).eval()
    attribution = explain_minilm_text(head, "  Lovely tea,<br />will buy again", target=1, n_steps=32)
    # the oracle: the head on the vector training uses (lab.embeddings), from the cleaned text
    expected = head(encode_texts(["Lovely tea, will buy again"])).softmax(dim=1)[0, 1].item()
    assert attribution.score == pytest.approx(expected, abs=1e-5)
    assert attribution.labels == ("[CLS]", "lovely", "tea", ",", "will", "buy", "again", "[SEP]")
    change = attribution.score - attribution.baseline_score
    assert abs(attribution.values.sum() - change) <= abs(attribution.convergence_delta) + TOLERANCE
    assert abs(attribution.convergence_delta) < 0.01


@pytest.mark.parametrize("arch", ["mlp", "transformer"])
def test_row_attributions_name_every_column_and_give_the_baselines_own_values_nothing(arch: str) -> None:
    torch.manual_seed(0)
    model = build_model(arch, TABLE).eval()
    row, baseline = torch.tensor([1.5, 2.0, -0.5, 1.0]), torch.tensor([0.0, 2.0, -0.5, 0.0])  # same job, same hours
    attribution = explain_row(model, row, target=1, feature_names=COLUMNS, baseline=baseline)
    assert attribution.labels == COLUMNS and attribution.values.shape == (4,)
    assert attribution.values[1] == 0.0 and attribution.values[2] == 0.0
    assert attribution.baseline_score == pytest.approx(probability(model, baseline[None], 1), abs=1e-6)
    change = attribution.score - attribution.baseline_score
    assert abs(attribution.values.sum() - change) <= abs(attribution.convergence_delta) + TOLERANCE


@pytest.fixture(scope="module")
def hiring():
    """A logistic regression and boosted trees fitted on a made-up hiring history, with its encoder."""
    frame, y = generate(HiringSettings(label_bias=1.0), seed=0)
    encoder = TableEncoder.fit(frame)
    x = encoder.encode(frame)
    inputs = InputSpec("table", (x.shape[1],), 2, cardinalities=encoder.cardinalities)
    logreg = build_model("logreg", inputs).fit(x.numpy(), y)
    boosting = build_model("boosting", inputs, trees=20).fit(x.numpy(), y)
    return logreg, boosting, encoder, x


def test_a_logistic_regressions_shares_are_its_weights_times_the_deviations(hiring) -> None:
    logreg, _, encoder, x = hiring
    baseline = x.mean(dim=0).round()  # any row will do: here the mean, categories rounded to a real index
    weights = dict(zip(logreg[0].get_feature_names_out(), logreg[-1].coef_[0], strict=True))
    for row in x[:5]:
        attribution = explain_row(logreg, row, target=1, feature_names=encoder.columns, baseline=baseline)
        expected = [
            # one-hot: the weight of this person's category minus the weight of the baseline's
            weights[f"categories__x{c}_{row[c].item():.1f}"] - weights[f"categories__x{c}_{baseline[c].item():.1f}"]
            if name in encoder.categories
            else weights[f"remainder__x{c}"] * (row[c] - baseline[c]).item()
            for c, name in enumerate(encoder.columns)
        ]
        np.testing.assert_allclose(attribution.values, expected, rtol=1e-5, atol=1e-6)
        log_odds = logreg.decision_function(torch.stack([row, baseline]).numpy())
        assert attribution.output == "log-odds"
        assert attribution.values.sum() == pytest.approx(log_odds[0] - log_odds[1], abs=1e-5)
        assert abs(attribution.convergence_delta) < 1e-5


def test_the_other_class_gets_the_opposite_shares(hiring) -> None:
    logreg, _, encoder, x = hiring
    yes, no = (explain_row(logreg, x[0], target=t, feature_names=encoder.columns, baseline=x[1]) for t in (1, 0))
    np.testing.assert_allclose(yes.values, -no.values)


def test_boosted_trees_shares_are_what_each_column_alone_changes(hiring) -> None:
    _, boosting, encoder, x = hiring
    row, baseline = x[0], x[1]
    attribution = explain_row(boosting, row, target=1, feature_names=encoder.columns, baseline=baseline)
    log_odds = boosting.decision_function(torch.stack([row, baseline]).numpy())
    alone = []
    for c in range(len(row)):  # put this one column back to the baseline's value
        reverted = row.clone()
        reverted[c] = baseline[c]
        alone.append(log_odds[0] - boosting.decision_function(reverted[None].numpy())[0])
    np.testing.assert_allclose(attribution.values, alone, rtol=1e-6, atol=1e-9)
    # trees let columns act together: the single-column shares need not add up, and the delta says by how much
    assert attribution.convergence_delta == pytest.approx(sum(alone) - (log_odds[0] - log_odds[1]), abs=1e-9)


def test_the_typical_row_is_the_mean_number_and_the_most_common_category() -> None:
    data = load_dataset("hiring-sim", seed=0)
    typical = typical_row(data)
    group = data.feature_names.index("group")
    assert typical[group] == 0.0  # the majority: 70 % of the applicants
    numeric = [c for c, k in enumerate(data.inputs.cardinalities) if k == 0]
    np.testing.assert_allclose(typical[numeric], 0.0, atol=1e-5)  # standardised numbers: the mean is 0


@pytest.mark.parametrize(
    ("inputs", "x", "names", "labels"),
    [
        (InputSpec("image", (1, 8, 8), 10), torch.rand(1, 8, 8), {}, ("[CLS]", "patch 1,1", "patch 1,2", "patch 2,1")),
        (TEXT, IDS, {"vocab": VOCAB}, ("[CLS]", "word5", "word9", "word2")),
        (TABLE, torch.tensor([0.3, 1.0, -1.0, 0.0]), {"feature_names": COLUMNS}, ("[CLS]", *COLUMNS)),
    ],
    ids=["image", "text", "table"],
)
def test_attention_rows_are_shares_of_one_hundred_percent(inputs, x, names, labels) -> None:
    torch.manual_seed(0)
    model = build_model("transformer", inputs)
    attention = attention_map(model, x, **names)
    n = len(attention.labels)
    assert attention.labels[: len(labels)] == labels
    assert attention.weights.shape == (2, 4, n, n) and attention.mean.shape == (n, n)
    np.testing.assert_allclose(attention.mean.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(attention.weights.sum(axis=-1), 1.0, atol=1e-5)
    assert "[CLS]" in attention.reading and "not why" in attention.caveat


def test_text_attention_leaves_the_padding_out() -> None:
    attention = attention_map(build_model("transformer", TEXT), IDS, vocab=VOCAB)
    assert len(attention.labels) == 1 + 7 and attention.grid is None


def test_image_attention_knows_its_patch_grid() -> None:
    attention = attention_map(build_model("transformer", InputSpec("image", (1, 8, 8), 10)), torch.rand(1, 8, 8))
    assert attention.grid == (2, 2) and len(attention.labels) == 5


def test_models_are_only_explained_on_what_they_read() -> None:
    image_model = build_model("cnn", InputSpec("image", (1, 8, 8), 10))
    with pytest.raises(ValueError, match="reads image data, not text"):
        explain_text(image_model, IDS, target=0, vocab=VOCAB)
    with pytest.raises(ValueError, match="Only a Transformer"):
        attention_map(image_model, torch.rand(1, 8, 8))
    with pytest.raises(ValueError, match="one input at a time"):
        explain_image(image_model, torch.rand(3, 1, 8, 8), target=0)
