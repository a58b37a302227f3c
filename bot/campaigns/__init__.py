"""Campaigns by network animators and hosts: compose, target, preview, schedule, send under the attention budget, results.

Issue in progress: this package is the capability's home (logic here, chat handlers in `chat/`).
"""
