package main

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// version is the package version and the date the files carry.
type version struct {
	deb  string    // Debian version string
	date time.Time // commit time: man page date and file mtimes, so rebuilds are identical
}

// baseVersion is used until the repository has a release tag.
const baseVersion = "0.1.0"

func gitVersion() (version, error) {
	desc, err := git("describe", "--tags", "--always", "--dirty", "--abbrev=12")
	if err != nil {
		return version{}, err
	}
	ts, err := git("log", "-1", "--format=%ct")
	if err != nil {
		return version{}, err
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return version{}, fmt.Errorf("commit time %q: %w", ts, err)
	}
	date := time.Unix(sec, 0).UTC()
	return version{deb: debVersion(desc, date), date: date}, nil
}

func git(args ...string) (string, error) {
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}

var describeRe = regexp.MustCompile(`^v?(\d+(?:\.\d+)*)(?:-(\d+)-g([0-9a-f]+))?(-dirty)?$`)
var hashRe = regexp.MustCompile(`^([0-9a-f]+)(-dirty)?$`)

// debVersion turns `git describe` output into a Debian version that sorts
// right: v1.2.3 → 1.2.3; v1.2.3-4-gHASH → 1.2.3+git4.HASH (after the tag);
// a bare HASH (no tag yet) → 0.1.0~gitYYYYMMDDhhmmss.HASH (before 0.1.0,
// ordered by commit time). A dirty tree adds +dirty / .dirty.
func debVersion(describe string, date time.Time) string {
	if m := describeRe.FindStringSubmatch(describe); m != nil {
		v := m[1]
		if m[2] != "" {
			v += "+git" + m[2] + "." + m[3]
		}
		if m[4] != "" {
			v += "+dirty"
		}
		return v
	}
	v := baseVersion + "~git" + date.Format("20060102150405")
	if m := hashRe.FindStringSubmatch(describe); m != nil {
		v += "." + m[1]
		if m[2] != "" {
			v += ".dirty"
		}
	}
	return v
}
