// SPDX-License-Identifier: Apache-2.0

package slurm

import (
	"errors"
	"os"
	"strings"
)

// attemptHeader starts each attempt of a task in its log (see Job.Script).
const attemptHeader = "== task "

// LastAttempt returns the last attempt of task in its log under out: its
// "== task" line and its last lines, at most n (n ≥ 2) in all, and ok false when the task has not logged (never
// started, or its log is gone).
func LastAttempt(out string, task, n int) (lines []string, ok bool, err error) {
	raw, err := os.ReadFile(LogPath(out, task))
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	text := string(raw)
	if i := strings.LastIndex(text, attemptHeader); i >= 0 {
		text = text[i:]
	}
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimRight(l, "\r "); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n && n >= 2 {
		lines = append(lines[:1], lines[len(lines)-n+1:]...)
	}
	return lines, true, nil
}
