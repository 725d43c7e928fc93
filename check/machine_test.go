package check

import (
	"testing"
	"time"
)

func TestMachineRetries(t *testing.T) {
	const loop, retry = 10 * time.Second, 2 * time.Second
	type step struct {
		ok      bool
		next    time.Duration
		changed bool
		up      bool
	}
	cases := []struct {
		name  string
		retry int
		alpha bool
		steps []step
	}{
		{"up stays up", 1, false, []step{{true, loop, false, true}, {true, loop, false, true}}},
		{"retry 1: second failure downs", 1, false, []step{
			{false, retry, false, true}, {false, loop, true, false}, {false, loop, false, false}, {true, loop, true, true}}},
		{"retry 3: success mid-retry resets", 3, false, []step{
			{false, retry, false, true}, {false, retry, false, true}, {true, loop, false, true},
			{false, retry, false, true}, {false, retry, false, true}, {false, retry, false, true}, {false, loop, true, false}}},
		{"retry 0: first failure downs", 0, false, []step{{false, loop, true, false}, {true, loop, true, true}}},
		{"alpha: first success ups", 1, true, []step{{true, loop, true, true}}},
		{"alpha: failures stay down without retries", 2, true, []step{
			{false, loop, false, false}, {false, loop, false, false}, {true, loop, true, true}}},
		{"down checker is not retried", 2, false, []step{
			{false, retry, false, true}, {false, retry, false, true}, {false, loop, true, false},
			{false, loop, false, false}, {false, loop, false, false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMachine(Checker{Retry: tc.retry, DelayLoop: loop, DelayBeforeRetry: retry, Alpha: tc.alpha})
			for i, s := range tc.steps {
				next, changed := m.step(s.ok)
				if next != s.next || changed != s.changed || m.up != s.up {
					t.Fatalf("step %d (ok=%v): next=%v changed=%v up=%v, want %v %v %v",
						i, s.ok, next, changed, m.up, s.next, s.changed, s.up)
				}
			}
		})
	}
}

func TestMachineFilePollsEverySecond(t *testing.T) {
	m := newMachine(Checker{Kind: File, Retry: 3, DelayLoop: time.Minute})
	if next, changed := m.step(false); next != time.Second || !changed || m.up {
		t.Fatalf("FILE_CHECK failure: next=%v changed=%v up=%v; want immediate down, 1s poll", next, changed, m.up)
	}
}
