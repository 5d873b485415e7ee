"""The report to take away: a model card for one run, and a one-page summary of the class board.

The content is written here once, as a lab.report_doc.Document, with the same plain-words sentences as the
scorecard (ui/plain.py); lab.report_doc writes it as Markdown, HTML or PDF. Only the download buttons call Streamlit.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial

import streamlit as st

from lab import report_card, report_charts
from lab.data import DATASETS
from lab.fairness import AttributeFairness
from lab.privacy import CAP, risk_level, risk_sentence
from lab.report_board import board_document, gap_attribute
from lab.report_doc import Document, Section, Stat, Table, to_html, to_markdown, to_pdf
from lab.result import RunResult
from models import REGISTRY
from ui import plain, plain_people
from ui.compare import finished_when, run_label, spec_title
from ui.i18n import english, t


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}"


# --- the model card -------------------------------------------------------------------------------------------------


def _at_a_glance(result: RunResult, noun: str) -> Section:
    metrics, cost = result.metrics, result.cost
    rows = [
        ("Accuracy", f"{metrics.accuracy:.1%}", plain.accuracy_sentence(metrics.accuracy, metrics.n_test, noun)),
        (
            f"Energy to train ({cost.energy_method})",
            f"{cost.energy_kwh * 1000:.3g} Wh",
            plain.energy_sentence(cost.energy_kwh, cost.energy_method),
        ),
    ]
    gap = gap_attribute(result)
    if gap is not None:
        rows.append(
            (
                f"Fairness: largest gap, by {gap.attribute}",
                f"{gap.dp_difference * 100:.1f} percentage points",
                plain_people.four_fifths_sentence(gap.dp_ratio, gap.passes_four_fifths),
            )
        )
    else:
        rows.append(("Fairness", "not measured", "The data records no groups of people to compare."))
    if result.privacy is not None:
        attack = result.privacy.membership.loss
        rows.append(("Privacy: membership attack", f"{attack.accuracy:.0%} right", risk_sentence(attack)))
    return Section("At a glance", (Table(("What", "Figure", "In plain words"), tuple(rows)),))


def _accuracy(result: RunResult, noun: str) -> Section:
    metrics = result.metrics
    blocks = [
        Stat(
            "Test accuracy",
            f"{metrics.accuracy:.1%}",
            plain.accuracy_sentence(metrics.accuracy, metrics.n_test, noun),
        ),
        Stat(
            "Test loss (mean cross-entropy)",
            f"{metrics.loss:.3g}",
            "How surprised the model is, on average, by the right answer: lower is better; 0 would be certain "
            "and right every time.",
        ),
    ]
    if metrics.stop_reason != "completed":
        blocks.append(f"Training {metrics.stop_reason}.")
    if len(result.history) >= 2:
        blocks.append(report_charts.history_chart(result.history))
    elif REGISTRY[result.spec.arch].family == "sklearn":
        blocks.append("Fitted in one go by scikit-learn, so there is no epoch-by-epoch history to draw.")
    else:
        blocks.append("Trained for a single epoch, so there is no epoch-by-epoch history to draw.")
    return Section("Accuracy", tuple(blocks))


def _cost(result: RunResult) -> Section:
    cost = result.cost
    blocks = [
        Stat("Parameters", f"{cost.params:,}", plain.params_sentence(cost.params)),
        Stat(
            "Calculations for one answer (FLOPs)",
            f"{cost.flops_per_sample:,}",
            "Floating-point operations of one forward pass on one sample, counted by PyTorch.",
        ),
        Stat("Training FLOPs (estimate)", f"{cost.train_flops:.2e}", plain.flops_sentence(cost.train_flops)),
        Stat(
            "Training time", f"{cost.train_seconds:.1f} s", plain.time_sentence(cost.train_seconds, result.device_name)
        ),
        Stat("Time per answer", f"{cost.latency_ms:.2g} ms", plain.latency_sentence(cost.latency_ms)),
        Stat("Peak memory", f"{cost.peak_memory_mb:,.0f} MB", plain.memory_sentence(cost.peak_memory_mb)),
    ]
    if cost.gpu_peak_memory_mb is not None:
        blocks.append(
            Stat("Peak GPU memory", f"{cost.gpu_peak_memory_mb:,.0f} MB", "The most the graphics card held at once.")
        )
    blocks += [
        Stat(
            f"Energy to train ({cost.energy_method})",
            f"{cost.energy_kwh * 1000:.3g} Wh",
            f"{plain.energy_sentence(cost.energy_kwh, cost.energy_method)} How: {cost.energy_source}.",
        )
    ]
    if REGISTRY[result.spec.arch].family != "sklearn":  # a model fitted in one go has no epochs
        blocks.append(
            Stat(
                f"Energy per epoch ({cost.energy_method})",
                plain.energy_amount(cost.energy_per_epoch_kwh),
                plain.epoch_energy_sentence(cost.energy_per_epoch_kwh, result.metrics.epochs_run, cost.energy_method),
            )
        )
    if cost.energy_per_1000_predictions_kwh > 0:
        blocks.append(
            Stat(
                f"Energy for 1 000 answers ({cost.predictions_energy_method})",
                plain.energy_amount(cost.energy_per_1000_predictions_kwh),
                plain.answers_energy_sentence(
                    cost.energy_per_1000_predictions_kwh, cost.predictions_energy_method, cost.predictions_energy_source
                ),
            )
        )
    blocks.append(Stat("CO2 (estimate)", f"{cost.co2_g:.3g} g", plain.co2_sentence(cost.co2_g, cost.grid_g_per_kwh)))
    return Section("Resource cost", tuple(blocks))


def _attribute(result: RunResult, attribute: AttributeFairness, positive: str) -> Section:
    groups = Table(
        (
            "Group",
            "People in the test set",
            "Accuracy (%)",
            f'Said "{positive}" (%)',
            f'Found the real "{positive}" (%)',
            f'Said "{positive}" wrongly (%)',
        ),
        tuple(
            (
                g.group,
                f"{g.size:,}",
                _percent(g.accuracy),
                _percent(g.selection_rate),
                _percent(g.true_positive_rate),
                _percent(g.false_positive_rate),
            )
            for g in attribute.groups
        ),
    )
    blocks: list = [groups, *attribute.notes]
    if len(attribute.groups) >= 2:
        blocks += [
            Stat(
                f"Gap in selection rate by {attribute.attribute} (demographic parity difference)",
                f"{attribute.dp_difference * 100:.1f} percentage points",
                "The largest gap between groups in how often the model says "
                f'"{positive}" (fairlearn, between the groups large enough to compare).',
            ),
            Stat(
                "Selection-rate ratio (four-fifths rule)",
                f"{attribute.dp_ratio:.0%}: {'passes' if attribute.passes_four_fifths else 'fails'}",
                plain_people.four_fifths_sentence(attribute.dp_ratio, attribute.passes_four_fifths),
            ),
            Stat(
                "Gap in error rates (equalized odds difference)",
                f"{attribute.eo_difference * 100:.1f} percentage points",
                plain_people.error_rates_sentence(attribute.eo_difference),
            ),
        ]
    blocks += [
        f"{f.sentence} {f.note}".strip() for f in result.fairness.flip_rates if f.attribute == attribute.attribute
    ]
    if attribute in report_card.single_attributes(result):
        blocks.append(report_charts.group_rates_chart(attribute, positive=positive))
    return Section(f"By {attribute.attribute}", tuple(blocks), level=3)


def _fairness(result: RunResult, positive: str) -> list[Section]:
    card = DATASETS[result.spec.dataset]
    if result.fairness is None:
        why = (
            "This run was stored before the lab measured fairness: train it again to see this section."
            if card.sensitive
            else f"The {card.title} data records nothing about groups of people, so there are no groups to compare "
            "and no fairness figures. That does not show the model is fair to everyone, only that this data cannot "
            "tell."
        )
        return [Section("Fairness between groups of people", (why,))]
    combined = " and for their combination" if len(card.sensitive) > 1 else ""
    intro = (
        f"Measured by fairlearn on the test set, for each column that says which group a person is in "
        f"({', '.join(card.sensitive)}){combined}."
    )
    sections = [Section("Fairness between groups of people", (intro,))]
    sections += [_attribute(result, attribute, positive) for attribute in result.fairness.attributes]
    if result.fairness.mitigations:
        from lab.mitigation import METHODS

        rows = tuple(
            (
                METHODS[m.method][1],
                m.fairness.attribute,
                f"{m.accuracy:.1%}",
                f"{m.fairness.dp_difference * 100:.1f}",
                "passes" if m.fairness.passes_four_fifths else "fails",
            )
            for m in result.fairness.mitigations
        )
        header = ("Method", "For", "Test accuracy", "Gap in selection rate (points)", "Four-fifths rule")
        note = "The same model after each of fairlearn's mitigations, measured the same way."
        table = Table(header, rows, widths=(3, 1, 1, 1.3, 1))
        sections.append(Section("What fairlearn's mitigations change", (note, table), level=3))
    return sections


def _privacy(result: RunResult) -> Section:
    privacy = result.privacy
    if privacy is None:
        return Section("Privacy", ("This run was stored before the lab measured privacy: train it again to see it.",))
    attack = privacy.membership.loss
    details = (
        f"Loss-threshold attack (Yeom et al. 2018): ROC AUC {attack.auc:.2f}, advantage {attack.advantage:.2f}, "
        f"{attack.tpr_at_1pct_fpr:.0%} of members found when 1% of others are wrongly flagged; "
        f"{attack.n_members:,} training and {attack.n_non_members:,} unseen records."
    )
    rows = tuple(
        (
            name,
            f"{a.accuracy:.1%}",
            f"{a.auc:.2f}",
            f"{a.advantage:.2f}",
            f"{a.tpr_at_1pct_fpr:.1%}",
            f"{a.n_members:,}",
        )
        for name, a in (("Loss threshold", attack), ("Calibrated per class", privacy.membership.calibrated))
    )
    header = (
        "Attack",
        "Right (50% = guessing)",
        "ROC AUC (0.5 = guessing)",
        "Advantage",
        "Found at 1% false alarms",
        "Records per side",
    )
    blocks: list = [
        Stat(f"Membership inference: risk {risk_level(attack)}", f"{attack.accuracy:.0%} right", risk_sentence(attack)),
        details,
        Table(header, rows),
    ]
    if privacy.private:
        blocks.append(
            Stat(
                "Differential privacy (ε, smaller is safer)",
                f"ε = {privacy.epsilon:.2g} at δ = {privacy.delta:.1g}",
                f"{plain_people.dp_sentence(privacy.epsilon, privacy.delta)} opacus DP-SGD: noise multiplier "
                f"{privacy.noise_multiplier:.2f}, each person's gradient clipped to {privacy.max_grad_norm:g}.",
            )
        )
    else:
        blocks.append(Stat("Differential privacy", "none", plain_people.not_private_sentence()))
    blocks.append(report_charts.attack_chart(privacy))
    return Section("Privacy of the people in the training data", tuple(blocks))


def _how_to_read(result: RunResult, noun: str) -> Section:
    cost = result.cost
    blocks = [
        f"Every figure comes from one run, with seed {result.spec.seed}, measured on {result.metrics.n_test:,} test "
        f"{noun} the model never saw while training: another seed or split can move them by a few points.",
        f"Estimates are labelled. Training FLOPs are counted for one answer and scaled (about 3 times that per "
        f"training sample, plus evaluation). Energy was {cost.energy_method}: {cost.energy_source}. CO2 is that "
        f"energy times a grid average of {cost.grid_g_per_kwh:g} g of CO2 per kWh.",
        "Fairness is measured only between the groups the data records, on the test set; groups too small to trust "
        "are listed but left out of the gaps. A model can treat people unfairly in ways these figures do not show.",
        f"The membership attacks are two attacks among many, on at most {CAP:,} records from each side: a low score "
        "does not prove that nothing leaks. Only differential privacy gives a guarantee.",
        "The everyday comparisons use these figures:",
        *plain.energy_sources().split("  \n"),
    ]
    return Section("How to read this card, and its limits", tuple(blocks))


def model_card(result: RunResult) -> Document:
    """The whole model card of one run: the four axes, the data card, privacy notes, settings and versions."""
    card = DATASETS[result.spec.dataset]
    noun, positive = plain.NOUNS[card.modality], card.classes[-1]
    sections = [
        _at_a_glance(result, noun),
        _accuracy(result, noun),
        _cost(result),
        *_fairness(result, positive),
        _privacy(result),
        report_card.privacy_notes_section(result),
        report_card.data_card_section(result),
        report_card.settings_section(result),
        report_card.device_section(result),
        _how_to_read(result, noun),
    ]
    subtitle = f"Model card · run {result.run_id} · finished {finished_when(result)} · AI Impact Lab"
    return Document(spec_title(result.spec), subtitle, tuple(sections))


def model_card_markdown(result: RunResult) -> str:
    return to_markdown(model_card(result))


def model_card_html(result: RunResult) -> str:
    return to_html(model_card(result))


def model_card_pdf(result: RunResult) -> bytes:
    return to_pdf(model_card(result))


# --- the class board's summary ---------------------------------------------------------------------------------------


def board_summary(rows: Sequence[RunResult], nicknames: Mapping[str, str] | None = None) -> Document:
    """The class board on one page; a run with a nickname (run_id -> nickname) is named by it."""
    nicknames = nicknames or {}
    labels = [f"{nicknames[r.run_id]} ({run_label(r)})" if nicknames.get(r.run_id) else run_label(r) for r in rows]
    made_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return board_document(rows, labels=labels, made_at=made_at)


def board_summary_markdown(rows: Sequence[RunResult], nicknames: Mapping[str, str] | None = None) -> str:
    return to_markdown(board_summary(rows, nicknames))


def board_summary_html(rows: Sequence[RunResult], nicknames: Mapping[str, str] | None = None) -> str:
    return to_html(board_summary(rows, nicknames))


def board_summary_pdf(rows: Sequence[RunResult], nicknames: Mapping[str, str] | None = None) -> bytes:
    return to_pdf(board_summary(rows, nicknames))


# --- the download buttons -------------------------------------------------------------------------------------------

FORMATS = (("PDF", "pdf", "application/pdf"), ("HTML", "html", "text/html"), ("Markdown", "md", "text/markdown"))


def _download_buttons(builders: Sequence[Callable[[], str | bytes]], *, file_stem: str, key: str) -> None:
    """One button per format (PDF, HTML, Markdown); `builders` in that order, each run only on its click.

    `key` is a template with `{extension}` in it, so each button's key names its format.
    """
    for column, (name, extension, mime), build in zip(st.columns(len(FORMATS)), FORMATS, builders, strict=True):
        with column:
            st.download_button(
                name,
                data=partial(_in_english, build),  # a callable: Streamlit runs it on click, not on every rerun
                file_name=f"{file_stem}.{extension}",
                mime=mime,
                on_click="ignore",
                icon=":material/download:",
                key=key.format(extension=extension),
            )


def _in_english(build: Callable[[], str | bytes]) -> str | bytes:
    """The reports are written in English on every page: their PDF font (DejaVu Sans) has no Chinese characters."""
    with english():
        return build()


def report_downloads_ui(result: RunResult) -> None:
    """Three download buttons for the run's model card."""
    st.markdown(t("**Take it away: report**"))
    st.caption(
        t(
            "The model card of this run: every figure above with its meaning, the charts, the data card, the privacy "
            "notes, the training settings, the device and the library versions. The report is in English."
        )
    )
    builders = [partial(build, result) for build in (model_card_pdf, model_card_html, model_card_markdown)]
    stem = f"model-card-{result.spec.dataset}-{result.spec.arch}-{result.run_id}"
    _download_buttons(builders, file_stem=stem, key="scorecard_report_{extension}_" + result.run_id)


def board_summary_downloads_ui(results: Sequence[RunResult], nicknames: Mapping[str, str]) -> None:
    """Three download buttons for the class board on one page."""
    st.markdown(t("**Take it away: the class on one page**"))
    st.caption(
        t(
            "How many runs the class trained, the most accurate, the cheapest, the fairest and the least leaky, the "
            "best trade-offs and the ten most accurate runs, with a chart of accuracy against energy. The report is "
            "in English."
        )
    )
    writers = (board_summary_pdf, board_summary_html, board_summary_markdown)
    builders = [partial(build, results, nicknames) for build in writers]
    _download_buttons(builders, file_stem="class-board", key="board_report_{extension}")
