"""`streamlit run serve.py` (`make run`): the page, streamlit_app.py, served with the
meeting room's feed (app/stream.py) as custom routes of Streamlit's own server."""

import streamlit as st

from app.stream import ROUTES

app = st.App("streamlit_app.py", routes=ROUTES)
