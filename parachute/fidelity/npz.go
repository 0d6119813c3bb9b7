// SPDX-License-Identifier: Apache-2.0

package fidelity

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// WriteNPZ writes arrays as a NumPy .npz archive (one NPY 1.0 '<f4' C-order
// entry per array, named <Name>.npy, as numpy.savez does), atomically.
// numpy.load(path)[name] reads them back with their shapes.
func WriteNPZ(path string, arrays []Array) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, a := range arrays {
		n := 1
		for _, d := range a.Shape {
			n *= d
		}
		if n != len(a.Data) {
			return fmt.Errorf("fidelity: array %s of shape %v holds %d values", a.Name, a.Shape, len(a.Data))
		}
		w, err := zw.Create(a.Name + ".npy")
		if err != nil {
			return err
		}
		if _, err := w.Write(npy(a)); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

// npy encodes one array as NPY 1.0: magic, version, header length, a
// Python-literal header padded with spaces to a multiple of 64 bytes, data.
func npy(a Array) []byte {
	dims := make([]string, len(a.Shape))
	for i, d := range a.Shape {
		dims[i] = strconv.Itoa(d)
	}
	shape := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	shape += ")"
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape)
	pad := (64 - (10+len(header)+1)%64) % 64
	header += strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	data := make([]byte, 4*len(a.Data))
	for i, v := range a.Data {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
	}
	b.Write(data)
	return b.Bytes()
}
