"""The Train & Compare form: widgets in, RunSpecs out."""

import streamlit as st

from lab.data import DATASETS, DataCard
from lab.spec import LIMITS, RunSpec
from models import REGISTRY
from ui import presenter, url_state
from ui.i18n import t

DEFAULT_DATASET = "digits"
DEFAULT_ARCH = {"image": "cnn", "text": "mlp", "table": "mlp"}  # the quickest good model for each kind of data
OPTIMIZERS = {"adam": "Adam", "sgd": "SGD with momentum"}


def data_card_ui(card: DataCard) -> None:
    """The data card in an expander: what the data is, where it comes from, what it cannot tell."""
    with st.expander(t("About this dataset: {title}", title=t(card.title))):
        st.write(t(card.description))
        classes = [name if name.isdigit() else t(name) for name in card.classes]  # a digit reads the same in both
        # The list comma is a table entry of its own ('、' in Chinese): a list has no fixed number of parts.
        st.markdown(
            t(
                "- **Size:** {size}\n- **Classes:** {classes}\n- **Source:** {source}\n- **Licence:** {licence}\n"
                "- **Known limitations:** {limitations}",
                size=t(card.size),
                classes=t(", ").join(classes),
                source=t(card.source),
                licence=t(card.licence),
                limitations=t(card.limitations),
            )
        )


def suggest_settings() -> None:
    """Set epochs and batch size to what the data card suggests: a few seconds of training on a laptop.

    Called when the dataset changes (a callback may set widget values).
    """
    card = DATASETS[st.session_state.get("train_dataset", DEFAULT_DATASET)]
    st.session_state["train_epochs"] = card.suggested_epochs
    st.session_state["train_batch_size"] = card.suggested_batch_size


def models_ui(card: DataCard) -> list[str]:
    """The models to train, among those that read this kind of data; kept in the address as `?train_archs_<kind>=`."""
    key = f"train_archs_{card.modality}"
    allowed = [name for name, arch in REGISTRY.items() if card.modality in arch.modalities]
    default = [DEFAULT_ARCH[card.modality]]
    url_state.start_list(key, default, allowed=allowed)
    archs = st.multiselect(
        t("Models to train (pick several to compare them)"),
        allowed,
        format_func={name: t(REGISTRY[name].title) for name in allowed}.get,
        key=key,
    )
    url_state.remember(key, default)
    for other in DEFAULT_ARCH.keys() - {card.modality}:  # a link names the models of the dataset it shows only
        st.query_params.pop(f"train_archs_{other}", None)
    sklearn = [REGISTRY[a].short for a in archs if REGISTRY[a].family == "sklearn"]
    if sklearn:
        st.caption(
            t(
                "{models}: fitted in one go by scikit-learn, so epochs, learning rate, batch size, optimizer and "
                "early stopping do not apply to them.",
                models=t(" and ").join(sklearn),
            )
        )
    return archs


def privacy_ui() -> float | None:
    """The differential-privacy switch and its budget ε; None when training is not private."""
    private = st.toggle(
        t("Train with differential privacy (opacus DP-SGD)"),
        key="train_dp",
        help=t(
            "Noise is added while training so that no single person changes the model much. It costs accuracy "
            "and time; the Privacy page shows how much."
        ),
    )
    if not private:
        return None
    epsilon = st.number_input(
        t("Privacy budget ε (smaller = stronger protection; 1 is strong, 10 is weak)"),
        value=1.0,
        step=0.5,
        format="%g",
        key="train_dp_epsilon",
    )
    st.caption(
        t(
            "DP's clipped, noisy steps learn slowly at the usual learning rate: try 0.01 in the training settings "
            "(the MLP on the digits at ε = 1 reaches 11 % at 0.001, 86 % at 0.01)."
        )
    )
    return float(epsilon)


def settings_ui(card: DataCard) -> dict:
    """Epochs in the open (kept in the address as `?train_epochs=`), the finer settings under presenter.details();
    returned as RunSpec fields."""
    st.session_state.setdefault("train_batch_size", card.suggested_batch_size)  # first visit: the card's suggestion
    low, high, _ = LIMITS["epochs"]
    url_state.start("train_epochs", card.suggested_epochs, parse=int, allowed=range(low, high + 1))
    defaults = RunSpec()
    with st.container(border=True):
        st.markdown(f"**{t('Training settings (the suggested ones finish in seconds to a minute on a laptop)')}**")
        epochs = st.columns(3)[0].number_input(
            t("Epochs (passes over the data)"), min_value=low, max_value=high, key="train_epochs"
        )
        url_state.remember("train_epochs", card.suggested_epochs)
        with presenter.details():
            left, middle, right = st.columns(3)
            learning_rate = left.number_input(
                t("Learning rate (size of each step)"),
                min_value=0.0,
                value=defaults.lr,
                step=0.0005,
                format="%g",
                key="train_lr",
                help=t("Too small: learning crawls. Too large: the loss explodes. Try 1000000."),
            )
            batch_size = middle.number_input(
                t("Batch size (examples per step)"),
                min_value=LIMITS["batch_size"][0],
                max_value=LIMITS["batch_size"][1],
                key="train_batch_size",
            )
            patience = right.number_input(
                t("Stop early after this many epochs without progress (0 = never)"),
                min_value=0,
                max_value=LIMITS["patience"][1],
                value=defaults.patience,
                key="train_patience",
            )
            optimizer = st.radio(
                t("Optimizer"),
                list(OPTIMIZERS),
                horizontal=True,
                key="train_optimizer",
                format_func={name: t(words) for name, words in OPTIMIZERS.items()}.get,
            )
    return {
        "epochs": int(epochs),
        "lr": float(learning_rate),
        "batch_size": int(batch_size),
        "optimizer": optimizer,
        "patience": int(patience),
    }


def spec_form_ui(*, seed: int) -> list[RunSpec]:
    """Dataset, models and training settings; one RunSpec per chosen model.

    The dataset, the models and the epochs live in the address, so a link opens the same form. Options are
    labelled through dicts made during the run: AppTest calls `format_func` again after the run, outside the
    session, where `t` would answer in English.
    """
    url_state.start("train_dataset", DEFAULT_DATASET, allowed=DATASETS)
    dataset = st.selectbox(
        t("Dataset"),
        list(DATASETS),
        format_func={name: t(card.title) for name, card in DATASETS.items()}.get,
        key="train_dataset",
        on_change=suggest_settings,
    )
    url_state.remember("train_dataset", DEFAULT_DATASET)
    card = DATASETS[dataset]
    data_card_ui(card)
    archs = models_ui(card)
    epsilon = privacy_ui()
    settings = settings_ui(card)
    return [RunSpec(dataset, arch, seed=seed, dp_epsilon=epsilon, **settings) for arch in archs]
