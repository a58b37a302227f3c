"""The network's report for funders and partners, built from anonymous daily aggregates, small counts suppressed.

Issue in progress: this package is the capability's home (logic here, chat handlers in `chat/`).
"""
