"""Matching by meaning: vectors learnt from the community's own text (latent semantic analysis over the
analysed terms of every indexed document, rebuilt by `flask search reindex`), used by suggest in one place
(`rank.rerank`): the lexical candidates are re-ranked by reciprocal rank fusion of their lexical rank and
their closeness in meaning to the request.

- model.py: training (tf-idf term-document matrix -> truncated SVD) and folding a text into the space;
- store.py: vectors kept portably as bytes in SQL tables (PostgreSQL: the app database; the embedded
  default: a SQLite file beside the Whoosh index), the model cached per process by version;
- rank.py: the fusion and its settings (SEARCH_SEMANTIC, SEARCH_SEMANTIC_*).
"""
