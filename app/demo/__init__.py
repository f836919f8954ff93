"""The demo community loaded by `flask demo`: written by the Otklik team for demonstration."""
