package pidfile

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// create opens path as keepalived's create_pidfile does: O_NOFOLLOW so a
// symlink is refused (ELOOP), an OFD write lock so a second daemon is
// refused, a check that the name still points at the file we locked (it
// may have been replaced between open and lock), then truncation.
func create(path string) (*os.File, error) {
	for range 5 {
		fd, err := unix.Open(path, unix.O_NOFOLLOW|unix.O_CREAT|unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, uint32(Mode))
		if errors.Is(err, unix.ELOOP) {
			return nil, fmt.Errorf("refusing a symbolic link: %w", err)
		}
		if err != nil {
			return nil, err
		}
		f := os.NewFile(uintptr(fd), path)
		lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
		if err := unix.FcntlFlock(uintptr(fd), unix.F_OFD_SETLK, &lk); err != nil {
			f.Close()
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
				return nil, fmt.Errorf("%w: another process holds its lock", ErrRunning)
			}
			return nil, fmt.Errorf("lock: %w", err)
		}
		if !sameFile(path, f) {
			f.Close()
			continue // removed or replaced since we opened it
		}
		// keepalived clears the umask bits that would narrow rw-r--r--;
		// an fchmod has the same effect without touching the process umask.
		if err := f.Chmod(Mode); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
	return nil, errors.New("the file keeps being replaced")
}

func readNoFollow(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64))
}

func alive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}
