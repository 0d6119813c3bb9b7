#!/usr/bin/python3
"""Runs the authors' PaRaChuteModel on the batch and weights goparachute exported.

goparachute's "parachute fidelity export --out DIR" writes a network built with
every compat switch that makes it the authors' model (attention across the batch,
their plain fusion layer, BatchNorm in the radiology adapters), its parameters under
the names of their state dict (DIR/weights.npz), a batch of 16 synthetic patients
with our risks (DIR/inputs.npz) and a manifest (DIR/ours.json). This script loads
those weights into the authors' module from their own checkout
(load_state_dict(strict=True): every parameter and buffer of theirs must be given,
nothing else), runs their forward pass in evaluation mode on the same batch, and
writes how far their risks and fused features are from ours, with both models'
parameter counts.

The authors' code (github.com/PietroCaforio/parachute, MIT) is not part of
goparachute; pass the path of a checkout. Nothing of it is copied or modified.

Usage (Debian: python3-torch, python3-numpy):
    /usr/bin/python3 tools/authors/equivalence.py --authors PATH --in DIR --out RESULT.json
"make authors-equivalence AUTHORS=PATH" runs the export and this script.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

# float32 forward passes of the same function differ by rounding only: the
# check fails above this absolute difference of the risks or of the fused
# features (values of order 1). Measured: about 2e-7 and 2e-6.
TOLERANCE = 1e-5


def count(model):
    return sum(p.numel() for p in model.parameters())


def swap(state, a, b):
    state[a], state[b] = state[b].clone(), state[a].clone()


def rows(state, key, order):
    """Reorders the d-row blocks of a stacked weight (MultiheadAttention's in_proj)."""
    w = state[key]
    d = w.shape[0] // len(order)
    state[key] = torch.cat([w[i * d:(i + 1) * d] for i in order])


# Plausible mistakes of a weight mapping, each planted in the exported state
# dict: the check must see every one (a check that cannot fail proves nothing).
PLANTED = {
    "BatchNorm running mean and variance swapped": lambda s: swap(s, "rad_adapter.3.running_mean", "rad_adapter.3.running_var"),
    "Conv1d kernel taps reversed (cross-correlation vs convolution)": lambda s: s.__setitem__(
        "token_adapt_rad.4.weight", s["token_adapt_rad.4.weight"].flip(2)),
    "query and key projections swapped in in_proj_weight": lambda s: rows(s, "fusion.cross_att3.in_proj_weight", [1, 0, 2]),
    "DCE halves swapped (neg before pos)": lambda s: s.__setitem__(
        "dpe.mlp.0.weight", torch.cat([s["dpe.mlp.0.weight"][:, 256:], s["dpe.mlp.0.weight"][:, :256]], 1)),
    "norm_pe and norm_att swapped": lambda s: swap(s, "norm_pe.weight", "norm_att.weight"),
    "contextual and fusion missing radiology tokens swapped": lambda s: swap(s, "missing_rad_token", "missing_rad_token_fusion"),
    "Linear weight not transposed (hazard_net.3)": lambda s: s.__setitem__("hazard_net.3.weight", s["hazard_net.3.weight"].t().contiguous()),
}


def forward(PaRaChuteModel, constructor, state, inputs):
    model = PaRaChuteModel(**constructor)
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        out = model(torch.from_numpy(inputs["rad_feature"]), torch.from_numpy(inputs["histo_feature"]),
                    modality_flag=torch.from_numpy(inputs["modality_flag"]),
                    output_layers=["fused_features", "hazard"])
    return out["hazard"].reshape(-1).numpy().astype(np.float64), out["fused_features"].numpy().astype(np.float64)


def differences(risk, fused, inputs):
    d_risk = float(np.max(np.abs(risk - inputs["risk_ours"].astype(np.float64))))
    d_fused = float(np.max(np.abs(fused - inputs["fused_ours"].astype(np.float64))))
    return d_risk, d_fused


def finite_or_none(d):
    """JSON has no NaN: a NaN difference (e.g. the square root of a negative variance) is written as null."""
    return None if np.isnan(d) else d


def within(d):
    return not np.isnan(d) and d <= TOLERANCE


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--authors", required=True, help="checkout of PietroCaforio/parachute")
    ap.add_argument("--in", dest="inp", required=True, help="folder written by parachute fidelity export")
    ap.add_argument("--out", required=True, help="result JSON")
    args = ap.parse_args()

    sys.path.insert(0, os.path.abspath(args.authors))
    from models.parachute.parachute import PaRaChuteModel  # noqa: E402 (their code)

    with open(os.path.join(args.inp, "ours.json")) as f:
        ours = json.load(f)
    weights = np.load(os.path.join(args.inp, "weights.npz"))
    inputs = np.load(os.path.join(args.inp, "inputs.npz"))

    torch.manual_seed(0)
    state = {k: torch.from_numpy(weights[k]) for k in weights.files}
    expected = set(PaRaChuteModel(**ours["constructor"]).state_dict().keys())
    missing, unexpected = sorted(expected - set(state)), sorted(set(state) - expected)
    risk, fused = forward(PaRaChuteModel, ours["constructor"], state, inputs)
    risk_ours = inputs["risk_ours"].astype(np.float64)
    d_risk, d_fused = differences(risk, fused, inputs)
    planted = {}
    for name, plant in PLANTED.items():
        s = {k: v.clone() for k, v in state.items()}
        plant(s)
        dr, df = differences(*forward(PaRaChuteModel, ours["constructor"], s, inputs), inputs)
        planted[name] = {"max_abs_risk_difference": finite_or_none(dr), "max_abs_fused_difference": finite_or_none(df),
                         "detected": not (within(dr) and within(df))}

    # Their parameter count at the paper's settings (inter_dim = token_dim =
    # 256) and at their PDA preset's (token_dim = 128).
    paper = dict(ours["constructor"], inter_dim=256, token_dim=256, dim_hider=256)
    pda_preset = dict(ours["constructor"], inter_dim=256, token_dim=128, dim_hider=256)
    commit = ""
    try:
        commit = subprocess.run(["git", "-C", args.authors, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown (not a git checkout)"

    result = {
        "what": "the authors' PaRaChuteModel (their code, their checkout) and goparachute's network with "
                "model.Config.AuthorsCompat, on the same weights and batch, evaluation mode, float32",
        "authors_commit_expected": ours["authors_commit"],
        "authors_checkout_commit": commit,
        "torch_version": torch.__version__,
        "batch": {"patients": len(risk), "availability": {a: ours["availability"].count(a)
                                                           for a in sorted(set(ours["availability"]))},
                  "slices_per_series": int(inputs["rad_feature"].shape[1])},
        "perturbation_of_constant_initialised_parameters": ours["perturbation"],
        "arrays_loaded": len(state),
        "missing_in_export": missing,
        "unexpected_in_export": unexpected,
        "max_abs_risk_difference": d_risk,
        "max_abs_fused_difference": d_fused,
        "max_abs_risk": float(np.max(np.abs(risk))),
        "max_abs_fused": float(np.max(np.abs(fused))),
        "tolerance": TOLERANCE,
        "equivalent": within(d_risk) and within(d_fused),
        "planted_mapping_errors": planted,
        "all_planted_errors_detected": all(p["detected"] for p in planted.values()),
        "params_authors": count(PaRaChuteModel(**paper)),
        "params_authors_pda_preset_token_dim_128": count(PaRaChuteModel(**pda_preset)),
        "params_ours": ours["params_ours_default"],
        "params_ours_authors_compat": ours["params_ours"],
        "params_difference_explained": "the authors' count includes gamma, GCS's step-size parameter, which "
                                       "goparachute keeps as a hyperparameter of the optimizer: "
                                       "params_authors = params_ours_authors_compat + 1",
        "risks": {"authors": risk.tolist(), "ours": risk_ours.tolist()},
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"{args.out}: max |risk difference| {d_risk:.3g} over {len(risk)} patients, fused features {d_fused:.3g} "
          f"(tolerance {TOLERANCE}); {sum(p['detected'] for p in planted.values())} of {len(planted)} planted "
          f"mapping errors detected; parameters: authors {result['params_authors']}, ours {result['params_ours']} "
          f"({result['params_ours_authors_compat']} with the compat switches)")
    return 0 if result["equivalent"] and result["all_planted_errors_detected"] else 1


if __name__ == "__main__":
    sys.exit(main())
