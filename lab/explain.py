"""Why a model answered as it did, for one input: captum's attributions (the attention maps: lab.attention).

Every attribution here shares the credit for one answer among the parts of the input (pixels, words, columns)
so that the shares add up to how far the answer moved from a baseline input to this one (Integrated Gradients,
Sundararajan et al. 2017, "Axiomatic Attribution for Deep Networks"). For a network, the answer explained is
the probability of the target class, not its logit: a probability is what the page shows, so "these pixels
raised the probability of 7 from 9 % to 98 %" can be read beside the prediction. captum does the attributing;
this module picks the baselines and the layers, and writes how to read the result and what it does not prove.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lab.data import Dataset
from models.stems import PAD_ID, TableTokens, TokenEmbedding

STEPS = 50  # points on the path from the baseline to the input: captum's default, enough for a delta < 0.01 here


@dataclass(frozen=True)
class Attribution:
    """How much each part of one input moved the model's answer, compared with a baseline input."""

    values: np.ndarray  # image: (H, W), channels summed; text: one per real token; table: one per column
    labels: tuple[str, ...]  # text: the tokens; table: the column names; image: () (the values are the picture)
    target: int  # the class whose answer is explained
    output: str  # what is explained: "probability" (networks) or "log-odds" (scikit-learn models)
    score: float  # the explained output for this input
    baseline_score: float  # the explained output for the baseline
    convergence_delta: float  # values.sum() - (score - baseline_score): how far the shares are from adding up
    method: str  # e.g. "Integrated Gradients (captum), 50 steps, from a black image"
    reading: str  # how to read it, in plain words
    caveat: str  # what it does not prove, in plain words


def explain_image(
    model: nn.Module, x: torch.Tensor, *, target: int, classes: Sequence[str] | None = None, n_steps: int = STEPS
) -> Attribution:
    """Integrated Gradients over the pixels of one image, from a black image.

    Parameters
    ----------
    model : a torch image model (any architecture).
    x : one image, (C, H, W) or (1, C, H, W), as the model reads it (pixels in [0, 1]).
    target : the class to explain, usually the predicted one.
    classes : the name of each class, for the sentences ("7" rather than "class 7").
    n_steps : points on the path; more steps make the shares add up more exactly, and cost more time.
    """
    from captum.attr import IntegratedGradients

    x = batch_of_one(model, x, "image")
    black = torch.zeros_like(x)  # no ink at all: the image that carries no information about any digit
    forward = _probabilities(model)
    attributions, delta = _attribute(IntegratedGradients(forward), x, black, target, n_steps)
    score, baseline_score = _scores(forward, x, black, target)
    name = _class_name(target, classes)
    return Attribution(
        values=attributions[0].sum(dim=0).cpu().numpy(),  # (C, H, W) -> (H, W)
        labels=(),
        target=target,
        output="probability",
        score=score,
        baseline_score=baseline_score,
        convergence_delta=delta,
        method=f"Integrated Gradients (captum), {n_steps} steps, from a black image",
        reading=(
            f"Each pixel's value is how much it pushed the model towards {name} (positive) or away from it "
            f"(negative), compared with a black image. Together the pixels move the probability of {name} "
            f"from {_percent(baseline_score)} for a black image to {_percent(score)} for this one."
        ),
        caveat=(
            "It shows which pixels this model used for this one image, not what the digit looks like to a person "
            "nor how the model treats other images. Starting from another image than a black one would share "
            "the credit out differently."
        ),
    )


def explain_text(
    model: nn.Module,
    x: torch.Tensor,
    *,
    target: int,
    vocab: Sequence[str],
    classes: Sequence[str] | None = None,
    n_steps: int = STEPS,
) -> Attribution:
    """Integrated Gradients over the token embeddings of one text, from the padding token's vector.

    The path runs in the embedding layer's output (token ids are whole numbers: there is no text "half-way"
    between two words), from the padding vector at every real position to the words' own vectors, and each
    token's share is summed over the embedding dimension.

    Parameters
    ----------
    model : a torch text model that reads token ids (MLP, CNN, LSTM or Transformer).
    x : one text's token ids, (T,) or (1, T), right-padded with 0.
    target : the class to explain, usually the predicted one.
    vocab : the token of each id (`Dataset.vocab`).
    classes : the name of each class, for the sentences.
    n_steps : points on the path.
    """
    x = batch_of_one(model, x, "text")
    layer = _token_layer(model)
    with torch.no_grad():
        start = layer(torch.full_like(x, PAD_ID))  # (1, T, E): the padding vector at every position
    attributions, delta, score, baseline_score = _integrate_over_layer(model, x, layer, start, target, n_steps)
    real = (x[0] != PAD_ID).cpu()
    values = attributions[0].sum(dim=-1).cpu()[real]  # (T, E) -> one value per real token
    name = _class_name(target, classes)
    return Attribution(
        values=values.numpy(),
        labels=tuple(vocab[i] for i in x[0].cpu()[real].tolist()),
        target=target,
        output="probability",
        score=score,
        baseline_score=baseline_score,
        convergence_delta=delta,
        method=f"Integrated Gradients (captum) over the word vectors, {n_steps} steps, from blanked-out words",
        reading=(
            f"Each word's value is how much it pushed the model towards {name} (positive) or away from it "
            f"(negative), compared with the same text with every word blanked out. Together the words move the "
            f"probability of {name} from {_percent(baseline_score)} to {_percent(score)}."
        ),
        caveat=(
            "It explains this model on this text only: a word with a large value is one this model leans on, "
            "not necessarily one that carries the meaning for a person, and words that only matter together "
            "can share their credit in surprising ways. Words the model does not know all read as <unk>."
        ),
    )


def explain_minilm_text(
    head: nn.Module, text: str, *, target: int, classes: Sequence[str] | None = None, n_steps: int = STEPS
) -> Attribution:
    """Integrated Gradients over the pretrained MiniLM's word-piece vectors, through the frozen encoder and the head.

    The text is read as the run's training texts were (as lab.predict.text_to_input does: cleaned, at most
    MAX_LENGTH encoder tokens); the path runs from [PAD] vectors to the pieces' own vectors, [CLS] and [SEP]
    included, so the shares add up to the change in the probability.

    Parameters
    ----------
    head : a trained MiniLMHead (lab.audit.load_trained of a "minilm" run).
    text : the text as typed; it is cleaned as the training texts were.
    target : the class to explain, usually the predicted one.
    """
    from lab import text as words
    from lab.embeddings import MAX_LENGTH
    from lab.predict import MAX_TEXT_CHARS
    from models.minilm import MiniLMClassifier, load_encoder

    device = next(head.parameters()).device
    tokenizer, encoder = load_encoder(str(device))
    cleaned = words.clean(text[:MAX_TEXT_CHARS])
    ids = tokenizer([cleaned], truncation=True, max_length=MAX_LENGTH, return_tensors="pt")["input_ids"].to(device)
    model = MiniLMClassifier(encoder, head.eval(), tokenizer.pad_token_id)
    layer = encoder.get_input_embeddings()
    with torch.no_grad():
        start = layer(torch.full_like(ids, tokenizer.pad_token_id))  # (1, T, D)
    attributions, delta, score, baseline_score = _integrate_over_layer(model, ids, layer, start, target, n_steps)
    name = _class_name(target, classes)
    return Attribution(
        values=attributions[0].sum(dim=-1).cpu().numpy(),  # (T, D) -> one value per word piece
        labels=tuple(tokenizer.convert_ids_to_tokens(ids[0].tolist())),
        target=target,
        output="probability",
        score=score,
        baseline_score=baseline_score,
        convergence_delta=delta,
        method=(
            f"Integrated Gradients (captum) through the pretrained MiniLM encoder, {n_steps} steps, "
            "from blanked-out word pieces"
        ),
        reading=(
            f"Each word piece's value is how much it pushed the model towards {name} (positive) or away from it "
            f"(negative), compared with the same text with every piece blanked out. MiniLM cuts rare words into "
            f"pieces (##ing) and adds [CLS] and [SEP] at the start and end. Together the pieces move the "
            f"probability of {name} from {_percent(baseline_score)} to {_percent(score)}."
        ),
        caveat=(
            "It explains this model on this text only. The encoder reads every piece in the context of the "
            "others, so a piece's value also carries what its neighbours mean to it: a large value says the "
            "model leaned on that place in the text, not that the word alone decides."
        ),
    )


def explain_row(
    model,
    x: torch.Tensor,
    *,
    target: int,
    feature_names: Sequence[str],
    baseline: torch.Tensor,
    classes: Sequence[str] | None = None,
    n_steps: int = STEPS,
) -> Attribution:
    """Each column's share in the answer for one person of a table, compared with a baseline person.

    A network: Integrated Gradients over the table stem's column vectors (TableTokens). A category is stored as
    its index, and an index has no "half-way" (half-way between index 1 and 3 is not a category, and rounding
    to integers has no gradient), so the path runs between the columns' vectors instead: each category's own
    learned vector, and for a number its learned scale of the value. A column equal to the baseline's gets 0.

    A scikit-learn model (a fitted estimator with `decision_function`): captum's FeatureAblation on its log-odds,
    i.e. each column's share is how far the log-odds move when only that column goes from the baseline's value to
    this person's. A logistic regression is additive in its columns, so this is exact: weight x (value - baseline)
    per number, weight of this category - weight of the baseline's per category, and the shares add up to the
    whole change (convergence_delta ~ 0). For boosted trees, columns also act together, and convergence_delta
    says how much of the change the single-column shares leave out.

    Parameters
    ----------
    model : a torch table model (MLP, Transformer) or a fitted scikit-learn table model.
    x : one encoded row, (C,) or (1, C) (lab.tables.TableEncoder: numbers standardised, categories as indices).
    target : the class to explain.
    feature_names : the name of each column (`Dataset.feature_names`).
    baseline : one encoded row to compare with; `typical_row(data)` gives a typical person.
    classes : the name of each class, for the sentences.
    n_steps : points on the path (networks only).
    """
    if isinstance(model, nn.Module):
        x = batch_of_one(model, x, "table")
        layer = next((m for m in model.modules() if isinstance(m, TableTokens)), None)
        if layer is None:
            raise ValueError("This model does not read table rows.")
        with torch.no_grad():
            start = layer(baseline.reshape(1, -1).to(x.device))  # (1, C, E): the baseline person's column vectors
        attributions, delta, score, baseline_score = _integrate_over_layer(model, x, layer, start, target, n_steps)
        values = attributions[0].sum(dim=-1).cpu().numpy()  # (C, E) -> one value per column
        output, method = "probability", f"Integrated Gradients (captum) over the column vectors, {n_steps} steps"
    else:
        values, delta, score, baseline_score = _ablate_columns(model, x, baseline, target)
        output, method = "log-odds", "Feature ablation (captum) on the log-odds, exact for a logistic regression"
    if len(values) != len(feature_names):
        raise ValueError(f"The row has {len(values)} columns but {len(feature_names)} names were given.")
    name = _class_name(target, classes)
    moved = (
        f"the probability of {name} from {_percent(baseline_score)} to {_percent(score)}"
        if output == "probability"
        else f"the log-odds of {name} (the score before it becomes a probability) from {baseline_score:.2f} to "
        f"{score:.2f}"
    )
    return Attribution(
        values=values,
        labels=tuple(feature_names),
        target=target,
        output=output,
        score=score,
        baseline_score=baseline_score,
        convergence_delta=delta,
        method=method,
        reading=(
            f"Each column's value is how much it pushed the model towards {name} (positive) or away from it "
            f"(negative), compared with a typical person (average numbers, the most common category of each "
            f"column). Together the columns move {moved}."
        ),
        caveat=(
            "It shows what this model relied on for this person, not what causes the outcome in the world. A "
            "column with little credit can still matter through another column that gives it away (a proxy), "
            "and a small share for a sensitive column is no proof that the model treats groups alike."
        ),
    )


def typical_row(data: Dataset) -> torch.Tensor:
    """A typical person of the training split, (C,): every number at its mean, every category at its most common."""
    x = data.train.x
    categorical = torch.tensor([k > 0 for k in data.inputs.cardinalities])
    return torch.where(categorical, x.mode(dim=0).values, x.mean(dim=0))


# --- helpers --------------------------------------------------------------------------------------------------


def batch_of_one(model: nn.Module, x: torch.Tensor, modality: str) -> torch.Tensor:
    """`x` with a batch dimension of 1, on the model's device; a plain error if the model reads other data."""
    inputs = model.config.inputs
    if inputs.modality != modality:
        raise ValueError(f"This model reads {inputs.modality} data, not {modality}.")
    if x.dim() == len(inputs.shape):
        x = x.unsqueeze(0)
    if x.shape[0] != 1:
        raise ValueError(f"Explain one input at a time, not {x.shape[0]}.")
    model.eval()  # dropout would make every point on the path a different model
    return x.to(next(model.parameters()).device)


def _probabilities(model: nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
    return lambda inputs: model(inputs).softmax(dim=1)  # (B, n_classes)


def _attribute(method, inputs: torch.Tensor, baselines: torch.Tensor, target: int, n_steps: int):
    """captum's Integrated Gradients with its convergence delta: (attributions, delta as a float)."""
    # cuDNN's LSTM cannot run backwards on a model in eval mode; the plain kernels can, as fast for one input.
    with torch.backends.cudnn.flags(enabled=False):
        attributions, delta = method.attribute(
            inputs, baselines=baselines, target=target, n_steps=n_steps, return_convergence_delta=True
        )
    return attributions.detach(), float(delta[0])


def _scores(forward, x: torch.Tensor, baseline: torch.Tensor, target: int) -> tuple[float, float]:
    with torch.no_grad():
        return float(forward(x)[0, target]), float(forward(baseline)[0, target])


def _integrate_over_layer(
    model: nn.Module, x: torch.Tensor, layer: nn.Module, start: torch.Tensor, target: int, n_steps: int
) -> tuple[torch.Tensor, float, float, float]:
    """Integrated Gradients over `layer`'s output, from `start` to the layer's output for `x`, with `x` fed in.

    Not captum's LayerIntegratedGradients: it measures its convergence delta against the model's answer for the
    baseline *input*, and the text models compute their padding mask from the input ids. An all-padding text
    hides every position, while the path starts from padding vectors at the real positions: for the CNN, the
    LSTM and the Transformer these are different answers, and the delta would mix that gap in. Feeding `x` at
    both ends keeps everything else the model computes from `x` (its mask, its lengths) fixed, so the delta is
    only the path integral's error. Returns (attributions, delta, score, baseline_score).
    """
    from captum.attr import IntegratedGradients

    with torch.no_grad():
        end = layer(x)

    def forward(vectors: torch.Tensor) -> torch.Tensor:
        # the layer's output is replaced by the point on the path; one copy of x per point
        hook = layer.register_forward_hook(lambda module, args, output: vectors)
        try:
            return model(x.expand(len(vectors), *x.shape[1:])).softmax(dim=1)
        finally:
            hook.remove()

    attributions, delta = _attribute(IntegratedGradients(forward), end, start, target, n_steps)
    return (attributions, delta, *_scores(forward, end, start, target))


def _token_layer(model: nn.Module) -> nn.Embedding:
    """The embedding table that turns the model's token ids into vectors."""
    from models.transformer import Transformer

    if isinstance(model, Transformer):
        return model.encoder.get_input_embeddings()  # BERT's word table
    stem = next((m for m in model.modules() if isinstance(m, TokenEmbedding)), None)
    if stem is None:
        raise ValueError("This model does not read token ids.")
    return stem.embed


def _ablate_columns(model, x: torch.Tensor, baseline: torch.Tensor, target: int):
    """captum's FeatureAblation on a scikit-learn model's log-odds: (values, delta, score, baseline_score)."""
    from captum.attr import FeatureAblation

    def log_odds(rows: torch.Tensor) -> torch.Tensor:
        scores = model.decision_function(rows.numpy())  # (N,): the log-odds of class 1 for a yes/no model
        if scores.ndim == 1:
            scores = np.stack([-scores, scores], axis=1)  # (N, 2): the log-odds of each class against the other
        return torch.from_numpy(scores)

    row, reference = x.reshape(1, -1).cpu(), baseline.reshape(1, -1).cpu()
    ablation = FeatureAblation(log_odds)
    values = ablation.attribute(row, baselines=reference, target=target, perturbations_per_eval=row.shape[1])
    values = values[0].numpy()
    score, baseline_score = (float(log_odds(r)[0, target]) for r in (row, reference))
    return values, float(values.sum() - (score - baseline_score)), score, baseline_score


def _class_name(target: int, classes: Sequence[str] | None) -> str:
    return f"“{classes[target]}”" if classes else f"class {target}"


def _percent(p: float) -> str:
    return f"{100 * p:.0f} %"
