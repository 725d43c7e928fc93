//go:build unix

package confparse

import (
	"io/fs"
	"os"
	"path"
	"syscall"
	"testing"
	"time"
)

// Direct tests of keepalived's script path checks (check_security,
// is_executable) against a made-up file system, so that ownership and
// modes no test user can create on the host are covered.

// fakeFile is one entry of the made-up file system.
type fakeFile struct {
	mode     fs.FileMode
	uid, gid uint32
	noOwner  bool // Sys() carries no owner, as on a file system without one
}

type fakeInfo struct {
	name string
	f    fakeFile
}

func (i fakeInfo) Name() string       { return path.Base(i.name) }
func (i fakeInfo) Size() int64        { return 0 }
func (i fakeInfo) Mode() fs.FileMode  { return i.f.mode }
func (i fakeInfo) ModTime() time.Time { return time.Time{} }
func (i fakeInfo) IsDir() bool        { return i.f.mode.IsDir() }
func (i fakeInfo) Sys() any {
	if i.f.noOwner {
		return nil
	}
	return &syscall.Stat_t{Uid: i.f.uid, Gid: i.f.gid}
}

// withFakeFS answers the script checks' stat calls from files for the
// length of the test.
func withFakeFS(t *testing.T, files map[string]fakeFile) {
	t.Helper()
	stat := func(p string) (fs.FileInfo, error) {
		f, ok := files[p]
		if !ok {
			return nil, &fs.PathError{Op: "stat", Path: p, Err: os.ErrNotExist}
		}
		return fakeInfo{p, f}, nil
	}
	oldL, oldS := scriptLstat, scriptStat
	scriptLstat, scriptStat = stat, stat
	t.Cleanup(func() { scriptLstat, scriptStat = oldL, oldS })
}

var rootDirs = map[string]fakeFile{
	"/":    {mode: fs.ModeDir | 0o755},
	"/etc": {mode: fs.ModeDir | 0o755},
}

func fakeFS(extra map[string]fakeFile) map[string]fakeFile {
	out := map[string]fakeFile{}
	for k, v := range rootDirs {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestPathSecurity(t *testing.T) {
	ins := scInsecure | scInhibit
	rows := []struct {
		name    string
		files   map[string]fakeFile
		path    string
		off, on scriptFlags // flags with enable_script_security off, on
	}{
		{"all root, safe modes", map[string]fakeFile{"/etc/s": {mode: 0o755}}, "/etc/s", 0, 0},
		{"missing", nil, "/etc/s", scNotFound, scNotFound},
		{"component not a directory", map[string]fakeFile{"/etc/d": {mode: 0o644}, "/etc/d/s": {mode: 0o755}},
			"/etc/d/s", scInhibit, scInhibit},
		{"target a directory", map[string]fakeFile{"/etc/s": {mode: fs.ModeDir | 0o755}}, "/etc/s", scInhibit, scInhibit},
		{"target a root symlink", map[string]fakeFile{"/etc/s": {mode: fs.ModeSymlink | 0o777}}, "/etc/s", 0, 0},
		{"target owned by a user", map[string]fakeFile{"/etc/s": {mode: 0o755, uid: 1000}}, "/etc/s", scInsecure, ins},
		{"directory owned by a user", map[string]fakeFile{"/etc/u": {mode: fs.ModeDir | 0o755, uid: 1000},
			"/etc/u/s": {mode: 0o755}}, "/etc/u/s", scInsecure, ins},
		{"world-writable directory", map[string]fakeFile{"/etc/w": {mode: fs.ModeDir | 0o777},
			"/etc/w/s": {mode: 0o755}}, "/etc/w/s", scInsecure, ins},
		{"sticky world-writable directory", map[string]fakeFile{"/etc/w": {mode: fs.ModeDir | fs.ModeSticky | 0o777},
			"/etc/w/s": {mode: 0o755}}, "/etc/w/s", 0, 0},
		{"group-writable, group root", map[string]fakeFile{"/etc/s": {mode: 0o775}}, "/etc/s", 0, 0},
		{"group-writable, other group", map[string]fakeFile{"/etc/s": {mode: 0o775, gid: 50}}, "/etc/s", scInsecure, ins},
		{"world-writable target", map[string]fakeFile{"/etc/s": {mode: 0o757}}, "/etc/s", scInsecure, ins},
		{"no owner information", map[string]fakeFile{"/etc/s": {mode: 0o777, noOwner: true}}, "/etc/s", 0, 0},
		{"relative path skips its first part", map[string]fakeFile{"scripts/s": {mode: 0o755}}, "scripts/s", 0, 0},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			withFakeFS(t, fakeFS(r.files))
			if got := pathSecurity(r.path, false); got != r.off {
				t.Errorf("security off: %b, want %b", got, r.off)
			}
			if got := pathSecurity(r.path, true); got != r.on {
				t.Errorf("security on: %b, want %b", got, r.on)
			}
		})
	}
}

// TestIsExecutable: root needs any x bit; anyone else the bit of the one
// class they fall in (owner before group before others), as keepalived's
// is_executable.
func TestIsExecutable(t *testing.T) {
	user := runAs{uid: 1000, gid: 100}
	rows := []struct {
		name string
		f    fakeFile
		who  runAs
		want bool
	}{
		{"root, others' bit", fakeFile{mode: 0o701, uid: 5, gid: 5}, runAs{}, true},
		{"root, no bit", fakeFile{mode: 0o644}, runAs{}, false},
		{"owner bit", fakeFile{mode: 0o700, uid: 1000, gid: 5}, user, true},
		{"owner without owner bit", fakeFile{mode: 0o071, uid: 1000, gid: 100}, user, false},
		{"group bit", fakeFile{mode: 0o010, uid: 5, gid: 100}, user, true},
		{"group without group bit", fakeFile{mode: 0o701, uid: 5, gid: 100}, user, false},
		{"others' bit", fakeFile{mode: 0o001, uid: 5, gid: 5}, user, true},
		{"others without bit", fakeFile{mode: 0o770, uid: 5, gid: 5}, user, false},
		{"no owner, any bit", fakeFile{mode: 0o010, noOwner: true}, user, true},
		{"no owner, no bit", fakeFile{mode: 0o644, noOwner: true}, user, false},
	}
	for _, r := range rows {
		if got := isExecutable(fakeInfo{"/x", r.f}, r.who); got != r.want {
			t.Errorf("%s: %v, want %v", r.name, got, r.want)
		}
	}
}

// TestReachable: a user must be able to search every directory above the
// script; root always can.
func TestReachable(t *testing.T) {
	user := runAs{uid: 1000, gid: 100}
	withFakeFS(t, fakeFS(map[string]fakeFile{
		"/etc/open":   {mode: fs.ModeDir | 0o755},
		"/etc/closed": {mode: fs.ModeDir | 0o750},
		"/etc/mine":   {mode: fs.ModeDir | 0o700, uid: 1000},
	}))
	rows := []struct {
		path string
		who  runAs
		want bool
	}{
		{"/etc/open/s", user, true},
		{"/etc/closed/s", user, false},
		{"/etc/closed/s", runAs{}, true},
		{"/etc/mine/s", user, true},
		{"/etc/gone/s", user, false},
		{"rel/s", user, false},
	}
	for _, r := range rows {
		if got := reachable(r.path, r.who); got != r.want {
			t.Errorf("reachable(%q, %+v) = %v, want %v", r.path, r.who, got, r.want)
		}
	}
}

// TestCheckerDefaultUser: a checker script that names no user runs as
// script_user, else keepalived_script, else root — and root is refused
// under enable_script_security. (keepalived_script is taken as absent:
// whether a host has it is not the test's to assume.)
func TestCheckerDefaultUser(t *testing.T) {
	nobody, err := lookupRunAs("nobody", "")
	if err != nil {
		t.Skipf("no user nobody on this host: %v", err)
	}
	rows := []struct {
		name   string
		user   string
		secure bool
		who    runAs
		ok     bool
	}{
		{"script_user", "nobody", true, nobody, true},
		{"script_user unknown", "no_such_user_h21", false, runAs{}, false},
		{"root allowed", "", false, runAs{}, true},
		{"root refused", "", true, runAs{}, false},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			old := userExists
			userExists = func(string) bool { return false } // no keepalived_script user
			defer func() { userExists = old }()
			c := &Config{}
			c.Global.ScriptUser, c.Global.EnableScriptSecurity = r.user, r.secure
			who, ok := checkerDefaultUser(c)
			if who != r.who || ok != r.ok {
				t.Errorf("got %+v, %v; want %+v, %v", who, ok, r.who, r.ok)
			}
		})
	}
}
