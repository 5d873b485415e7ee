"""The AI Impact Lab engine: data, training, jobs, cost, store. Never imports Streamlit."""

import os

# Nothing is downloaded at run time: pretrained weights come from installed packages.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
