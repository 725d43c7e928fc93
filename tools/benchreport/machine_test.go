package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A redraw with -from must name the run's date, commit and load, not its own.
func TestEnvKeptWithOutputs(t *testing.T) {
	dir := t.TempDir()
	want := &env{date: "2026-12-06 15:24 UTC", cpu: "AMD EPYC", mem: "23.5 GiB", kernel: "6.1.0",
		commit: "4c3911bb7e4d", keepalived: "Keepalived v2.2.7", cores: 2,
		loadStart: "0.61 0.65 0.79", loadEnd: "1.21 1.91 3.58"}
	if err := want.save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := loadEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loaded %+v, want %+v", got, want)
	}
	if _, err := loadEnv(t.TempDir()); !os.IsNotExist(err) {
		t.Errorf("no env.json: err %v, want not-exist", err)
	}
	if err := os.WriteFile(filepath.Join(dir, envFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadEnv(dir); err == nil {
		t.Error("a broken env.json was accepted")
	}
}
