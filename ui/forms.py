"""The Train & Compare form: widgets in, RunSpecs out."""

import streamlit as st

from lab.data import DATASETS, DataCard
from lab.spec import LIMITS, RunSpec
from models import REGISTRY

DEFAULT_ARCH = {"image": "cnn", "text": "mlp", "table": "mlp"}  # the quickest good model for each kind of data


def data_card_ui(card: DataCard) -> None:
    """The data card in an expander: what the data is, where it comes from, what it cannot tell."""
    with st.expander(f"About this dataset: {card.title}"):
        st.write(card.description)
        st.markdown(
            f"- **Size:** {card.size}\n- **Classes:** {', '.join(card.classes)}\n"
            f"- **Source:** {card.source}\n- **Licence:** {card.licence}\n- **Known limitations:** {card.limitations}"
        )


def suggest_settings() -> None:
    """Set epochs and batch size to what the data card suggests: a few seconds of training on a laptop.

    Called when the dataset changes (a callback may set widget values) and before the first render.
    """
    card = DATASETS[st.session_state.get("train_dataset", next(iter(DATASETS)))]
    st.session_state["train_epochs"] = card.suggested_epochs
    st.session_state["train_batch_size"] = card.suggested_batch_size


def spec_form_ui(*, seed: int) -> list[RunSpec]:
    """Dataset, models and training settings; one RunSpec per chosen model."""
    dataset = st.selectbox(
        "Dataset",
        list(DATASETS),
        format_func=lambda name: DATASETS[name].title,
        key="train_dataset",
        on_change=suggest_settings,
    )
    card = DATASETS[dataset]
    if "train_epochs" not in st.session_state:  # first visit: the chosen dataset's suggested settings
        suggest_settings()
    data_card_ui(card)
    allowed = [name for name, arch in REGISTRY.items() if card.modality in arch.modalities]
    archs = st.multiselect(
        "Models to train (pick several to compare them)",
        allowed,
        default=[DEFAULT_ARCH[card.modality]],
        format_func=lambda name: REGISTRY[name].title,
        key=f"train_archs_{card.modality}",
    )
    fitted_in_one_go = [REGISTRY[a].short for a in archs if REGISTRY[a].family == "sklearn"]
    if fitted_in_one_go:
        st.caption(
            f"{' and '.join(fitted_in_one_go)}: fitted in one go by scikit-learn, so epochs, learning rate, batch "
            "size, optimizer and early stopping do not apply to them."
        )
    private = st.toggle(
        "Train with differential privacy (opacus DP-SGD)",
        key="train_dp",
        help="Noise is added while training so that no single person changes the model much. It costs accuracy "
        "and time; the Privacy page shows how much.",
    )
    epsilon = None
    if private:
        epsilon = st.number_input(
            "Privacy budget ε (smaller = stronger protection; 1 is strong, 10 is weak)",
            value=1.0,
            step=0.5,
            format="%g",
            key="train_dp_epsilon",
        )
        st.caption(
            "DP's clipped, noisy steps learn slowly at the usual learning rate: try 0.01 in the training settings "
            "(the MLP on the digits at ε = 1 reaches 11 % at 0.001, 86 % at 0.01)."
        )
    defaults = RunSpec()
    with st.expander("Training settings (the suggested ones finish in seconds to a minute on a laptop)"):
        left, middle, right = st.columns(3)
        epochs = left.number_input(
            "Epochs (passes over the data)",
            min_value=LIMITS["epochs"][0],
            max_value=LIMITS["epochs"][1],
            key="train_epochs",
        )
        learning_rate = middle.number_input(
            "Learning rate (size of each step)",
            min_value=0.0,
            value=defaults.lr,
            step=0.0005,
            format="%g",
            key="train_lr",
            help="Too small: learning crawls. Too large: the loss explodes. Try 1000000.",
        )
        batch_size = right.number_input(
            "Batch size (examples per step)",
            min_value=LIMITS["batch_size"][0],
            max_value=LIMITS["batch_size"][1],
            key="train_batch_size",
        )
        optimizer = left.radio(
            "Optimizer",
            ["adam", "sgd"],
            horizontal=True,
            key="train_optimizer",
            format_func={"adam": "Adam", "sgd": "SGD with momentum"}.get,
        )
        patience = middle.number_input(
            "Stop early after this many epochs without progress (0 = never)",
            min_value=0,
            max_value=LIMITS["patience"][1],
            value=defaults.patience,
            key="train_patience",
        )
    return [
        RunSpec(
            dataset,
            arch,
            int(epochs),
            float(learning_rate),
            int(batch_size),
            optimizer,
            seed,
            int(patience),
            dp_epsilon=None if epsilon is None else float(epsilon),
        )
        for arch in archs
    ]
