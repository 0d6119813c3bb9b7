// SPDX-License-Identifier: Apache-2.0

package formats

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio"
	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npy/float16"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// SeriesExtensions are the file name extensions of CT feature files: NumPy
// (.npy) and PyTorch (.pt, .pth, saved with torch.save), as the authors'
// loader accepts.
var SeriesExtensions = []string{".npy", ".pt", ".pth"}

// IsSeriesFile reports whether a file name has one of [SeriesExtensions].
func IsSeriesFile(name string) bool {
	return slices.Contains(SeriesExtensions, filepath.Ext(name))
}

// ReadSeriesFeatures reads the MedImageInsight features of one CT series:
// shape [S, D] (one embedding per slice) or [D] (a single pooled embedding,
// returned as S = 1), returned as row-major float32. A .pt or .pth file is
// read as a tensor saved with torch.save (float16, bfloat16, float32 or
// float64, any strides); any other name as a NumPy .npy file (float16,
// float32 or float64, C or Fortran order). Errors name the file and wrap
// ErrFormat: not a file of the format, another rank, no slices, a
// non-float type, truncated data.
func ReadSeriesFeatures(path string) (slices, width int, features []float32, err error) {
	if ext := filepath.Ext(path); ext == ".pt" || ext == ".pth" {
		return readTorchSeries(path)
	}
	return readNPYSeries(path)
}

func readNPYSeries(path string) (slices, width int, features []float32, err error) {
	defer GuardDecoder(path, &err)
	fault := func(err error) error { return &FileError{Path: path, Err: err} }
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, nil, fault(fmt.Errorf("%w: %v", ErrFormat, err))
	}
	if err := checkNPY(raw); err != nil {
		return 0, 0, nil, fault(fmt.Errorf("%w: not a complete NumPy .npy file: %v", ErrFormat, err))
	}
	r, err := npyio.NewReader(bytes.NewReader(raw))
	if err != nil {
		return 0, 0, nil, fault(fmt.Errorf("%w: not a NumPy .npy file: %v", ErrFormat, err))
	}
	shape := r.Header.Descr.Shape
	switch len(shape) {
	case 1:
		slices, width = 1, shape[0]
	case 2:
		slices, width = shape[0], shape[1]
	default:
		return 0, 0, nil, fault(Faultf(ErrFormat, "array has shape %v, expected [S, D] or [D]", shape))
	}
	if slices == 0 || width == 0 {
		return 0, 0, nil, fault(Faultf(ErrFormat, "array has shape %v: no slices", shape))
	}
	var arr npy.Array
	if err := r.Read(&arr); err != nil {
		return 0, 0, nil, fault(fmt.Errorf("%w: reading %s array: %v", ErrFormat, r.Header.Descr.Type, err))
	}
	n := slices * width
	features = make([]float32, n)
	values := reflect.ValueOf(arr.Data())
	if values.Kind() != reflect.Slice || values.Len() != n {
		return 0, 0, nil, fault(Faultf(ErrFormat, "%s array of shape %v holds %d values: truncated", r.Header.Descr.Type, shape, values.Len()))
	}
	switch data := arr.Data().(type) {
	case []float32:
		copy(features, data)
	case []float64:
		for i, v := range data {
			features[i] = float32(v)
		}
	case []float16.Num:
		for i, v := range data {
			features[i] = v.Float32()
		}
	default:
		return 0, 0, nil, fault(Faultf(ErrFormat, "dtype %s is not a float type", r.Header.Descr.Type))
	}
	if arr.Fortran() && len(shape) == 2 {
		// Column-major on disk: element (s, d) is at d·S + s.
		cm := features
		features = make([]float32, n)
		for s := range slices {
			for d := range width {
				features[s*width+d] = cm[d*slices+s]
			}
		}
	}
	return slices, width, features, nil
}

// npyDescr, npyFortran and npyShape find the entries of a .npy header
// dictionary (NEP 1), in any order.
var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([<>|=]?)([a-zA-Z])(\d+)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([\d\s,]*)\)`)
)

// checkNPY validates a .npy file before the decoder sees it (npyio v0.14.0
// panics on truncated headers): the magic string, a version of 1, 2 or 3,
// a header length within the file, a header dictionary with descr,
// fortran_order and shape, and at least shape × item size bytes of data.
func checkNPY(raw []byte) error {
	if len(raw) < 10 || string(raw[:6]) != "\x93NUMPY" {
		return fmt.Errorf("no .npy magic string (%d bytes)", len(raw))
	}
	major := raw[6]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(raw[8:10])), 10
	case 2, 3:
		if len(raw) < 12 {
			return fmt.Errorf("version %d header cut short", major)
		}
		hlen, start = int(binary.LittleEndian.Uint32(raw[8:12])), 12
	default:
		return fmt.Errorf("unknown .npy version %d", major)
	}
	if hlen <= 0 || start+hlen > len(raw) {
		return fmt.Errorf("header of %d bytes in a file of %d", hlen, len(raw))
	}
	header := string(raw[start : start+hlen])
	d := npyDescr.FindStringSubmatch(header)
	if d == nil || npyFortran.FindString(header) == "" {
		return fmt.Errorf("header %q lacks descr or fortran_order", header)
	}
	sh := npyShape.FindStringSubmatch(header)
	if sh == nil {
		return fmt.Errorf("header %q lacks a shape", header)
	}
	n := 1
	for _, f := range strings.Split(sh[1], ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k, err := strconv.Atoi(f)
		if err != nil || k < 0 || k > 1<<31 {
			return fmt.Errorf("shape %q", sh[1])
		}
		n *= k
		if n > 1<<31 {
			return fmt.Errorf("shape %q too large", sh[1])
		}
	}
	item, _ := strconv.Atoi(d[3])
	if item <= 0 || item > 16 {
		return fmt.Errorf("item size %q", d[3])
	}
	if have := len(raw) - start - hlen; have < n*item {
		return fmt.Errorf("%d data bytes for shape (%s) of %d-byte items: truncated", have, sh[1], item)
	}
	return nil
}

// WriteSeriesFeatures writes [slices, width] row-major float32 features as a
// NumPy 1.0 .npy file ('<f4', C order), atomically.
func WriteSeriesFeatures(path string, slices, width int, features []float32) error {
	if len(features) != slices*width {
		return &FileError{Path: path, Err: Faultf(ErrFormat, "%d values for shape [%d, %d]", len(features), slices, width)}
	}
	var b bytes.Buffer
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", slices, width)
	// Magic (6) + version (2) + header length (2) + header + '\n' must be a
	// multiple of 64 bytes (NEP 1).
	pad := 64 - (10+len(header)+1)%64
	header += string(bytes.Repeat([]byte{' '}, pad%64)) + "\n"
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	buf := make([]byte, 4*len(features))
	for i, v := range features {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	b.Write(buf)
	if err := atomicfile.Write(path, b.Bytes()); err != nil {
		return &FileError{Path: filepath.Clean(path), Err: err}
	}
	return nil
}
