// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"strings"
)

// Modality is an imaging modality.
type Modality int

const (
	// Pathology is whole-slide histopathology (one embedding per slide).
	Pathology Modality = iota
	// Radiology is CT (one embedding per slice, per series).
	Radiology
)

// String names the modality.
func (m Modality) String() string {
	if m == Pathology {
		return "pathology"
	}
	return "radiology"
}

// Encoder is a frozen foundation model whose embeddings are the features.
type Encoder struct {
	// Name is the project's name of the encoder, e.g. "TITAN".
	Name string
	// Folder is the folder of the authors' layout that holds its features,
	// features/<cohort>/<Folder>/.
	Folder   string
	Modality Modality
	// Width is the embedding width: a slide vector for pathology, a slice
	// vector for radiology.
	Width int
	// Source says where the encoder comes from.
	Source string
}

// Encoders lists the encoders the project knows, with their real widths
// (supplement Figure 7; widths from Trident's encoder registry and the
// models' cards, as Source says for each).
var Encoders = []Encoder{
	{"TITAN", "TITAN", Pathology, 768, "MahmoodLab TITAN slide encoder via Trident (conch_v15 patches)"},
	{"CONCHv1.5", "CONCHv1.5", Pathology, 768, "MahmoodLab CONCH v1.5 patch encoder, mean-pooled per slide (Trident mean-conch_v15)"},
	{"UNI", "UNI", Pathology, 1024, "MahmoodLab UNI patch encoder, mean-pooled per slide"},
	{"UNI2-h", "UNI2-h", Pathology, 1536, "MahmoodLab UNI2-h patch encoder, mean-pooled per slide"},
	{"Virchow2", "Virchow2", Pathology, 2560, "Paige Virchow2 patch encoder (CLS + mean token), mean-pooled per slide"},
	{"Prov-GigaPath", "GigaPath", Pathology, 768, "Prov-GigaPath slide encoder via Trident"},
	{"MedImageInsight", "MedImageInsights", Radiology, 1024, "Microsoft MedImageInsight, one embedding per CT slice"},
	{"MedSAM2", "MedSAM2", Radiology, 256, "MedSAM2 (SAM2.1 Hiera-T) image features, average-pooled per slice"},
}

// EncoderByName finds an encoder by name or folder, case-insensitively.
func EncoderByName(name string) (Encoder, error) {
	for _, e := range Encoders {
		if strings.EqualFold(e.Name, name) || strings.EqualFold(e.Folder, name) {
			return e, nil
		}
	}
	return Encoder{}, fmt.Errorf("encoder %q: %w", name, ErrUnknown)
}

// DefaultPathology and DefaultRadiology are the encoders of the paper's main
// results: TITAN slide embeddings and MedImageInsight slice embeddings.
var (
	DefaultPathology = Encoders[0]
	DefaultRadiology = Encoders[6]
)

// encoderPair resolves a pathology and a radiology encoder by name ("" means
// the default) and checks their modalities.
func encoderPair(pathology, radiology string) (Encoder, Encoder, error) {
	pathEnc, radEnc := DefaultPathology, DefaultRadiology
	var err error
	if pathology != "" {
		if pathEnc, err = EncoderByName(pathology); err != nil {
			return Encoder{}, Encoder{}, err
		}
	}
	if radiology != "" {
		if radEnc, err = EncoderByName(radiology); err != nil {
			return Encoder{}, Encoder{}, err
		}
	}
	if pathEnc.Modality != Pathology || radEnc.Modality != Radiology {
		return Encoder{}, Encoder{}, fmt.Errorf("encoders %s and %s are not a pathology and a radiology encoder: %w",
			pathEnc.Name, radEnc.Name, ErrUnknown)
	}
	return pathEnc, radEnc, nil
}
