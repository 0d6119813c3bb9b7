// SPDX-License-Identifier: Apache-2.0

package slurm

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
)

var jobIDPattern = regexp.MustCompile(`^[0-9]+$`)

// Submit submits out's job script with `sbatch --parsable` (extra arguments
// before the script, such as --array=1,3 to resubmit some tasks), records
// the job id in the manifest and returns it.
func Submit(out string, extra ...string) (string, error) {
	m, ok, err := ReadManifest(out)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("%s holds no job: write it first (parachute slurm without --submit)", out)
	}
	args := append(append([]string{"--parsable"}, extra...), m.Script)
	cmd := exec.Command("sbatch", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("sbatch %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	// --parsable prints "id" or "id;cluster".
	id, _, _ := strings.Cut(strings.TrimSpace(stdout.String()), ";")
	if !jobIDPattern.MatchString(id) {
		return "", fmt.Errorf("sbatch %s printed %q, not a job id", strings.Join(args, " "), stdout.String())
	}
	m.JobIDs = append(m.JobIDs, id)
	return id, writeManifest(out, m)
}
