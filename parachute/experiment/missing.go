// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// MissingRun is a run of a sweep that has no result file in its results
// folder, and what the folder says about it.
type MissingRun struct {
	// Index is the run's place in the grid's runs ([Grid.Runs]); Shard is
	// Index mod the shard count, the array task that runs it.
	Index, Shard int
	Config       RunConfig
	// State says what the folder holds of the run: "not started", an
	// unreadable result file, a checkpoint (interrupted), a lock and its
	// holder.
	State string
}

// Describe names the run in one line: cohort, method, optimizer, fold,
// p_miss and seed.
func (m MissingRun) Describe() string { return describe(m.Config) }

// Missing lists the runs without a readable result file under root, in the
// order of runs, each with its shard among shards (see [Shard]).
func Missing(root string, runs []RunConfig, shards int) ([]MissingRun, error) {
	if shards < 1 {
		return nil, fmt.Errorf("experiment: %d shards: at least 1", shards)
	}
	var missing []MissingRun
	for i, cfg := range runs {
		_, ok, err := LoadResult(root, cfg)
		if ok {
			continue
		}
		m := MissingRun{Index: i, Shard: i % shards, Config: cfg, State: "not started"}
		switch {
		case err != nil:
			m.State = "result file unreadable (it will be trained again): " + err.Error()
		case exists(checkpointPath(root, cfg)):
			st, _ := os.Stat(checkpointPath(root, cfg))
			m.State = fmt.Sprintf("interrupted: a checkpoint from %s (it resumes there)", st.ModTime().UTC().Format(time.RFC3339))
		}
		host, _ := os.Hostname()
		if holder, stale := inspectLock(lockPath(root, cfg.Hash()), host); exists(lockPath(root, cfg.Hash())) {
			who := "an unknown process"
			if holder != nil {
				who = fmt.Sprintf("pid %d on %s since %s", holder.PID, holder.Host, holder.Started.Format(time.RFC3339))
			}
			switch {
			case stale:
				m.State += "; a stale lock of " + who + " (the next attempt takes it over)"
			case m.State == "not started":
				m.State = "being trained by " + who
			default:
				m.State += "; being trained by " + who
			}
		}
		missing = append(missing, m)
	}
	return missing, nil
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}
