package search

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/incidents-archive/incidents/search/internal/blevex"
)

// outOfRange is an index reader whose reads go out of range, as bleve's
// do on a segment file with damaged lengths or offsets.
type outOfRange struct{ index.IndexReader }

func (outOfRange) DocIDReaderAll() (index.DocIDReader, error) {
	var offsets []error
	return nil, offsets[3]
}

func (outOfRange) Document(string) (index.Document, error) {
	var stored []error
	return nil, stored[7]
}

// TestDamagedFilesAreErrors: a read that sends bleve out of range, while
// a search index is opened (its table) or a hit is loaded, is an error
// that says the index is damaged, not a crash of incidents search.
func TestDamagedFilesAreErrors(t *testing.T) {
	if tbl, err := buildTable(outOfRange{}); err == nil || tbl != nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("buildTable = %v, %v; want an error saying the index is damaged", tbl, err)
	}
	x := &Index{snap: blevex.NewSnapshot(outOfRange{}), table: &facetTable{rows: []tableRow{{id: "2026-01-01 a"}}}}
	_, err := x.hit(ranked{}, nil)
	if err == nil || !strings.Contains(err.Error(), "reading 2026-01-01 a: the index files are damaged") || !strings.Contains(err.Error(), "run incidents build") {
		t.Errorf("hit: %v; want an error saying the index is damaged and what to do", err)
	}
}

// TestOpenVerified: a segment with flipped bytes is refused by
// OpenVerified with a message that says what to do, before bleve reads
// it; Open trusts it.
func TestOpenVerified(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	if _, err := Update(context.Background(), dir, testDocs(), nil); err != nil {
		t.Fatal(err)
	}
	x, err := OpenVerified(dir)
	if err != nil {
		t.Fatalf("an undamaged index: %v", err)
	}
	x.Close()
	damageFiles(t, dir, "*.zap", func(b []byte) []byte {
		b[len(b)/2] ^= 0x01
		return b
	})
	if _, err := OpenVerified(dir); err == nil || !strings.Contains(err.Error(), "fails its checksum") || !strings.Contains(err.Error(), "run incidents build to rebuild it") {
		t.Errorf("OpenVerified of a damaged index: %v", err)
	}
}
