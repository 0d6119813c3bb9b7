// SPDX-License-Identifier: Apache-2.0

//go:build stockgomlx

package opclock

import "errors"

// Install is unavailable with -tags stockgomlx (no access to simplego's
// executors).
func Install() (*Clock, error) {
	return nil, errors.New("opclock: built with -tags stockgomlx: simplego's executors are out of reach")
}
