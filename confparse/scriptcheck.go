package confparse

import (
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// keepalived decides, once the file is read, whether each script can run at
// all: its notify.c resolves the program (absolute path, or a PATH search
// for a bare name), checks that the user who will run it may execute it,
// and with enable_script_security walks every component of the path for
// anything a non-root user could change. A script that fails is removed
// from the configuration, so it never runs. These are the same rules, on
// the host that reads the file.

// scriptFlags is the verdict keepalived's check_script_secure returns.
type scriptFlags uint8

const (
	scNotFound   scriptFlags = 1 << iota // no such program, or not reachable
	scInhibit                            // may not run: unsafe, or the user cannot be assumed
	scIsScript                           // a program was found (counts for SECURITY VIOLATION)
	scExecutable                         // the user may execute it
	scSystem                             // "</path" file test, never executed
	scInsecure                           // a path component is unsafe
)

// runAs is the identity a script runs with.
type runAs struct{ uid, gid uint32 }

// Host lookups of the script check; variables so tests can answer them.
var (
	scriptLstat = os.Lstat
	scriptStat  = os.Stat
	// scriptPATH is the search path for a bare program name: keepalived
	// uses its own environment's PATH, else confstr(_CS_PATH).
	scriptPATH = func() string {
		if p, ok := os.LookupEnv("PATH"); ok {
			return p
		}
		return "/bin:/usr/bin"
	}
)

// lookupRunAs resolves user and group names as keepalived's set_uid_gid
// does (getpwnam/getgrnam: names only), the group defaulting to the
// user's primary group.
func lookupRunAs(name, group string) (runAs, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return runAs{}, err
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return runAs{}, err
		}
		gid, _ = strconv.ParseUint(g.Gid, 10, 32)
	}
	return runAs{uint32(uid), uint32(gid)}, nil
}

// checkProgram is check_script_secure for argv0 run as who.
func checkProgram(argv0 string, who runAs, security bool) scriptFlags {
	if strings.HasPrefix(argv0, "<") && strings.HasPrefix(strings.TrimLeft(argv0[1:], " \t"), "/") {
		return scSystem
	}
	if !strings.Contains(argv0, "/") {
		p, ok := searchPATH(argv0, who)
		if !ok {
			return scNotFound
		}
		argv0 = p
	}
	real, err := filepath.EvalSymlinks(argv0)
	if err != nil || !reachable(real, who) {
		return scNotFound
	}
	fi, err := scriptStat(real)
	if err != nil {
		return scNotFound
	}
	flags := scIsScript
	if !isExecutable(fi, who) {
		return flags
	}
	flags |= scExecutable
	uid, gid, known := fileOwner(fi)
	if who.uid == 0 || who.gid == 0 || known &&
		(uid == 0 && fi.Mode()&0o100 != 0 && fi.Mode()&fs.ModeSetuid != 0 ||
			gid == 0 && fi.Mode()&0o010 != 0 && fi.Mode()&fs.ModeSetgid != 0) {
		// keepalived runs (and so checks) the resolved path when argv0
		// goes through a symlink: /bin/sh on a merged-/usr system is
		// /usr/bin/dash, and the /bin link itself is not walked.
		flags |= pathSecurity(real, security)
	}
	return flags
}

// searchPATH finds a bare name in PATH, as keepalived's find_path: the
// first regular file the user may execute.
func searchPATH(name string, who runAs) (string, bool) {
	for _, dir := range strings.Split(scriptPATH(), ":") {
		p := filepath.Join(dir, name)
		if dir == "" {
			p = name
		}
		fi, err := scriptStat(p)
		if err == nil && fi.Mode().IsRegular() && isExecutable(fi, who) && reachable(p, who) {
			return p, true
		}
	}
	return "", false
}

// isExecutable is keepalived's is_executable: root needs any x bit; others
// the bit of the class they fall in.
func isExecutable(fi fs.FileInfo, who runAs) bool {
	m := fi.Mode().Perm()
	uid, gid, ok := fileOwner(fi)
	if !ok {
		return m&0o111 != 0
	}
	switch {
	case who.uid == 0:
		return m&0o111 != 0
	case who.uid == uid:
		return m&0o100 != 0
	case who.gid == gid:
		return m&0o010 != 0
	}
	return m&0o001 != 0
}

// reachable reports whether who may search every directory above path
// (keepalived calls realpath under the script's uid/gid).
func reachable(path string, who runAs) bool {
	if who.uid == 0 {
		return true
	}
	for d := filepath.Dir(path); ; d = filepath.Dir(d) {
		fi, err := scriptStat(d)
		if err != nil || !isExecutable(fi, who) {
			return false
		}
		if d == "/" || d == "." {
			return true
		}
	}
}

// pathSecurity is keepalived's check_security: every component of path is
// owned by root and not writable by a non-root group or by others (a
// directory with the sticky bit excepted). An unsafe path inhibits the
// script only when enable_script_security is on.
func pathSecurity(path string, security bool) scriptFlags {
	parts := strings.Split(path, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		if p == "" {
			p = "/"
		} else if i == 0 {
			continue // a relative path starts at its first component
		}
		last := i == len(parts)-1
		fi, err := scriptLstat(p)
		if err != nil {
			return scNotFound
		}
		m := fi.Mode()
		if !last && !m.IsDir() || last && !m.IsRegular() && m&fs.ModeSymlink == 0 {
			return scInhibit
		}
		uid, gid, ok := fileOwner(fi)
		if !ok {
			continue
		}
		writable := (gid != 0 && m.Perm()&0o020 != 0) || m.Perm()&0o002 != 0
		guarded := m.IsDir() && m&fs.ModeSticky == 0 || m.IsRegular()
		if uid != 0 || guarded && writable {
			if security {
				return scInsecure | scInhibit
			}
			return scInsecure
		}
	}
	return 0
}
