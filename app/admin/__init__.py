"""Administration: departments, categories, users' roles."""
