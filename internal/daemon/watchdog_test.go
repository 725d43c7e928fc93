package daemon

import (
	"os"
	"strconv"
	"testing"
	"time"
)

func TestWatchdogInterval(t *testing.T) {
	self := strconv.Itoa(os.Getpid())
	tests := []struct {
		name      string
		usec, pid string
		want      time.Duration // 0: disabled
		wantErr   bool
	}{
		{"not under systemd", "", "", 0, false},
		{"ours", "10000000", self, 5 * time.Second, false},
		{"no pid given", "2000000", "", time.Second, false},
		{"another process's watchdog", "10000000", "1", 0, false},
		{"tiny timeout", "1000", self, time.Millisecond, false},
		{"garbage", "ten", self, 0, true},
		{"negative", "-5", self, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("WATCHDOG_USEC", tt.usec)
			t.Setenv("WATCHDOG_PID", tt.pid)
			w, err := newWatchdog(func(string) {})
			defer w.stop()
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if (w.C != nil) != (tt.want != 0) {
				t.Fatalf("enabled = %v, want %v", w.C != nil, tt.want != 0)
			}
			if w.every != tt.want {
				t.Errorf("interval %v, want %v", w.every, tt.want)
			}
		})
	}
}

// The pings come from whoever takes the ticks: a loop that stops taking
// them stops the pings.
func TestWatchdogPingsOnlyWhenTicksAreTaken(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "20000") // 10 ms pings
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	var sent []string
	w, err := newWatchdog(func(s string) { sent = append(sent, s) })
	if err != nil || w.C == nil {
		t.Fatalf("watchdog not enabled: %v", err)
	}
	defer w.stop()
	for range 3 {
		<-w.C
		w.ping()
	}
	if len(sent) != 3 || sent[0] != "WATCHDOG=1" {
		t.Fatalf("sent %q, want 3 × WATCHDOG=1", sent)
	}
	time.Sleep(50 * time.Millisecond) // a wedged loop: ticks not taken
	if len(sent) != 3 {
		t.Fatalf("pings sent without the loop: %q", sent)
	}
}

// A Daemon built without Run has no watchdog: its loop must still run.
func TestWatchdogNilIsOff(t *testing.T) {
	var w *watchdog
	if w.ticks() != nil {
		t.Fatal("a nil watchdog ticks")
	}
	w.stop()
}
