"""Regenerate the published SD-JWT VC type metadata (src/mbo_vc/type_metadata/<kind>.json).

Each document describes the claims of the demo waardepapier of its type
(mbo_vc.demo.mbo.example_waardepapieren; the values do not appear, only the claim paths,
labels and value types). A published document is what every issued token's vct#integrity
commits to: once released under a vct (…/v1) it must not change; change the vct instead.
"""

from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.mbo.sd_jwt_vc import claims_of, type_metadata, type_metadata_bytes, type_metadata_folder

if __name__ == "__main__":
    folder = type_metadata_folder()
    folder.mkdir(exist_ok=True)
    for kind, paper in example_waardepapieren("did:example:instelling").items():
        path = folder / f"{kind}.json"
        path.write_bytes(type_metadata_bytes(type_metadata(kind, claims_of(paper))))
        print(path)
