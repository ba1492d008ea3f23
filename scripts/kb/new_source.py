"""Placeholder replaced below."""
def add_arguments(parser):
    pass
def run(args):
    return 2
