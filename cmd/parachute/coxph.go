// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
)

const coxphAbout = `Fits a Cox proportional-hazards model by Newton-Raphson as R's coxph does and
prints one JSON object: coef and se by covariate (null for a column collinear
with others), loglik and loglik_null (the log partial likelihood at the fit
and at 0, without the penalty), penalty, iterations, converged and R's
warnings. X.csv has a header and the columns time, event (1/0 or true/false)
and the covariates; --data - reads standard input.`

// coxphJSON is the output of parachute coxph.
type coxphJSON struct {
	Coef       map[string]*float64 `json:"coef"`
	SE         map[string]*float64 `json:"se"`
	LogLik     float64             `json:"loglik"`
	LogLikNull float64             `json:"loglik_null"`
	Penalty    float64             `json:"penalty"`
	Ties       string              `json:"ties"`
	Ridge      float64             `json:"ridge"`
	N          int                 `json:"n"`
	Events     int                 `json:"events"`
	Iterations int                 `json:"iterations"`
	Converged  bool                `json:"converged"`
	Warnings   []string            `json:"warnings"`
}

func runCoxPH(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("coxph", coxphAbout, "parachute coxph --data parachute/baselines/linear/testdata/data/lung.csv --covariates age,sex,ph.ecog")
	dataPath := fs.String("data", "", "CSV with time, event and the covariates; - for standard input (required)")
	covariates := fs.String("covariates", "", "comma-separated covariate columns (required)")
	tiesFlag := fs.String("ties", "efron", "breslow or efron (R's default)")
	ridge := fs.Float64("ridge", 0, "θ ≥ 0 of the ridge penalty (θ/2)‖β‖² (R: ridge(..., theta = θ, scale = FALSE))")
	if err := fs.parse(args, stdout, stderr, required("data", "covariates"), existingFile("data", dataPath),
		oneOf("ties", tiesFlag, "breslow", "efron"), positive("ridge", ridge, "no penalty")); err != nil {
		return err
	}
	ties, err := linear.ParseTies(*tiesFlag)
	if err != nil {
		return err
	}
	path, cleanup, err := stdinAsFile(*dataPath)
	if err != nil {
		return err
	}
	defer cleanup()
	names := splitNames(*covariates)
	tab, err := linear.ReadCSV(path, names)
	if err != nil {
		return err
	}
	fit, err := linear.FitCoxPH(tab.X, tab.Time, tab.Event, &linear.CoxPHOptions{Ties: ties, Ridge: *ridge})
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	out := coxphJSON{Coef: map[string]*float64{}, SE: map[string]*float64{}, LogLik: fit.LogLik, LogLikNull: fit.LogLikNull,
		Penalty: fit.Penalty, Ties: ties.String(), Ridge: *ridge, N: len(tab.Time), Iterations: fit.Iterations,
		Converged: fit.Converged, Warnings: append([]string{}, fit.Warnings...)}
	for _, e := range tab.Event {
		if e {
			out.Events++
		}
	}
	for j, name := range names {
		out.Coef[name], out.SE[name] = finiteOrNil(fit.Coef[j]), finiteOrNil(fit.SE[j])
	}
	return printJSON(stdout, out)
}

// splitNames splits a comma-separated list, trimming spaces.
func splitNames(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// stdin is what "-" reads (a variable for the tests).
var stdin io.Reader = os.Stdin

// stdinAsFile returns path, or for "-" a temporary file holding standard
// input (for readers that take a path); cleanup removes it.
func stdinAsFile(path string) (string, func(), error) {
	if path != "-" {
		return path, func() {}, nil
	}
	f, err := os.CreateTemp("", "parachute-stdin-*.csv")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.Remove(f.Name()) }
	if _, err := io.Copy(f, stdin); err != nil {
		f.Close()
		cleanup()
		return "", nil, fmt.Errorf("reading standard input: %w", err)
	}
	if err := f.Close(); err != nil {
		cleanup()
		return "", nil, err
	}
	return f.Name(), cleanup, nil
}
