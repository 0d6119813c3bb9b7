// SPDX-License-Identifier: Apache-2.0

package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// DefaultSplitsURL is where the authors publish their split files
// (github.com/PietroCaforio/parachute, data/labels_splits/, MIT licence).
const DefaultSplitsURL = "https://raw.githubusercontent.com/PietroCaforio/parachute/main/data/labels_splits"

// splitChecksums are the SHA-256 sums of the authors' split files at commit
// 8ff4575 (April 2026), by cohort folder.
var splitChecksums = map[string]string{
	"CPTACPDA":   "ade1e8022421af029352d5cc3ae170b04d0fa28c91505b4cdf92245f5108282f",
	"CPTACUCEC":  "df69fee09ff6c635da68f2d513e96678597963a0f5661d50bf5bd70347201ae1",
	"MMISTCCRCC": "b360da84687639ebdfafca0921f1c768c8b17c438f09f0e233b5f52c03e8471f",
}

// maxSplitBytes bounds a download; the real files are under 16 KB.
const maxSplitBytes = 4 << 20

// FetchSplits downloads the authors' split file of a cohort (pda, ucec or
// ccrcc) from baseURL/<COHORT>/k=all.tsv ("" means [DefaultSplitsURL]),
// checks its SHA-256 against the published one and that it parses, and writes
// it atomically to dest/<COHORT>/k=all.tsv, which is the labels_splits folder
// of the authors' layout when dest is <data>/labels_splits. It returns the
// written path. A checksum mismatch returns ErrChecksum and writes nothing
// (the upstream file changed, or a mirror serves another version).
func FetchSplits(ctx context.Context, client *http.Client, cohort, dest, baseURL string) (string, error) {
	folder := CohortFolder(cohort)
	want, ok := splitChecksums[folder]
	if !ok {
		return "", fmt.Errorf("cohort %q (want pda, ucec or ccrcc): %w", cohort, ErrUnknown)
	}
	if baseURL == "" {
		baseURL = DefaultSplitsURL
	}
	if client == nil {
		client = http.DefaultClient
	}
	url := strings.TrimSuffix(baseURL, "/") + "/" + folder + "/k=all.tsv"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("downloading %s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSplitBytes+1))
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", url, err)
	}
	if len(body) > maxSplitBytes {
		return "", fmt.Errorf("downloading %s: more than %d bytes: %w", url, maxSplitBytes, ErrFormat)
	}
	sum := sha256.Sum256(body)
	if got := hex.EncodeToString(sum[:]); got != want {
		return "", fmt.Errorf("%s: SHA-256 %s, expected %s (commit 8ff4575): %w", url, got, want, ErrChecksum)
	}
	if _, err := parseSplits(url, strings.NewReader(string(body)), false); err != nil {
		return "", err
	}
	path := filepath.Join(dest, folder, "k=all.tsv")
	if err := atomicfile.Write(path, body); err != nil {
		return "", err
	}
	return path, nil
}
