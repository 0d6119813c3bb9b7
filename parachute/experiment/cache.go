// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// RunResult is the result file of one run, written to
// <root>/runs/<config hash>.json.
type RunResult struct {
	Config  RunConfig     `json:"config"`
	Hash    string        `json:"hash"`
	Params  int           `json:"params"`
	Seconds float64       `json:"seconds"`
	History []train.Epoch `json:"history"`
	// Warnings are a linear baseline's fit warnings (R's, for CoxPH), and
	// Lambda CoxNet's penalty chosen inside the training fold.
	Warnings []string `json:"warnings,omitempty"`
	Lambda   float64  `json:"lambda,omitempty"`
	train.Evaluation
	// OracleC is the generator's oracle C of a synthetic cohort's test fold.
	OracleC *float64 `json:"oracle_c,omitempty"`
	// Checksum is the SHA-256 of the file's JSON with this field empty: a
	// damaged file (power loss, a full disk, an edit) is retrained, never
	// read. Files written before the field existed have none and are read
	// as they are.
	Checksum string `json:"checksum,omitempty"`
}

// ErrCorruptResult is returned by LoadResult for a result file that does
// not parse or whose checksum does not match.
var ErrCorruptResult = errors.New("experiment: result file is truncated or damaged")

// checksum returns the SHA-256 of r's JSON without its checksum.
func (r RunResult) checksum() (string, error) {
	r.Checksum = ""
	raw, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// writeResult writes r with its checksum, atomically.
func writeResult(path string, r *RunResult) error {
	sum, err := r.checksum()
	if err != nil {
		return err
	}
	r.Checksum = sum
	return WriteJSON(path, r)
}

// ResultPath is where the result of cfg lives under root.
func ResultPath(root string, cfg RunConfig) string {
	return filepath.Join(root, "runs", cfg.Hash()+".json")
}

// LoadResult reads a finished run's result file; ok is false when there is
// none. A file that does not parse (a run killed mid-write cannot leave one:
// writes are atomic) or belongs to another configuration is an error.
func LoadResult(root string, cfg RunConfig) (*RunResult, bool, error) {
	path := ResultPath(root, cfg)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	r, err := parseResult(path, raw)
	if err != nil {
		return nil, false, err
	}
	if r.Hash != cfg.Hash() {
		return nil, false, fmt.Errorf("%s holds run %s, not %s", path, r.Hash, cfg.Hash())
	}
	return r, true, nil
}

// ReadResult reads a result file of the cache by its path, checking its
// checksum (see RunResult.Checksum).
func ReadResult(path string) (*RunResult, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseResult(path, raw)
}

// parseResult decodes a result file and checks its checksum.
func parseResult(path string, raw []byte) (*RunResult, error) {
	var r RunResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrCorruptResult, err)
	}
	if r.Checksum != "" {
		if sum, err := r.checksum(); err != nil || sum != r.Checksum {
			return nil, fmt.Errorf("%s: %w: checksum mismatch", path, ErrCorruptResult)
		}
	}
	return &r, nil
}

// lockRun takes the run's lock (see runLock), waiting while another live
// process holds it; when that process finishes the run meanwhile, it
// returns its result instead of the lock.
func lockRun(root string, cfg RunConfig, progress io.Writer) (*runLock, *RunResult, error) {
	announced := false
	for {
		l, holder, err := tryLock(root, cfg.Hash())
		if err != nil {
			return nil, nil, err
		}
		if l != nil {
			if r, ok, err := LoadResult(root, cfg); err == nil && ok {
				l.release()
				return nil, r, nil
			}
			return l, nil, nil
		}
		if !announced && progress != nil && holder != nil {
			fmt.Fprintf(progress, "run %s is being trained by process %d on %s: waiting for it\n", cfg.Hash(), holder.PID, holder.Host)
			announced = true
		}
		time.Sleep(lockPoll)
		if r, ok, err := LoadResult(root, cfg); err == nil && ok {
			return nil, r, nil
		}
	}
}

// RunOptions are the run-time settings of [RunOrLoad].
type RunOptions struct {
	train.TrainOptions
	// Cohorts caches opened cohorts by spec (nil: open each time).
	Cohorts *CohortCache
	// Stack is the most runs RunAll trains in one graph (TrainerStack): 0
	// means AutoStack; 1 trains one run at a time. A stack also takes no
	// more runs than fit in StackMemory bytes, shared by the workers
	// (RunMemoryBytes each; 0: StackMemoryBudget, negative: no budget).
	Stack       int
	StackMemory int64
	// StackLayout is how a stack holds its runs (default LayoutAuto).
	StackLayout train.StackLayout
}

// RunOrLoad returns the result of cfg: read from root when the run has
// finished before, otherwise trained (resuming from its checkpoint under
// root/checkpoints if a previous attempt was killed), evaluated and written
// atomically.
func RunOrLoad(root string, cfg RunConfig, opts RunOptions) (*RunResult, bool, error) {
	if err := cfg.Validate(); err != nil {
		return nil, false, err
	}
	r, ok, err := LoadResult(root, cfg)
	switch {
	case errors.Is(err, ErrCorruptResult):
		// Retrain rather than read a damaged result.
		if notes := opts.NotesWriter(); notes != nil {
			fmt.Fprintf(notes, "%v: retraining\n", err)
		}
	case err != nil:
		return nil, false, err
	case ok:
		clearStaleLock(root, cfg.Hash())
		return r, true, nil
	}
	lock, r, err := lockRun(root, cfg, opts.NotesWriter())
	if err != nil || r != nil {
		return r, r != nil, err
	}
	defer lock.release()
	began := time.Now()
	clock := opts.Clock
	end := clock.Start(train.PhaseCohort)
	c, err := opts.Cohorts.Open(cfg.Cohort)
	end()
	if err != nil {
		return nil, false, err
	}
	if cfg.Fold >= len(c.Folds) {
		return nil, false, fmt.Errorf("experiment: fold %d of cohort %s with %d folds", cfg.Fold, c.Name, len(c.Folds))
	}
	r = &RunResult{Config: cfg, Hash: cfg.Hash()}
	var model train.Predictor
	to := opts.cachedRunTraining()
	to.Checkpoint = checkpointPath(root, cfg)
	if train.IsLinear(cfg.Method) {
		m, err := train.FitLinear(c, cfg.Fold, cfg.Method, cfg.Train)
		if err != nil {
			return nil, false, err
		}
		model, r.Params, r.Warnings, r.Lambda = m, len(m.Coef), m.Warnings, m.Lambda
	} else {
		end := clock.Start(train.PhaseTraining)
		res, err := train.Train(c, cfg.Fold, cfg.Train, to)
		end()
		if err != nil {
			return nil, false, err
		}
		if !res.Done {
			return nil, false, fmt.Errorf("experiment: run %s stopped early", cfg.Hash())
		}
		model, r.Params, r.History = res.Trainer, res.Trainer.ParameterCount(), res.History
	}
	end = clock.Start(train.PhaseEvaluate)
	ev, err := train.Evaluate(model, cfg.Train.PMiss, c, cfg.Fold, cfg.Eval)
	end()
	if err != nil {
		return nil, false, err
	}
	defer clock.Start(train.PhaseWrite)()
	if err := finishResult(root, c, r, ev, began, to.Checkpoint); err != nil {
		return nil, false, err
	}
	return r, false, nil
}

// finishResult completes a trained run's result (its evaluation, seconds
// since began, a synthetic cohort's oracle C), writes it atomically and
// removes the run's checkpoint, which it supersedes, and the temporary files
// of attempts killed while writing its checkpoint or result.
func finishResult(root string, c *data.Cohort, r *RunResult, ev *train.Evaluation, began time.Time, checkpoint string) error {
	r.Evaluation, r.Seconds = *ev, time.Since(began).Seconds()
	if c.Synthetic != nil {
		test := c.Folds[r.Config.Fold].Test
		oc := float64(train.Harrell(c.OutcomesOf(test), pick(c.Synthetic.LogHazard, test)))
		r.OracleC = &oc
	}
	if err := writeResult(ResultPath(root, r.Config), r); err != nil {
		return err
	}
	os.Remove(checkpoint)
	// The run's lock is held: temporary files of its checkpoint or result
	// are a killed attempt's.
	atomicfile.RemoveLeftovers(checkpoint)
	atomicfile.RemoveLeftovers(ResultPath(root, r.Config))
	return nil
}

// checkpointPath is where the checkpoint of an unfinished run lives under
// root.
func checkpointPath(root string, cfg RunConfig) string {
	return filepath.Join(root, "checkpoints", cfg.Hash()+".gob")
}

// defaultCheckpointEvery is how often (epochs) a cached run writes its
// checkpoint when RunOptions does not say.
const defaultCheckpointEvery = 10

// cachedRunTraining is the training options of a cached run (RunOrLoad, a
// stack's runs): opts' own, checkpointing every defaultCheckpointEvery
// epochs unless they say.
func (opts RunOptions) cachedRunTraining() train.TrainOptions {
	to := opts.TrainOptions
	if to.CheckpointEvery == 0 {
		to.CheckpointEvery = defaultCheckpointEvery
	}
	return to
}

func pick(x []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = x[i]
	}
	return out
}

// CohortCache opens each cohort spec once (cohorts are read-only once
// built); safe for concurrent use.
type CohortCache struct {
	mu sync.Mutex
	m  map[string]*data.Cohort
}

// Open returns the cohort of a spec, opening it on first use; a nil cache
// opens every time.
func (cc *CohortCache) Open(spec data.CohortSpec) (*data.Cohort, error) {
	if cc == nil {
		return data.Open(spec)
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	key, _ := json.Marshal(spec)
	if c, ok := cc.m[string(key)]; ok {
		return c, nil
	}
	c, err := data.Open(spec)
	if err != nil {
		return nil, err
	}
	if cc.m == nil {
		cc.m = map[string]*data.Cohort{}
	}
	cc.m[string(key)] = c
	return c, nil
}
