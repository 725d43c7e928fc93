package confparse

import (
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Load recycles each statement's node memory for the next statement. A
// handler that kept a node (or its Args or Children) past its statement
// would read the next statement's words, or, with poisonSlabs, junk: every
// configuration in testdata must load to the same Config and diagnostics
// as without recycling.
func TestRecycledNodesAreNotKept(t *testing.T) {
	var files []string
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".dump") && !strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(t.TempDir(), "large.conf")
	if _, err := writeLargeConf(large, 50, 4); err != nil {
		t.Fatal(err)
	}
	files = append(files, large)
	opts := Options{ConfigID: "recycle-test", InterfaceExists: func(string) bool { return true }, CheckInterfaces: true}
	for _, f := range files {
		fresh, fd := load(f, opts, false)
		recycled, rd := load(f, opts, true)
		if !reflect.DeepEqual(fd, rd) {
			t.Errorf("%s: diagnostics differ when nodes are recycled:\nfresh    %v\nrecycled %v", f, fd, rd)
		}
		if !reflect.DeepEqual(fresh, recycled) {
			var a, b strings.Builder
			Print(&a, fresh)
			Print(&b, recycled)
			t.Errorf("%s: configuration differs when nodes are recycled:\nfresh:\n%s\nrecycled:\n%s", f, a.String(), b.String())
		}
	}
	if len(files) < 50 {
		t.Fatalf("only %d configurations found", len(files))
	}
}
