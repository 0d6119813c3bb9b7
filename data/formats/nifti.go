// SPDX-License-Identifier: Apache-2.0

package formats

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// Mask is a 3-D segmentation (tumour = 1, background = 0) with its voxel
// spacing, as read from a NIfTI-1 file. Voxels are stored x fastest:
// index = x + Nx·(y + Ny·z).
type Mask struct {
	Dims    [3]int     // Nx, Ny, Nz
	Spacing [3]float64 // voxel size in mm along x, y, z
	Voxels  []uint8
}

// At returns the voxel at (x, y, z).
func (m *Mask) At(x, y, z int) uint8 { return m.Voxels[x+m.Dims[0]*(y+m.Dims[1]*z)] }

// nifti1HeaderSize is sizeof_hdr of NIfTI-1; data follows at vox_offset ≥ 352.
const nifti1HeaderSize = 348

// ReadMask reads a NIfTI-1 volume (.nii, or gzip-compressed .nii.gz,
// detected from the content) as a binary mask: every voxel whose scaled value
// (scl_slope·v + scl_inter, when scl_slope ≠ 0) is non-zero is tumour. It
// accepts either byte order, 3-D volumes (or 4-D with one volume), and the
// integer and float data types of the standard (uint8, int8, int16, uint16,
// int32, uint32, float32, float64). Spacing comes from pixdim[1..3], converted
// to mm from the header's spatial unit (metre, mm or µm; unknown units are
// taken as mm). Errors name the file and the fault.
func ReadMask(path string) (_ *Mask, err error) {
	defer GuardDecoder(path, &err)
	fault := func(err error) (*Mask, error) { return nil, &FileError{Path: path, Err: err} }
	raw, err := os.ReadFile(path)
	if err != nil {
		return fault(fmt.Errorf("%w: %v", ErrFormat, err))
	}
	if len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return fault(fmt.Errorf("%w: gzip: %v", ErrFormat, err))
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return fault(fmt.Errorf("%w: gzip: %v", ErrFormat, err))
		}
	}
	if len(raw) < nifti1HeaderSize {
		return fault(Faultf(ErrFormat, "%d bytes: shorter than a NIfTI-1 header", len(raw)))
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch {
	case binary.LittleEndian.Uint32(raw) == nifti1HeaderSize:
	case binary.BigEndian.Uint32(raw) == nifti1HeaderSize:
		bo = binary.BigEndian
	default:
		return fault(Faultf(ErrFormat, "sizeof_hdr is not 348: not a NIfTI-1 file"))
	}
	if magic := string(raw[344:347]); magic != "n+1" && magic != "ni1" {
		return fault(Faultf(ErrFormat, "magic %q is not NIfTI-1", magic))
	}
	i16 := func(off int) int { return int(int16(bo.Uint16(raw[off:]))) }
	f32 := func(off int) float64 { return float64(math.Float32frombits(bo.Uint32(raw[off:]))) }
	ndim := i16(40)
	if ndim < 3 || ndim > 7 {
		return fault(Faultf(ErrFormat, "%d dimensions, expected a 3-D volume", ndim))
	}
	m := &Mask{}
	n := 1
	for k := range 3 {
		m.Dims[k] = i16(42 + 2*k)
		if m.Dims[k] < 1 {
			return fault(Faultf(ErrFormat, "dim[%d] = %d", k+1, m.Dims[k]))
		}
		n *= m.Dims[k]
	}
	for k := 3; k < ndim; k++ {
		if d := i16(42 + 2*k); d > 1 {
			return fault(Faultf(ErrFormat, "dim[%d] = %d: more than one volume", k+1, d))
		}
	}
	unit := 1.0 // xyzt_units & 7: 1 metre, 2 mm, 3 µm
	switch raw[123] & 7 {
	case 1:
		unit = 1000
	case 3:
		unit = 0.001
	}
	for k := range 3 {
		m.Spacing[k] = math.Abs(f32(80+4*k)) * unit
		if !(m.Spacing[k] > 0) || math.IsInf(m.Spacing[k], 0) {
			return fault(Faultf(ErrFormat, "pixdim[%d] = %v: voxel spacing must be > 0", k+1, m.Spacing[k]))
		}
	}
	datatype, bitpix := i16(70), i16(72)
	size := map[int]int{2: 1, 256: 1, 4: 2, 512: 2, 8: 4, 768: 4, 16: 4, 64: 8}[datatype]
	if size == 0 || bitpix != 8*size {
		return fault(Faultf(ErrFormat, "datatype %d (bitpix %d) is not an integer or float type this reader supports", datatype, bitpix))
	}
	offset := int(f32(108))
	if string(raw[344:347]) == "ni1" || offset < 348 {
		return fault(Faultf(ErrFormat, "vox_offset %d: only single-file .nii volumes are supported", offset))
	}
	if len(raw) < offset+n*size {
		return fault(Faultf(ErrFormat, "%d voxel bytes, header needs %d: truncated", len(raw)-offset, n*size))
	}
	slope, inter := f32(112), f32(116)
	data := raw[offset:]
	m.Voxels = make([]uint8, n)
	for i := range n {
		var v float64
		b := data[i*size:]
		switch datatype {
		case 2:
			v = float64(b[0])
		case 256:
			v = float64(int8(b[0]))
		case 4:
			v = float64(int16(bo.Uint16(b)))
		case 512:
			v = float64(bo.Uint16(b))
		case 8:
			v = float64(int32(bo.Uint32(b)))
		case 768:
			v = float64(bo.Uint32(b))
		case 16:
			v = float64(math.Float32frombits(bo.Uint32(b)))
		case 64:
			v = math.Float64frombits(bo.Uint64(b))
		}
		if slope != 0 && !math.IsNaN(slope) {
			v = slope*v + inter
		}
		if v != 0 && !math.IsNaN(v) {
			m.Voxels[i] = 1
		}
	}
	return m, nil
}

// WriteMask writes the mask as a gzip-compressed single-file NIfTI-1 volume
// (uint8, little-endian, spacing in mm stored as float32 as the format does,
// an axis-aligned sform), atomically.
func WriteMask(path string, m *Mask) error {
	if len(m.Voxels) != m.Dims[0]*m.Dims[1]*m.Dims[2] {
		return &FileError{Path: path, Err: Faultf(ErrFormat, "%d voxels for dims %v", len(m.Voxels), m.Dims)}
	}
	hdr := make([]byte, 352)
	le := binary.LittleEndian
	le.PutUint32(hdr[0:], nifti1HeaderSize)
	hdr[38] = 'r' // regular
	le.PutUint16(hdr[40:], 3)
	for k := range 3 {
		le.PutUint16(hdr[42+2*k:], uint16(m.Dims[k]))
	}
	for k := 3; k < 7; k++ {
		le.PutUint16(hdr[42+2*k:], 1)
	}
	le.PutUint16(hdr[70:], 2) // uint8
	le.PutUint16(hdr[72:], 8)
	le.PutUint32(hdr[76:], math.Float32bits(1)) // qfac
	for k := range 3 {
		le.PutUint32(hdr[80+4*k:], math.Float32bits(float32(m.Spacing[k])))
	}
	le.PutUint32(hdr[108:], math.Float32bits(352))
	le.PutUint32(hdr[112:], math.Float32bits(1)) // scl_slope
	hdr[123] = 2                                 // mm
	le.PutUint32(hdr[124:], math.Float32bits(1)) // cal_max
	copy(hdr[148:], "goparachute tumour mask")
	le.PutUint16(hdr[254:], 1) // sform_code: scanner
	for k := range 3 {
		le.PutUint32(hdr[280+16*k+4*k:], math.Float32bits(float32(m.Spacing[k])))
	}
	copy(hdr[344:], "n+1\x00")
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(hdr)
	zw.Write(m.Voxels)
	if err := zw.Close(); err != nil {
		return &FileError{Path: path, Err: err}
	}
	if err := atomicfile.Write(path, b.Bytes()); err != nil {
		return &FileError{Path: path, Err: err}
	}
	return nil
}
