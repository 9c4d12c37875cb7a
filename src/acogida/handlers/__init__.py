"""Lambda handlers: thin Powertools entry points over ``acogida`` domain code and adapters.

Each module's ``handler`` is the command of one container image (src/lambdas/, terraform/modules/app).
"""
