// SPDX-License-Identifier: Apache-2.0

package slurm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// Manifest is OUT/slurm/job.json: what `parachute collect` needs to say
// which shard a missing run belongs to and where its task logged.
type Manifest struct {
	// Shards is the array's size: run k of the grid is in shard k mod Shards.
	Shards int `json:"shards"`
	// Script is the job script, to resubmit tasks with sbatch --array.
	Script string `json:"script"`
	// JobIDs are the ids sbatch gave the script's submissions, oldest first.
	JobIDs []string `json:"job_ids,omitempty"`
}

// manifestPath is where a results folder's manifest lives.
func manifestPath(out string) string { return filepath.Join(out, Folder, "job.json") }

// ReadManifest reads out's manifest; ok is false when out holds none (a
// sweep not run through `parachute slurm`).
func ReadManifest(out string) (m Manifest, ok bool, err error) {
	path := manifestPath(out)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Manifest{}, false, nil
	}
	if err != nil {
		return Manifest{}, false, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, false, fmt.Errorf("%s: %w", path, err)
	}
	if m.Shards < 1 {
		return Manifest{}, false, fmt.Errorf("%s: shards %d: at least 1", path, m.Shards)
	}
	return m, true, nil
}

// writeManifest writes out's manifest atomically.
func writeManifest(out string, m Manifest) error {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(manifestPath(out), append(raw, '\n'))
}

// Prepare writes the job's files into Out/slurm: the grid (frozen: the
// shards index its runs), the script, the manifest and the logs folder. A
// folder that already holds a job for another grid or shard count is
// refused: its runs' shard numbers would change under the running tasks.
// Writing the same job again keeps its submitted job ids.
func Prepare(j Job, grid []byte) error {
	script, err := j.Script()
	if err != nil {
		return err
	}
	old, had, err := ReadManifest(j.Out)
	if err != nil {
		return err
	}
	if had {
		oldGrid, err := os.ReadFile(j.GridPath())
		if err != nil {
			return fmt.Errorf("%s holds a job whose grid is unreadable: %w", filepath.Join(j.Out, Folder), err)
		}
		if old.Shards != j.Shards || !bytes.Equal(oldGrid, grid) {
			return fmt.Errorf("%s already holds a job of %d shards on another grid or shard count: use another --out, or remove that folder once its job is over",
				filepath.Join(j.Out, Folder), old.Shards)
		}
	}
	if err := os.MkdirAll(filepath.Dir(LogPath(j.Out, 0)), 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(j.GridPath(), grid); err != nil {
		return err
	}
	if err := atomicfile.Write(j.ScriptPath(), []byte(script)); err != nil {
		return err
	}
	if err := os.Chmod(j.ScriptPath(), 0o755); err != nil {
		return err
	}
	return writeManifest(j.Out, Manifest{Shards: j.Shards, Script: j.ScriptPath(), JobIDs: slices.Clone(old.JobIDs)})
}
