package check

import "time"

// machine is one checker's retry state, advanced by each attempt's outcome.
// It mirrors keepalived's epilog: a failing checker that is up is retried
// `retry` times, delay_before_retry apart, before it is declared down; a
// checker that is already down is simply re-run every delay_loop; one
// success brings it up. The first completed attempt always settles the
// state, which is how alpha (start down) checkers come up.
type machine struct {
	retry      int
	delayLoop  time.Duration
	delayRetry time.Duration

	up      bool
	hasRun  bool
	retryIt int
}

func newMachine(c Checker) *machine {
	m := &machine{
		retry:      c.Retry,
		delayLoop:  c.DelayLoop,
		delayRetry: c.DelayBeforeRetry,
		up:         !c.Alpha,
	}
	if c.Kind == File {
		// keepalived applies a track file's value as soon as inotify reports
		// it; polling every second is the bounded-latency equivalent.
		m.retry = 0
		if m.delayLoop <= 0 || m.delayLoop > filePoll {
			m.delayLoop = filePoll
		}
	}
	if c.Kind == BFD {
		m.retry = 0 // a session's verdict applies at once
	}
	if m.delayLoop <= 0 {
		m.delayLoop = 60 * time.Second
	}
	return m
}

// filePoll is how often FILE_CHECK re-reads its file.
const filePoll = time.Second

// step records one attempt and returns the delay before the next one and
// whether the checker's up/down state changed.
func (m *machine) step(success bool) (next time.Duration, changed bool) {
	was := m.up
	next = m.delayLoop
	switch {
	case success || ((m.up || !m.hasRun) && m.retryIt >= m.retry):
		m.retryIt = 0
		m.up = success
	case m.up:
		next = m.delayRetry
		m.retryIt++
	}
	m.hasRun = true
	return next, was != m.up
}
