#!/usr/bin/python3
"""Runs the authors' scripts/train.py as released, and records its raw test predictions.

Their code (github.com/PietroCaforio/parachute, MIT, commit 8ff4575) is not part of
goparachute: pass the path of a checkout. Nothing of it is copied or edited. This
wrapper only
  - stubs the lifelines package, which their training/metrics.py imports but never
    calls (Debian has no python3-lifelines);
  - sets their module-level SEED before calling their main(), so that runs differ
    only by seed;
  - wraps SurvivalTrainer.train so that, after their training loop, their model
    predicts their test loader (the same batches their validation used, since their
    attention runs across the batch) twice: with the final weights ("latest") and with
    the checkpoint their loop selected on the test fold ("best_on_test", their
    *_best.pth). The raw log-hazards go to <fold dir>/predictions_<which>.csv, one
    row per sample (patient, CT file, slide file, time, event, risk).

Usage (Debian: python3-torch, python3-h5py, python3-pandas):
    /usr/bin/python3 tools/authors/authors_train.py --authors PATH --config CONFIG.json \\
        --experiment NAME --seed S
Run it from an empty folder: their code puts "./" first on sys.path.
"""
import argparse
import csv
import importlib.util
import os
import sys
import types

sys.dont_write_bytecode = True  # write nothing into their checkout


def stub_lifelines():
    def unavailable(*args, **kwargs):
        raise RuntimeError("lifelines is stubbed by tools/authors/authors_train.py; their code never calls it")

    lifelines = types.ModuleType("lifelines")
    utils = types.ModuleType("lifelines.utils")
    utils.concordance_index = unavailable
    lifelines.utils = utils
    sys.modules["lifelines"] = lifelines
    sys.modules["lifelines.utils"] = utils


def predict(trainer, path):
    """Their model in evaluation mode on their test loader, batch by batch."""
    import torch

    trainer.model.eval()
    rows = []
    with torch.no_grad():
        for batch in trainer.val_loader:
            risk = trainer.model(batch["ct_feature"].float(), batch["wsi_feature"].float(),
                                 modality_flag=batch["modality_mask"])["hazard"].reshape(-1)
            for i, pid in enumerate(batch["patient_id"]):
                rows.append([pid, int(batch["survtime"][i]), int(not bool(batch["censor"][i])), float(risk[i])])
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["patient", "time", "event", "risk"])
        w.writerows(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--authors", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--experiment", required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    authors = os.path.abspath(args.authors)
    sys.path.insert(0, authors)
    stub_lifelines()
    import torch
    from training.survival_trainer import SurvivalTrainer  # their code

    their_train = SurvivalTrainer.train

    def train_then_predict(self):
        best = their_train(self)
        predict(self, self.checkpoint_dir / "predictions_latest.csv")
        ckpt = torch.load(self.checkpoint_dir / f"{self.experiment_name}_best.pth", map_location="cpu")
        self.model.load_state_dict(ckpt["model_state_dict"])
        predict(self, self.checkpoint_dir / "predictions_best_on_test.csv")
        return best

    SurvivalTrainer.train = train_then_predict

    spec = importlib.util.spec_from_file_location("authors_train_script", os.path.join(authors, "scripts", "train.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.SEED = args.seed
    sys.argv = ["train.py", "--config", os.path.abspath(args.config), "--experiment-name", args.experiment]
    script.time.sleep = lambda s: None  # their main() sleeps 10 s before writing cv_results.json
    script.main()


if __name__ == "__main__":
    main()
