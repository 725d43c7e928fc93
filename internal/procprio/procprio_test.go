package procprio

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// fakeThreads is a process whose threads the test adds while Apply runs.
type fakeThreads struct {
	tids      []int
	nices     map[int]int
	cpus      map[int][]int
	cpusOn    int
	spawnOn   int // after this many setNice calls, a new thread appears
	calls     int
	failNice  bool
	spawnNice int // the new thread's nice (cloned before it was set)
}

func newFake(n int) *fakeThreads {
	f := &fakeThreads{nices: map[int]int{}, cpus: map[int][]int{}, cpusOn: 4}
	for i := 0; i < n; i++ {
		tid := 100 + i
		f.tids = append(f.tids, tid)
		f.cpus[tid] = []int{0, 1, 2, 3}
	}
	return f
}

func (f *fakeThreads) list() ([]int, error)            { return slices.Clone(f.tids), nil }
func (f *fakeThreads) nice(tid int) (int, error)       { return f.nices[tid], nil }
func (f *fakeThreads) affinity(tid int) ([]int, error) { return f.cpus[tid], nil }
func (f *fakeThreads) online() int                     { return f.cpusOn }
func (f *fakeThreads) setAffinity(tid int, c []int) error {
	f.cpus[tid] = slices.Clone(c)
	return nil
}
func (f *fakeThreads) setNice(tid, n int) error {
	if f.failNice {
		return errors.New("operation not permitted")
	}
	f.calls++
	if f.calls == f.spawnOn {
		nt := 200 + f.calls
		f.tids = append(f.tids, nt)
		f.nices[nt], f.cpus[nt] = f.spawnNice, []int{0, 1, 2, 3}
	}
	f.nices[tid] = n
	return nil
}

func TestApplyEveryThreadAndRestore(t *testing.T) {
	f := newFake(3)
	f.spawnOn = 2 // a thread cloned from one not yet set appears mid-pass
	m := &Manager{sys: f}
	if err := m.Apply(Settings{Nice: -10, CPUs: []int{1}}); err != nil {
		t.Fatal(err)
	}
	for _, tid := range f.tids {
		if f.nices[tid] != -10 || !slices.Equal(f.cpus[tid], []int{1}) {
			t.Errorf("thread %d: nice %d cpus %v, want -10 [1]", tid, f.nices[tid], f.cpus[tid])
		}
	}
	if n, ok := m.StartingNice(); !ok || n != 0 {
		t.Errorf("StartingNice = %d, %v; want 0, true", n, ok)
	}
	// A reload without the settings puts the process back as it started.
	if err := m.Apply(Settings{}); err != nil {
		t.Fatal(err)
	}
	for _, tid := range f.tids {
		if f.nices[tid] != 0 || !slices.Equal(f.cpus[tid], []int{0, 1, 2, 3}) {
			t.Errorf("thread %d after restore: nice %d cpus %v", tid, f.nices[tid], f.cpus[tid])
		}
	}
	if _, ok := m.StartingNice(); ok {
		t.Error("StartingNice still reports a change after the restore")
	}
}

func TestApplyNothingTouchesNothing(t *testing.T) {
	f := newFake(2)
	f.failNice = true
	m := &Manager{sys: f}
	if err := m.Apply(Settings{}); err != nil {
		t.Fatalf("a configuration without the settings must not touch the threads: %v", err)
	}
}

// A CPU the machine lacks drops the set (keepalived refuses it at -t),
// but the nice value still applies.
func TestApplyUnknownCPU(t *testing.T) {
	f := newFake(2)
	m := &Manager{sys: f}
	err := m.Apply(Settings{Nice: 5, CPUs: []int{1, 7}})
	if err == nil || !strings.Contains(err.Error(), "invalid cpu_id:7") || !strings.Contains(err.Error(), "0-3") {
		t.Fatalf("err = %v, want it to name cpu_id:7 and the machine's CPUs", err)
	}
	for _, tid := range f.tids {
		if f.nices[tid] != 5 || !slices.Equal(f.cpus[tid], []int{0, 1, 2, 3}) {
			t.Errorf("thread %d: nice %d cpus %v, want 5 and the starting set", tid, f.nices[tid], f.cpus[tid])
		}
	}
}

func TestApplyReportsRefusal(t *testing.T) {
	f := newFake(2)
	f.failNice = true
	m := &Manager{sys: f}
	err := m.Apply(Settings{Nice: -20})
	if err == nil || !strings.Contains(err.Error(), "vrrp_priority -20") || !strings.Contains(err.Error(), "not permitted") {
		t.Fatalf("err = %v", err)
	}
}
