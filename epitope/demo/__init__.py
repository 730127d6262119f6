"""Demo content and synthetic data, kept out of production paths.

`epitope demo` loads the sample site (content, news, features, policies, pictures) through
`loader`; `epitope generate-data` fills a database at scale for benchmarks (`synthetic`). Nothing
under `epitope.core` or the feature apps imports this package.
"""
