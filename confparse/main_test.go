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

// noPoison turns poisoning off, for benchmarks that time the real thing,
// and returns what turns it back on.
func noPoison() func() {
	slabs, lines := poisonSlabs, poisonLines
	poisonSlabs, poisonLines = false, false
	return func() { poisonSlabs, poisonLines = slabs, lines }
}
