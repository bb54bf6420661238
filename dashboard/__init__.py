"""The Streamlit dashboard (UI only): pages call ``tracker.queries`` and the library."""
