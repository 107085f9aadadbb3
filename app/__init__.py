"""Parts of the Streamlit shell too big for streamlit_app.py; whatif/ never imports them."""
