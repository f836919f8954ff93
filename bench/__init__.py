"""Benchmarks and their data generators (not run by `make test`). See bench/README.md."""
