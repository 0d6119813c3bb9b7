#!/usr/bin/python3
"""Names and shapes of the authors' PaRaChuteModel state dict, for fidelity's tests.

Builds PaRaChuteModel(rad_input_dim=1024, histo_input_dim=768, inter_dim=256,
token_dim=256, dim_hider=256) from a checkout of PietroCaforio/parachute (MIT,
commit 8ff4575; not part of goparachute) and writes every state-dict entry's
name and shape, and the parameter count, to authors_state_dict.json.

Run from parachute/fidelity/testdata (Debian python3-torch):
    /usr/bin/python3 gen/state_dict.py PATH/TO/parachute
Used: torch 1.13. go test never runs this script.
"""
import json
import os
import sys

sys.path.insert(0, os.path.abspath(sys.argv[1]))
from models.parachute.parachute import PaRaChuteModel  # noqa: E402 (their code)

constructor = dict(rad_input_dim=1024, histo_input_dim=768, inter_dim=256, token_dim=256, dim_hider=256)
model = PaRaChuteModel(**constructor)
out = {
    "source": "PietroCaforio/parachute models/parachute/parachute.py, commit 8ff4575",
    "constructor": constructor,
    "params": sum(p.numel() for p in model.parameters()),
    "state_dict": {k: list(v.shape) for k, v in model.state_dict().items()},
}
with open("authors_state_dict.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"authors_state_dict.json: {len(out['state_dict'])} entries, {out['params']} parameters")
