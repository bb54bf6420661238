"""Where papers come from: the arXiv API (``arxiv_api``) and snapshot files (``snapshot``)."""
