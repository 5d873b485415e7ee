"""The parts of a model card read straight from a run and the assets: its data card, privacy notes, training
settings, device and library versions. The figures and their plain-words sentences are written in ui/report.py.
"""

from lab.data import DATASETS
from lab.fairness import AttributeFairness
from lab.privacy_notes import load_privacy_notes
from lab.report_doc import Field, Section, Table
from lab.result import RunResult
from models import REGISTRY


def single_attributes(result: RunResult) -> list[AttributeFairness]:
    """Each sensitive attribute on its own (not their intersection) that has at least two groups to compare."""
    if result.fairness is None:
        return []
    sensitive = DATASETS[result.spec.dataset].sensitive
    return [a for a in result.fairness.attributes if a.attribute in sensitive and len(a.groups) >= 2]


def privacy_notes_section(result: RunResult) -> Section:
    """What the data means for the privacy of the people in it, how much the model memorises, how the app keeps data."""
    notes = load_privacy_notes()
    blocks: list = []
    dataset = notes.datasets.get(result.spec.dataset)
    if dataset is not None:
        blocks += [
            Field("Personal data", dataset.personal_data),
            Field("Consent", dataset.consent),
            Field("What a leak could reveal", dataset.risk),
            Field("Sources", dataset.sources),
        ]
    architecture = notes.architectures.get(result.spec.arch)
    if architecture is not None:
        blocks.append(Field(f"How much the {REGISTRY[result.spec.arch].title} memorises", architecture.memorisation))
    blocks += [Field("How this app handles data", notes.app.data_handling), Field("The attack", notes.app.attack)]
    return Section("Privacy notes", tuple(blocks))


def data_card_section(result: RunResult) -> Section:
    """What the data is, where it comes from, its licence, size, answers, sensitive columns and limitations."""
    card = DATASETS[result.spec.dataset]
    blocks = [
        Field("What it is", card.description),
        Field("Source", card.source),
        Field("Licence", card.licence),
        Field("Size", card.size),
        Field("Answers the model chooses from", ", ".join(card.classes)),
    ]
    if card.sensitive:
        used = "left out of training (the model never read them)" if result.spec.drop_sensitive else "used in training"
        blocks.append(Field("Columns that say which group a person is in", f"{', '.join(card.sensitive)}: {used}."))
    blocks.append(Field("Limitations", card.limitations))
    return Section(f"Data card: {card.title}", tuple(blocks))


def settings_section(result: RunResult) -> Section:
    """Every setting that decided the run (its RunSpec), in words, and when it ran."""
    spec = result.spec
    rows = [("Dataset", f"{DATASETS[spec.dataset].title} ({spec.dataset})"), ("Model", REGISTRY[spec.arch].title)]
    if REGISTRY[spec.arch].family == "sklearn":
        rows.append(("Training", "fitted in one go by scikit-learn (no epochs, learning rate or batches)"))
    else:
        rows += [
            ("Epochs", f"{spec.epochs} asked, {result.metrics.epochs_run} run ({result.metrics.stop_reason})"),
            ("Optimizer", spec.optimizer),
            ("Learning rate", f"{spec.lr:g}"),
            ("Batch size", str(spec.batch_size)),
            ("Early-stopping patience", f"{spec.patience} epochs" if spec.patience else "never stops early"),
        ]
    rows += [
        ("Seed", str(spec.seed)),
        ("Differential privacy", "off" if spec.dp_epsilon is None else f"ε = {spec.dp_epsilon:g}"),
    ]
    if DATASETS[spec.dataset].sensitive:
        rows.append(("Sensitive columns", "left out" if spec.drop_sensitive else "used"))
    rows += [(name.capitalize(), str(getattr(spec, name))) for name in ("width", "depth") if getattr(spec, name)]
    rows += [("Started", result.started_at or "not recorded"), ("Finished", result.finished_at or "not recorded")]
    return Section("Training settings", (Table(("Setting", "Value"), tuple(rows)),))


def device_section(result: RunResult) -> Section:
    """The processor that trained the run and the versions of Python and the libraries it used."""
    versions = Table(("Library", "Version"), tuple(sorted(result.versions.items())))
    return Section("Device and library versions", (Field("Trained on", result.device_name), versions))
