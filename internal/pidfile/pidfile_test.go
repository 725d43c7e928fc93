package pidfile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

func TestWriteRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "passwd")
	if err := os.WriteFile(target, []byte("root:x:0:0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "keepalived.pid")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(link, os.Getpid()); err == nil {
		t.Fatal("Write through a symlink succeeded")
	} else if !errors.Is(err, syscall.ELOOP) {
		t.Errorf("err = %v, want ELOOP", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "root:x:0:0\n" {
		t.Errorf("symlink target changed: %q", b)
	}
}

func TestWriteModeIgnoresUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	p := filepath.Join(t.TempDir(), "a.pid")
	f, err := Write(p, 4242)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Remove()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != Mode {
		t.Errorf("mode %v, want %v", st.Mode().Perm(), Mode)
	}
	if b, _ := os.ReadFile(p); string(b) != "4242\n" {
		t.Errorf("content %q", b)
	}
}

func TestWriteRefusesRunningDaemon(t *testing.T) {
	dir := t.TempDir()
	self := os.Getpid()
	tests := []struct {
		name    string
		setup   func(p string) func()
		running bool
	}{
		{"absent", func(string) func() { return func() {} }, false},
		{"stale pid", func(p string) func() {
			os.WriteFile(p, []byte("999999999\n"), 0o644)
			return func() {}
		}, false},
		{"garbage", func(p string) func() {
			os.WriteFile(p, []byte("not a pid\n"), 0o644)
			return func() {}
		}, false},
		{"our own pid", func(p string) func() {
			os.WriteFile(p, []byte(strconv.Itoa(self)+"\n"), 0o644)
			return func() {}
		}, false},
		{"live unlocked pid (keepalived 2.2.7)", func(p string) func() {
			os.WriteFile(p, []byte(strconv.Itoa(os.Getppid())+"\n"), 0o644)
			return func() {}
		}, true},
		{"locked by another open file", func(p string) func() {
			f, err := Write(p, self)
			if err != nil {
				t.Fatal(err)
			}
			return func() { f.Remove() }
		}, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strconv.Itoa(i)+".pid")
			done := tt.setup(p)
			defer done()
			f, err := Write(p, self)
			if got := errors.Is(err, ErrRunning); got != tt.running {
				t.Fatalf("running = %v (err %v), want %v", got, err, tt.running)
			}
			if err == nil {
				f.Remove()
			}
		})
	}
}

func TestRemove(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pid")
	f, err := Write(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pid file left behind: %v", err)
	}
	// A file that replaced ours (another daemon took over) is not ours to
	// remove.
	f, err = Write(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
	os.WriteFile(p, []byte("77\n"), 0o644)
	if err := f.Remove(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "77\n" {
		t.Errorf("replaced pid file removed or changed: %q", b)
	}
}

func TestWriteAllRollsBack(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "main.pid")
	link := filepath.Join(dir, "vrrp.pid")
	os.Symlink(filepath.Join(dir, "elsewhere"), link)
	if _, err := WriteAll([]string{good, "", link}, os.Getpid()); err == nil {
		t.Fatal("WriteAll accepted a symlink")
	}
	if _, err := os.Lstat(good); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("first pid file not rolled back: %v", err)
	}
	s, err := WriteAll([]string{good, ""}, os.Getpid())
	if err != nil || len(s) != 1 {
		t.Fatalf("WriteAll = %v, %v", s, err)
	}
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
}
