package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/status"
)

// object is one configuration block and where it is written.
type object struct {
	Kind, Name, At string
	// Keys are the settings its form changes; none: edit it as text.
	Keys []string
}

// running reads the configuration the daemon was started with, for its
// file list and object positions; it is read-only.
func (c *Console) running() (*confparse.Config, confparse.Diagnostics) {
	return confparse.Load(c.o.ConfigFile, c.o.ConfigOptions)
}

// objects lists the blocks with their file:line and the files they are
// in (the main file first), which are the only files the editor opens.
func objects(main string, cfg *confparse.Config) ([]object, []string) {
	var objs []object
	files := []string{main}
	add := func(kind, name, at string) {
		objs = append(objs, object{kind, name, at, objectKeys(kind)})
		if i := strings.LastIndexByte(at, ':'); i > 0 && !slices.Contains(files, at[:i]) {
			files = append(files, at[:i])
		}
	}
	if cfg == nil {
		return nil, files
	}
	for _, in := range cfg.Instances {
		add("vrrp_instance", in.Name, in.Source.String())
	}
	for _, g := range cfg.SyncGroups {
		add("vrrp_sync_group", g.Name, g.Source.String())
	}
	for _, s := range cfg.Scripts {
		add("vrrp_script", s.Name, s.Source)
	}
	for _, vs := range cfg.VirtualServers {
		add("virtual_server", vs.Key(), vs.Source.String())
		for _, rs := range vs.Reals {
			add("real_server", rs.Addr.String(), rs.Source.String())
		}
	}
	for _, ck := range cfg.Checkers {
		add("checker", fmt.Sprintf("%s %s", ck.Kind, ck.Target.Real), ck.Source.String())
	}
	return objs, files
}

func (c *Console) configView(w http.ResponseWriter, r *http.Request) {
	running, err := c.runningHash(r.Context())
	if err != nil {
		c.fail(w, r, http.StatusServiceUnavailable, err.Error())
		return
	}
	cfg, diags := c.running()
	objs, files := objects(c.o.ConfigFile, cfg)
	c.render(w, r, "config", configData{Objects: objs, Files: files, Diags: messages(diags), Running: running})
}

// runningHash is the daemon's configuration hash (all files, includes
// expanded).
func (c *Console) runningHash(ctx context.Context) (string, error) {
	d, err := c.snapshot(ctx)
	if err != nil {
		return "", fmt.Errorf("snapshot: %w", err)
	}
	return d.ConfigHash, nil
}

func messages(ds confparse.Diagnostics) []string {
	var out []string
	for _, d := range ds.Sorted() {
		out = append(out, d.String())
	}
	return out
}

// editable resolves the file a form names: only a file of the running
// configuration, never a path of the caller's choosing.
func (c *Console) editable(name string) (string, bool) {
	cfg, _ := c.running()
	_, files := objects(c.o.ConfigFile, cfg)
	return name, slices.Contains(files, name)
}

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// editState is what the edit page shows.
type editState struct {
	File, Text, Hash string
	// Running is the daemon's configuration hash when the form was
	// loaded: a save to any file of the configuration (another
	// editor's, or a reload of a file changed by hand) changes it.
	Running string
	// Planned is the hash of the text whose plan was shown: apply takes
	// only that text, so nothing is written that was not planned.
	Planned          string
	Errors, Warnings []string
	Plan             *status.Plan
	Conflict         string
	Result           *status.Reload
}

func (c *Console) editForm(w http.ResponseWriter, r *http.Request) {
	if !c.o.AllowEdit {
		c.fail(w, r, http.StatusForbidden, "configuration editing is off: start govrrpd with --http-allow-edit")
		return
	}
	file, ok := c.editable(r.FormValue("file"))
	if !ok {
		c.fail(w, r, http.StatusNotFound, "not a file of the running configuration: "+strconv.Quote(r.FormValue("file")))
		return
	}
	b, err := os.ReadFile(file)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	running, err := c.runningHash(r.Context())
	if err != nil {
		c.fail(w, r, http.StatusServiceUnavailable, err.Error())
		return
	}
	c.render(w, r, "edit", editState{File: file, Text: redact(string(b)), Hash: hashOf(b), Running: running})
}

// includeLine is an include directive; its absolute paths into the
// configuration directory must read the copy, or an edited included file
// would be checked as it was before the edit.
var includeLine = lazy[*regexp.Regexp]{build: func() *regexp.Regexp { return regexp.MustCompile(`(?m)^[ \t]*include[ \t].*$`) }}

// intoCopy points the include lines of b under dir at tmp.
func intoCopy(b []byte, dir, tmp string) []byte {
	return includeLine.get().ReplaceAllFunc(b, func(l []byte) []byte {
		return []byte(strings.ReplaceAll(string(l), dir+"/", tmp+"/"))
	})
}

// copyTree copies the regular files under dir (the main file's
// directory, where relative includes point) into a new temporary
// directory, so an edited file is read with its includes as a reload
// would read it, and nothing on disk changes.
func copyTree(dir string) (string, error) {
	tmp, err := os.MkdirTemp("", "govrrpd-console-")
	if err != nil {
		return "", err
	}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		dst := filepath.Join(tmp, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, 0o700)
		case !d.Type().IsRegular() || strings.HasSuffix(p, ".govrrpd-prev"):
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, intoCopy(b, dir, tmp), 0o600)
	})
	if err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return tmp, nil
}
