"""Development tools: data analysis and sample generation (not shipped to users)."""
