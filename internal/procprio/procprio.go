package procprio

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Settings are what a configuration asks for. The zero value leaves the
// process as it started.
type Settings struct {
	Nice int   // -20..19; 0 leaves the nice value as it started
	CPUs []int // CPU numbers; empty leaves the affinity as it started
}

// Manager applies Settings to the running process and remembers what the
// process started with, so that a reload that drops a setting restores it.
type Manager struct {
	mu      sync.Mutex
	sys     threads
	started *state // captured at the first Apply
	cur     Settings
}

// state is one thread's scheduling, as the process started.
type state struct {
	nice int
	cpus []int
}

// threads is the OS side: the process's threads and their settings.
type threads interface {
	list() ([]int, error)
	nice(tid int) (int, error)
	setNice(tid, nice int) error
	affinity(tid int) ([]int, error)
	setAffinity(tid int, cpus []int) error
	online() int
}

// New returns a Manager for this process.
func New() *Manager { return &Manager{sys: osThreads{}} }

// Apply brings every thread to s (or back to the starting state for what s
// leaves unset). It reports what it could not do; what it could, it did.
func (m *Manager) Apply(s Settings) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started == nil {
		if m.cur.Nice == s.Nice && slices.Equal(m.cur.CPUs, s.CPUs) {
			return nil // nothing asked, nothing to remember
		}
		st, err := m.capture()
		if err != nil {
			return err
		}
		m.started = st
	}
	want := m.target(s)
	cpuErr := m.checkCPUs(s.CPUs)
	if cpuErr != nil {
		want.cpus, s.CPUs = m.started.cpus, nil
		cpuErr = fmt.Errorf("%w; the CPU affinity is left as it started", cpuErr)
	}
	m.cur = Settings{Nice: s.Nice, CPUs: slices.Clone(s.CPUs)}
	return errors.Join(cpuErr, m.setAll(want))
}

// setAll sets every thread, and again any thread that appeared meanwhile
// (cloned from one not yet set), until a pass finds none new.
func (m *Manager) setAll(want state) error {
	done := map[int]bool{}
	for pass := 0; pass < 5; pass++ {
		tids, err := m.sys.list()
		if err != nil {
			return err
		}
		fresh := 0
		for _, tid := range tids {
			if done[tid] {
				continue
			}
			done[tid], fresh = true, fresh+1
			if err := m.setOne(tid, want); err != nil {
				return err
			}
		}
		if fresh == 0 {
			return nil
		}
	}
	return nil
}

func (m *Manager) setOne(tid int, want state) error {
	if err := m.sys.setNice(tid, want.nice); err != nil {
		return fmt.Errorf("vrrp_priority %d: thread %d: %w", want.nice, tid, err)
	}
	if err := m.sys.setAffinity(tid, want.cpus); err != nil {
		return fmt.Errorf("vrrp_cpu_affinity %v: thread %d: %w", want.cpus, tid, err)
	}
	return nil
}

// StartingNice is the nice value the process started with, which children
// get back.
func (m *Manager) StartingNice() (nice int, changed bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started == nil || m.cur.Nice == 0 {
		return 0, false
	}
	return m.started.nice, true
}

func (m *Manager) capture() (*state, error) {
	tids, err := m.sys.list()
	if err != nil {
		return nil, err
	}
	self := tids[0]
	n, err := m.sys.nice(self)
	if err != nil {
		return nil, err
	}
	cpus, err := m.sys.affinity(self)
	if err != nil {
		return nil, err
	}
	return &state{nice: n, cpus: cpus}, nil
}

func (m *Manager) target(s Settings) state {
	want := *m.started
	if s.Nice != 0 {
		want.nice = s.Nice
	}
	if len(s.CPUs) > 0 {
		want.cpus = s.CPUs
	}
	return want
}

// checkCPUs refuses a CPU the machine does not have, as keepalived's
// configuration check does; one bad CPU drops the whole set.
func (m *Manager) checkCPUs(cpus []int) error {
	n := m.sys.online()
	for _, c := range cpus {
		if c >= n {
			return fmt.Errorf("vrrp_cpu_affinity: invalid cpu_id:%d for the vrrp process (this machine has CPUs 0-%d)", c, n-1)
		}
	}
	return nil
}
