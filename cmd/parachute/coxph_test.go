// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCoxPHCommand fits R's lung data as parachute/baselines/linear's R
// reference does (lung-efron) and checks the JSON against R's coefficients.
func TestCoxPHCommand(t *testing.T) {
	data := filepath.Join("..", "..", "parachute", "baselines", "linear", "testdata", "data", "lung.csv")
	stdout, errOut, status := runCommand(t, "coxph", "--data", data, "--covariates", "age, sex,ph.ecog")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var out struct {
		Coef       map[string]*float64 `json:"coef"`
		LogLik     float64             `json:"loglik"`
		Iterations int                 `json:"iterations"`
		Converged  bool                `json:"converged"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "parachute", "baselines", "linear", "testdata", "reference", "coxph.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Name   string    `json:"name"`
			Coef   []float64 `json:"coef"`
			LogLik float64   `json:"loglik"`
		} `json:"cases"`
	}
	json.Unmarshal(raw, &ref)
	for _, c := range ref.Cases {
		if c.Name != "lung-efron" {
			continue
		}
		for j, name := range []string{"age", "sex", "ph.ecog"} {
			if got := out.Coef[name]; got == nil || math.Abs(*got-c.Coef[j]) > 1e-6*math.Abs(c.Coef[j]) {
				t.Fatalf("coef %s = %v, R %v", name, got, c.Coef[j])
			}
		}
		if math.Abs(out.LogLik-c.LogLik) > 1e-8*math.Abs(c.LogLik) || !out.Converged {
			t.Fatalf("loglik %v (converged %v), R %v", out.LogLik, out.Converged, c.LogLik)
		}
		return
	}
	t.Fatal("no lung-efron reference")
}

func TestCoxPHCommandErrors(t *testing.T) {
	data := filepath.Join("..", "..", "parachute", "baselines", "linear", "testdata", "data", "lung.csv")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"coxph", "--data", data}, "--covariates"},
		{[]string{"coxph", "--data", data, "--covariates", "age,height"}, `no "height" column`},
		{[]string{"coxph", "--data", data, "--covariates", "age", "--ties", "exact"}, "want one of breslow, efron"},
		{[]string{"coxph", "--data", "missing.csv", "--covariates", "age"}, "missing.csv"},
	} {
		if _, errOut, status := runCommand(t, c.args...); status != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: status %d, stderr %q", c.args, status, errOut)
		}
	}
}

// TestCoxNetCommand fits the lasso path of the glmnet reference
// lung-lasso-standardized and checks one coefficient against glmnet's.
func TestCoxNetCommand(t *testing.T) {
	data := filepath.Join("..", "..", "parachute", "baselines", "linear", "testdata", "data", "lung.csv")
	stdout, errOut, status := runCommand(t, "coxnet", "--data", data, "--covariates", "age,sex,ph.ecog,ph.karno,wt.loss",
		"--alpha", "1", "--lambda", "0.2,0.1,0.05,0.02,0.005")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var out struct {
		Fits []struct {
			Lambda float64            `json:"lambda"`
			Coef   map[string]float64 `json:"coef"`
		} `json:"fits"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join("..", "..", "parachute", "baselines", "linear", "testdata", "reference", "coxnet.json"))
	var ref struct {
		Cases []struct {
			Name string      `json:"name"`
			Coef [][]float64 `json:"coef"`
		} `json:"cases"`
	}
	json.Unmarshal(raw, &ref)
	for _, c := range ref.Cases {
		if c.Name == "lung-lasso-standardized" {
			if len(out.Fits) != 5 || math.Abs(out.Fits[3].Coef["sex"]-c.Coef[3][1]) > 1e-5*math.Abs(c.Coef[3][1]) {
				t.Fatalf("fits %+v; glmnet sex at λ 0.02: %v", out.Fits, c.Coef[3][1])
			}
			return
		}
	}
	t.Fatal("no lung-lasso-standardized reference")
}

// TestCoxPHCommandSummary: the JSON's summary is R's summary(coxph) of the
// same fit (gen/coxph_summary.R, case lung-efron), and --table prints it as
// R does; a ridge fit has none (R summarises penalised fits differently).
func TestCoxPHCommandSummary(t *testing.T) {
	data := filepath.Join("..", "..", "parachute", "baselines", "linear", "testdata", "data", "lung.csv")
	stdout, errOut, status := runCommand(t, "coxph", "--data", data, "--covariates", "age,sex,ph.ecog")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var out struct {
		Summary struct {
			ExpCoef       map[string]float64             `json:"exp_coef"`
			P             map[string]float64             `json:"p"`
			Upper95       map[string]float64             `json:"upper95"`
			Concordance   float64                        `json:"concordance"`
			ConcordanceSE float64                        `json:"concordance_se"`
			LogTest       struct{ Test, PValue float64 } `json:"logtest"`
			WaldTest      struct{ Test float64 }         `json:"waldtest"`
			ScoreTest     struct{ Test float64 }         `json:"sctest"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "parachute", "baselines", "linear", "testdata", "reference", "coxph_summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Name          string                 `json:"name"`
			ExpCoef       []float64              `json:"exp_coef"`
			P             []float64              `json:"p"`
			Upper95       []float64              `json:"upper95"`
			Concordance   float64                `json:"concordance"`
			ConcordanceSE float64                `json:"concordance_se"`
			LogTest       struct{ Test float64 } `json:"logtest"`
			WaldTest      struct{ Test float64 } `json:"waldtest"`
			ScoreTest     struct{ Test float64 } `json:"sctest"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	r := ref.Cases[0]
	if r.Name != "lung-efron" {
		t.Fatalf("first reference case %s", r.Name)
	}
	s := out.Summary
	close := func(what string, got, want, tol float64) {
		if math.Abs(got-want) > tol*math.Abs(want) {
			t.Errorf("%s %v, R %v", what, got, want)
		}
	}
	for j, name := range []string{"age", "sex", "ph.ecog"} {
		close("exp(coef) "+name, s.ExpCoef[name], r.ExpCoef[j], 1e-5)
		close("p "+name, s.P[name], r.P[j], 1e-4)
		close("upper .95 "+name, s.Upper95[name], r.Upper95[j], 1e-5)
	}
	close("concordance", s.Concordance, r.Concordance, 1e-12)
	close("concordance se", s.ConcordanceSE, r.ConcordanceSE, 1e-12)
	close("likelihood-ratio test", s.LogTest.Test, r.LogTest.Test, 1e-5)
	close("Wald test", s.WaldTest.Test, r.WaldTest.Test, 1e-5)
	close("score test", s.ScoreTest.Test, r.ScoreTest.Test, 1e-5)

	stdout, _, status = runCommand(t, "coxph", "--data", data, "--covariates", "age,sex,ph.ecog", "--table")
	for _, want := range []string{"n= 213, number of events= 151", "exp(-coef)", "Concordance= 0.642  (se = 0.026 )",
		"Likelihood ratio test= 29.13  on 3 df", "Wald test            = 28.57  on 3 df", "Score (logrank) test = 29.13  on 3 df"} {
		if status != 0 || !strings.Contains(stdout, want) {
			t.Errorf("--table: no %q in\n%s", want, stdout)
		}
	}
	stdout, _, status = runCommand(t, "coxph", "--data", data, "--covariates", "age,sex", "--ridge", "1")
	if status != 0 || strings.Contains(stdout, `"summary"`) {
		t.Errorf("ridge fit: status %d, summary present: %v", status, strings.Contains(stdout, `"summary"`))
	}
}
