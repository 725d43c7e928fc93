package daemon

import (
	"testing"
	"time"
)

// The one timerfd wakes the loop no later than the earliest deadline it
// was given, never before it; an earlier deadline replaces a later one,
// while a later one (or none) leaves the earlier wake-up armed.
func TestFDWaker(t *testing.T) {
	w, err := (&linuxSystem{}).NewWaker()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	start := time.Now()
	w.Set(start.Add(time.Hour))
	w.Set(start.Add(20 * time.Millisecond)) // replaces the hour
	select {
	case <-w.C():
		if e := time.Since(start); e < 20*time.Millisecond {
			t.Errorf("woke after %v, before the 20 ms deadline", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no wake-up within 5 s of a 20 ms deadline")
	}
	early := time.Now()
	w.Set(early.Add(30 * time.Millisecond))
	w.Set(early.Add(time.Hour)) // later: the 30 ms wake-up stays
	select {
	case <-w.C():
		if e := time.Since(early); e < 30*time.Millisecond {
			t.Errorf("woke after %v, before the 30 ms deadline", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a later deadline cancelled the earlier wake-up")
	}
	w.Set(time.Now().Add(time.Hour)) // the past wake-up is replaced
	select {
	case <-w.C():
		t.Error("woke although the only deadline is an hour away")
	case <-time.After(100 * time.Millisecond):
	}
	w.Set(time.Now().Add(-time.Second)) // already due: wakes at once
	select {
	case <-w.C():
	case <-time.After(5 * time.Second):
		t.Fatal("a deadline in the past did not wake")
	}
}
