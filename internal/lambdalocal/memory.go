package lambdalocal

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// PeakMemory returns the most resident memory the function's bootstrap has
// used since it started (VmHWM in /proc, Linux only), in bytes: what
// Lambda's memory size bounds. The emulator starts the bootstrap at the
// first invocation, so call it after one.
func (f *Function) PeakMemory() (int64, error) {
	pids := f.proc.children()
	if len(pids) == 0 {
		return 0, errors.New("the emulator has no running bootstrap")
	}
	var peak int64
	for _, pid := range pids {
		kb, err := vmHWM(pid)
		if err != nil {
			return 0, err
		}
		peak = max(peak, kb*1024)
	}
	return peak, nil
}

// vmHWM reads a process's peak resident set size, in kB.
func vmHWM(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
