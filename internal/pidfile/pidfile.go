package pidfile

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Mode is keepalived's pid file mode (S_IRUSR|S_IWUSR|S_IRGRP|S_IROTH).
const Mode os.FileMode = 0o644

// ErrRunning reports that another daemon owns the pid file.
var ErrRunning = errors.New("daemon is already running")

// File is a pid file this process wrote and keeps open (and locked) until
// Remove.
type File struct {
	path string
	f    *os.File
}

// Path is the file's name.
func (p *File) Path() string { return p.path }

// Set is the pid files of one daemon, written together and removed
// together.
type Set []*File

// WriteAll writes pid to every non-empty path. On error the files already
// written are removed again, so a refused start leaves nothing behind.
func WriteAll(paths []string, pid int) (Set, error) {
	var s Set
	for _, p := range paths {
		if p == "" {
			continue
		}
		f, err := Write(p, pid)
		if err != nil {
			s.Remove()
			return nil, err
		}
		s = append(s, f)
	}
	return s, nil
}

// Remove unlinks and closes every file of the set; the errors of files that
// could not be removed are joined.
func (s Set) Remove() error {
	var errs []error
	for _, f := range s {
		errs = append(errs, f.Remove())
	}
	return errors.Join(errs...)
}

// Write creates or takes over path, refusing a symlink, a file locked by
// another process and a file naming another live process; it writes
// "pid\n" and keeps the file open so the lock lasts while the daemon runs.
func Write(path string, pid int) (*File, error) {
	if other, ok := livePid(path, pid); ok {
		return nil, fmt.Errorf("pid file %s: %w (pid %d)", path, ErrRunning, other)
	}
	f, err := create(path)
	if err != nil {
		return nil, fmt.Errorf("pid file %s: %w", path, err)
	}
	if _, err := f.WriteString(strconv.Itoa(pid) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("pid file %s: %w", path, err)
	}
	return &File{path: path, f: f}, nil
}

// Remove unlinks the file (unless another file has replaced it since) and
// closes it, which releases the lock.
func (p *File) Remove() error {
	if p == nil || p.f == nil {
		return nil
	}
	defer func() { p.f.Close(); p.f = nil }()
	if !sameFile(p.path, p.f) {
		return nil // someone else's file now; leave it
	}
	if err := os.Remove(p.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("pid file %s: %w", p.path, err)
	}
	return nil
}

// livePid reads the pid in path (without following a symlink) and says
// whether it names a live process other than self.
func livePid(path string, self int) (int, bool) {
	b, err := readNoFollow(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 || pid == self {
		return 0, false
	}
	return pid, alive(pid)
}

// sameFile says whether path still names the open file f.
func sameFile(path string, f *os.File) bool {
	a, err := os.Lstat(path)
	if err != nil {
		return false
	}
	b, err := f.Stat()
	return err == nil && os.SameFile(a, b)
}
