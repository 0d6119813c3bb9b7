// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
)

const coxphUsage = `usage: parachute coxph --data X.csv --covariates a,b,... [--ties breslow|efron] [--ridge THETA]

Fits a Cox proportional-hazards model by Newton-Raphson as R's coxph does and
prints one JSON object: coef and se by covariate (null for a column collinear
with others), loglik and loglik_null (the log partial likelihood at the fit
and at 0, without the penalty), penalty, iterations, converged and R's
warnings. X.csv has a header and the columns time, event (1/0 or true/false)
and the covariates.

flags:
`

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
	fs := flag.NewFlagSet("coxph", flag.ContinueOnError)
	dataPath := fs.String("data", "", "CSV with time, event and the covariates (required)")
	covariates := fs.String("covariates", "", "comma-separated covariate columns (required)")
	tiesFlag := fs.String("ties", "efron", "breslow or efron (R's default)")
	ridge := fs.Float64("ridge", 0, "θ of the ridge penalty (θ/2)‖β‖² (R: ridge(..., theta = θ, scale = FALSE))")
	if err := parseFlags(fs, args, stderr, coxphUsage); err != nil {
		return err
	}
	if *dataPath == "" || *covariates == "" {
		return errors.New("--data and --covariates are required")
	}
	if *ridge < 0 {
		return fmt.Errorf("--ridge %v must not be negative", *ridge)
	}
	ties, err := linear.ParseTies(*tiesFlag)
	if err != nil {
		return err
	}
	names := splitNames(*covariates)
	tab, err := linear.ReadCSV(*dataPath, names)
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
