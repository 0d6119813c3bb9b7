// SPDX-License-Identifier: Apache-2.0

package formats

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/nlpodyssey/gopickle/pytorch"
	"github.com/nlpodyssey/gopickle/types"
)

// readTorchSeries reads CT features saved with torch.save, as the authors'
// loader accepts them (torch.load(path, weights_only=True) of one tensor):
// PyTorch's zip format (torch ≥ 1.6) or its legacy format, a tensor of shape
// [S, D] or [D], float16, bfloat16, float32 or float64, any strides and
// storage offset. Unpickling goes through github.com/nlpodyssey/gopickle,
// which panics on some malformed files; the panic is returned as ErrFormat.
func readTorchSeries(path string) (slices, width int, features []float32, err error) {
	defer GuardDecoder(path, &err)
	fault := func(err error) error { return &FileError{Path: path, Err: err} }
	if err := checkTorchMagic(path); err != nil {
		return 0, 0, nil, fault(fmt.Errorf("%w: not a PyTorch file saved with torch.save: %v", ErrFormat, err))
	}
	obj, err := loadTorch(path)
	if err != nil {
		return 0, 0, nil, fault(fmt.Errorf("%w: not a PyTorch file saved with torch.save: %v", ErrFormat, err))
	}
	t, ok := obj.(*pytorch.Tensor)
	if !ok {
		return 0, 0, nil, fault(Faultf(ErrFormat, "holds %s, expected one tensor", pythonType(obj)))
	}
	var storage []float64
	switch s := t.Source.(type) {
	case *pytorch.FloatStorage:
		storage = widen(s.Data)
	case *pytorch.HalfStorage:
		storage = widen(s.Data)
	case *pytorch.BFloat16Storage:
		storage = widen(s.Data)
	case *pytorch.DoubleStorage:
		storage = s.Data
	default:
		return 0, 0, nil, fault(Faultf(ErrFormat, "tensor storage %T is not a float type", t.Source))
	}
	switch len(t.Size) {
	case 1:
		slices, width = 1, t.Size[0]
	case 2:
		slices, width = t.Size[0], t.Size[1]
	default:
		return 0, 0, nil, fault(Faultf(ErrFormat, "tensor has shape %v, expected [S, D] or [D]", t.Size))
	}
	if slices == 0 || width == 0 {
		return 0, 0, nil, fault(Faultf(ErrFormat, "tensor has shape %v: no slices", t.Size))
	}
	rowStride, colStride := 0, t.Stride[len(t.Stride)-1]
	if len(t.Size) == 2 {
		rowStride = t.Stride[0]
	}
	// Element (s, d) is storage[offset + s·rowStride + d·colStride]; the
	// largest index must lie inside the storage.
	last := t.StorageOffset + (slices-1)*rowStride + (width-1)*colStride
	if t.StorageOffset < 0 || rowStride < 0 || colStride < 0 || last >= len(storage) {
		return 0, 0, nil, fault(Faultf(ErrFormat, "tensor of shape %v (offset %d, strides %v) overruns its storage of %d values: truncated",
			t.Size, t.StorageOffset, t.Stride, len(storage)))
	}
	features = make([]float32, slices*width)
	for s := range slices {
		for d := range width {
			features[s*width+d] = float32(storage[t.StorageOffset+s*rowStride+d*colStride])
		}
	}
	return slices, width, features, nil
}

// torchLegacyMagic opens a legacy torch.save file: pickle protocol 2 and
// the pickled magic number 0x1950a86a20f9469cfc6c.
var torchLegacyMagic = []byte("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19")

// checkTorchMagic accepts only the two layouts torch.save writes, a zip
// archive or the legacy pickle stream, before gopickle sees the file:
// gopickle v0.3.0 loops forever on a file that reads as an empty tar
// archive (an empty file, or zeros).
func checkTorchMagic(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, len(torchLegacyMagic))
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.Equal(head, torchLegacyMagic) {
		return nil
	}
	return fmt.Errorf("starts with % x, neither a zip archive nor a legacy torch pickle", head[:min(n, 8)])
}

// loadTorch unpickles a torch.save file, turning a panic of the unpickler
// into an error.
func loadTorch(path string) (obj any, err error) {
	defer func() {
		if r := recover(); r != nil {
			obj, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return pytorch.Load(path)
}

func widen(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// pythonType names an unpickled object as Python would.
func pythonType(obj any) string {
	switch obj.(type) {
	case *types.Dict, *types.OrderedDict:
		return "a dict (a state dict or a dict of features?)"
	case *types.List:
		return "a list"
	case *types.Tuple:
		return "a tuple"
	case nil:
		return "None"
	}
	return fmt.Sprintf("a Python object (%T)", obj)
}
