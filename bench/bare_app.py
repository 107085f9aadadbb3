"""The floor: a bare Streamlit page with one bound slider, one metric, one 60-point Altair chart.

The benchmarks serve it beside streamlit_app.py so that our page's time is read
as a ratio of what Streamlit itself costs.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

level = st.slider("Level", 0.0, 100.0, 50.0, 1.0, key="level", bind="query-params")
st.metric("Level squared", f"{level * level:,.0f}")
months = np.arange(1, 61)
data = pd.DataFrame({"month": months, "value": level * np.sqrt(months)})
st.altair_chart(alt.Chart(data).mark_line().encode(x="month:Q", y="value:Q"), width="stretch")
