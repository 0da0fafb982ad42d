package prof

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator"
)

func TestPhases(t *testing.T) {
	var mu sync.Mutex
	stage := "start"
	peak := map[string]uint64{}
	done := make(chan bool)
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			mu.Lock()
			if ms.HeapSys-ms.HeapReleased > peak[stage] {
				peak[stage] = ms.HeapSys - ms.HeapReleased
			}
			mu.Unlock()
		}
	}()
	_, err := generator.Build(context.Background(), generator.Config{Source: "/tmp/c10k", Dest: "/tmp/inc-out", Progress: func(s string, d, total int) {
		mu.Lock()
		if d > total/2 {
			s += "-2nd-half"
		}
		stage = s
		mu.Unlock()
	}})
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v", peak)
}
