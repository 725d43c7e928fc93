package confparse

import (
	"os"
	"testing"
)

// Every test of the package runs with recycled memory poisoned: node slabs
// are overwritten once their statement is analysed, borrowed lines once
// they are processed, so a test whose configuration made anything keep
// them fails on the junk instead of passing by luck.
func TestMain(m *testing.M) {
	poisonSlabs, poisonLines = true, true
	os.Exit(m.Run())
}
