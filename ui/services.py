"""What the whole server shares: one run store and one job runner (safe to share; never a person's model)."""

import streamlit as st

from lab.config import load_settings
from lab.jobs import JobRunner
from lab.store import RunStore


@st.cache_resource
def run_store() -> RunStore:
    return RunStore(load_settings().store_url)


@st.cache_resource
def job_runner() -> JobRunner:
    settings = load_settings()
    return JobRunner(run_store(), workers=settings.workers, max_jobs_per_owner=settings.max_jobs_per_person)
