package parallel

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestEach(t *testing.T) {
	tests := []struct {
		name    string
		workers int
		n       int
		failAt  int // -1: never
		cancel  bool
		wantErr error
	}{
		{"all items once", 4, 1000, -1, false, nil},
		{"no items", 4, 0, -1, false, nil},
		{"zero workers means one", 0, 10, -1, false, nil},
		{"an error stops new work", 2, 1000, 10, false, errBoom},
		{"cancelled", 2, 1000, -1, true, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			seen := make([]atomic.Int32, tt.n)
			var calls atomic.Int32
			err := Each(ctx, tt.workers, tt.n, func(w, i int) error {
				if w < 0 || (tt.workers > 0 && w >= tt.workers) {
					t.Errorf("worker index %d out of range", w)
				}
				calls.Add(1)
				seen[i].Add(1)
				if i == tt.failAt {
					return errBoom
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			for i := range seen {
				if seen[i].Load() > 1 {
					t.Fatalf("item %d ran %d times", i, seen[i].Load())
				}
				if tt.failAt < 0 && !tt.cancel && seen[i].Load() != 1 {
					t.Fatalf("item %d did not run", i)
				}
			}
			if tt.failAt >= 0 && int(calls.Load()) == tt.n {
				t.Error("work went on after an error")
			}
			if tt.cancel && calls.Load() != 0 {
				t.Errorf("%d items ran after cancel", calls.Load())
			}
		})
	}
}

var errBoom = errors.New("boom")
