// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/testutil"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// The committed GPU check holds the risks XLA CUDA computed for the float64
// benchmark model; the same weights and batch on this machine's CPU backend
// reproduce them, so the record is tied to this code (the workload and the
// initial weights are deterministic) and CUDA's float64 arithmetic matches.
func TestCommittedCUDARisksMatchTheCPUBackend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the paper-size model in float64")
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "bench", "results", "gpu-h200-20261127", "compare-float64.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Agreement Agreement `json:"agreement_with_cpu"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	tr, patients, err := benchWorkload(b, train.ProfilePaper, "adamw", dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	risks, err := tr.Predict(patients, nil)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckAllClose(t, "CPU float64 risks vs CUDA's", risks, rec.Agreement.RiskOther, testutil.Float64Backends)
}
