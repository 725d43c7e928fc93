package daemon

import (
	"testing"
	"time"
)

// The one timerfd wakes the loop at the deadline it was last given, never
// before; moving the deadline replaces the earlier one; zero disarms.
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
	w.Set(time.Now().Add(10 * time.Millisecond))
	w.Set(time.Time{}) // disarmed
	select {
	case <-w.C():
		t.Error("woke although disarmed")
	case <-time.After(100 * time.Millisecond):
	}
	w.Set(time.Now().Add(-time.Second)) // already due: wakes at once
	select {
	case <-w.C():
	case <-time.After(5 * time.Second):
		t.Fatal("a deadline in the past did not wake")
	}
}
