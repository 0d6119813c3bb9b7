// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/scoring"
)

const predictAbout = `Predicts for new patients with a model saved by "parachute train --out DIR":
each patient's log-risk (higher = earlier death) and S(t | x) at the times,
from the Breslow baseline of the run's training patients. Patients missing a
modality get the model's missing-modality tokens, as in training.

DATA is a folder in the authors' layout (features/<COHORT>/TITAN/*.h5,
features/<COHORT>/MedImageInsights/<case>/*.npy|.pt) read with the encoders
the model was trained on. Its case list labels_splits/<COHORT>/k=all.tsv is
optional, and so are its outcome and fold columns; without one, every CT case
folder is a patient and slide files go to the folder their name starts with.

PREDS.csv has the columns patient,time,event,risk,S_<t>...,in_training; time
and event are empty where the outcome is not known yet; in_training is 1 for a
patient the run was trained on (a warning says how many: metrics on them
overstate the model). --out - writes to standard output. Once the outcomes are
filled in, "parachute metrics --test PREDS.csv --train TRAIN.csv" scores the
predictions; --train-out writes TRAIN.csv (the run's training patients:
outcomes and risks). --times defaults to the quartiles of the training event
times.`

func runPredict(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("predict", predictAbout, "parachute predict --run runs/ucec0 --cohort data --out preds.csv")
	runDir := fs.String("run", "", "a folder written by parachute train (run.json, checkpoint.gob) (required)")
	cohort := fs.String("cohort", "", "data folder of the new patients (required)")
	name := fs.String("name", "", "cohort of the data folder (pda, ucec, ccrcc or a folder name); default: its only cohort")
	timesFlag := fs.String("times", "", "comma-separated times of S(t | x) (default: quartiles of the training event times)")
	out := fs.String("out", "", "predictions CSV to write; - for standard output (required)")
	trainOut := fs.String("train-out", "", "also write the run's training patients (time,event,risk) for parachute metrics --train")
	var times []float64
	if err := fs.parse(args, stdout, stderr, required("run", "cohort", "out"),
		holdsFile("run", runDir, "run.json", "a folder written by parachute train --out"), existingDir("cohort", cohort, "a data folder"),
		check(func() (err error) { times, err = parseTimes(*timesFlag); return err })); err != nil {
		return err
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	t, rec, err := experiment.OpenRun(b, *runDir)
	if err != nil {
		return err
	}
	np, err := data.LoadNewPatients(*cohort, *name, &data.LoadOptions{Pathology: rec.CohortSpec.Pathology, Radiology: rec.CohortSpec.Radiology})
	if err != nil {
		return err
	}
	reportLeftOut(stderr, np)
	pred, err := experiment.PredictNewPatients(t, rec, np, times)
	if err != nil {
		return err
	}
	inTraining := pred.MarkTraining(rec)
	csv, err := pred.CSV()
	if err != nil {
		return err
	}
	if err := writeOutput(*out, csv, stdout); err != nil {
		return err
	}
	if inTraining > 0 {
		fmt.Fprintf(stderr, "warning: %d of %d predicted patients are patients the run was trained on (in_training = 1): "+
			"metrics on them overstate the model; score only the others\n", inTraining, len(pred.Risk))
	}
	known := 0
	for i := range np.Patients {
		if np.Patients[i].HasOutcome() {
			known++
		}
	}
	r := np.Report
	summaryTo := stdout
	if *out == "-" {
		summaryTo = stderr // standard output holds the predictions
	}
	fmt.Fprintf(summaryTo, "%s: %d patients (%d with both modalities, %d pathology only, %d radiology only; %d with a known outcome), times %v\n",
		*out, r.Patients, r.BothPatients, r.HistoPatients-r.BothPatients, r.RadPatients-r.BothPatients, known, pred.Times)
	if *trainOut != "" {
		var buf bytes.Buffer
		if err := scoring.WriteCSV(&buf, rec.TrainingPredictions(), nil, nil); err != nil {
			return err
		}
		if err := atomicfile.Write(*trainOut, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(summaryTo, "%s: the run's %d training patients\n", *trainOut, len(rec.TrainingPredictions().Risk))
	}
	return nil
}

// reportLeftOut prints what LoadNewPatients left out or guessed.
func reportLeftOut(w io.Writer, np *data.NewPatients) {
	r := np.Report
	for _, l := range []struct {
		what  string
		items []string
	}{
		{"cases without any feature file (no prediction)", r.RowsWithoutFeatures},
		{"feature files and folders of no listed case", r.FilesWithoutSplitRow},
		{"slides listed without a file", r.SlidesWithoutFile},
		{"CT case folders without feature files", r.EmptySeriesFolders},
		{"slide files taken as patients of their own (give a case list to group them)", np.SlidesAsPatients},
		{"inputs absent (their modality is predicted as missing)", r.Missing},
	} {
		if len(l.items) > 0 {
			fmt.Fprintf(w, "note: %d %s: %s\n", len(l.items), l.what, strings.Join(l.items, ", "))
		}
	}
}
