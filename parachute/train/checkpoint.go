// SPDX-License-Identifier: Apache-2.0

package train

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// checkpointVersion changes whenever the file layout changes. Version 2:
// the gob followed by a length and SHA-256 trailer (atomicfile.WriteChecked).
const checkpointVersion = 2

// checkpoint is everything a run needs to continue exactly: every variable
// of the context (parameters, optimizer moments and step, the graph random
// state), the host random generator, the epochs done and the history.
type checkpoint struct {
	Version int
	Config  []byte // TrainConfig as JSON, checked on resume
	Epochs  int
	HostRNG []byte
	History []Epoch
	Vars    []savedVariable
}

type savedVariable struct {
	Scope, Name string
	DType       int
	Dims        []int
	Trainable   bool
	Data        []byte
}

// SaveCheckpoint writes the trainer's state after epochs completed epochs to
// path, atomically (temporary file, then rename).
func (t *Trainer) SaveCheckpoint(path string, epochs int, history []Epoch) error {
	cfg, err := json.Marshal(t.Config)
	if err != nil {
		return err
	}
	rngState, err := t.pcg.MarshalBinary()
	if err != nil {
		return err
	}
	ck := checkpoint{Version: checkpointVersion, Config: cfg, Epochs: epochs, HostRNG: rngState, History: history}
	for v := range t.ctx.IterVariables() {
		value, err := v.Value()
		if err != nil {
			return fmt.Errorf("checkpoint: variable %s: %w", v.ScopeAndName(), err)
		}
		sv := savedVariable{Scope: v.Scope(), Name: v.Name(), DType: int(value.DType()), Dims: value.Shape().Dimensions, Trainable: v.Trainable}
		value.ConstBytes(func(data []byte) { sv.Data = append([]byte(nil), data...) })
		ck.Vars = append(ck.Vars, sv)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&ck); err != nil {
		return err
	}
	return atomicfile.WriteChecked(path, buf.Bytes())
}

// errNoCheckpoint is returned by loadCheckpoint when path does not exist.
var errNoCheckpoint = errors.New("train: no checkpoint")

// errCorruptCheckpoint is returned by LoadCheckpoint for a checkpoint that is
// truncated or damaged (power loss, full disk) or of an older layout: the
// run starts over rather than resume from it.
var errCorruptCheckpoint = errors.New("train: checkpoint is truncated, damaged or of an older layout")

// LoadCheckpoint restores the state saved by SaveCheckpoint into a trainer
// built with the same configuration, before its first step, and returns the
// epochs done and the history. A checkpoint of another configuration is an
// error.
func (t *Trainer) LoadCheckpoint(path string) (int, []Epoch, error) {
	raw, err := atomicfile.ReadChecked(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil, errNoCheckpoint
	}
	if errors.Is(err, atomicfile.ErrCorrupt) {
		return 0, nil, fmt.Errorf("%w: %v", errCorruptCheckpoint, err)
	}
	if err != nil {
		return 0, nil, err
	}
	var ck checkpoint
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&ck); err != nil {
		return 0, nil, fmt.Errorf("%w: %s: %v", errCorruptCheckpoint, path, err)
	}
	if ck.Version != checkpointVersion {
		return 0, nil, fmt.Errorf("%w: %s: version %d, this build reads %d", errCorruptCheckpoint, path, ck.Version, checkpointVersion)
	}
	cfg, _ := json.Marshal(t.Config)
	if !bytes.Equal(cfg, ck.Config) {
		diffs, err := DiffSettings(json.RawMessage(ck.Config), t.Config)
		if err != nil {
			return 0, nil, fmt.Errorf("%w: %s: its configuration: %v", errCorruptCheckpoint, path, err)
		}
		return 0, nil, fmt.Errorf("checkpoint %s was written by another training configuration (in the checkpoint → asked):\n%s", path, FormatDiffs(diffs, 12))
	}
	if err := t.pcg.UnmarshalBinary(ck.HostRNG); err != nil {
		return 0, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	for _, sv := range ck.Vars {
		value := tensors.FromShape(shapes.Make(dtypes.DType(sv.DType), sv.Dims...))
		value.MutableBytes(func(data []byte) { copy(data, sv.Data) })
		if err := setVariable(t.ctx, sv.Scope, sv.Name, value, sv.Trainable); err != nil {
			return 0, nil, err
		}
	}
	return ck.Epochs, ck.History, nil
}
