"""The scorecard: one card per run, each number with its unit and one sentence in plain words."""

import streamlit as st

from lab.data import DATASETS
from lab.fairness import compared_groups
from lab.privacy import risk_level, risk_sentence
from lab.result import RunResult
from lab.spec import RunSpec
from models import REGISTRY
from ui import plain, plain_people
from ui.compare import finished_when
from ui.i18n import t
from ui.plain import data_word, lab_sentence
from ui.report import report_downloads_ui


def _figure(label: str, value: str, sentence: str, *, help: str | None = None) -> None:
    st.metric(label, value, help=help)
    st.caption(sentence)


def fairness_ui(result: RunResult, *, positive: str) -> None:
    """Per sensitive attribute: the selection-rate gap between groups, the four-fifths rule, and caveats."""
    st.markdown(t("**Fairness between groups of people** (computed by fairlearn on the test set)"))
    if result.fairness is None:
        st.caption(t("This dataset records nothing about groups of people, so there are no groups to compare."))
        return
    # each attribute on its own; the intersection's many small groups are shown on the Fairness page
    attributes = [a for a in result.fairness.attributes if a.attribute in DATASETS[result.spec.dataset].sensitive]
    columns = st.columns(len(attributes))
    for column, attribute in zip(columns, attributes, strict=True):
        compared = compared_groups(attribute.groups)
        lowest = min(compared, key=lambda g: g.selection_rate)
        highest = max(compared, key=lambda g: g.selection_rate)
        with column:
            if len(attribute.groups) < 2:  # one group: its note says there is nothing to compare
                st.caption(plain.sentences(*(lab_sentence(note) for note in attribute.notes)))
                continue
            _figure(
                t("Gap in selection rate by {attribute}", attribute=data_word(attribute.attribute)),
                t("{points} points", points=f"{attribute.dp_difference * 100:.0f}"),
                plain_people.selection_gap_sentence(
                    (data_word(lowest.group), lowest.selection_rate),
                    (data_word(highest.group), highest.selection_rate),
                    data_word(positive),
                ),
                help=t(
                    "Demographic parity difference: the largest gap between groups in how often the model says yes."
                ),
            )
            st.caption(plain_people.four_fifths_sentence(attribute.dp_ratio, attribute.passes_four_fifths))
            st.caption(plain_people.error_rates_sentence(attribute.eo_difference))
            for flip in result.fairness.flip_rates:
                if flip.attribute == attribute.attribute:
                    st.caption(plain.sentences(lab_sentence(flip.sentence), lab_sentence(flip.note)))
            for note in attribute.notes:
                st.caption(f":material/warning: {lab_sentence(note)}")


def privacy_ui(result: RunResult) -> None:
    """How well membership inference works on this run, and its differential-privacy guarantee if any."""
    st.markdown(t("**Privacy of the people in the training data** (membership inference on this model)"))
    if result.privacy is None:
        st.caption(t("This run was stored before the lab measured privacy: train it again to see this section."))
        return
    attack = result.privacy.membership.loss
    attack_column, dp_column = st.columns(2)
    with attack_column:
        _figure(
            t("Membership inference: risk {level}", level=data_word(risk_level(attack))),
            t("{share} right", share=f"{attack.accuracy:.0%}"),
            lab_sentence(risk_sentence(attack)),
            help=t(
                "Loss-threshold attack (Yeom et al. 2018): ROC AUC {auc:.2f}, advantage {advantage:.2f}, "
                "{found:.0%} of members found when 1% of others are wrongly flagged; {members} training and "
                "{non_members} unseen records.",
                auc=attack.auc,
                advantage=attack.advantage,
                found=attack.tpr_at_1pct_fpr,
                members=attack.n_members,
                non_members=attack.n_non_members,
            ),
        )
    with dp_column:
        if result.privacy.private:
            _figure(
                t("Differential privacy (ε, smaller is safer)"),
                f"ε = {result.privacy.epsilon:.2g}",
                plain_people.dp_sentence(result.privacy.epsilon, result.privacy.delta),
                help=t(
                    "opacus DP-SGD: noise multiplier {noise:.2f}, each person's gradient clipped to {clip:g}.",
                    noise=result.privacy.noise_multiplier,
                    clip=result.privacy.max_grad_norm,
                ),
            )
        else:
            _figure(t("Differential privacy"), t("none"), plain_people.not_private_sentence())


def energy_rates_ui(result: RunResult) -> None:
    """Energy per epoch (networks) and per 1 000 answers, each with how it was obtained."""
    cost = result.cost
    if REGISTRY[result.spec.arch].family != "sklearn":  # a model fitted in one go has no epochs
        _figure(
            t("Energy per epoch ({method})", method=data_word(cost.energy_method)),
            plain.energy_amount(cost.energy_per_epoch_kwh),
            plain.epoch_energy_sentence(cost.energy_per_epoch_kwh, result.metrics.epochs_run, cost.energy_method),
        )
    if cost.energy_per_1000_predictions_kwh > 0:
        _figure(
            t("Energy for 1 000 answers ({method})", method=data_word(cost.predictions_energy_method)),
            plain.energy_amount(cost.energy_per_1000_predictions_kwh),
            plain.answers_energy_sentence(
                cost.energy_per_1000_predictions_kwh, cost.predictions_energy_method, cost.predictions_energy_source
            ),
            help=lab_sentence(cost.predictions_energy_source),
        )
    else:
        st.caption(
            t("This run was stored before the lab measured the energy of its answers: train it again to see it.")
        )


def _settings(spec: RunSpec) -> str:
    """How the run was trained, in one line."""
    if REGISTRY[spec.arch].family == "sklearn":
        return t("fitted in one go by scikit-learn, seed {seed}", seed=spec.seed)
    return t(
        "{epochs} epochs of {optimizer}, learning rate {lr:g}, batch {batch_size}, seed {seed}",
        epochs=spec.epochs,
        optimizer=data_word(spec.optimizer),
        lr=spec.lr,
        batch_size=spec.batch_size,
        seed=spec.seed,
    )


def scorecard(result: RunResult, *, title: str, noun: str, positive: str) -> None:
    """Render `result` as a bordered card: accuracy and resource cost side by side, fairness below."""
    cost, metrics = result.cost, result.metrics
    with st.container(border=True, key=f"scorecard_{result.run_id}"):
        st.subheader(title)
        accuracy_column, cost_column = st.columns([1, 3], gap="large")
        with accuracy_column:
            st.markdown(t("**Accuracy**"))
            _figure(
                t("Test accuracy"),
                f"{metrics.accuracy:.1%}",
                plain.accuracy_sentence(metrics.accuracy, metrics.n_test, noun),
            )
            if metrics.stop_reason != "completed":
                st.caption(lab_sentence(f"Training {metrics.stop_reason}."))
        with cost_column:
            st.markdown(t("**Resource cost**"))
            first, second, third = st.columns(3)
            with first:
                _figure(
                    t("Training time"),
                    f"{cost.train_seconds:.1f} s",
                    plain.time_sentence(cost.train_seconds, result.device_name),
                )
                _figure(t("Parameters"), f"{cost.params:,}", plain.params_sentence(cost.params))
            with second:
                _figure(
                    t("Energy ({method})", method=data_word(cost.energy_method)),
                    f"{cost.energy_kwh * 1000:.3g} Wh",
                    plain.energy_sentence(cost.energy_kwh, cost.energy_method),
                    help=lab_sentence(cost.energy_source),
                )
                energy_rates_ui(result)
                _figure(
                    t("CO2 (estimate)"),
                    f"{cost.co2_g:.3g} g",
                    plain.co2_sentence(cost.co2_g, cost.grid_g_per_kwh),
                )
            with third:
                _figure(
                    t("Training FLOPs (estimate)"),
                    f"{cost.train_flops:.2e}",
                    plain.flops_sentence(cost.train_flops),
                    help=t(
                        "{flops:,} FLOPs for one answer; training ≈ 3 × that per training sample seen, "
                        "plus evaluation.",
                        flops=cost.flops_per_sample,
                    ),
                )
                _figure(
                    t("Peak memory"),
                    f"{cost.peak_memory_mb:,.0f} MB",
                    plain.memory_sentence(cost.peak_memory_mb),
                )
                _figure(t("Time per answer"), f"{cost.latency_ms:.2g} ms", plain.latency_sentence(cost.latency_ms))
        fairness_ui(result, positive=positive)
        privacy_ui(result)
        st.caption(
            t(
                "Run {run_id} · {settings} · {device} · finished {when}",
                run_id=result.run_id,
                settings=_settings(result.spec),
                device=lab_sentence(result.device_name),
                when=finished_when(result),
            )
        )
        report_downloads_ui(result)
