package procprio

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestLastCPU(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "0-1": 1, "0-3,8-11": 11, "0,2,5": 5} {
		if got := lastCPU(in); got != want {
			t.Errorf("lastCPU(%q) = %d, want %d", in, got, want)
		}
	}
}

// The real process: every thread, including one made after Apply, runs
// at the nice value asked. It runs in a child so the test binary's own
// threads keep their priority.
func TestApplyRealThreads(t *testing.T) {
	if os.Getenv("PROCPRIO_CHILD") == "1" {
		realThreadsChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestApplyRealThreads$", "-test.v")
	cmd.Env = append(os.Environ(), "PROCPRIO_CHILD=1")
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "--- SKIP") {
		t.Skip(strings.TrimSpace(string(out)))
	}
	if err != nil || !strings.Contains(string(out), "threads checked") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}

func realThreadsChild(t *testing.T) {
	start, _ := osThreads{}.nice(os.Getpid())
	want := start + 5 // raising the nice value needs no privilege
	if want > 19 {
		if os.Geteuid() != 0 {
			t.Skipf("nice %d already, and not root to lower it", start)
		}
		want = start - 5
	}
	block := make(chan struct{})
	var wg sync.WaitGroup
	lockThreads(4, block, &wg) // threads that exist before Apply
	m := New()
	if err := m.Apply(Settings{Nice: want}); err != nil {
		t.Fatal(err)
	}
	lockThreads(2, block, &wg) // threads made after: cloned from set ones
	n := checkNice(t, want)
	if os.Geteuid() == 0 { // going back below the current nice needs CAP_SYS_NICE
		if err := m.Apply(Settings{}); err != nil {
			t.Fatal(err)
		}
		checkNice(t, start)
	}
	close(block)
	wg.Wait()
	t.Logf("%d threads checked", n)
}

// lockThreads parks n goroutines each on a thread of its own.
func lockThreads(n int, block chan struct{}, wg *sync.WaitGroup) {
	ready := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			ready <- struct{}{}
			<-block
		}()
		<-ready
	}
}

// checkNice reads every thread's nice value from /proc, not through the
// code under test.
func checkNice(t *testing.T, want int) int {
	tids, err := osThreads{}.list()
	if err != nil {
		t.Fatal(err)
	}
	for _, tid := range tids {
		b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tid) + "/stat")
		if err != nil {
			continue // the thread exited
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		if got, _ := strconv.Atoi(f[16]); got != want { // field 19, nice
			t.Errorf("thread %d: nice %d, want %d", tid, got, want)
		}
	}
	return len(tids)
}
