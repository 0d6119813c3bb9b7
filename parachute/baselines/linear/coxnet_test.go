// SPDX-License-Identifier: Apache-2.0

package linear_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// coxnetReference is one path of testdata/reference/coxnet.json (gen/coxnet.R).
type coxnetReference struct {
	Name          string      `json:"name"`
	Data          string      `json:"data"`
	Covariates    []string    `json:"covariates"`
	Alpha         float64     `json:"alpha"`
	Standardize   bool        `json:"standardize"`
	PenaltyFactor []float64   `json:"penalty_factor"`
	UserLambda    bool        `json:"user_lambda"`
	NLambda       int         `json:"nlambda"`
	Lambda        []float64   `json:"lambda"`
	Coef          [][]float64 `json:"coef"`
}

// TestCoxNetMatchesGlmnet fits every reference path and compares with R's
// glmnet to 1e-5 relative: the same zero pattern, each coefficient within
// 1e-5 of R's relative (to at least 10⁻³ of the largest coefficient at that
// λ), and for glmnet's default path its λ sequence (λ_max down) to 1e-6 and
// its length (where glmnet stops it early).
func TestCoxNetMatchesGlmnet(t *testing.T) {
	var ref struct {
		Cases []coxnetReference `json:"cases"`
	}
	testutil.LoadReference(t, filepath.Join("testdata", "reference", "coxnet.json"), &ref)
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			tab, err := linear.ReadCSV(filepath.Join("testdata", "data", c.Data+".csv"), c.Covariates)
			if err != nil {
				t.Fatal(err)
			}
			opts := &linear.CoxNetOptions{Alpha: c.Alpha, NoStandardize: !c.Standardize, PenaltyFactor: c.PenaltyFactor}
			if c.UserLambda {
				opts.Lambdas = c.Lambda
			} else {
				opts.NLambda = c.NLambda
			}
			fit, err := linear.FitCoxNet(tab.X, tab.Time, tab.Event, opts)
			if err != nil {
				t.Fatal(err)
			}
			// A default path stops where glmnet's does (glmnet.control's fdev
			// and devmax rules).
			if len(fit.Lambdas) != len(c.Lambda) {
				t.Fatalf("%d lambdas, glmnet %d", len(fit.Lambdas), len(c.Lambda))
			}
			for k, lam := range c.Lambda {
				if relDiff(fit.Lambdas[k], lam) > 1e-6 {
					t.Errorf("lambda[%d] = %.12g, glmnet %.12g", k, fit.Lambdas[k], lam)
				}
				scale := 0.0
				for _, b := range c.Coef[k] {
					scale = math.Max(scale, math.Abs(b))
				}
				for j, want := range c.Coef[k] {
					got := fit.Coef[k][j]
					if (got == 0) != (want == 0) || math.Abs(got-want) > 1e-5*math.Max(math.Abs(want), 1e-3*scale) {
						t.Errorf("lambda %.4g: coef[%s] = %.10g, glmnet %.10g", lam, c.Covariates[j], got, want)
					}
				}
			}
		})
	}
}

// TestCoxNetPathStartsAtLambdaMax: at λ_max every coefficient is 0 and just
// below it one is not; ridge (α = 0) takes glmnet's λ_max for α = 0.001.
func TestCoxNetPathStartsAtLambdaMax(t *testing.T) {
	tab, err := linear.ReadCSV(filepath.Join("testdata", "data", "veteran.csv"), []string{"karno", "diagtime", "age", "prior", "trt"})
	if err != nil {
		t.Fatal(err)
	}
	fit, err := linear.FitCoxNet(tab.X, tab.Time, tab.Event, &linear.CoxNetOptions{Alpha: 1, NLambda: 3})
	if err != nil {
		t.Fatal(err)
	}
	below, err := linear.FitCoxNet(tab.X, tab.Time, tab.Event, &linear.CoxNetOptions{Alpha: 1, Lambdas: []float64{fit.LambdaMax * (1 - 1e-6)}})
	if err != nil {
		t.Fatal(err)
	}
	nonzero := func(b []float64) int {
		n := 0
		for _, v := range b {
			if v != 0 {
				n++
			}
		}
		return n
	}
	if nonzero(fit.Coef[0]) != 0 || nonzero(below.Coef[0]) != 1 {
		t.Fatalf("at λ_max %v: %v; just below: %v", fit.LambdaMax, fit.Coef[0], below.Coef[0])
	}
	ridge, err := linear.FitCoxNet(tab.X, tab.Time, tab.Event, &linear.CoxNetOptions{Alpha: 0, NLambda: 2})
	if err != nil {
		t.Fatal(err)
	}
	if relDiff(ridge.LambdaMax, fit.LambdaMax/1e-3) > 1e-12 {
		t.Fatalf("ridge λ_max %v, lasso %v", ridge.LambdaMax, fit.LambdaMax)
	}
}
