// SPDX-License-Identifier: Apache-2.0

package main

import "testing"

// The command line's value parsers give values or errors, never panics.
func FuzzParseFlags(f *testing.F) {
	for _, s := range []string{"200,400", "", ",", "1e309", "NaN,-1", "0.5, 1 ,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseTimes(s)
		parseFloats("lambda", s)
	})
}
