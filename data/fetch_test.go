// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

func TestFetchSplitsDownloadsAndVerifies(t *testing.T) {
	shared := sharedCohorts(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(shared)))
	defer srv.Close()
	dest := t.TempDir()
	for _, cohort := range []string{"pda", "ucec", "ccrcc"} {
		path, err := data.FetchSplits(context.Background(), srv.Client(), cohort, dest, srv.URL)
		if err != nil {
			t.Fatalf("%s: %v", cohort, err)
		}
		got, _ := os.ReadFile(path)
		want, _ := os.ReadFile(filepath.Join(shared, data.CohortFolder(cohort), "k=all.tsv"))
		if string(got) != string(want) || filepath.Base(filepath.Dir(path)) != data.CohortFolder(cohort) {
			t.Fatalf("%s: wrote %s, content differs", cohort, path)
		}
	}
}

func TestFetchSplitsRejectsAnotherFile(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("case_id\tOS_event\tOS_days\tfold_0\nA\t1\t10\ttest\n"))
	}))
	defer srv.Close()
	dest := t.TempDir()
	if _, err := data.FetchSplits(context.Background(), srv.Client(), "ucec", dest, srv.URL); !errors.Is(err, data.ErrChecksum) {
		t.Fatalf("err = %v, want ErrChecksum", err)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Fatalf("a rejected download left %d entries in %s", len(entries), dest)
	}
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	if _, err := data.FetchSplits(context.Background(), notFound.Client(), "pda", dest, notFound.URL); err == nil {
		t.Fatal("404: no error")
	}
	if _, err := data.FetchSplits(context.Background(), nil, "lung", dest, notFound.URL); !errors.Is(err, data.ErrUnknown) {
		t.Fatalf("unknown cohort: %v", err)
	}
}
