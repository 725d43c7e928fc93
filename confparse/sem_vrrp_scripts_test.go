package confparse

import (
	"os"
	"path/filepath"
	"testing"
)

// keepalived's resolution of scripts once the file is read, under
// enable_script_security: a tracked or notify script that cannot run is
// removed, and every instance and sync group tracking it stops tracking it
// (each verdict measured with keepalived 2.2.7 -t).
func TestScriptResolution(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the paths must be owned by root to be secure")
	}
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	file := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok, plain, open := file("ok", 0o755), file("plain", 0o644), filepath.Join(dir, "open")
	if err := os.MkdirAll(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	insecure := filepath.Join(open, "chk")
	if err := os.WriteFile(insecure, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := userExists
	userExists = func(string) bool { return false } // no keepalived_script user
	defer func() { userExists = old }()

	// Lines: global_defs 1-4, vrrp_script s 5-7 (script on 6), the group
	// 8-15, VI_1 from 16, VI_2 from 26.
	cfg := func(scriptLine, notify string) string {
		return gdefs("enable_script_security", "script_user root") + "vrrp_script s {\n script " + scriptLine + "\n}\n" +
			"vrrp_sync_group G {\n group {\n  VI_1 VI_2\n }\n track_script {\n  s\n }\n}\n" +
			instN(1, "track_script {\ns\n}") + instN(2, notify)
	}
	tracked := func(want bool) func(*Config) bool {
		return func(c *Config) bool {
			n := len(c.Scripts) == 1
			return n == want && (len(c.Instances[0].TrackScripts) == 1) == want && (len(c.SyncGroups[0].TrackScripts) == 1) == want
		}
	}
	notify := func(set bool) func(*Config) bool {
		return func(c *Config) bool { return c.Instances[1].Notifies().Master.IsZero() != set }
	}
	rows := []semRow{
		{"runs", cfg(ok, "notify_master "+ok), func(c *Config) bool { return tracked(true)(c) && notify(true)(c) }, nil},
		{"not found", cfg(dir+"/absent", ""), tracked(false),
			[]want{warnAt(6, "Disabling track script s since not found/accessible")}},
		{"not executable", cfg(plain, ""), tracked(false),
			[]want{infoAt(6, "WARNING - script '"+plain+"' is not executable for uid:gid 0:0 - disabling.")}},
		{"in a directory others may write", cfg(insecure, ""), tracked(false),
			[]want{warnAt(6, "Disabling track script s due to insecure")}},
		{"user that does not exist", cfg(ok+" nosuchuser-h14", ""), tracked(false),
			[]want{warnAt(6, "Unable to set uid/gid for script "+ok)}},
		{"notify not found", cfg(ok, "notify_master "+dir+"/absent"), notify(false),
			[]want{infoAt(25+instBody, "notify script "+dir+"/absent cannot run (not found or insecure) - disabling")}},
		{"notify of a user that does not exist", cfg(ok, "notify_master "+ok+" nosuchuser-h14"), notify(false),
			[]want{warnAt(25+instBody, "Failed to set default user for notify script "+ok+" - ignoring")}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c, d := loadString(t, r.src)
			if !r.ok(c) {
				t.Errorf("settings wrong: scripts %+v instances %+v groups %+v", c.Scripts, c.Instances, c.SyncGroups)
			}
			matchDiags(t, d, r.diags)
		})
	}
}

// Without script_user and without a keepalived_script user, security on
// leaves no one to run a script that names no user.
func TestScriptNoDefaultUser(t *testing.T) {
	old := userExists
	userExists = func(string) bool { return false }
	defer func() { userExists = old }()
	src := gdefs("enable_script_security") + scriptDef("s") + inst("track_script {\ns\n}")
	c, d := loadString(t, src)
	if len(c.Scripts) != 0 || len(c.Instances[0].TrackScripts) != 0 {
		t.Errorf("script kept: %+v %+v", c.Scripts, c.Instances[0].TrackScripts)
	}
	matchDiags(t, d, []want{warnAt(5, "Unable to set default user keepalived_script for script"),
		warnAt(5, "Unable to set default user for vrrp script s - removing")})
}
