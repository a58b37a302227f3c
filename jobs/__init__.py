"""Scheduled work: APScheduler wiring (`jobs.scheduler`) and platform-free job bodies.

Every module of this package that defines `schedule(scheduler, app)` is asked to add its jobs, with
explicit ids and `replace_existing=True`, when the scheduler starts.
"""
