# The talent-search API and indexer image. CPU-only torch, pinned.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
    TALENT_SEARCH_STATE_DIR=/var/lib/talent-search
WORKDIR /app
RUN pip install --no-cache-dir "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY mappings ./mappings
COPY config ./config
COPY indexer ./indexer
COPY ranking ./ranking
COPY relevance ./relevance
COPY query_api ./query_api
COPY talent_search ./talent_search
RUN pip install --no-cache-dir . && mkdir -p /var/lib/talent-search
EXPOSE 8000
CMD ["talent-search", "serve", "--host", "0.0.0.0", "--port", "8000"]
