// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
)

const coxnetAbout = `Fits the elastic-net Cox model as R's glmnet does (objective -loglik/n +
lambda (alpha |b|_1 + (1 - alpha)/2 |b|^2), Breslow ties, coordinate descent
with warm starts down the lambda path) and prints one JSON object:
{"lambda_max": L, "fits": [{"lambda": L, "coef": {name: b}}, ...]}, the
coefficients on the original scale. Without --lambda, glmnet's default path
of 100 values from lambda_max. X.csv has a header and the columns time,
event (1/0 or true/false) and the covariates; --data - reads standard input.`

type coxnetJSON struct {
	LambdaMax float64         `json:"lambda_max"`
	Alpha     float64         `json:"alpha"`
	Fits      []coxnetFitJSON `json:"fits"`
}

type coxnetFitJSON struct {
	Lambda float64            `json:"lambda"`
	Coef   map[string]float64 `json:"coef"`
}

func runCoxNet(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("coxnet", coxnetAbout, "parachute coxnet --data parachute/baselines/linear/testdata/data/lung.csv --covariates age,sex,ph.karno --alpha 1")
	dataPath := fs.String("data", "", "CSV with time, event and the covariates; - for standard input (required)")
	covariates := fs.String("covariates", "", "comma-separated covariate columns (required)")
	alpha := fs.Float64("alpha", 1, "elastic-net mixing in [0, 1]: 1 lasso, 0 ridge")
	lambdaFlag := fs.String("lambda", "", "comma-separated penalties ≥ 0, fitted in this order (default: glmnet's path)")
	standardize := fs.Bool("standardize", true, "standardise the covariates for the fit (glmnet's default)")
	pfFlag := fs.String("penalty-factor", "", "comma-separated penalty factors ≥ 0, one per covariate (0: unpenalised)")
	var lambdas, pf []float64
	if err := fs.parse(args, stdout, stderr, required("data", "covariates"), existingFile("data", dataPath),
		inRange("alpha", alpha, 0, 1, "1 lasso, 0 ridge"),
		check(func() (err error) { lambdas, err = parseNonNegatives("lambda", *lambdaFlag); return err }),
		check(func() (err error) { pf, err = parseNonNegatives("penalty-factor", *pfFlag); return err })); err != nil {
		return err
	}
	names := splitNames(*covariates)
	if len(pf) > 0 && len(pf) != len(names) {
		return fmt.Errorf("--penalty-factor: %d factors for %d covariates", len(pf), len(names))
	}
	path, cleanup, named, err := stdinAsFile(*dataPath)
	if err != nil {
		return err
	}
	defer cleanup()
	tab, err := linear.ReadCSV(path, names)
	if err != nil {
		return named(err)
	}
	fit, err := linear.FitCoxNet(tab.X, tab.Time, tab.Event, &linear.CoxNetOptions{Alpha: *alpha, Lambdas: lambdas,
		NoStandardize: !*standardize, PenaltyFactor: pf})
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	out := coxnetJSON{LambdaMax: fit.LambdaMax, Alpha: *alpha}
	for k, lam := range fit.Lambdas {
		f := coxnetFitJSON{Lambda: lam, Coef: map[string]float64{}}
		for j, name := range names {
			f.Coef[name] = fit.Coef[k][j]
		}
		out.Fits = append(out.Fits, f)
	}
	return printJSON(stdout, out)
}

// parseFloats parses a comma-separated list of numbers (nil when empty);
// errors name the flag.
func parseFloats(flagName, s string) ([]float64, error) {
	var out []float64
	for _, f := range splitNames(s) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("--%s: %q is not a number", flagName, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseNonNegatives is parseFloats for lists of finite numbers ≥ 0.
func parseNonNegatives(flagName, s string) ([]float64, error) {
	out, err := parseFloats(flagName, s)
	for _, v := range out {
		if err == nil && (!(v >= 0) || math.IsInf(v, 0)) {
			err = fmt.Errorf("--%s: %v: want finite numbers ≥ 0", flagName, v)
		}
	}
	return out, err
}
