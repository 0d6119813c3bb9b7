// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/parachute-surv/goparachute/parachute/model"
)

// readModelConfig reads a model.Config from JSON, starting from the paper
// configuration so that a file may set only some fields.
func readModelConfig(path string) (model.Config, error) {
	cfg := model.PaperConfig()
	raw, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, cfg.Validate()
}
