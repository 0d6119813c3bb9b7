// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/train"
)

// Any bytes as a run result, a sweep grid or a checkpoint give a value or
// an error, never a panic.
func FuzzLoadFiles(f *testing.F) {
	f.Add([]byte(`{"config":{},"hash":"x"}`))
	f.Add([]byte(`{"cohorts":["synth:pda"],"optimizers":["gcs"]}`))
	f.Add([]byte("\x00\x01PRCHSUM1"))
	f.Add([]byte(`{"hash":`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		root := t.TempDir()
		rc := RunConfig{Method: train.MethodParachute}
		path := ResultPath(root, rc)
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, raw, 0o644)
		LoadResult(root, rc)
		grid := filepath.Join(root, "grid.json")
		os.WriteFile(grid, raw, 0o644)
		ReadGrid(grid)
		ParseShard(string(raw))
	})
}
