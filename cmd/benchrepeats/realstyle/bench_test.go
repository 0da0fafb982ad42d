package realstyle

import "testing"

func BenchmarkWrite(b *testing.B) {
	for b.Loop() {
		if _, err := Write(b.TempDir(), 1000, 1); err != nil {
			b.Fatal(err)
		}
	}
}
