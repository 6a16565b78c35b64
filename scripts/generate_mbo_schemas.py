"""Regenerate mbo_vc's JSON Schemas (src/mbo_vc/schemas/<kind>.schema.json) from the models."""

from mbo_vc.mbo.schema import write_schemas

if __name__ == "__main__":
    for path in write_schemas():
        print(path)
