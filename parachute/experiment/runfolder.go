// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// TrainIdentity is what a run folder ("parachute train --out DIR") holds a
// run of: the cohort (source, name, generator seed, encoders), the fold and
// the whole training configuration. Two calls train the same run exactly
// when their identities have the same [Settings].
type TrainIdentity struct {
	Cohort data.CohortSpec   `json:"cohort"`
	Fold   int               `json:"fold"`
	Train  train.TrainConfig `json:"train"`
}

// IdentityFile is the file of a run folder that records its [TrainIdentity].
const IdentityFile = "identity.json"

// ClaimRunFolder makes dir the folder of the run id, before any training:
// an empty or absent folder gets id written into its IdentityFile
// (atomically) and ClaimRunFolder returns false; a folder whose IdentityFile
// records id returns true (its checkpoint and result are this run's, to
// resume or redo). A folder that records another run is an error naming
// every setting that differs, and one that holds a run.json or checkpoint
// but no IdentityFile (written by an earlier version) is an error too: its
// checkpoint could be another run's, and resuming from it would score one
// run's model as another's.
func ClaimRunFolder(dir string, id TrainIdentity) (bool, error) {
	path := filepath.Join(dir, IdentityFile)
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		var have TrainIdentity
		if err := json.Unmarshal(raw, &have); err != nil {
			return false, fmt.Errorf("%s: %w (delete %s, or use another folder)", path, err, dir)
		}
		diffs, err := train.DiffSettings(have, id)
		if err != nil {
			return false, err
		}
		if len(diffs) > 0 {
			return false, fmt.Errorf("%s holds another run: %d setting(s) differ (in the folder → asked):\n%s\n"+
				"train this one into another folder (a new --out), or delete %s to replace that run", dir, len(diffs), train.FormatDiffs(diffs, 12), dir)
		}
		return true, nil
	case !errors.Is(err, os.ErrNotExist):
		return false, err
	}
	for _, f := range []string{"run.json", "checkpoint.gob"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return false, fmt.Errorf("%s holds a run (%s) that does not record which (no %s: written by an earlier version); "+
				"train into another folder (a new --out), or delete %s", dir, f, IdentityFile, dir)
		}
	}
	raw, err = json.MarshalIndent(id, "", "  ")
	if err != nil {
		return false, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	return false, atomicfile.Write(path, append(raw, '\n'))
}

// WriteJSON writes v as indented JSON to path atomically.
func WriteJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(raw, '\n'))
}
