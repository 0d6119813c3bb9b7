#!/usr/bin/python3
"""Trains the authors' code and goparachute on the same synthetic cohort and folds.

Steps (each skipped when its output exists, so a killed run resumes):
 1. "parachute data synth --preset P --slices N" writes a synthetic cohort in the
    authors' layout, every CT series with N slices (their loader needs one count).
 2. Their scripts/train.py, as released, through tools/authors/authors_train.py,
    once per seed, with their preset for the cohort (titan_cptac<P>/MedImSight_trainfull.json)
    changed only where it must be: the data paths, n_folds (their UCEC preset lacks it),
    n_patches, no "gpu" key (CPU), the checkpoint folder and --epochs.
 3. goparachute's "parachute train --profile authors --optimizer gcs" (their trainer
    always steers with GCS) on every fold, once per seed: with correct semantics
    ("ours"), and with every compat switch that reproduces their code ("ours,
    compat-authors": attention across the batch, their plain fusion layer, BatchNorm,
    censored patients as events in the loss, weight decay on every parameter, their
    GCS probe and untrained gate).
 4. Every model's raw test predictions are scored by "parachute metrics" (Harrell's C):
    theirs per patient, the mean of the log-hazards of the patient's (CT, slide) pairs,
    over the patients their loader keeps (both modalities: require_both_modalities);
    ours on the same patients and on the whole test fold.

The table goes to OUT.json and OUT.md. Numbers are not expected to match run for
run; the point is the same behaviour within seed noise.

Usage (Debian: python3-torch, python3-h5py, python3-pandas; Go):
    /usr/bin/python3 tools/authors/train_side_by_side.py --authors PATH [--preset ucec]
        [--epochs 100] [--seeds 0,1,2] [--work out/authors-training]
        [--out bench/results/authors-8ff4575/authors-training]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PRESETS = {"pda": ("CPTACPDA", "titan_cptacpda"), "ucec": ("CPTACUCEC", "titan_cptacucec"),
           "ccrcc": ("MMISTCCRCC", "titan_mmist_ccrcc")}
VARIANTS = {"ours": [], "ours_compat_authors": ["--compat-authors"]}


def run(cmd, log=None, **kw):
    print("+", " ".join(cmd), flush=True)
    if log:
        with open(log, "a") as f:
            subprocess.run(cmd, check=True, stdout=f, stderr=subprocess.STDOUT, **kw)
    else:
        subprocess.run(cmd, check=True, **kw)


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["patient", "time", "event", "risk"])
        w.writerows(rows)


def harrell(parachute, path):
    """Harrell's C of a predictions CSV, computed by parachute metrics."""
    out = subprocess.run([parachute, "metrics", "--test", path], capture_output=True, text=True)
    if out.returncode not in (0, 1):  # 1: some other metric is undefined on a small fold
        raise RuntimeError(f"parachute metrics --test {path}: {out.stderr}")
    c = json.loads(out.stdout)["harrell_c"]
    return None if c is None else float(c)


def folds_of(split_file):
    with open(split_file) as f:
        header = f.readline().rstrip("\n").split("\t")
    return sum(1 for h in header if h.startswith("fold_"))


def authors_config(authors, preset, data, ckpts, epochs, slices, n_folds):
    cohort, folder = PRESETS[preset]
    with open(os.path.join(authors, "scripts", "presets", folder, "MedImSight_trainfull.json")) as f:
        c = json.load(f)
    for part in ("data_training", "data_validation"):
        c[part]["ct_path"] = os.path.join(data, "features", cohort, "MedImageInsights")
        c[part]["wsi_path"] = os.path.join(data, "features", cohort, "TITAN")
        c[part]["labels_splits_path"] = os.path.join(data, "labels_splits", cohort, "k=all.tsv")
    c["data_training"]["n_patches"] = slices
    c["n_folds"] = n_folds
    c["training"]["num_epochs"] = epochs
    c["training"]["checkpoint_dir"] = ckpts + "/"
    c["training"].pop("gpu", None)
    return c


def mean_sd(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None, None
    return statistics.mean(xs), (statistics.stdev(xs) if len(xs) > 1 else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--authors", required=True, help="checkout of PietroCaforio/parachute")
    ap.add_argument("--preset", default="ucec", choices=sorted(PRESETS))
    ap.add_argument("--data-seed", type=int, default=1)
    ap.add_argument("--slices", type=int, default=66)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--work", default=os.path.join(REPO, "out", "authors-training"))
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "results", "authors-8ff4575", "authors-training"))
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    authors = os.path.abspath(args.authors)
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    cohort, _ = PRESETS[args.preset]
    env = dict(os.environ, GOMLX_BACKEND=os.environ.get("GOMLX_BACKEND", "go:ops_sequential"),
               GOMLX_NO_AUTO_INSTALL="1", PYTHONDONTWRITEBYTECODE="1")

    parachute = os.path.join(work, "parachute")
    run(["go", "build", "-o", parachute, "./cmd/parachute"], cwd=REPO)
    data = os.path.join(work, "data")
    split = os.path.join(data, "labels_splits", cohort, "k=all.tsv")
    if not os.path.exists(split):
        run([parachute, "data", "synth", "--preset", args.preset, "--data-seed", str(args.data_seed),
             "--slices", str(args.slices), "--out", data], env=env)
    n_folds = folds_of(split)
    timing = {}

    # 2. Their training, one process per seed.
    ckpts = os.path.join(work, "authors")
    cfg_path = os.path.join(work, "authors-config.json")
    with open(cfg_path, "w") as f:
        json.dump(authors_config(authors, args.preset, data, ckpts, args.epochs, args.slices, n_folds), f, indent=1)
    empty = os.path.join(work, "cwd")
    os.makedirs(empty, exist_ok=True)
    for s in seeds:
        exp = f"seed{s}"
        last = os.path.join(ckpts, exp, f"fold_{n_folds - 1}", f"{exp}_fold_{n_folds - 1}", "predictions_best_on_test.csv")
        if not os.path.exists(last):
            began = time.time()
            run([sys.executable, os.path.join(HERE, "authors_train.py"), "--authors", authors, "--config", cfg_path,
                 "--experiment", exp, "--seed", str(s)], log=os.path.join(work, f"authors-{exp}.log"), cwd=empty, env=env)
            timing[f"authors seed {s}"] = round(time.time() - began)

    # 3. Ours, per variant, seed and fold.
    for variant, flags in VARIANTS.items():
        for s in seeds:
            for k in range(n_folds):
                out = os.path.join(work, variant, f"seed{s}", f"fold{k}")
                if not os.path.exists(os.path.join(out, "run.json")):
                    began = time.time()
                    run([parachute, "train", "--cohort", data, "--fold", str(k), "--profile", "authors",
                         "--optimizer", "gcs", "--epochs", str(args.epochs), "--seed", str(s), "--out", out] + flags,
                        log=os.path.join(work, f"{variant}-seed{s}.log"), env=env)
                    timing[f"{variant} seed {s} fold {k}"] = round(time.time() - began)

    # 4. Scoring.
    scores = os.path.join(work, "scores")
    os.makedirs(scores, exist_ok=True)
    rows = []  # one per (model, seed, fold)
    for s in seeds:
        for k in range(n_folds):
            fold_dir = os.path.join(ckpts, f"seed{s}", f"fold_{k}", f"seed{s}_fold_{k}")
            kept = None
            for which in ("latest", "best_on_test"):
                samples = read_csv(os.path.join(fold_dir, f"predictions_{which}.csv"))
                by = defaultdict(list)
                outcome = {}
                for r in samples:
                    by[r["patient"]].append(float(r["risk"]))
                    outcome[r["patient"]] = (r["time"], r["event"])
                kept = sorted(by)
                path = os.path.join(scores, f"authors-{which}-seed{s}-fold{k}.csv")
                write_csv(path, [[p, *outcome[p], statistics.mean(by[p])] for p in kept])
                rows.append({"model": f"authors_{which}", "seed": s, "fold": k, "patients": len(kept),
                             "samples": len(samples), "harrell_c": harrell(parachute, path)})
            for variant in VARIANTS:
                with open(os.path.join(work, variant, f"seed{s}", f"fold{k}", "run.json")) as f:
                    rec = json.load(f)
                test = [r for r in rec["risks"] if r["split"] == "test"]
                for subset, pts in (("same_patients", [r for r in test if r["patient"] in kept]), ("all_test", test)):
                    path = os.path.join(scores, f"{variant}-{subset}-seed{s}-fold{k}.csv")
                    write_csv(path, [[r["patient"], r["time"], int(r["event"]), r["risk"]] for r in pts])
                    rows.append({"model": f"{variant}_{subset}", "seed": s, "fold": k, "patients": len(pts),
                                 "harrell_c": harrell(parachute, path)})

    summary = {}
    for model in dict.fromkeys(r["model"] for r in rows):
        mine = [r for r in rows if r["model"] == model]
        per_seed = {s: mean_sd([r["harrell_c"] for r in mine if r["seed"] == s]) for s in seeds}
        m, sd = mean_sd([r["harrell_c"] for r in mine])
        summary[model] = {"mean_over_seeds_and_folds": m, "sd_over_seeds_and_folds": sd,
                          "fold_mean_per_seed": {str(s): v[0] for s, v in per_seed.items()}}
    result = {"what": "Harrell's C of the test folds, the authors' scripts/train.py and goparachute side by side",
              "cohort": f"synthetic {args.preset} (data seed {args.data_seed}), every CT series {args.slices} slices",
              "epochs": args.epochs, "seeds": seeds, "folds": n_folds, "rows": rows, "summary": summary,
              "seconds": timing}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out + ".json", "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    with open(args.out + ".md", "w") as f:
        f.write(markdown(result, seeds, n_folds))
    print(f"{args.out}.json, {args.out}.md")


LABELS = {
    "authors_latest": "authors, final epoch",
    "authors_best_on_test": "authors, checkpoint selected on the test fold (their *_best.pth)",
    "ours_same_patients": "ours, authors profile + GCS",
    "ours_compat_authors_same_patients": "ours, --compat-authors",
    "ours_all_test": "ours, authors profile + GCS, whole test fold",
    "ours_compat_authors_all_test": "ours, --compat-authors, whole test fold",
}


def markdown(result, seeds, n_folds):
    def fmt(x):
        return "–" if x is None else f"{x:.3f}"

    lines = [f"Harrell's C per test fold: {result['cohort']}, {result['epochs']} epochs, seeds {seeds}.",
             "Computed by `parachute metrics` on each model's raw test log-hazards (the authors': mean over a",
             "patient's (CT, slide) pairs). Written by tools/authors/train_side_by_side.py.", ""]
    head = "| model | seed | " + " | ".join(f"fold {k}" for k in range(n_folds)) + " | mean |"
    lines += [head, "|" + " --- |" * (n_folds + 3)]
    for model, label in LABELS.items():
        for s in seeds:
            cs = [next((r["harrell_c"] for r in result["rows"] if r["model"] == model and r["seed"] == s and r["fold"] == k), None)
                  for k in range(n_folds)]
            m, _ = mean_sd(cs)
            lines.append(f"| {label} | {s} | " + " | ".join(fmt(c) for c in cs) + f" | {fmt(m)} |")
    lines += ["", "| model | mean C over seeds and folds | SD |", "| --- | --- | --- |"]
    for model, label in LABELS.items():
        s = result["summary"].get(model, {})
        lines.append(f"| {label} | {fmt(s.get('mean_over_seeds_and_folds'))} | {fmt(s.get('sd_over_seeds_and_folds'))} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
