// Package parallel runs indexed work on a fixed number of goroutines.
package parallel

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Each calls fn(worker, i) for every i in [0, n) on workers goroutines;
// worker (0 to workers-1) lets fn keep per-goroutine state such as a
// buffer. Once fn returns an error or ctx is done, no new item starts.
// Each returns ctx's error if it was cancelled, else every error fn
// returned, joined.
func Each(ctx context.Context, workers, n int, fn func(worker, i int) error) error {
	if workers < 1 {
		workers = 1
	}
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for !failed.Load() && ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(w, i); err != nil {
					errs[w] = err
					failed.Store(true)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}
