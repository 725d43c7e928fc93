package procprio

import (
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// osThreads reaches the threads of this process through /proc/self/task
// and the per-thread system calls.
type osThreads struct{}

// list returns the thread ids, the main thread (the process id) first.
func (osThreads) list() ([]int, error) {
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, err
	}
	pid := os.Getpid()
	out := []int{pid}
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil && tid != pid {
			out = append(out, tid)
		}
	}
	sort.Ints(out[1:])
	return out, nil
}

// nice reads a thread's nice value. The raw getpriority system call
// returns 20 − nice (glibc's wrapper converts; x/sys/unix does not).
func (osThreads) nice(tid int) (int, error) {
	p, err := unix.Getpriority(unix.PRIO_PROCESS, tid)
	return 20 - p, err
}

func (osThreads) setNice(tid, nice int) error {
	return unix.Setpriority(unix.PRIO_PROCESS, tid, nice)
}

func (osThreads) affinity(tid int) ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(tid, &set); err != nil {
		return nil, err
	}
	var out []int
	for c := 0; c <= maxCPU; c++ {
		if set.IsSet(c) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (osThreads) setAffinity(tid int, cpus []int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	return unix.SchedSetaffinity(tid, &set)
}

// online is how many CPUs the machine has online (keepalived's
// sysconf(_SC_NPROCESSORS_ONLN)), not how many this process may use.
func (osThreads) online() int {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return runtime.NumCPU()
	}
	return lastCPU(strings.TrimSpace(string(b))) + 1
}

// lastCPU is the highest CPU in a kernel CPU list such as "0-3,8-11".
func lastCPU(list string) int {
	last := 0
	for _, r := range strings.Split(list, ",") {
		_, hi, _ := strings.Cut(r, "-")
		if hi == "" {
			hi = r
		}
		if v, err := strconv.Atoi(hi); err == nil && v > last {
			last = v
		}
	}
	return last
}

// maxCPU is the largest CPU number a unix.CPUSet holds.
const maxCPU = 1023
