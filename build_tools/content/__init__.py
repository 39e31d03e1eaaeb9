"""The content model: pages parsed with markdown-it-py, front matter validated by a schema, and
guidelines assembled from their folders with every cross-page rule checked."""
