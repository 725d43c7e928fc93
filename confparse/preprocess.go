package confparse

import (
	"bufio"
	"fmt"
	"os"
)

// preprocess reads path and hands every resulting source line to emit, in
// order. This is the first stage: the place for includes, conditional
// lines, parameters and sequences, all of which work on raw lines before
// tokenizing, as in keepalived.
func preprocess(path string, opts Options, emit func(SourceLine)) Diagnostics {
	f, err := os.Open(path)
	if err != nil {
		return Diagnostics{{Pos: Pos{File: path}, Severity: Fatal, Msg: fmt.Sprintf("cannot open configuration: %v", err)}}
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		emit(SourceLine{Pos: Pos{File: path, Line: line}, Text: sc.Text()})
	}
	if err := sc.Err(); err != nil {
		return Diagnostics{{Pos: Pos{File: path, Line: line}, Severity: Fatal, Msg: fmt.Sprintf("reading configuration: %v", err)}}
	}
	return nil
}
