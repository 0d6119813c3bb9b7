// SPDX-License-Identifier: Apache-2.0

//go:build cgo && !noblas && !stockgomlx

package blasdot

// VerifyEach makes every BLAS result be recomputed by simplego and compared;
// the returned function reports the first disagreement.
func VerifyEach() (stop func() error) {
	verifyErr.Store(nil)
	verifyEach.Store(true)
	return func() error {
		verifyEach.Store(false)
		if e := verifyErr.Load(); e != nil {
			return *e
		}
		return nil
	}
}
