# whatif as a container: `docker build -t whatif . && docker run -p 8501:8501 whatif`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY .streamlit ./.streamlit
COPY whatif ./whatif
COPY app ./app
COPY rooms ./rooms
COPY assets ./assets
COPY streamlit_app.py serve.py ./

# Presets can be mounted over /app/assets/presets or pointed to elsewhere:
#   docker run -v "$PWD/my-presets:/presets" -e WHATIF_PRESETS_DIR=/presets ...
RUN useradd --create-home whatif
USER whatif
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "serve.py", "--server.port=8501", "--server.address=0.0.0.0"]
