"""Dashboard pages, one module each, run by ``st.navigation`` in ``dashboard/app.py``."""
