package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const inputsMain = `global_defs {
    router_id r1
}
include conf.d/*.conf
include extra.conf
`

const inputsInst = `vrrp_instance VI_1 {
    interface lo
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.200/24
    }
}
`

// inputsDir writes a configuration with a glob include and a plain one,
// and returns the main file's path.
func inputsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"keepalived.conf": inputsMain, "conf.d/a.conf": inputsInst, "extra.conf": "# nothing yet\n"}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "keepalived.conf")
}

// loadLater loads path as a daemon would and moves the record's clock an
// hour on, so that every file read counts as long unchanged (settled
// after the first check).
func loadLater(t *testing.T, path string) *Inputs {
	t.Helper()
	_, diags, in := LoadInputs(path, Options{ConfigID: "r1"})
	for _, d := range diags {
		if d.Severity == Fatal {
			t.Fatalf("load: %v", d)
		}
	}
	in.now = func() time.Time { return time.Now().Add(time.Hour) }
	return in
}

// waitTick waits until the kernel's clock has moved past path's last
// change, so that the next write gives it a new ctime.
func waitTick(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	last := idOf(st).changed()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(last.Add(50 * time.Millisecond)); {
		if time.Now().After(deadline) {
			t.Fatal("clock never passed the file's ctime")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestInputsChanged(t *testing.T) {
	cases := []struct {
		name string
		edit func(t *testing.T, dir string)
		want string // substring of Changed(); "" for unchanged
	}{
		{"same bytes", func(*testing.T, string) {}, ""},
		{"rewritten with the same bytes", func(t *testing.T, dir string) {
			// An editor that writes a new file and renames it over the old
			// one: a new inode, the same content.
			tmp := filepath.Join(dir, "conf.d/.a.tmp")
			if err := os.WriteFile(tmp, []byte(inputsInst), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, filepath.Join(dir, "conf.d/a.conf")); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"one byte changed, mtime restored", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "conf.d/a.conf")
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			waitTick(t, p)
			if err := os.WriteFile(p, []byte(strings.Replace(inputsInst, "100", "101", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
				t.Fatal(err)
			}
			if now, _ := os.Stat(p); now.Size() != st.Size() || !now.ModTime().Equal(st.ModTime()) {
				t.Fatal("size or mtime not restored")
			}
		}, "conf.d/a.conf: content changed"},
		{"new file matching the include glob", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "conf.d/b.conf"), []byte("# empty\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "conf.d/*.conf: changed"},
		{"a file of the glob removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "conf.d/a.conf")); err != nil {
				t.Fatal(err)
			}
		}, "a.conf"},
		{"plain include removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "extra.conf")); err != nil {
				t.Fatal(err)
			}
		}, "extra.conf"},
		{"include made executable", func(t *testing.T, dir string) {
			if err := os.Chmod(filepath.Join(dir, "extra.conf"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, "extra.conf: not a regular non-executable file"},
		{"main file grows", func(t *testing.T, dir string) {
			f, err := os.OpenFile(filepath.Join(dir, "keepalived.conf"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("# a comment\n"); err != nil {
				t.Fatal(err)
			}
		}, "keepalived.conf: size changed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := inputsDir(t)
			in := loadLater(t, path)
			if got := in.Changed(); got != "" {
				t.Fatalf("right after the load: %q", got)
			}
			c.edit(t, filepath.Dir(path))
			got := in.Changed()
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("Changed() = %q, want %q", got, c.want)
			}
		})
	}
}

// TestInputsSettled: once settled, an unchanged file is not read again;
// a file read right after it was written is hashed until it settles.
func TestInputsSettled(t *testing.T) {
	path := inputsDir(t)
	_, _, in := LoadInputs(path, Options{ConfigID: "r1"})
	if len(in.Files()) != 3 {
		t.Fatalf("files read: %v, want the main file and both includes", in.Files())
	}
	// Just written: within racyWindow, the stat proves nothing.
	if d, unsettled := in.SettleIn(); d <= 0 || !unsettled {
		t.Errorf("SettleIn() = %v, %v for files written just now", d, unsettled)
	}
	if got := in.Changed(); got != "" || in.hashed != 3 {
		t.Fatalf("Changed() = %q after hashing %d files; want unchanged, 3 hashed", got, in.hashed)
	}
	in.now = func() time.Time { return time.Now().Add(time.Hour) }
	// A file written just before a parse that outlasted the racy window:
	// unsettled, and settling it need not wait.
	if d, unsettled := in.SettleIn(); d != 0 || !unsettled {
		t.Errorf("SettleIn() = %v, %v an hour on; want 0, true", d, unsettled)
	}
	in.Changed() // hashes again, now settling every entry
	in.hashed = 0
	for range 3 {
		if got := in.Changed(); got != "" {
			t.Fatalf("Changed() = %q", got)
		}
	}
	if d, unsettled := in.SettleIn(); in.hashed != 0 || unsettled || d != 0 {
		t.Errorf("settled files: %d hashed, SettleIn %v, %v; want none, 0, false", in.hashed, d, unsettled)
	}
}

func TestInputsHostAnswers(t *testing.T) {
	cases := []struct {
		name, text string
		change     func(t *testing.T)
		want       string
	}{
		{"unseeded _RANDOM", "router_id ${_RANDOM 1 100}\n", nil, "${_RANDOM} without random_seed"},
		{"seeded _RANDOM", "random_seed 42\nrouter_id ${_RANDOM 1 100}\n", nil, ""},
		{"_ENV unchanged", "router_id ${_ENV GOVRRPD_INPUTS_TEST}\n", nil, ""},
		{"_ENV changed", "router_id ${_ENV GOVRRPD_INPUTS_TEST}\n", func(t *testing.T) {
			t.Setenv("GOVRRPD_INPUTS_TEST", "other")
		}, "environment GOVRRPD_INPUTS_TEST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GOVRRPD_INPUTS_TEST", "secret-value")
			path := filepath.Join(t.TempDir(), "k.conf")
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			in := loadLater(t, path)
			if c.change != nil {
				c.change(t)
			}
			got := in.Changed()
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("Changed() = %q, want %q", got, c.want)
			}
			if strings.Contains(got, "secret-value") {
				t.Errorf("Changed() = %q shows the variable's value", got)
			}
		})
	}
}

func TestInputsCheckInterfacesIsVolatile(t *testing.T) {
	path := inputsDir(t)
	_, _, in := LoadInputs(path, Options{ConfigID: "r1", CheckInterfaces: true, InterfaceExists: func(string) bool { return true }})
	if got := in.Changed(); !strings.Contains(got, "-t") {
		t.Errorf("Changed() = %q, want the -t reason", got)
	}
	var none *Inputs
	if got := none.Changed(); got == "" {
		t.Error("a nil record claims nothing changed")
	}
}

// TestInputsScripts: a script the configuration names is part of what a
// load read — not its bytes (keepalived runs whatever the file holds when
// it runs it) but its verdict: made non-executable, removed or made
// unsafe, a new load would disable it, so the reload must read.
func TestInputsScripts(t *testing.T) {
	cases := []struct {
		name string
		edit func(t *testing.T, script string)
		want string // substring of Changed(); "" for unchanged
	}{
		{"untouched", func(*testing.T, string) {}, ""},
		{"its text edited", func(t *testing.T, p string) {
			if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"made non-executable", func(t *testing.T, p string) {
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "script " + "SCRIPT"},
		{"removed", func(t *testing.T, p string) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		}, "script " + "SCRIPT"},
		{"made writable by others", func(t *testing.T, p string) {
			if err := os.Chmod(p, 0o757); err != nil {
				t.Fatal(err)
			}
		}, "script " + "SCRIPT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			script := filepath.Join(dir, "chk.sh")
			if err := os.WriteFile(script, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			conf := "global_defs {\n    enable_script_security\n    script_user root\n}\nvrrp_script chk {\n    script \"" + script + "\"\n}\n" +
				strings.Replace(inputsInst, "    priority 100\n", "    priority 100\n    track_script {\n        chk\n    }\n", 1)
			path := filepath.Join(dir, "keepalived.conf")
			if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
				t.Fatal(err)
			}
			in := loadLater(t, path)
			if got := in.Changed(); got != "" {
				t.Fatalf("right after the load: %q", got)
			}
			c.edit(t, script)
			want := strings.ReplaceAll(c.want, "SCRIPT", script)
			got := in.Changed()
			if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
				t.Errorf("Changed() = %q, want %q", got, want)
			}
		})
	}
}
