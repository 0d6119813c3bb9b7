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
		{[]string{"coxph", "--data", data, "--covariates", "age", "--ties", "exact"}, "breslow or efron"},
		{[]string{"coxph", "--data", "missing.csv", "--covariates", "age"}, "missing.csv"},
	} {
		if _, errOut, status := runCommand(t, c.args...); status != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: status %d, stderr %q", c.args, status, errOut)
		}
	}
}
