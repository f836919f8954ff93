"""Search-engine features: sitemaps, robots.txt, feeds, structured data (JSON-LD), page meta tags."""
