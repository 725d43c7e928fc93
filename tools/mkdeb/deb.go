package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"
)

// contents lists what the package installs; stage holds the built
// binaries and the gzipped man pages, the rest comes from the repository.
// The helpers go to /usr/libexec/govrrpd, where govrrpd finds them.
func contents(stage string) (files.Contents, error) {
	file := func(src, dst string, mode os.FileMode) *files.Content {
		return &files.Content{Source: src, Destination: dst, FileInfo: &files.ContentFileInfo{Mode: mode}}
	}
	hs, err := helpers()
	if err != nil {
		return nil, err
	}
	c := files.Contents{file(filepath.Join(stage, "govrrpd"), "/usr/sbin/govrrpd", 0o755)}
	for _, h := range hs {
		c = append(c, file(filepath.Join(stage, h), "/usr/libexec/govrrpd/"+h, 0o755))
	}
	return append(c,
		file("dist/govrrpd.service", "/lib/systemd/system/govrrpd.service", 0o644),
		&files.Content{Source: "dist/govrrpd.default", Destination: "/etc/default/govrrpd", Type: files.TypeConfig,
			FileInfo: &files.ContentFileInfo{Mode: 0o644}},
		file(filepath.Join(stage, "govrrpd.8.gz"), "/usr/share/man/man8/govrrpd.8.gz", 0o644),
		file(filepath.Join(stage, "govrrpd.conf.5.gz"), "/usr/share/man/man5/govrrpd.conf.5.gz", 0o644),
		file("examples/keepalived.conf", "/usr/share/doc/govrrpd/examples/keepalived.conf", 0o644),
		file("README.md", "/usr/share/doc/govrrpd/README.md", 0o644),
		file("docs/keywords.md", "/usr/share/doc/govrrpd/keywords.md", 0o644),
	), nil
}

// helpers are the helper commands, cmd/govrrpd-* (govrrpd-bgp for
// --bgp-config, govrrpd-ops for the operator's side, ...), named by their
// directories so that a new one is packaged without a line here.
func helpers() ([]string, error) {
	ents, err := os.ReadDir("cmd")
	if err != nil {
		return nil, fmt.Errorf("helpers: %w", err)
	}
	var hs []string
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "govrrpd-") {
			hs = append(hs, e.Name())
		}
	}
	return hs, nil
}

func debArch(goarch string) string {
	if goarch == "386" {
		return "i386"
	}
	return goarch
}

func writeDeb(path, stage, goarch string, v version) error {
	c, err := contents(stage)
	if err != nil {
		return err
	}
	info := &nfpm.Info{
		Name:          "govrrpd",
		Arch:          goarch,
		Platform:      "linux",
		Version:       v.deb,
		VersionSchema: "none",
		Section:       "admin",
		Priority:      "optional",
		Maintainer:    "govrrpd developers <govrrpd@example.org>",
		Homepage:      "https://github.com/govrrpd/govrrpd",
		Description: "VRRP, IPVS and health-check daemon that replaces keepalived\n" +
			"govrrpd runs keepalived.conf unchanged, with keepalived's command line,\n" +
			"signals and pid files, in one process (with helpers it starts for\n" +
			"the API and the status commands, and for BGP). It installs next to keepalived;\n" +
			"govrrpd.service conflicts with keepalived.service, so only one runs.",
		MTime: v.date,
		Overridables: nfpm.Overridables{
			// The binary is static; iproute2 is for the operator's scripts
			// and the notify examples, not for govrrpd itself.
			Recommends: []string{"iproute2"},
			Suggests:   []string{"ipvsadm"},
			Contents:   c,
			Scripts: nfpm.Scripts{
				PostInstall: "dist/deb/postinst",
				PreRemove:   "dist/deb/prerm",
				PostRemove:  "dist/deb/postrm",
			},
		},
	}
	if err := nfpm.PrepareForPackager(nfpm.WithDefaults(info), "deb"); err != nil {
		return fmt.Errorf("package metadata: %w", err)
	}
	var buf bytes.Buffer
	if err := deb.Default.Package(info, &buf); err != nil {
		return fmt.Errorf("deb: %w", err)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// writeGzip compresses data as gzip -9n does (no name, fixed time).
func writeGzip(path string, data []byte, mtime time.Time) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	zw.ModTime = mtime
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
