"""The seed toolkit's ``animator`` API, built on the panel protocol and the fast renderer.

Public names are re-exported by :mod:`swarm.animator`; the modules here are private.
"""
