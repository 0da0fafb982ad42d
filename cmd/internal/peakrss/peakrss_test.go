package peakrss

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
)

func TestOfAChild(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the figure is checked on Linux, where CI runs")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	// A Go test binary needs more than a MiB and far less than a GiB.
	if kib := Of(cmd.ProcessState); kib < 1024 || kib > 1<<20 {
		t.Errorf("peak of a test binary = %d KiB", kib)
	}
}
