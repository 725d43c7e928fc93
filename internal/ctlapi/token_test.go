package ctlapi_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/ctlapi"
)

const testToken = "s3cret-token-0123456789"

func TestLoadToken(t *testing.T) {
	defer ctlapi.SetTokenOwner(os.Geteuid())()
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		os.Chmod(p, mode)
		return p
	}
	good := write("good", testToken+"\n", 0o600)
	if tok, err := ctlapi.LoadToken(good); err != nil || string(tok) != testToken {
		t.Errorf("good token file: %q %v", tok, err)
	}
	for _, c := range []struct{ path, msg string }{
		{write("world", testToken, 0o644), "mode 0644 lets group or others read it"},
		{write("group", testToken, 0o640), "mode 0640"},
		{write("short", "abc", 0o600), "shorter than 16"},
		{filepath.Join(dir, "missing"), "no such file"},
		{dir, "not a regular file"},
	} {
		if _, err := ctlapi.LoadToken(c.path); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %q", c.path, err, c.msg)
		}
	}
	ctlapi.SetTokenOwner(os.Geteuid() + 1)
	if _, err := ctlapi.LoadToken(good); err == nil || !strings.Contains(err.Error(), "must be owned by root") {
		t.Errorf("token file of another owner: %v", err)
	}
}
