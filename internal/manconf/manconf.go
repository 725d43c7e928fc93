package manconf

import (
	"fmt"
	"strings"
)

// Table is the keyword table: its sections in order.
type Table struct {
	Sections []Section
}

// Section is one "## heading" of the table: prose and keyword rows.
type Section struct {
	Title string
	Prose []string // paragraphs outside tables, markdown inline
	Rows  []Row
}

// Row is one table row: the keywords it names, their status (the table's
// "class" or "status" column) and a note.
type Row struct {
	Cell     string   // the keyword cell as written (markdown inline)
	Keywords []string // the backquoted words of Cell
	Status   string
	Note     string
}

// Keywords returns the backquoted words of a cell: each non-empty run
// between two backquotes, left to right. A scan, not a regular expression
// compiled at start: every daemon links this package for its manual page.
func Keywords(cell string) []string {
	var out []string
	for {
		i := strings.IndexByte(cell, '`')
		if i < 0 {
			return out
		}
		rest := cell[i+1:]
		j := strings.IndexByte(rest, '`')
		switch {
		case j < 0:
			return out
		case j == 0:
			cell = rest // an empty pair: the second quote may open a word
		default:
			out = append(out, rest[:j])
			cell = rest[j+1:]
		}
	}
}

// Parse reads the markdown keyword table. Every table needs a "keyword"
// column and a "class" or "status" column; a row without a status is an
// error naming name:line, as is a table without those columns.
func Parse(name string, src []byte) (*Table, error) {
	t := &Table{}
	var (
		sec        *Section
		cols       map[string]int // column index by header word; nil outside a table
		para       []string
		inHeaderOf bool // the next line is the |---| separator
	)
	flush := func() {
		if len(para) > 0 && sec != nil {
			sec.Prose = append(sec.Prose, strings.Join(para, " "))
		}
		para = nil
	}
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "## "):
			flush()
			t.Sections = append(t.Sections, Section{Title: strings.TrimPrefix(line, "## ")})
			sec, cols = &t.Sections[len(t.Sections)-1], nil
		case strings.HasPrefix(line, "|"):
			flush()
			cells := splitRow(line)
			switch {
			case inHeaderOf:
				inHeaderOf = false // the |---| line
			case cols == nil:
				var err error
				if cols, err = header(cells); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
				}
				inHeaderOf = true
			default:
				if sec == nil {
					return nil, fmt.Errorf("%s:%d: table row before any ## section", name, i+1)
				}
				r, err := row(cells, cols)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
				}
				sec.Rows = append(sec.Rows, r)
			}
		case line == "":
			flush()
			cols = nil
		case strings.HasPrefix(line, "# "):
			// the document title; the man page has its own
		default:
			cols = nil
			if sec != nil {
				para = append(para, line)
			}
		}
	}
	flush()
	if len(t.Sections) == 0 {
		return nil, fmt.Errorf("%s: no ## sections", name)
	}
	return t, nil
}

func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

func header(cells []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, c := range cells {
		switch strings.ToLower(c) {
		case "keyword", "keywords":
			cols["keyword"] = i
		case "class", "status":
			cols["status"] = i
		case "note", "notes":
			cols["note"] = i
		}
	}
	if _, ok := cols["keyword"]; !ok {
		return nil, fmt.Errorf("table header %q has no keyword column", strings.Join(cells, " | "))
	}
	if _, ok := cols["status"]; !ok {
		return nil, fmt.Errorf("table header %q has no class or status column", strings.Join(cells, " | "))
	}
	return cols, nil
}

func row(cells []string, cols map[string]int) (Row, error) {
	get := func(k string) string {
		if i, ok := cols[k]; ok && i < len(cells) {
			return cells[i]
		}
		return ""
	}
	r := Row{Cell: get("keyword"), Status: get("status"), Note: get("note")}
	r.Keywords = Keywords(r.Cell)
	if len(r.Keywords) == 0 {
		return r, fmt.Errorf("row %q names no `keyword`", r.Cell)
	}
	if r.Status == "" {
		return r, fmt.Errorf("row %q has no status", r.Cell)
	}
	return r, nil
}

// Statuses maps "section/keyword" to its status, for comparing the table
// with a rendered page or with the parser's registry.
func (t *Table) Statuses() map[string]string {
	m := map[string]string{}
	for _, s := range t.Sections {
		for _, r := range s.Rows {
			for _, k := range r.Keywords {
				m[s.Title+"/"+k] = r.Status
			}
		}
	}
	return m
}
