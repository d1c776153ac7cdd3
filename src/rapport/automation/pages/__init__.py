"""Workflow pages: the list, a workflow with its run history, the builder, one run.

Thin, like every page: parse the request, call automation.services / automation.queries with
the Principal, draw a template. The builder's state lives in its form (see automation.builder).
"""
