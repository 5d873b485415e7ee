"""Streamlit helpers shared by the pages: state keys, services, forms, scorecard, figures, plain words."""
