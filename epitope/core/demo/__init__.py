"""Demo content for `epitope demo`: the data (content, news, features, policies) and its loader."""
