package ctlapi

import (
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
)

// tokenOwner is the uid a token file must belong to; tests lower it.
var tokenOwner = 0

// LoadToken reads --http-token-file. It refuses a file others can read
// or that root does not own: a token anyone can read is no token.
func LoadToken(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("http token file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("http token file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("http token file %s: not a regular file", path)
	}
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return nil, fmt.Errorf("http token file %s: mode %04o lets group or others read it; chmod 0600 %s", path, m, path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != tokenOwner {
		return nil, fmt.Errorf("http token file %s: owned by uid %d, must be owned by root (chown root %s)", path, st.Uid, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4097))
	if err != nil {
		return nil, fmt.Errorf("http token file: %w", err)
	}
	if len(b) > 4096 {
		return nil, fmt.Errorf("http token file %s: longer than 4096 bytes", path)
	}
	tok := []byte(strings.TrimSpace(string(b)))
	if len(tok) < 16 {
		return nil, fmt.Errorf("http token file %s: token shorter than 16 characters", path)
	}
	return tok, nil
}
