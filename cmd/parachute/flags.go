// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// commandFlags is one command's flag set and what its help shows: a usage
// line (the required flags, then [flags]: every other flag is optional and
// its default is listed), what the command does, and an example that runs
// as written.
type commandFlags struct {
	*flag.FlagSet
	name, about, example string
}

// newFlags returns the flag set of the command name ("train", "data synth").
func newFlags(name, about, example string) *commandFlags {
	return &commandFlags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), name: name, about: about, example: example}
}

// flagRule is a check of parsed flags: required lists flags that must be
// given (and shows them in the usage line); check returns an error that
// names the flag and says what it wants.
type flagRule struct {
	required []string
	check    func() error
}

// errFlagsOnly ends a command right after its flags were parsed and checked,
// when flagsOnly is set: the flag tests and fuzz target run every command's
// parsing and checks without doing its work.
var (
	errFlagsOnly = errors.New("flags checked")
	flagsOnly    = false
	captured     *flag.FlagSet // with flagsOnly: the last flag set parsed
)

// dashFlag matches a flag named with one dash in the flag package's errors.
var dashFlag = regexp.MustCompile(`(^|[ :])-([a-z])`)

// parse parses args. -h or --help prints the help to stdout and returns
// errHelp (exit 0). A flag that does not parse, a positional argument, a
// missing required flag or a value a rule refuses is an error that names
// the flag (exit 2); the usage line and a pointer to -h go to stderr. Every
// rule runs, and every failure is reported.
func (f *commandFlags) parse(args []string, stdout, stderr io.Writer, rules ...flagRule) error {
	f.SetOutput(io.Discard)
	f.Usage = func() {}
	if flagsOnly {
		captured = f.FlagSet
	}
	err := f.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		f.printHelp(stdout, rules)
		return errHelp
	}
	if err != nil && strings.HasPrefix(err.Error(), "flag provided but not defined: ") {
		err = f.unknownFlag(strings.TrimLeft(strings.TrimPrefix(err.Error(), "flag provided but not defined: "), "-"))
	} else if err != nil {
		err = errors.New(dashFlag.ReplaceAllString(err.Error(), "$1--$2")) // "for flag -steps" → "--steps"
	}
	if err == nil && f.NArg() > 0 {
		err = fmt.Errorf("unexpected arguments %q (every input is given by a flag)", f.Args())
	}
	if err == nil {
		var errs []error
		for _, r := range rules {
			for _, name := range r.required {
				if fl := f.Lookup(name); fl != nil && fl.Value.String() == "" {
					errs = append(errs, fmt.Errorf("--%s is required", name))
				}
			}
			if r.check != nil {
				if e := r.check(); e != nil {
					errs = append(errs, e)
				}
			}
		}
		err = errors.Join(errs...)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s\n(parachute %s -h for its flags)\n", f.usageLine(rules), f.name)
		return err
	}
	if flagsOnly {
		return errFlagsOnly
	}
	return nil
}

// unknownFlag is the error of a flag the command does not define, with the
// flag it most likely meant: one within two edits, or one that names the
// same idea more precisely (--seed → --data-seed where a command has only the
// generator seed).
func (f *commandFlags) unknownFlag(name string) error {
	var names []string
	f.VisitAll(func(fl *flag.Flag) { names = append(names, fl.Name) })
	hint := didYouMean(name, names)
	if hint == "" {
		for _, n := range names {
			if strings.HasSuffix(n, "-"+name) || strings.HasPrefix(n, name+"-") {
				hint = fmt.Sprintf("; did you mean %q?", "--"+n)
				break
			}
		}
	} else {
		hint = strings.Replace(hint, `"`, `"--`, 1)
	}
	return fmt.Errorf("--%s: no such flag for %s%s", name, f.name, hint)
}

// usageLine is "usage: parachute NAME --req VALUE ... [flags]".
func (f *commandFlags) usageLine(rules []flagRule) string {
	line := "usage: parachute " + f.name
	for _, r := range rules {
		for _, name := range r.required {
			if fl := f.Lookup(name); fl != nil {
				placeholder := strings.ToUpper(name)
				if strings.Contains(fl.Usage, "`") {
					placeholder, _ = flag.UnquoteUsage(fl)
				}
				line += fmt.Sprintf(" --%s %s", name, placeholder)
			}
		}
	}
	return line + " [flags]"
}

func (f *commandFlags) printHelp(w io.Writer, rules []flagRule) {
	fmt.Fprintf(w, "%s\n\n%s\n", f.usageLine(rules), strings.TrimSpace(f.about))
	if f.example != "" {
		fmt.Fprintf(w, "\nexample:\n  %s\n", f.example)
	}
	fmt.Fprintln(w, "\nflags:")
	f.SetOutput(w)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
}

// required makes flags mandatory.
func required(names ...string) flagRule { return flagRule{required: names} }

// check is a rule of its own.
func check(fn func() error) flagRule { return flagRule{check: fn} }

// atLeast wants an integer flag ≥ min; meaning says what the bound means
// ("0: the profile's").
func atLeast(name string, v *int, min int, meaning string) flagRule {
	return check(func() error {
		if *v < min {
			return fmt.Errorf("--%s %d: want an integer ≥ %d%s", name, *v, min, parenthesised(meaning))
		}
		return nil
	})
}

// atMost wants an integer flag ≤ max.
func atMost(name string, v *int, max int, meaning string) flagRule {
	return check(func() error {
		if *v > max {
			return fmt.Errorf("--%s %d: want an integer ≤ %d%s", name, *v, max, parenthesised(meaning))
		}
		return nil
	})
}

// inRange wants a float flag in [lo, hi] (finite).
func inRange(name string, v *float64, lo, hi float64, meaning string) flagRule {
	return check(func() error {
		if math.IsNaN(*v) || *v < lo || *v > hi {
			return fmt.Errorf("--%s %v: want a number in [%v, %v]%s", name, *v, lo, hi, parenthesised(meaning))
		}
		return nil
	})
}

// positive wants a float flag > 0 and finite, or exactly zero when
// zeroMeans says what zero means.
func positive(name string, v *float64, zeroMeans string) flagRule {
	return check(func() error {
		if *v == 0 && zeroMeans != "" || *v > 0 && !math.IsInf(*v, 0) {
			return nil
		}
		if zeroMeans != "" {
			return fmt.Errorf("--%s %v: want a positive finite number, or 0 (%s)", name, *v, zeroMeans)
		}
		return fmt.Errorf("--%s %v: want a positive finite number", name, *v)
	})
}

// oneOf wants a string flag among choices.
func oneOf(name string, v *string, choices ...string) flagRule {
	return check(func() error {
		if !slices.Contains(choices, *v) {
			return fmt.Errorf("--%s %q: want one of %s%s", name, *v, strings.Join(choices, ", "), didYouMean(*v, choices))
		}
		return nil
	})
}

// existingDir wants a flag naming a folder that exists (when given); what
// names what the folder should hold, for the message.
func existingDir(name string, v *string, what string) flagRule {
	return existingPath(name, v, true, "folder", "want "+what)
}

// existingFile wants a flag naming a file that exists (when given; "-" is
// standard input).
func existingFile(name string, v *string) flagRule {
	return existingPath(name, v, false, "file", "")
}

// existingPath wants a flag naming an existing folder (dir) or file.
func existingPath(name string, v *string, dir bool, kind, want string) flagRule {
	return check(func() error {
		if *v == "" || *v == "-" {
			return nil
		}
		st, err := os.Stat(*v)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("--%s %q: no such %s%s", name, *v, kind, parenthesised(want))
		case err != nil:
			return fmt.Errorf("--%s %q: %w", name, *v, err)
		case st.IsDir() != dir:
			return fmt.Errorf("--%s %q: not a %s%s", name, *v, kind, parenthesised(want))
		}
		return nil
	})
}

// holdsFile wants a folder flag whose folder holds file (a run folder's
// run.json), when given.
func holdsFile(name string, v *string, file, what string) flagRule {
	return check(func() error {
		if *v == "" {
			return nil
		}
		if _, err := os.Stat(filepath.Join(*v, file)); err != nil {
			return fmt.Errorf("--%s %q: no %s there (want %s)", name, *v, file, what)
		}
		return nil
	})
}

func parenthesised(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// didYouMean returns `; did you mean "x"?` for the choice closest to s
// within two edits, or "".
func didYouMean(s string, choices []string) string {
	best, bestD := "", 3
	for _, c := range choices {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || s == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b (in bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
