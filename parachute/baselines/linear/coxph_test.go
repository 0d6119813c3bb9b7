// SPDX-License-Identifier: Apache-2.0

package linear_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
)

// coxphReference is one fit of testdata/reference/coxph.json (gen/coxph.R).
type coxphReference struct {
	Name       string     `json:"name"`
	Data       string     `json:"data"`
	Covariates []string   `json:"covariates"`
	Ties       string     `json:"ties"`
	Ridge      float64    `json:"ridge"`
	Coef       []*float64 `json:"coef"`
	SE         []*float64 `json:"se"`
	LogLikNull float64    `json:"loglik_null"`
	LogLik     float64    `json:"loglik"`
	Penalty    float64    `json:"penalty"`
	Iterations int        `json:"iterations"`
	Warnings   []string   `json:"warnings"`
}

func readCoxPHReferences(t *testing.T) []coxphReference {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "reference", "coxph.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []coxphReference `json:"cases"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	return ref.Cases
}

func relDiff(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300) }

// TestCoxPHMatchesR fits every reference case and compares with R's coxph:
// coefficients and standard errors to 1e-6 relative, log-likelihoods (null
// and final, without the penalty) and the ridge penalty to 1e-8 relative,
// the same number of Newton iterations, R's NA for a collinear column and
// R's warning for a monotone likelihood.
func TestCoxPHMatchesR(t *testing.T) {
	for _, ref := range readCoxPHReferences(t) {
		t.Run(ref.Name, func(t *testing.T) {
			tab, err := linear.ReadCSV(filepath.Join("testdata", "data", ref.Data+".csv"), ref.Covariates)
			if err != nil {
				t.Fatal(err)
			}
			ties, err := linear.ParseTies(ref.Ties)
			if err != nil {
				t.Fatal(err)
			}
			fit, err := linear.FitCoxPH(tab.X, tab.Time, tab.Event, &linear.CoxPHOptions{Ties: ties, Ridge: ref.Ridge})
			if err != nil {
				t.Fatal(err)
			}
			for j, want := range ref.Coef {
				if want == nil {
					if !math.IsNaN(fit.Coef[j]) {
						t.Errorf("coef[%s] = %v, R gives NA", ref.Covariates[j], fit.Coef[j])
					}
					continue
				}
				if d := relDiff(fit.Coef[j], *want); d > 1e-6 {
					t.Errorf("coef[%s] = %.12g, R %.12g (relative difference %.2g)", ref.Covariates[j], fit.Coef[j], *want, d)
				}
				if d := relDiff(fit.SE[j], *ref.SE[j]); d > 1e-6 {
					t.Errorf("se[%s] = %.12g, R %.12g (relative difference %.2g)", ref.Covariates[j], fit.SE[j], *ref.SE[j], d)
				}
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"loglik_null", fit.LogLikNull, ref.LogLikNull}, {"loglik", fit.LogLik, ref.LogLik}, {"penalty", fit.Penalty, ref.Penalty}} {
				if d := relDiff(c.got, c.want); d > 1e-8 && math.Abs(c.got-c.want) > 1e-12 {
					t.Errorf("%s = %.15g, R %.15g", c.name, c.got, c.want)
				}
			}
			if fit.Iterations != ref.Iterations || !fit.Converged {
				t.Errorf("%d iterations (converged %v), R %d", fit.Iterations, fit.Converged, ref.Iterations)
			}
			for _, w := range ref.Warnings {
				found := false
				for _, g := range fit.Warnings {
					found = found || strings.HasPrefix(strings.Join(strings.Fields(g), " "), strings.Join(strings.Fields(w), " ")[:30])
				}
				if !found {
					t.Errorf("R warns %q; ours %q", w, fit.Warnings)
				}
			}
		})
	}
}
